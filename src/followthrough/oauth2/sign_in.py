"""``followthrough login`` for an OAuth2 account: sign in, check the token with the IMAP
server, and only then keep the refresh token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from followthrough.config.model import Account
from followthrough.errors import FollowthroughError
from followthrough.oauth2.browser_flow import browser_sign_in
from followthrough.oauth2.device_flow import device_sign_in
from followthrough.oauth2.diagnosis import provider_fix
from followthrough.oauth2.grants import TokenGrant
from followthrough.oauth2.http import ProviderError, ProviderUnreachable
from followthrough.oauth2.providers import endpoints_for


@dataclass(frozen=True)
class SignInOptions:
    flow: str | None = None  # None: the account's oauth2_flow
    open_browser: Callable[[str], object] | None = None
    port: int = 0


def sign_in(account: Account, options: SignInOptions, say: Callable[[str], None]) -> TokenGrant:
    settings = account.oauth2
    assert settings is not None and settings.provider is not None
    flow = options.flow or settings.flow
    try:
        endpoints = endpoints_for(settings)
        if flow == "browser":
            grant = browser_sign_in(endpoints, settings, account.name, say, options.open_browser,
                                    options.port)
        else:
            grant = device_sign_in(endpoints, settings, say)
    except ProviderError as exc:
        raise FollowthroughError(f"account {account.name!r}: {exc}; "
                                 + provider_fix(account.name, exc.error, exc.description)) \
            from None
    except ProviderUnreachable as exc:
        raise FollowthroughError(f"account {account.name!r}: {exc}") from None
    if not grant.refresh_token:
        raise FollowthroughError(
            f"account {account.name!r}: the provider gave no refresh token, so the sign-in "
            "would not last; include the offline_access scope (Microsoft) or sign in again "
            "and accept offline access (Google)")
    return grant
