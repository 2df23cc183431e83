"""Which thread each Message-ID belongs to, and merging threads found to be one.

Every stored message links its own Message-ID and the ones it answers (In-Reply-To,
References) to its thread key, so a message read later finds its thread whichever side of
the conversation came first. When a message ties two stored threads together (a reply
read before its parent, the parent answering an older message), the joined thread's
messages, links and drafts take the surviving key, in the transaction that stores it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def thread_of(conn: sqlite3.Connection, account: str, message_id: str) -> str | None:
    """The thread of a stored message with this Message-ID, or of messages answering it."""
    row = conn.execute("SELECT thread_key FROM thread_link WHERE account = ? AND message_id = ?",
                       (account, message_id)).fetchone()
    return str(row[0]) if row else None


def link(conn: sqlite3.Connection, account: str, message_ids: Iterable[str], key: str) -> None:
    """Tie these Message-IDs to thread ``key`` (an id already tied keeps its thread: a
    message joining two threads merges them, see :func:`merge`)."""
    conn.executemany(
        "INSERT OR IGNORE INTO thread_link (account, message_id, thread_key) VALUES (?, ?, ?)",
        [(account, message_id, key) for message_id in dict.fromkeys(message_ids)])


def merge(conn: sqlite3.Connection, account: str, joined: str, into: str) -> None:
    """Thread ``joined`` is part of thread ``into``: its messages, links and drafts move."""
    if joined == into:
        return
    conn.execute("UPDATE message SET thread_key = ? WHERE account = ? AND thread_key = ?",
                 (into, account, joined))
    conn.execute("UPDATE thread_link SET thread_key = ? WHERE account = ? AND thread_key = ?",
                 (into, account, joined))
    conn.execute("UPDATE draft SET thread_key = ? WHERE account = ? AND thread_key = ?",
                 (into, account, joined))
