"""Where a provider's endpoints are, and which scopes IMAP needs there.

Microsoft and Google are presets (their endpoints are public and stable); a custom issuer
is looked up with OAuth 2.0 Authorization Server Metadata (RFC 8414) or OpenID Connect
discovery.
"""

from __future__ import annotations

from dataclasses import dataclass

from followthrough.config.oauth2_settings import OAuth2Settings
from followthrough.oauth2.http import ProviderError, ProviderUnreachable, get_json

MICROSOFT_LOGIN = "https://login.microsoftonline.com"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 (an address, not a secret)
MICROSOFT_SCOPES = ("https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access")
GOOGLE_SCOPES = ("https://mail.google.com/",)


@dataclass(frozen=True)
class Endpoints:
    token_url: str
    authorization: str | None = None  # authorization code flow (browser)
    device: str | None = None  # device authorization grant (RFC 8628)
    # Extra parameters of the authorization request (Google: ask for a refresh token).
    authorization_extras: tuple[tuple[str, str], ...] = ()


def default_scopes(settings: OAuth2Settings) -> tuple[str, ...]:
    if settings.scopes:
        return settings.scopes
    if settings.provider == "microsoft":
        return MICROSOFT_SCOPES
    if settings.provider == "google":
        return GOOGLE_SCOPES
    return ()


def redirect_host(settings: OAuth2Settings) -> str:
    """Microsoft expects the registered "http://localhost"; RFC 8252 prefers the IP."""
    return "localhost" if settings.provider == "microsoft" else "127.0.0.1"


def endpoints_for(settings: OAuth2Settings) -> Endpoints:
    if settings.provider == "microsoft":
        base = f"{MICROSOFT_LOGIN}/{settings.tenant}/oauth2/v2.0"
        return Endpoints(token_url=f"{base}/token", authorization=f"{base}/authorize",
                         device=f"{base}/devicecode")
    if settings.provider == "google":
        return Endpoints(token_url=GOOGLE_TOKEN_URL,
                         authorization="https://accounts.google.com/o/oauth2/v2/auth",
                         device="https://oauth2.googleapis.com/device/code",
                         authorization_extras=(("access_type", "offline"),
                                               ("prompt", "consent")))
    if not settings.issuer:
        raise ProviderUnreachable("no oauth2_issuer is set")
    return discover(settings.issuer)


def discover(issuer: str) -> Endpoints:
    base = issuer.rstrip("/")
    problems = []
    for suffix in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"):
        try:
            meta = get_json(base + suffix)
        except (ProviderError, ProviderUnreachable) as exc:
            problems.append(str(exc))
            continue
        token = meta.get("token_endpoint")
        if not isinstance(token, str):
            problems.append(f"{base + suffix} has no token_endpoint")
            continue
        authorization = meta.get("authorization_endpoint")
        device = meta.get("device_authorization_endpoint")
        return Endpoints(token_url=token,
                         authorization=authorization if isinstance(authorization, str) else None,
                         device=device if isinstance(device, str) else None)
    raise ProviderUnreachable(f"cannot discover the endpoints of {issuer} "
                              f"({'; '.join(problems)})")
