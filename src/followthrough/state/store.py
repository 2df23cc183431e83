"""The state store: one SQLite database (WAL) in the state directory, one writer at a time.

The directory is 0700 and the database 0600 (SQLite gives its -wal/-shm files the same mode).
A writer holds an ``fcntl`` lock on ``state_dir/lock`` for its whole life; readers need no lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from followthrough.errors import StateError, StateLockedError
from followthrough.state.migrations import (
    MIGRATIONS,
    Migration,
    check_known,
    migrate,
    schema_version,
)

DB_NAME = "state.db"
LOCK_NAME = "lock"
_NO_LOCK = -1  # a writer that does not hold the single-instance lock


def lock_holder(state_dir: Path) -> int | None:
    """The pid of the process holding the state for writing, or None."""
    path = state_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        text = os.read(fd, 32).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else 0
    finally:
        os.close(fd)
    return None


def _prepare_dir(state_dir: Path) -> None:
    try:
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        state_dir.chmod(0o700)
    except OSError as exc:
        raise StateError(f"cannot create the state directory {state_dir}: {exc.strerror}") \
            from None


def _take_lock(state_dir: Path) -> int:
    path = state_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise StateLockedError(
                f"the state in {state_dir} is in use by another followthrough process "
                f"(pid {holder}); stop it first (e.g. `systemctl --user stop followthrough`) "
                "or wait for it to finish") from None
        raise
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _connect(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class Store:
    """An open state database. Use ``with store.atomic():`` around every write."""

    def __init__(self, conn: sqlite3.Connection, path: Path, lock_fd: int | None) -> None:
        self.conn = conn
        self.path = path
        self._lock_fd = lock_fd
        self._depth = 0

    @classmethod
    def open(cls, state_dir: Path, *, write: bool = True, exclusive: bool = True,
             migrations: Sequence[Migration] = MIGRATIONS) -> Store:
        """Open (and for writers create and migrate) the store in ``state_dir``.

        A writer is ``exclusive`` (holds the single-instance lock) unless it only makes a
        small edit that may happen beside a running daemon (SQLite serialises the writes).
        """
        path = state_dir / DB_NAME
        if not write:
            return cls._open_reader(path, migrations)
        _prepare_dir(state_dir)
        lock_fd = _take_lock(state_dir) if exclusive else _NO_LOCK
        try:
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
            path.chmod(0o600)
            conn = _connect(path.resolve().as_uri())
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn, migrations)
        except BaseException:
            if lock_fd != _NO_LOCK:
                os.close(lock_fd)
            raise
        return cls(conn, path, lock_fd)

    @classmethod
    def _open_reader(cls, path: Path, migrations: Sequence[Migration]) -> Store:
        if not path.exists():
            raise StateError(f"no state yet in {path.parent}; run `followthrough sync --once` "
                             "first")
        conn = _connect(path.resolve().as_uri() + "?mode=ro")
        version = schema_version(conn)
        applied = {v for (v,) in conn.execute("SELECT version FROM schema_migrations")} \
            if version else set()
        check_known(applied, migrations)
        if version < max((m.version for m in migrations), default=0):
            conn.close()
            raise StateError(f"the state in {path.parent} has an older schema; run "
                             "`followthrough sync --once` once to upgrade it")
        return cls(conn, path, None)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """A transaction (a savepoint when nested): all of it is written, or none."""
        if self._lock_fd is None:
            raise StateError("the state store was opened read-only")
        if self._depth == 0:
            self.conn.execute("BEGIN IMMEDIATE")
            end_ok, end_fail = "COMMIT", "ROLLBACK"
        else:
            name = f"sp{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            end_ok, end_fail = f"RELEASE {name}", f"ROLLBACK TO {name}; RELEASE {name}"
        self._depth += 1
        try:
            yield self.conn
        except BaseException:
            self._depth -= 1
            for statement in end_fail.split("; "):
                self.conn.execute(statement)
            raise
        self._depth -= 1
        self.conn.execute(end_ok)

    def close(self) -> None:
        self.conn.close()
        if self._lock_fd not in (None, _NO_LOCK):
            os.close(self._lock_fd)
        self._lock_fd = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
