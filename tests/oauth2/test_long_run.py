"""The service over time: access tokens expire and are refreshed before they do; a token
the server refuses early is refreshed once; a revoked sign-in is one clear log line and a
slow retry, like a refused password, with no more requests to the provider."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from followthrough.config.model import load_config
from followthrough.errors import LoginRefusedError
from followthrough.extraction.analysis import InlineAnalyser
from followthrough.mail.login import log_in
from followthrough.service.backoff import AUTH_RETRY
from followthrough.service.daemon import Daemon
from followthrough.service.sd_notify import Notifier
from followthrough.state.store import Store
from tests.mailserver import Dovecot
from tests.messages import make_message
from tests.oauth2.conftest import oauth_config, provider_lines
from tests.oauth_provider import Provider


def daemon_for(tmp_path: Path, dovecot: Dovecot, user: str, provider: Provider,
               store: Store | None = None) -> tuple[Path, Path]:
    token_file = tmp_path / "refresh-token"
    token_file.write_text(provider.refresh_token() + "\n")
    path = oauth_config(tmp_path / "c.toml", dovecot, user,
                        provider_lines(provider, store=token_file))
    return path, token_file


def refusals(dovecot: Dovecot, user: str) -> int:
    return sum(1 for line in dovecot.log().splitlines()
               if f"oauth2({user}," in line and "oauth2 failed" in line)


def test_tokens_are_refreshed_before_they_expire(tmp_path: Path, oauth_dovecot: Dovecot,
                                                 oauth_user: str, provider: Provider) -> None:
    provider.access_lifetime = 4  # refreshed after 3 s, a quarter before expiry
    path, _ = daemon_for(tmp_path, oauth_dovecot, oauth_user, provider)
    config = load_config(path)
    with Store.open(config.state_dir) as store:
        daemon = Daemon(path, config, store, InlineAnalyser(lambda m, d: []), Notifier({}))
        for _ in range(4):
            oauth_dovecot.append(oauth_user, "INBOX", [make_message()])
            daemon._sync(daemon._ready_accounts())
            assert daemon.health["test"].backoff.failures == 0
            time.sleep(2)
        assert store.conn.execute("SELECT count(*) FROM message").fetchone()[0] == 4
    assert provider.requests["refresh_token"] >= 2
    assert refusals(oauth_dovecot, oauth_user) == 0  # never presented an expired token


def test_a_token_refused_before_its_time_is_refreshed_once(tmp_path: Path,
                                                           oauth_dovecot: Dovecot,
                                                           oauth_user: str,
                                                           provider: Provider) -> None:
    provider.access_lifetime, provider.claimed_lifetime = 2, 3600  # expires_in lies
    path, _ = daemon_for(tmp_path, oauth_dovecot, oauth_user, provider)
    config = load_config(path)
    with Store.open(config.state_dir) as store:
        daemon = Daemon(path, config, store, InlineAnalyser(lambda m, d: []), Notifier({}))
        daemon._sync(daemon._ready_accounts())
        time.sleep(3)
        oauth_dovecot.append(oauth_user, "INBOX", [make_message()])
        daemon._sync(daemon._ready_accounts())
        assert daemon.health["test"].backoff.failures == 0
        assert store.conn.execute("SELECT count(*) FROM message").fetchone()[0] == 1
    assert provider.requests["refresh_token"] == 2
    assert refusals(oauth_dovecot, oauth_user) == 1


def test_a_revoked_sign_in_backs_off_like_a_refused_password(
        tmp_path: Path, oauth_dovecot: Dovecot, oauth_user: str, provider: Provider,
        caplog: pytest.LogCaptureFixture) -> None:
    provider.rotate_refresh_tokens = True  # Microsoft-style: each refresh gives a new one
    path, token_file = daemon_for(tmp_path, oauth_dovecot, oauth_user, provider)
    first = token_file.read_text()
    config = load_config(path)
    with Store.open(config.state_dir) as store:
        daemon = Daemon(path, config, store, InlineAnalyser(lambda m, d: []), Notifier({}))
        daemon._sync(daemon._ready_accounts())
        assert token_file.read_text() != first  # the rotated refresh token was saved
        provider.revoke()
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="followthrough"):
            before = time.monotonic()
            daemon._sync(daemon._ready_accounts())
        health = daemon.health["test"]
        assert health.not_before - before >= AUTH_RETRY - 1
        assert daemon._ready_accounts() == []  # no hammering while it waits
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1, errors
        assert "invalid_grant" in errors[0] and "followthrough login test" in errors[0]
        asked = provider.requests["refresh_token"]
        refused = refusals(oauth_dovecot, oauth_user)
        # The IDLE watcher's own try: the refused refresh token is not sent again.
        with pytest.raises(LoginRefusedError):
            log_in(config.accounts[0])
        assert provider.requests["refresh_token"] == asked
        assert refusals(oauth_dovecot, oauth_user) == refused
        row = store.conn.execute("SELECT last_error FROM account_state").fetchone()
        assert "followthrough login test" in row[0]
    for record in caplog.records:
        for secret in provider.issued:
            assert secret not in record.getMessage()
    for path in (tmp_path / "state").iterdir():
        for secret in provider.issued:
            assert secret.encode() not in path.read_bytes()
