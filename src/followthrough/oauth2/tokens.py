"""Access tokens for one account, for each new IMAP connection.

- ``oauth2_token_command``: the user's helper is run for every connection (it keeps its own
  cache); after a refused token it is asked once more.
- A built-in provider: the access token is kept in memory only, refreshed with the stored
  refresh token shortly before it expires, and once more when the server refuses it.
  A refresh token the provider refused is not sent again until it changes (after
  ``followthrough login``), so a revoked sign-in is never hammered.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from followthrough.config.credentials import run_secret_command
from followthrough.config.model import Account
from followthrough.config.oauth2_settings import OAuth2Settings
from followthrough.errors import AccountError, LoginRefusedError
from followthrough.oauth2.diagnosis import REFUSALS, provider_fix
from followthrough.oauth2.grants import TokenGrant, refresh_grant
from followthrough.oauth2.http import ProviderError, ProviderUnreachable, where
from followthrough.oauth2.providers import Endpoints, endpoints_for
from followthrough.oauth2.refresh_store import load_refresh_token, save_refresh_token

REFRESH_MARGIN = 300.0  # refresh this long before expiry (at most a quarter of the lifetime)


class TokenSource(Protocol):
    def token(self) -> str:
        """An access token that should be accepted now."""

    def renew(self, refused: str) -> str | None:
        """After the server refused ``refused``: another token, or None if there is none."""


class CommandTokens:
    def __init__(self, account: Account, command: str) -> None:
        self.account = account
        self.command = command

    def token(self) -> str:
        return run_secret_command(self.account.name, "oauth2_token_command", self.command).strip()

    def renew(self, refused: str) -> str | None:
        fresh = self.token()
        return None if fresh == refused else fresh


@dataclass(frozen=True)
class _Held:
    value: str
    refresh_after: float  # time.time() after which a new one is fetched first


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()  # in memory only


class RefreshingTokens:
    def __init__(self, account: Account, clock: Callable[[], float] = time.time) -> None:
        assert account.oauth2 is not None
        self.account = account
        self.settings: OAuth2Settings = account.oauth2
        self.clock = clock
        self.refreshes = 0
        self._lock = threading.Lock()
        self._held: _Held | None = None
        self._endpoints: Endpoints | None = None
        self._refused: tuple[str, str] | None = None  # (fingerprint, why)

    def token(self) -> str:
        with self._lock:
            if self._held and self.clock() < self._held.refresh_after:
                return self._held.value
            return self._refresh()

    def renew(self, refused: str) -> str | None:
        with self._lock:
            if self._held and self._held.value != refused:
                return self._held.value  # another connection already renewed it
            self._held = None
            fresh = self._refresh()
            return None if fresh == refused else fresh

    def _refresh(self) -> str:
        name = self.account.name
        refresh_token = load_refresh_token(self.account)
        fingerprint = _fingerprint(refresh_token)
        if self._refused and self._refused[0] == fingerprint:
            raise LoginRefusedError(name, self._refused[1])
        try:
            if self._endpoints is None:
                self._endpoints = endpoints_for(self.settings)
            grant = refresh_grant(self._endpoints.token_url, self.settings, refresh_token)
        except ProviderError as exc:
            why = (f"the sign-in was refused by {where(exc.endpoint)} ({exc.error}"
                   f"{': ' + exc.description if exc.description else ''}); "
                   + provider_fix(name, exc.error, exc.description))
            if exc.error in REFUSALS:
                self._refused = (fingerprint, why)
                raise LoginRefusedError(name, why) from None
            raise AccountError(name, why) from None
        except ProviderUnreachable as exc:
            raise AccountError(name, f"{exc}; the next try may succeed") from None
        self.refreshes += 1
        self._refused = None
        if grant.refresh_token and grant.refresh_token != refresh_token:
            save_refresh_token(self.account, grant.refresh_token)  # rotated by the provider
        self._held = _hold(grant, self.clock())
        return grant.access_token


def _hold(grant: TokenGrant, now: float) -> _Held:
    lifetime = max(grant.expires_in, 0.0)
    return _Held(grant.access_token, now + lifetime - min(REFRESH_MARGIN, lifetime / 4))


_sources: dict[tuple[str, OAuth2Settings], RefreshingTokens] = {}
_sources_lock = threading.Lock()


def token_source(account: Account) -> TokenSource:
    """The account's token source; one per process for a built-in provider, so that every
    connection (sync, IDLE, drafts) shares its access token."""
    settings = account.oauth2
    assert settings is not None
    if settings.token_command:
        return CommandTokens(account, settings.token_command)
    with _sources_lock:
        key = (account.name, settings)
        if key not in _sources:
            _sources[key] = RefreshingTokens(account)
        return _sources[key]
