"""The contact history in the state store: messages, participants, items, cursors, quarantine."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from followthrough.extraction.items import Item
from followthrough.mail.addresses import OwnAddresses
from followthrough.mail.message_parse import ParsedMessage
from followthrough.mail.non_person import not_a_person
from followthrough.mail.salutations import Closing, Opening
from followthrough.mail.threads import linked_ids
from followthrough.state import thread_links
from followthrough.state.store import Store
from followthrough.sync.plan import FolderCursor, FolderStatus


@dataclass(frozen=True)
class MessageRecord:
    """A parsed message with what sync decided about it, ready to store."""

    parsed: ParsedMessage
    uid: int
    direction: str  # "in" | "out"
    thread_key: str
    automated: str | None
    items: Sequence[Item] = ()
    asks: bool = False  # the sender's own text asks a question or for something
    content_key: str | None = None  # the same message under another Message-ID
    opening: Opening | None = None  # "Hi Becky," greeting "Becky"
    closing: Closing | None = None  # "Thanks,\nSally" signed "Sally"
    delivers: bool = False  # it hands something over ("attached is…"): keeps a promise
    thanks: bool = False  # it thanks for something or confirms receipt
    question: str | None = None  # the question my own message asked (outbound only)
    key: str = ""  # the stored identity when not the message's own (a reused Message-ID)
    replaces: bool = False  # takes the place of a stored untrusted copy of itself

    @property
    def message_key(self) -> str:
        return self.key or self.parsed.key


@dataclass(frozen=True)
class Identity:
    """What is stored under a message key: enough to tell a copy from a forgery."""

    digest: str | None  # None for messages stored before digests were kept
    untrusted: bool  # claims to be from the user but was not found in Sent


@dataclass
class Batch:
    """One transaction's worth of a folder: new messages, moved ones, quarantined UIDs."""

    folder: str
    uidvalidity: int
    last_uid: int
    records: list[MessageRecord] = field(default_factory=list)
    relocated: list[tuple[str, int]] = field(default_factory=list)  # (message key, new UID)
    copies: int = 0  # copies of stored messages under another Message-ID: not stored again
    quarantined: list[tuple[int, str]] = field(default_factory=list)  # (UID, reason)
    completes_folder: bool = False  # the last batch of a full pass over the folder
    # threads found to be one by this batch's messages: (joined key, surviving key)
    merged_threads: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Contact:
    address: str
    name: str
    inbound: int
    outbound: int
    first_inbound: str | None
    last_inbound: str | None
    first_outbound: str | None
    last_outbound: str | None
    automated: bool
    automated_reason: str = ""  # why: not a person, or every message it sent was automated

    @property
    def last_interaction(self) -> str | None:
        dates = [d for d in (self.last_inbound, self.last_outbound) if d]
        return max(dates) if dates else None


UNTRUSTED_OWN = "claims to be from you but is not in your Sent folder"


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(UTC).isoformat(timespec="seconds") if when else None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class History:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    # ---- cursors
    def cursor(self, account: str, folder: str) -> FolderCursor | None:
        row = self.conn.execute(
            "SELECT uidvalidity, last_uid, highestmodseq FROM folder_state "
            "WHERE account = ? AND folder = ?", (account, folder)).fetchone()
        return FolderCursor(row[0], row[1], row[2]) if row else None

    # ---- lookups used while syncing
    def known(self, account: str, keys: Iterable[str]) -> dict[str, Identity]:
        """The stored messages among ``keys``."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Identity] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            query = "SELECT message_key, content_digest, automated FROM message WHERE " \
                f"account = ? AND message_key IN ({marks})"  # noqa: S608
            for key, digest, automated in self.conn.execute(query, (account, *chunk)):
                found[key] = Identity(digest, automated == UNTRUSTED_OWN)
        return found

    def known_content_keys(self, account: str, keys: Iterable[str]) -> dict[str, bool]:
        """Which of these content digests are stored already (copies under another id),
        each with whether a stored copy is the user's own mail from a Sent folder."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, bool] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            query = "SELECT content_key, MAX(direction = 'out') FROM message WHERE " \
                f"account = ? AND content_key IN ({marks}) GROUP BY content_key"  # noqa: S608
            for key, sent in self.conn.execute(query, (account, *chunk)):
                found[key] = bool(sent)
        return found

    def thread_of(self, account: str, message_id: str) -> str | None:
        """The thread of a stored message with this Message-ID, or of messages answering it."""
        return thread_links.thread_of(self.conn, account, message_id)

    # ---- writing
    def save_batch(self, account: str, batch: Batch, status: FolderStatus) -> None:
        """Store a batch and move the folder's cursor past it, all in one transaction."""
        with self.store.atomic() as conn:
            for record in batch.records:
                self._insert(conn, account, batch, record)
                p = record.parsed
                thread_links.link(conn, account,
                                  linked_ids(p.message_id, p.in_reply_to, p.references),
                                  record.thread_key)
            for joined, into in batch.merged_threads:
                thread_links.merge(conn, account, joined, into)
            for key, uid in batch.relocated:
                conn.execute("UPDATE message SET uid = ?, uidvalidity = ? WHERE account = ? "
                             "AND message_key = ? AND folder = ?",
                             (uid, batch.uidvalidity, account, key, batch.folder))
            conn.executemany(
                "INSERT OR REPLACE INTO quarantine (account, folder, uidvalidity, uid, reason, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(account, batch.folder, batch.uidvalidity, uid, reason, now_iso())
                 for uid, reason in batch.quarantined])
            conn.execute(
                "INSERT INTO folder_state (account, folder, uidvalidity, last_uid, uidnext, "
                "highestmodseq, messages, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (account, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity, "
                "last_uid = excluded.last_uid, uidnext = excluded.uidnext, "
                "highestmodseq = excluded.highestmodseq, messages = excluded.messages, "
                "synced_at = excluded.synced_at",
                (account, batch.folder, batch.uidvalidity, batch.last_uid, status.uidnext,
                 status.highestmodseq, status.messages, now_iso()))
            if batch.completes_folder:
                self._forget_stale_locations(conn, account, batch.folder, batch.uidvalidity)

    @staticmethod
    def _forget_stale_locations(conn: sqlite3.Connection, account: str, folder: str,
                                uidvalidity: int) -> None:
        """After a full pass over ``folder`` under ``uidvalidity``, a message still stored
        under an older UIDVALIDITY is no longer there, and its old UID may now name another
        message. Its history stays; its UID becomes 0 (no location). Quarantine entries
        under the old UIDVALIDITY go too: those messages were read again in this pass."""
        stale = "account = ? AND folder = ? AND (uidvalidity < ? OR uidvalidity > ?)"
        where = (account, folder, uidvalidity, uidvalidity)
        conn.execute(f"UPDATE message SET uid = 0 WHERE uid != 0 AND {stale}", where)  # noqa: S608
        conn.execute(f"DELETE FROM quarantine WHERE {stale}", where)  # noqa: S608

    @staticmethod
    def _insert(conn: sqlite3.Connection, account: str, batch: Batch,
                record: MessageRecord) -> None:
        p = record.parsed
        if record.replaces:
            conn.execute("DELETE FROM message WHERE account = ? AND message_key = ? "
                         "AND automated = ?", (account, record.message_key, UNTRUSTED_OWN))
        cursor = conn.execute(
            "INSERT INTO message (account, message_key, message_id, folder, uid, uidvalidity, "
            "date, from_address, from_name, subject, in_reply_to, refs, thread_key, direction, "
            "automated, followthrough_id, asks, content_key, greeting, greeted_name, closing, "
            "signed_name, content_digest, delivers, thanks, question) VALUES (?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (account, message_key) DO NOTHING",
            (account, record.message_key, p.message_id, batch.folder, record.uid,
             batch.uidvalidity,
             _iso(p.date), p.sender.address if p.sender else None,
             p.sender.name if p.sender else None, p.subject, p.in_reply_to,
             json.dumps(p.references) if p.references else None, record.thread_key,
             record.direction, record.automated,
             p.headers.get("x-followthrough-id") or None, int(record.asks),
             record.content_key, record.opening.line if record.opening else None,
             record.opening.name if record.opening else None,
             record.closing.lines if record.closing else None,
             (record.closing.name or None) if record.closing else None,
             p.content_digest or None,
             int(record.delivers), int(record.thanks), record.question))
        if cursor.rowcount == 0:
            return  # the same message seen in another folder
        message = cursor.lastrowid
        people = [("from", p.sender)] if p.sender else []
        people += [("to", m) for m in p.to] + [("cc", m) for m in p.cc]
        conn.executemany(
            "INSERT OR IGNORE INTO participant (message, role, address, name) VALUES (?, ?, ?, ?)",
            [(message, role, m.address, m.name) for role, m in people])
        conn.executemany(
            "INSERT INTO item (message, kind, holder, evidence, summary, due, event_date, "
            "confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(message, i.kind, i.holder, i.evidence, i.summary,
              i.due.isoformat() if i.due else None,
              i.event_date.isoformat() if i.event_date else None, i.confidence)
             for i in record.items])

    # ---- reading
    def contacts(self, own: OwnAddresses) -> list[Contact]:
        """Every counterpart: senders of inbound mail, recipients of outbound mail."""
        rows = self.conn.execute("""
            SELECT p.address AS address,
                   sum(m.direction = 'in') AS inbound,
                   sum(m.direction = 'out') AS outbound,
                   sum(m.direction = 'in' AND m.automated IS NULL) AS human_inbound,
                   min(CASE WHEN m.direction = 'in' THEN m.date END) AS first_inbound,
                   max(CASE WHEN m.direction = 'in' THEN m.date END) AS last_inbound,
                   min(CASE WHEN m.direction = 'out' THEN m.date END) AS first_outbound,
                   max(CASE WHEN m.direction = 'out' THEN m.date END) AS last_outbound
            FROM message m JOIN participant p ON p.message = m.id
            WHERE (m.direction = 'in' AND p.role = 'from')
               OR (m.direction = 'out' AND p.role IN ('to', 'cc'))
            GROUP BY p.address""").fetchall()
        names = dict(self.conn.execute("""
            SELECT address, name FROM (
                SELECT p.address AS address, p.name AS name, max(m.date)
                FROM message m JOIN participant p ON p.message = m.id
                WHERE p.name != '' GROUP BY p.address)""").fetchall())
        out = []
        for r in rows:
            if r["address"] in own:
                continue
            # Every message it sent was automated: a list or a notifier, even if the user
            # once wrote to it. A person's out-of-office replies don't count: they also
            # write by hand.
            why = not_a_person(r["address"]) or (
                "every message it sent was automated (mailing list, notification or bounce)"
                if r["inbound"] > 0 and r["human_inbound"] == 0 else "")
            out.append(Contact(r["address"], names.get(r["address"], ""), r["inbound"],
                               r["outbound"], r["first_inbound"], r["last_inbound"],
                               r["first_outbound"], r["last_outbound"], bool(why), why))
        out.sort(key=lambda c: c.last_interaction or "", reverse=True)
        return out

    def contact_messages(self, address: str) -> list[sqlite3.Row]:
        """The messages exchanged with ``address``, newest first."""
        return self.conn.execute("""
            SELECT DISTINCT m.id, m.account, m.date, m.direction, m.subject, m.thread_key,
                   m.message_id, m.folder, m.uid, m.automated
            FROM message m JOIN participant p ON p.message = m.id
            WHERE p.address = ?
              AND ((m.direction = 'in' AND p.role = 'from')
                   OR (m.direction = 'out' AND p.role IN ('to', 'cc')))
            ORDER BY m.date DESC""", (address,)).fetchall()

    def items_of(self, message_ids: Sequence[int]) -> dict[int, list[sqlite3.Row]]:
        found: dict[int, list[sqlite3.Row]] = {}
        for start in range(0, len(message_ids), 500):
            chunk = list(message_ids[start:start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"SELECT * FROM item WHERE message IN ({marks}) ORDER BY id", chunk):  # noqa: S608
                found.setdefault(row["message"], []).append(row)
        return found

    def quarantined(self, account: str | None = None) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT * FROM quarantine WHERE ?1 IS NULL OR account = ?1 ORDER BY at",
            (account,)).fetchall()

    def message_count(self, account: str | None = None) -> int:
        return int(self.conn.execute(
            "SELECT count(*) FROM message WHERE ?1 IS NULL OR account = ?1",
            (account,)).fetchone()[0])

    # ---- account status
    def record_sync(self, account: str, error: str | None = None) -> None:
        """Remember when an account last synced, or why it last failed."""
        with self.store.atomic() as conn:
            if error is None:
                conn.execute(
                    "INSERT INTO account_state (account, last_sync) VALUES (?, ?) "
                    "ON CONFLICT (account) DO UPDATE SET last_sync = excluded.last_sync",
                    (account, now_iso()))
            else:
                conn.execute(
                    "INSERT INTO account_state (account, last_error, last_error_at) "
                    "VALUES (?, ?, ?) ON CONFLICT (account) DO UPDATE SET "
                    "last_error = excluded.last_error, last_error_at = excluded.last_error_at",
                    (account, error, now_iso()))

    def account_states(self) -> dict[str, sqlite3.Row]:
        return {r["account"]: r for r in self.conn.execute("SELECT * FROM account_state")}
