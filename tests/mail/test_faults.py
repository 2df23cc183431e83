"""Connection faults a real server won't produce on demand, through a byte-level proxy:
a connection cut mid-FETCH at many offsets, and a server that stops answering."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from followthrough.config.model import Config, load_config
from followthrough.errors import AccountError
from followthrough.state.history import History
from followthrough.state.store import Store
from followthrough.sync.service import sync_all, sync_one
from tests.fault_proxy import FaultProxy
from tests.mailserver import Dovecot
from tests.messages import make_message, write_config

MESSAGES = 30


@pytest.fixture
def proxy(dovecot: Dovecot) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(dovecot.port)
    yield fault_proxy
    fault_proxy.close()


def proxied_config(tmp_path: Path, dovecot: Dovecot, user: str, port: int,
                   timeout: str = "2m") -> Config:
    path = write_config(tmp_path / "c.toml", port=port, ca_file=dovecot.ca_file,
                        username=user, password=dovecot.users[user],
                        extra_account=f'timeout = "{timeout}"\n')
    return load_config(path)


def invariant_holds(config: Config, uids: list[int]) -> int:
    """The cursor never passes a message that is not stored; returns the stored count."""
    with Store.open(config.state_dir, write=False) as store:
        cursor = History(store).cursor("test", "INBOX")
        stored = {r[0] for r in store.conn.execute("SELECT uid FROM message")}
        count = store.conn.execute("SELECT count(*) FROM message").fetchone()[0]
    if cursor is not None:
        assert {u for u in uids if u <= cursor.last_uid} <= stored
    assert count == len(stored)  # nothing stored twice
    return int(count)


def test_cut_mid_fetch_at_many_offsets(tmp_path: Path, dovecot: Dovecot,
                                       proxy: FaultProxy) -> None:
    user = dovecot.new_user("cuts")
    uids = dovecot.append(user, "INBOX", [make_message(subject=f"m{i}",
                                                       body="Hello there. " * 200)
                                          for i in range(MESSAGES)])
    # Measure a clean sync's traffic, on a throwaway state.
    (tmp_path / "probe").mkdir()
    probe = proxied_config(tmp_path / "probe", dovecot, user, proxy.port)
    with Store.open(probe.state_dir) as store:
        sync_one(probe.accounts[0], History(store), None, None)
    total = proxy.bytes_from_server
    assert total > 50_000

    config = proxied_config(tmp_path, dovecot, user, proxy.port)
    cuts = 0
    for offset in range(total // 20, total, total // 20):
        proxy.fault.after_bytes = offset
        with Store.open(config.state_dir) as store:
            try:
                sync_one(config.accounts[0], History(store), None, None)
            except AccountError:
                cuts += 1
        invariant_holds(config, uids)
    assert cuts >= 10
    proxy.fault.after_bytes = None
    with Store.open(config.state_dir) as store:
        sync_one(config.accounts[0], History(store), None, None)
    assert invariant_holds(config, uids) == MESSAGES  # exact: every message, once


def test_stalled_server_times_out_and_nothing_hangs(tmp_path: Path, dovecot: Dovecot,
                                                   proxy: FaultProxy) -> None:
    user = dovecot.new_user("stalls")
    uids = dovecot.append(user, "INBOX", [make_message(subject=f"m{i}") for i in range(5)])
    config = proxied_config(tmp_path, dovecot, user, proxy.port, timeout="2s")
    proxy.fault.after_bytes, proxy.fault.kind = 6_000, "stall"  # after login, mid-session
    started = time.monotonic()
    with Store.open(config.state_dir) as store:
        outcomes = sync_all(config, History(store))
    took = time.monotonic() - started
    assert outcomes[0].error is not None
    assert took < 20, took
    invariant_holds(config, uids)
    proxy.fault.after_bytes = None  # the server answers again: the next sync completes
    with Store.open(config.state_dir) as store:
        assert sync_all(config, History(store))[0].error is None
    assert invariant_holds(config, uids) == 5
