"""An account's OAuth2 settings: which SASL mechanism, and where access tokens come from.

Two shapes, as in other mail tools: ``oauth2_token_command`` (any helper that prints an
access token, e.g. oama or pizauth), or a built-in provider (``oauth2_provider`` with the
user's own ``oauth2_client_id``) whose refresh token ``followthrough login`` stores.
Pure: the table is read and validated here, nothing is fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from followthrough.config.reader import TableReader

MECHANISMS = ("auto", "xoauth2", "oauthbearer")
PROVIDERS = ("microsoft", "google", "custom")
FLOWS = ("device", "browser")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Keys that only mean something with a built-in provider.
PROVIDER_KEYS = ("oauth2_client_id", "oauth2_client_secret", "oauth2_tenant", "oauth2_issuer",
                 "oauth2_scopes", "oauth2_flow", "oauth2_refresh_token_command",
                 "oauth2_refresh_token_save_command")


@dataclass(frozen=True)
class OAuth2Settings:
    mechanism: str = "auto"  # "auto": OAUTHBEARER if the server offers it, else XOAUTH2
    token_command: str | None = None  # prints an access token; run per connection
    provider: str | None = None  # "microsoft", "google" or "custom"
    client_id: str | None = None
    client_secret: str | None = None  # Google "Desktop app" clients have one; not secret
    tenant: str = "common"  # Microsoft only
    issuer: str | None = None  # custom only: discovery at <issuer>/.well-known/...
    scopes: tuple[str, ...] = ()  # empty: the provider's default
    flow: str = "device"  # how `followthrough login` signs in
    refresh_token_command: str | None = None  # prints the refresh token (headless boxes)
    refresh_token_save_command: str | None = None  # receives a new one on standard input

    @property
    def source(self) -> str:
        return "oauth2_token_command" if self.token_command else f"{self.provider} sign-in"


def issuer_problem(url: str) -> str | None:
    """An issuer must be https (plain http only on this machine's loopback)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return None
    return f"{url!r} is not an https URL"


def read_oauth2(reader: TableReader, has_password_command: bool) -> OAuth2Settings | None:
    """The OAuth2 keys of one [[account]] table; None when the account uses a password."""
    token_command = reader.string("oauth2_token_command")
    provider = reader.string("oauth2_provider", choices=PROVIDERS)
    mechanism = reader.string("oauth2_mechanism", "auto", choices=MECHANISMS) or "auto"
    if token_command is None and provider is None:
        used = [k for k in (*PROVIDER_KEYS, "oauth2_mechanism") if reader.has(k)]
        for key in used:
            reader.problem(key, "is set, but the account signs in with a password",
                           "oauth2_token_command or oauth2_provider as well, or no oauth2_ keys")
        _mark_read(reader, PROVIDER_KEYS)
        return None
    if token_command and provider:
        reader.problem("oauth2_provider", "is set together with oauth2_token_command",
                       "one of them: a helper command, or the built-in sign-in")
    if has_password_command:
        reader.problem("password_command", "is set on an OAuth2 account",
                       "no password_command (OAuth2 accounts sign in with a token)")
    if token_command:
        for key in PROVIDER_KEYS:
            if reader.has(key):
                reader.problem(key, "only applies to the built-in sign-in (oauth2_provider)",
                               "no such key next to oauth2_token_command")
        _mark_read(reader, PROVIDER_KEYS)
        return OAuth2Settings(mechanism=mechanism, token_command=token_command)
    return _read_provider(reader, provider or "custom", mechanism)


def _mark_read(reader: TableReader, keys: tuple[str, ...]) -> None:
    """Read keys already reported, so they are not reported again as unknown."""
    for key in keys:
        if key == "oauth2_scopes":
            reader.string_list(key)
        else:
            reader.string(key)


def _read_provider(reader: TableReader, provider: str, mechanism: str) -> OAuth2Settings:
    client_id = reader.string("oauth2_client_id", required=True)
    client_secret = reader.string("oauth2_client_secret")
    tenant = reader.string("oauth2_tenant")
    if tenant is not None and provider != "microsoft":
        reader.problem("oauth2_tenant", f"applies to Microsoft only (provider is {provider!r})",
                       "no oauth2_tenant")
    issuer = reader.string("oauth2_issuer", required=provider == "custom")
    if issuer is not None and provider != "custom":
        reader.problem("oauth2_issuer", f"applies to a custom provider (this one is "
                                        f"{provider!r}, whose endpoints are built in)",
                       'no oauth2_issuer, or oauth2_provider = "custom"')
    elif issuer and (trouble := issuer_problem(issuer)):
        reader.problem("oauth2_issuer", trouble,
                       'the issuer URL, e.g. "https://login.example.com/realms/mail"')
        issuer = None
    scopes = reader.string_list("oauth2_scopes", required=provider == "custom",
                                expected='a list of scopes, e.g. ["imap", "offline_access"]')
    default_flow = "browser" if provider == "google" else "device"
    flow = reader.string("oauth2_flow", default_flow, choices=FLOWS) or default_flow
    if provider == "google" and flow == "device":
        reader.problem("oauth2_flow", "is \"device\", but Google does not allow the Gmail "
                                      "scope in its device flow", '"browser"')
    return OAuth2Settings(
        mechanism=mechanism, provider=provider, client_id=client_id,
        client_secret=client_secret, tenant=tenant or "common", issuer=issuer,
        scopes=scopes or (), flow=flow,
        refresh_token_command=reader.string("oauth2_refresh_token_command"),
        refresh_token_save_command=reader.string("oauth2_refresh_token_save_command"))
