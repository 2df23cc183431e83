"""The state store: one SQLite database (WAL) in the state directory, one writer at a time.

The directory is 0700 and the database 0600 (SQLite gives its -wal/-shm files the same mode).
A writer holds an ``fcntl`` lock on ``state_dir/lock`` for its whole life; readers need no lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from followthrough.errors import (
    StateDamagedError,
    StateError,
    StateLockedError,
    StateWriteError,
)
from followthrough.state.migrations import (
    MIGRATIONS,
    Migration,
    check_known,
    migrate,
    schema_version,
)

log = logging.getLogger("followthrough.state")

DB_NAME = "state.db"
LOCK_NAME = "lock"
_NO_LOCK = -1  # a writer that does not hold the single-instance lock
_OUR_FILES = {DB_NAME, LOCK_NAME, DB_NAME + "-wal", DB_NAME + "-shm", DB_NAME + "-journal"}


def damaged(path: Path | None, exc: sqlite3.Error) -> StateDamagedError:
    where = str(path) if path else "the state database (state.db in state_dir)"
    moved = f"mv {path} {path}.broken" if path else "mv state.db state.db.broken"
    return StateDamagedError(
        f"{where} is damaged ({exc}); move it aside ({moved}) and run "
        "`followthrough sync --once` to rebuild the history from your mailbox, or restore "
        "a backup of it")


def write_failed(path: Path | None, exc: sqlite3.Error | OSError) -> StateWriteError:
    where = str(path) if path else "the state database"
    return StateWriteError(
        f"cannot write to {where} ({exc}); free some disk space (or fix the disk) and run "
        "the command again: nothing stored was lost, sync resumes after the last saved batch")


def translate(path: Path | None, exc: sqlite3.Error) -> StateError | None:
    """The user-facing error for a disk or corruption failure of the state database at
    ``path``; None for other errors (a bug: they keep their traceback)."""
    text = str(exc).lower()
    if any(word in text for word in ("full", "disk i/o", "readonly", "read-only")):
        return write_failed(path, exc)
    if any(word in text for word in ("malformed", "not a database", "corrupt")):
        return damaged(path, exc)
    return None


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
    """Create ``state_dir`` 0700; a directory that already exists is never chmodded, and
    one that holds files of something else is refused."""
    if not state_dir.exists() and not state_dir.is_symlink():
        try:
            state_dir.mkdir(mode=0o700, parents=True)
            state_dir.chmod(0o700)
        except FileExistsError:
            pass  # made just now by another followthrough process
        except OSError as exc:
            raise StateError(f"cannot create the state directory {state_dir}: "
                             f"{exc.strerror}") from None
        return
    if not state_dir.is_dir():
        raise StateError(f"state_dir {state_dir} exists and is not a directory; set "
                         "state_dir to a new path (followthrough creates it, mode 0700)")
    try:
        others = sorted(p.name for p in state_dir.iterdir() if p.name not in _OUR_FILES)
    except OSError as exc:
        raise StateError(f"cannot read the state directory {state_dir}: {exc.strerror}") \
            from None
    if others:
        raise StateError(
            f"state_dir {state_dir} already holds files that are not followthrough's (e.g. "
            f"{others[0]!r}); set state_dir to a directory of its own (a new path is created "
            "with mode 0700)")
    mode = state_dir.stat().st_mode & 0o777
    if mode & 0o077:
        log.warning("state_dir %s is mode %o, open to other users; followthrough does not "
                    "change a directory it did not create: run `chmod 700 %s`", state_dir,
                    mode, state_dir)


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
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
                migrate(conn, migrations)
            except sqlite3.Error as exc:
                conn.close()
                raise translate(path, exc) or exc from None
        except OSError as exc:
            if lock_fd != _NO_LOCK:
                os.close(lock_fd)
            raise write_failed(path, exc) from None
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
        try:
            version = schema_version(conn)
            applied = {v for (v,) in conn.execute("SELECT version FROM schema_migrations")} \
                if version else set()
        except sqlite3.Error as exc:
            conn.close()
            raise translate(path, exc) or exc from None
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
        except BaseException as exc:
            self._depth -= 1
            with contextlib.suppress(sqlite3.Error):
                for statement in end_fail.split("; "):
                    self.conn.execute(statement)
            if isinstance(exc, sqlite3.Error) and (error := translate(self.path, exc)):
                raise error from None
            raise
        self._depth -= 1
        try:
            self.conn.execute(end_ok)
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise translate(self.path, exc) or exc from None

    def close(self) -> None:
        self.conn.close()
        if self._lock_fd not in (None, _NO_LOCK):
            os.close(self._lock_fd)
        self._lock_fd = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
