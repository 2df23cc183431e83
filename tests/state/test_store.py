"""The state store: permissions, WAL, migrations in order, single writer, atomic writes."""

from __future__ import annotations

import multiprocessing
import sqlite3
import stat
from pathlib import Path

import pytest

from followthrough.errors import StateError, StateLockedError
from followthrough.state.migrations import MIGRATIONS, Migration
from followthrough.state.store import Store

TOY = (
    Migration(1, "first", ("CREATE TABLE a (x INTEGER)",)),
    Migration(2, "second", ("CREATE TABLE b (y INTEGER)", "INSERT INTO b VALUES (7)")),
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_creates_private_files_in_wal_mode(tmp_path: Path) -> None:
    state = tmp_path / "deep" / "state"
    with Store.open(state) as store:
        with store.atomic() as conn:
            conn.execute("INSERT INTO quarantine VALUES ('a', 'INBOX', 1, 1, 'r', 'now')")
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert mode(state) == 0o700
        for name in ("state.db", "state.db-wal", "state.db-shm", "lock"):
            assert mode(state / name) == 0o600, name


def test_leaves_an_existing_directory_mode_alone(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    state = tmp_path / "state"
    state.mkdir()
    state.chmod(0o755)
    Store.open(state).close()
    assert mode(state) == 0o755  # not followthrough's to change: it says so instead
    assert "chmod 700" in caplog.text
    assert mode(state / "state.db") == 0o600


def test_migrations_apply_in_order_and_are_recorded(tmp_path: Path) -> None:
    with Store.open(tmp_path, migrations=TOY[:1]) as store:
        rows = store.conn.execute("SELECT version, name FROM schema_migrations").fetchall()
        assert [tuple(r) for r in rows] == [(1, "first")]
    with Store.open(tmp_path, migrations=TOY) as store:
        rows = store.conn.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        assert [r[0] for r in rows] == [1, 2]
        assert store.conn.execute("SELECT y FROM b").fetchone()[0] == 7
    with Store.open(tmp_path, migrations=TOY) as store:  # idempotent
        assert store.conn.execute("SELECT count(*) FROM b").fetchone()[0] == 1


def test_failed_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    broken = (*TOY[:1], Migration(2, "broken", ("CREATE TABLE c (z)", "NOT SQL AT ALL")))
    with pytest.raises(sqlite3.OperationalError):
        Store.open(tmp_path, migrations=broken)
    with Store.open(tmp_path, migrations=TOY[:1]) as store:
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "c" not in names
        assert store.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 1


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    Store.open(tmp_path, migrations=TOY).close()
    with pytest.raises(StateError, match="newer followthrough"):
        Store.open(tmp_path, migrations=TOY[:1])


def test_real_schema_applies(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        version = store.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        assert version == MIGRATIONS[-1].version


def _try_open(path: str, queue: multiprocessing.Queue[str]) -> None:
    try:
        Store.open(Path(path)).close()
        queue.put("opened")
    except StateLockedError as exc:
        queue.put(str(exc))


def test_second_writer_process_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path):
        context = multiprocessing.get_context("spawn")
        queue: multiprocessing.Queue[str] = context.Queue()
        child = context.Process(target=_try_open, args=(str(tmp_path), queue))
        child.start()
        child.join(30)
        message = queue.get(timeout=5)
        assert "in use by another followthrough process" in message
        assert "pid" in message
    # Released when the first writer closes.
    Store.open(tmp_path).close()


def test_second_writer_in_same_process_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path), pytest.raises(StateLockedError):
        Store.open(tmp_path)


def test_readers_need_no_lock(tmp_path: Path) -> None:
    with Store.open(tmp_path) as writer:
        with writer.atomic() as conn:
            conn.execute("INSERT INTO quarantine VALUES ('a', 'INBOX', 1, 1, 'r', 'now')")
        with Store.open(tmp_path, write=False) as reader:
            assert reader.conn.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1
            with pytest.raises(StateError, match="read-only"), reader.atomic():
                pass


def test_reader_without_state_explains(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="no state yet"):
        Store.open(tmp_path / "none", write=False)


def test_atomic_rolls_back_everything_on_error(tmp_path: Path) -> None:
    with Store.open(tmp_path, migrations=TOY) as store:
        with pytest.raises(RuntimeError), store.atomic() as conn:
            conn.execute("INSERT INTO a VALUES (1)")
            raise RuntimeError("boom")
        assert store.conn.execute("SELECT count(*) FROM a").fetchone()[0] == 0


def test_nested_atomic_is_a_savepoint(tmp_path: Path) -> None:
    with Store.open(tmp_path, migrations=TOY) as store:
        with store.atomic() as conn:
            conn.execute("INSERT INTO a VALUES (1)")
            with pytest.raises(RuntimeError), store.atomic():
                conn.execute("INSERT INTO a VALUES (2)")
                raise RuntimeError("inner")
            conn.execute("INSERT INTO a VALUES (3)")
        values = [r[0] for r in store.conn.execute("SELECT x FROM a ORDER BY x")]
        assert values == [1, 3]
