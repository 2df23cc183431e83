"""What an OAuth2 failure most likely means, and what fixes it.

Providers answer with an error code (RFC 6749 §5.2) and, at Microsoft, an ``AADSTS`` number
in the description; servers answer a refused token with a JSON status (RFC 7628 §3.2.2).
"""

from __future__ import annotations

import re

_AADSTS = re.compile(r"AADSTS(\d+)")

RELOGIN = "run `followthrough login {account}` to sign in again"
CONSENT = ("consent is missing: sign in again with `followthrough login {account}` and accept, "
           "or ask your Microsoft 365 admin to grant admin consent to your app registration "
           "(Entra ID → Enterprise applications → your app → Permissions)")
BLOCKED = ("your organisation blocks this sign-in (conditional access, user assignment, or "
           "third-party apps disabled): ask your admin to allow your app registration, or use "
           "a helper your admin already allows via oauth2_token_command")
SCOPE = ("the scope is wrong: leave oauth2_scopes unset for the presets, or include the "
         "provider's IMAP scope (Microsoft: https://outlook.office.com/IMAP.AccessAsUser.All "
         "and offline_access; Google: https://mail.google.com/)")
CLIENT = ("the client is not accepted: check oauth2_client_id (and oauth2_client_secret for "
          "Google Desktop-app clients); for Microsoft, set 'Allow public client flows' to Yes "
          "under the app registration's Authentication")

_BY_AADSTS = {
    "70008": RELOGIN, "700082": RELOGIN, "70043": RELOGIN, "50173": RELOGIN,
    "700084": RELOGIN, "50076": RELOGIN, "50078": RELOGIN, "50079": RELOGIN,
    "65001": CONSENT, "65004": CONSENT, "90094": CONSENT, "90095": CONSENT,
    "53003": BLOCKED, "50105": BLOCKED, "530032": BLOCKED, "7000112": BLOCKED,
    "70011": SCOPE, "65005": SCOPE, "650053": SCOPE,
    "700016": CLIENT, "7000218": CLIENT, "50059": CLIENT,
}
_BY_ERROR = {
    "invalid_grant": RELOGIN, "expired_token": RELOGIN, "interaction_required": RELOGIN,
    "consent_required": CONSENT, "access_denied": CONSENT,
    "invalid_scope": SCOPE,
    "invalid_client": CLIENT, "unauthorized_client": CLIENT,
}
# Errors after which trying again with the same refresh token cannot help.
REFUSALS = frozenset(_BY_ERROR)


def provider_fix(account: str, error: str, description: str = "") -> str:
    match = _AADSTS.search(description)
    fix = (_BY_AADSTS.get(match.group(1)) if match else None) or _BY_ERROR.get(error)
    return (fix or "see the provider's message; " + RELOGIN).format(account=account)


def server_refusal_fix(account: str, username: str, status: str | None,
                       source: str) -> str:
    """Why an IMAP server refuses a token the provider issued."""
    told = f" (the server said status {status!r})" if status else ""
    return (f"the server refused the token{told}: check that `username` ({username}) is the "
            "mailbox the token was issued for, that the token has the IMAP scope, and that "
            "IMAP is enabled for the mailbox (Microsoft 365 admin center: Mail apps → IMAP; "
            f"Gmail: Settings → Forwarding and POP/IMAP); tokens come from {source}")
