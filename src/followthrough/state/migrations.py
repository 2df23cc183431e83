"""The state schema, as an ordered list of migrations recorded in ``schema_migrations``."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from followthrough.errors import StateError


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


# A thread keyed by a root reference ("r:<Message-ID>") whose message is stored in another
# thread takes that message's thread key.
def _rekey(table: Literal["draft", "message"]) -> str:
    # the table name is one of two literals of this module, never input
    return f"""UPDATE {table} SET thread_key = (
    SELECT p.thread_key FROM message p WHERE p.account = {table}.account
    AND p.message_id = substr({table}.thread_key, 3) ORDER BY p.id LIMIT 1)
  WHERE {table}.thread_key LIKE 'r:%' AND EXISTS (
    SELECT 1 FROM message p WHERE p.account = {table}.account
    AND p.message_id = substr({table}.thread_key, 3) AND p.thread_key != {table}.thread_key)"""  # noqa: S608


_REKEY_DRAFTS = _rekey("draft")
_REKEY_MESSAGES = _rekey("message")

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "mailbox history", (
        """CREATE TABLE folder_state (
            account TEXT NOT NULL,
            folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL,
            last_uid INTEGER NOT NULL DEFAULT 0,
            uidnext INTEGER,
            highestmodseq INTEGER,
            messages INTEGER,
            synced_at TEXT,
            PRIMARY KEY (account, folder)
        )""",
        """CREATE TABLE message (
            id INTEGER PRIMARY KEY,
            account TEXT NOT NULL,
            message_key TEXT NOT NULL,
            message_id TEXT,
            folder TEXT NOT NULL,
            uid INTEGER NOT NULL,
            uidvalidity INTEGER NOT NULL,
            date TEXT,
            from_address TEXT,
            from_name TEXT,
            subject TEXT,
            in_reply_to TEXT,
            refs TEXT,
            thread_key TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            automated TEXT,
            UNIQUE (account, message_key)
        )""",
        "CREATE INDEX message_by_location ON message (account, folder, uidvalidity, uid)",
        "CREATE INDEX message_by_thread ON message (account, thread_key, date)",
        "CREATE INDEX message_by_message_id ON message (account, message_id)",
        """CREATE TABLE participant (
            message INTEGER NOT NULL REFERENCES message (id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('from', 'to', 'cc')),
            address TEXT NOT NULL,
            name TEXT,
            PRIMARY KEY (message, role, address)
        ) WITHOUT ROWID""",
        "CREATE INDEX participant_by_address ON participant (address)",
        """CREATE TABLE item (
            id INTEGER PRIMARY KEY,
            message INTEGER NOT NULL REFERENCES message (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('commitment', 'challenge', 'success')),
            holder TEXT NOT NULL CHECK (holder IN ('sender', 'recipient', 'third_party')),
            evidence TEXT NOT NULL,
            summary TEXT NOT NULL,
            due TEXT,
            event_date TEXT,
            confidence REAL NOT NULL
        )""",
        "CREATE INDEX item_by_message ON item (message)",
        """CREATE TABLE quarantine (
            account TEXT NOT NULL,
            folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL,
            uid INTEGER NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (account, folder, uidvalidity, uid)
        )""",
    )),
    Migration(2, "check-ins and drafts", (
        "ALTER TABLE message ADD COLUMN followthrough_id TEXT",
        "CREATE INDEX message_by_followthrough_id ON message (followthrough_id)",
        """CREATE TABLE draft (
            id TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            address TEXT NOT NULL,
            name TEXT,
            reason TEXT NOT NULL,
            subject TEXT NOT NULL,
            message_id TEXT NOT NULL,
            thread_key TEXT,
            items TEXT NOT NULL,
            raw BLOB NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('planned', 'pending', 'sent', 'dismissed')),
            created TEXT NOT NULL,
            resolved TEXT
        )""",
        "CREATE INDEX draft_by_address ON draft (address, state)",
        """CREATE TABLE snooze (
            address TEXT PRIMARY KEY,
            until TEXT NOT NULL
        )""",
    )),
    Migration(3, "whether a message asks for an answer", (
        "ALTER TABLE message ADD COLUMN asks INTEGER NOT NULL DEFAULT 0",
    )),
    Migration(4, "account status", (
        """CREATE TABLE account_state (
            account TEXT PRIMARY KEY,
            last_sync TEXT,
            last_error TEXT,
            last_error_at TEXT
        )""",
    )),
    Migration(5, "drafts followed through mail clients: edited state, parent, changes", (
        # SQLite cannot change a CHECK constraint: the table is rebuilt with every row kept.
        """CREATE TABLE draft_new (
            id TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            address TEXT NOT NULL,
            name TEXT,
            reason TEXT NOT NULL,
            subject TEXT NOT NULL,
            message_id TEXT NOT NULL,
            thread_key TEXT,
            items TEXT NOT NULL,
            raw BLOB NOT NULL,
            state TEXT NOT NULL
                CHECK (state IN ('planned', 'pending', 'edited', 'sent', 'dismissed')),
            created TEXT NOT NULL,
            resolved TEXT,
            parent TEXT,
            current_message_id TEXT,
            current_text TEXT,
            current_copy TEXT,
            missing_since TEXT
        )""",
        """INSERT INTO draft_new (id, account, address, name, reason, subject, message_id,
            thread_key, items, raw, state, created, resolved)
           SELECT id, account, address, name, reason, subject, message_id, thread_key, items,
            raw, state, created, resolved FROM draft""",
        "DROP TABLE draft",
        "ALTER TABLE draft_new RENAME TO draft",
        "CREATE INDEX draft_by_address ON draft (address, state)",
        """CREATE TABLE draft_change (
            draft TEXT NOT NULL REFERENCES draft (id) ON DELETE CASCADE,
            seen TEXT NOT NULL CHECK (seen IN ('edited', 'sent')),
            position INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('kept', 'rewritten', 'deleted', 'added')),
            before TEXT NOT NULL,
            after TEXT NOT NULL,
            PRIMARY KEY (draft, seen, position)
        ) WITHOUT ROWID""",
        "CREATE INDEX message_by_in_reply_to ON message (account, in_reply_to)",
    )),
    Migration(6, "names, the user's voice, content identity, per-contact problems", (
        # learned at sync time from the text each person wrote (see mail/salutations.py)
        "ALTER TABLE message ADD COLUMN greeting TEXT",  # the opening line, e.g. "Hi Jeff,"
        "ALTER TABLE message ADD COLUMN greeted_name TEXT",  # the name it greets: "Jeff"
        "ALTER TABLE message ADD COLUMN closing TEXT",  # the sign-off lines: "Thanks,\nSally"
        "ALTER TABLE message ADD COLUMN signed_name TEXT",  # the name signed with: "Sally"
        # the same message under another Message-ID (a copy filed in another folder)
        "ALTER TABLE message ADD COLUMN content_key TEXT",
        "CREATE INDEX message_by_content_key ON message (account, content_key)",
        """CREATE TABLE contact_problem (
            address TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            problem TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
    )),
    Migration(7, "what a message says, to tell apart messages sharing a Message-ID", (
        "ALTER TABLE message ADD COLUMN content_digest TEXT",
    )),
    Migration(8, "what closes a promise (delivery, thanks) and what my message asked", (
        "ALTER TABLE message ADD COLUMN delivers INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE message ADD COLUMN thanks INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE message ADD COLUMN question TEXT",
    )),
    Migration(9, "threads whatever the read order: Message-ID links, split threads merged", (
        """CREATE TABLE thread_link (
            account TEXT NOT NULL,
            message_id TEXT NOT NULL,
            thread_key TEXT NOT NULL,
            PRIMARY KEY (account, message_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX thread_link_by_thread ON thread_link (account, thread_key)",
        # A reply read before its parent was keyed "r:<parent>"; a parent that answered an
        # older message then went to that message's thread instead of joining it. Merge
        # each such thread into its parent's (three passes follow chains of them).
        *((_REKEY_DRAFTS, _REKEY_MESSAGES) * 3),
        # Every stored message links its own Message-ID and the ones it answers.
        """INSERT OR IGNORE INTO thread_link (account, message_id, thread_key)
           SELECT account, message_id, thread_key FROM message
           WHERE message_id IS NOT NULL ORDER BY id""",
        """INSERT OR IGNORE INTO thread_link (account, message_id, thread_key)
           SELECT account, in_reply_to, thread_key FROM message
           WHERE in_reply_to IS NOT NULL ORDER BY id""",
        """INSERT OR IGNORE INTO thread_link (account, message_id, thread_key)
           SELECT m.account, j.value, m.thread_key FROM message m, json_each(m.refs) j
           WHERE m.refs IS NOT NULL AND json_valid(m.refs) AND j.type = 'text'
           ORDER BY m.id""",
    )),
)


def _applied(conn: sqlite3.Connection) -> set[int]:
    conn.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)""")
    return {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}


def check_known(applied: set[int], migrations: Sequence[Migration]) -> None:
    known = {m.version for m in migrations}
    newer = sorted(applied - known)
    if newer:
        raise StateError(
            f"the state was written by a newer followthrough (schema version {newer[-1]}, "
            f"this one knows up to {max(known, default=0)}); upgrade followthrough")


def schema_version(conn: sqlite3.Connection) -> int:
    """The highest migration applied, 0 for an empty database."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply the migrations not yet recorded, in version order, each in its own transaction.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Returns the versions applied.
    """
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError("migrations must have distinct, increasing versions")
    conn.execute("BEGIN IMMEDIATE")
    try:
        applied = _applied(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    check_known(applied, migrations)
    done: list[int] = []
    for migration in migrations:
        if migration.version in applied:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations (version, name, applied_at) "
                         "VALUES (?, ?, ?)",
                         (migration.version, migration.name, datetime.now(UTC).isoformat()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        done.append(migration.version)
    return done
