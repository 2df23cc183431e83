"""The SASL exchanges that carry an OAuth2 bearer token to an IMAP server.

OAUTHBEARER (RFC 7628) and Google's/Microsoft's XOAUTH2. When the server refuses the
token it first sends a JSON error as a challenge (RFC 7628 §3.2.2); the client answers it
with the one-byte "%x01" (OAUTHBEARER) or an empty line (XOAUTH2) and the server then
says NO. The JSON is kept so that the refusal can be explained. Pure: no network.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

MECHANISM_NAMES = {"oauthbearer": "OAUTHBEARER", "xoauth2": "XOAUTH2"}


class NoOAuthMechanism(Exception):
    """The server offers none of the mechanisms the account may use."""


def offered_mechanisms(capabilities: Iterable[bytes | str]) -> list[str]:
    """The SASL mechanisms a server advertises (``AUTH=...``), upper-case."""
    found = []
    for capability in capabilities:
        text = capability.decode("ascii", "replace") if isinstance(capability, bytes) \
            else capability
        if text.upper().startswith("AUTH="):
            found.append(text[5:].upper())
    return found


def choose_mechanism(configured: str, offered: Iterable[str]) -> str:
    """The SASL mechanism to use: the configured one, or for "auto" the standard
    OAUTHBEARER when offered, else XOAUTH2."""
    offered = list(offered)
    wanted = ["OAUTHBEARER", "XOAUTH2"] if configured == "auto" else [MECHANISM_NAMES[configured]]
    for mechanism in wanted:
        if mechanism in offered:
            return mechanism
    raise NoOAuthMechanism(
        f"the server offers {', '.join('AUTH=' + m for m in offered) or 'no AUTH= mechanism'}"
        f", not {' or '.join('AUTH=' + m for m in wanted)}")


class BearerExchange:
    """A callable for ``IMAPClient.sasl_login``: the initial response, then the answer to an
    error challenge. ``error`` holds the server's JSON error, if it sent one."""

    def __init__(self, mechanism: str, user: str, token: str, host: str, port: int) -> None:
        self.mechanism = mechanism
        self._initial = initial_response(mechanism, user, token, host, port)
        self._sent = False
        self.error: dict[str, object] | None = None

    def __call__(self, challenge: bytes) -> bytes:
        if not self._sent:
            self._sent = True
            return self._initial
        self.error = _error_json(challenge)
        return b"\x01" if self.mechanism == "OAUTHBEARER" else b""

    def __repr__(self) -> str:  # the initial response holds the token
        return f"BearerExchange({self.mechanism})"

    @property
    def status(self) -> str | None:
        value = (self.error or {}).get("status")
        return str(value) if value is not None else None


def initial_response(mechanism: str, user: str, token: str, host: str, port: int) -> bytes:
    if mechanism == "XOAUTH2":
        return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()
    # RFC 5801 gs2 header; "," and "=" in the authorization identity are escaped.
    authzid = user.replace("=", "=3D").replace(",", "=2C")
    return (f"n,a={authzid},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01"
            .encode())


def _error_json(challenge: bytes) -> dict[str, object]:
    try:
        value = json.loads(challenge.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str)} if isinstance(value, dict) \
        else {}
