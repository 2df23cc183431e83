"""Token requests at the token endpoint (RFC 6749 §4.1.3, §6; RFC 8628 §3.4)."""

from __future__ import annotations

from dataclasses import dataclass

from followthrough.config.oauth2_settings import OAuth2Settings
from followthrough.oauth2.http import ProviderUnreachable, post_form, where
from followthrough.oauth2.providers import default_scopes

DEFAULT_LIFETIME = 3600.0  # when a provider does not say (RFC 6749 §5.1 makes it optional)


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    expires_in: float
    refresh_token: str | None = None
    scope: str | None = None

    def __repr__(self) -> str:  # never show a token, even in a debugger or a traceback
        return f"TokenGrant(expires_in={self.expires_in:.0f}, scope={self.scope!r})"


def client_form(settings: OAuth2Settings) -> dict[str, str]:
    form = {"client_id": settings.client_id or ""}
    if settings.client_secret:
        form["client_secret"] = settings.client_secret
    return form


def token_request(endpoint: str, settings: OAuth2Settings, form: dict[str, str]) -> TokenGrant:
    reply = post_form(endpoint, {**client_form(settings), **form})
    access = reply.get("access_token")
    if not isinstance(access, str) or not access:
        raise ProviderUnreachable(f"{where(endpoint)} answered without an access_token")
    expires = reply.get("expires_in")
    try:
        lifetime = float(expires) if isinstance(expires, int | float | str) else DEFAULT_LIFETIME
    except ValueError:
        lifetime = DEFAULT_LIFETIME
    refresh = reply.get("refresh_token")
    scope = reply.get("scope")
    return TokenGrant(access, lifetime, refresh if isinstance(refresh, str) and refresh else None,
                      scope if isinstance(scope, str) else None)


def refresh_grant(endpoint: str, settings: OAuth2Settings, refresh_token: str) -> TokenGrant:
    return token_request(endpoint, settings, {
        "grant_type": "refresh_token", "refresh_token": refresh_token,
        "scope": " ".join(default_scopes(settings))})
