"""A server that says BYE at the greeting, NO [UNAVAILABLE] or throttles logins: one clear
error, a capped backoff with jitter, and the mail is processed once the server is back.
A refused password (no temporary response code) is retried only slowly."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from followthrough.config.model import load_config
from followthrough.extraction.analysis import InlineAnalyser
from followthrough.service.backoff import AUTH_RETRY, Backoff
from followthrough.service.daemon import Daemon
from followthrough.service.sd_notify import Notifier
from followthrough.state.store import Store
from tests.fake_imap import RefusingServer
from tests.mailserver import Dovecot
from tests.messages import make_message, write_config


def test_backoff_grows_is_capped_and_jittered() -> None:
    backoff = Backoff(base=2, cap=60, rng=random.Random(7))
    delays = [backoff.failed() for _ in range(10)]
    ceilings = [min(60, 2 * 2 ** i) for i in range(10)]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert len({round(d, 3) for d in delays}) == len(delays)  # jittered, not in lockstep
    assert max(delays) <= 60
    assert backoff.failed(auth=True) == AUTH_RETRY
    backoff.succeeded()
    assert backoff.failed() <= 2


@pytest.mark.parametrize("mode", ["bye", "unavailable", "throttled"])
def test_refusing_server_then_recovery(mode: str, tmp_path: Path, dovecot: Dovecot) -> None:
    refusing = RefusingServer(dovecot.root / "tls", mode)
    user = dovecot.new_user(f"refusal-{mode}")
    dovecot.append(user, "INBOX", [make_message()])
    path = write_config(tmp_path / "c.toml", port=refusing.port, ca_file=dovecot.ca_file,
                        username=user, password=dovecot.users[user])
    config = load_config(path)
    with Store.open(config.state_dir) as store:
        daemon = Daemon(path, config, store, InlineAnalyser(lambda m, d: []),
                        Notifier({}))
        waits = []
        for _ in range(3):
            before = time.monotonic()
            daemon._sync(daemon._ready_accounts())
            health = daemon.health["test"]
            waits.append(health.not_before - before)
            assert daemon._ready_accounts() == []  # no hammering while backing off
            health.not_before = 0.0  # the test does not wait the delay out
        refusing.close()
        assert waits[0] < waits[2] <= 300  # growing, capped: a busy server, not a bad password
        row = store.conn.execute("SELECT last_error FROM account_state").fetchone()
        assert row is not None and row[0]
        # The server is back (the real one now): the mail is processed.
        path.write_text(path.read_text().replace(f"port = {refusing.port}",
                                                 f"port = {dovecot.port}"))
        daemon.config = load_config(path)
        daemon._sync(daemon._ready_accounts())
        assert store.conn.execute("SELECT count(*) FROM message").fetchone()[0] == 1
        assert daemon.health["test"].backoff.failures == 0
    assert refusing.connections >= 3


def test_refused_password_is_retried_slowly(tmp_path: Path, dovecot: Dovecot) -> None:
    user = dovecot.new_user("refused-password")
    path = write_config(tmp_path / "c.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                        username=user, password="certainly-wrong")
    config = load_config(path)
    with Store.open(config.state_dir) as store:
        daemon = Daemon(path, config, store, InlineAnalyser(lambda m, d: []), Notifier({}))
        before = time.monotonic()
        daemon._sync(daemon._ready_accounts())
        assert daemon.health["test"].not_before - before >= AUTH_RETRY - 1
