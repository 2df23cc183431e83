"""Signing in on any box, headless included: the device authorization grant (RFC 8628).
The user opens the provider's page on any device and types the code shown here."""

from __future__ import annotations

import time
from collections.abc import Callable

from followthrough.config.oauth2_settings import OAuth2Settings
from followthrough.errors import FollowthroughError
from followthrough.oauth2.grants import TokenGrant, client_form, token_request
from followthrough.oauth2.http import ProviderError, post_form, where
from followthrough.oauth2.providers import Endpoints, default_scopes

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _number(value: object, default: float) -> float:
    return float(value) if isinstance(value, int | float) and value > 0 else default


def device_sign_in(endpoints: Endpoints, settings: OAuth2Settings, say: Callable[[str], None],
                   sleep: Callable[[float], None] = time.sleep,
                   clock: Callable[[], float] = time.monotonic) -> TokenGrant:
    if not endpoints.device:
        raise FollowthroughError("this provider has no device sign-in endpoint; use "
                                 "`followthrough login --browser ACCOUNT`")
    reply = post_form(endpoints.device, {**client_form(settings),
                                         "scope": " ".join(default_scopes(settings))})
    device_code = reply.get("device_code")
    user_code = reply.get("user_code")
    page = reply.get("verification_uri") or reply.get("verification_url")  # Google's name
    if not (isinstance(device_code, str) and isinstance(user_code, str)
            and isinstance(page, str)):
        raise FollowthroughError(f"{where(endpoints.device)} did not answer with a device code")
    lifetime = _number(reply.get("expires_in"), 900.0)
    interval = _number(reply.get("interval"), 5.0)
    say(f"To sign in, open {page} on any device and enter the code {user_code}")
    say(f"waiting for the sign-in (the code expires in {lifetime / 60:.0f} min; Ctrl-C stops)")
    deadline = clock() + lifetime
    while clock() < deadline:
        sleep(interval)
        try:
            return token_request(endpoints.token_url, settings,
                                 {"grant_type": DEVICE_GRANT, "device_code": device_code})
        except ProviderError as exc:
            if exc.error == "authorization_pending":
                continue
            if exc.error == "slow_down":  # RFC 8628 §3.5: five seconds more from now on
                interval += 5.0
                continue
            raise
    raise FollowthroughError("the code expired before the sign-in was completed; run "
                             "`followthrough login` again")
