"""Reading the facts check-ins are decided on, and keeping the drafts table."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from followthrough.checkins.draft_changes import LineChange
from followthrough.checkins.planning import (
    ContactFacts,
    DraftFacts,
    Exchange,
    RememberedItem,
    ThreadRef,
    whose,
)
from followthrough.mail.addresses import OwnAddresses
from followthrough.state.history import History
from followthrough.state.store import Store

DRAFT_STATES = ("planned", "pending", "edited", "sent", "dismissed")
WAITING_STATES = ("planned", "pending", "edited")  # still in the user's hands
SENT_CLOCK_SKEW = timedelta(minutes=10)  # a client's Date header may run a little behind
MAX_RECIPIENTS_FOR_ITEMS = 4  # a promise in a mail to thirty people is nobody's in particular


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class DraftRecord:
    id: str
    account: str
    address: str
    name: str
    reason: str
    subject: str
    message_id: str
    thread_key: str | None
    items: tuple[int, ...]
    raw: bytes
    state: str
    created: datetime
    resolved: datetime | None
    parent: str | None = None  # the message it replies to
    current_message_id: str | None = None  # the user's edited copy, once there is one
    current_text: str | None = None  # that copy's text
    current_copy: str | None = None  # where that copy is: "folder/uid"
    missing_since: datetime | None = None  # gone from the folders, not yet known as sent

    @property
    def message_ids(self) -> set[str]:
        """Every Message-ID this draft has had in the user's mailbox."""
        return {m for m in (self.message_id, self.current_message_id) if m}

    def facts(self) -> DraftFacts:
        return DraftFacts(self.address, self.state, self.reason, self.created, self.resolved,
                          self.thread_key)


@dataclass(frozen=True)
class SentCopy:
    """Where the sent version of a draft is stored in the mailbox."""

    folder: str
    uid: int
    uidvalidity: int
    date: datetime | None


def _draft(row: sqlite3.Row) -> DraftRecord:
    return DraftRecord(row["id"], row["account"], row["address"], row["name"] or "",
                       row["reason"], row["subject"], row["message_id"], row["thread_key"],
                       tuple(json.loads(row["items"])), bytes(row["raw"]), row["state"],
                       parse_time(row["created"]) or datetime.now(UTC),
                       parse_time(row["resolved"]), row["parent"], row["current_message_id"],
                       row["current_text"], row["current_copy"],
                       parse_time(row["missing_since"]))


class CheckinStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn
        self.history = History(store)

    # ---- facts
    def contacts(self, own: OwnAddresses) -> list[ContactFacts]:
        accounts = dict(self.conn.execute("""
            SELECT address, account FROM (
                SELECT p.address AS address, m.account AS account, max(m.date)
                FROM message m JOIN participant p ON p.message = m.id
                GROUP BY p.address)""").fetchall())
        exchanges = self.exchanges(own)
        return [ContactFacts(c.address, c.name, accounts.get(c.address, ""), c.automated,
                             c.inbound, c.outbound, parse_time(c.last_inbound),
                             parse_time(c.last_outbound), tuple(exchanges.get(c.address, ())),
                             c.automated_reason)
                for c in self.history.contacts(own)]

    def exchanges(self, own: OwnAddresses | None = None) -> dict[str, list[Exchange]]:
        """Per contact, every message from them or from the user to them, oldest first;
        with ``own``, whether the user was in To of each message from them."""
        addressed: dict[int, bool] = {}  # messages from them with a To: the user in it?
        if own is not None:
            for message, address in self.conn.execute("""
                    SELECT p.message, p.address FROM participant p JOIN message m
                    ON m.id = p.message WHERE m.direction = 'in' AND p.role = 'to'"""):
                addressed[message] = addressed.get(message, False) or address in own
        rows = self.conn.execute("""
            SELECT m.id, p.address, m.direction, m.date, m.thread_key, m.subject, m.message_id,
                   m.refs, m.automated, m.asks, m.delivers, m.thanks, m.question,
                   (SELECT count(*) FROM participant q WHERE q.message = m.id
                    AND q.role IN ('to', 'cc')) AS recipients
            FROM message m JOIN participant p ON p.message = m.id
            WHERE (m.direction = 'in' AND p.role = 'from')
               OR (m.direction = 'out' AND p.role IN ('to', 'cc'))
            ORDER BY m.date""").fetchall()
        found: dict[str, list[Exchange]] = defaultdict(list)
        for r in rows:
            found[r["address"]].append(Exchange(
                parse_time(r["date"]), r["direction"], r["thread_key"], r["subject"] or "",
                r["message_id"], tuple(json.loads(r["refs"])) if r["refs"] else (),
                int(r["recipients"]), r["automated"] is not None, bool(r["asks"]),
                bool(r["delivers"]), bool(r["thanks"]), r["question"],
                own is None or r["direction"] != "in" or addressed.get(r["id"], True)))
        return found

    def items(self) -> dict[str, list[RememberedItem]]:
        """Remembered items per contact address, each seen from the user's side."""
        used = self.used_items()
        rows = self.conn.execute("""
            SELECT i.id, i.kind, i.holder, i.summary, i.evidence, i.due, i.event_date,
                   m.direction, m.date, m.subject, m.thread_key, m.message_id, p.address
            FROM item i JOIN message m ON m.id = i.message
            JOIN participant p ON p.message = m.id
            WHERE (m.direction = 'in' AND p.role = 'from')
               OR (m.direction = 'out' AND p.role IN ('to', 'cc') AND (
                   SELECT count(*) FROM participant q WHERE q.message = m.id
                   AND q.role IN ('to', 'cc')) <= ?)
            ORDER BY m.date""", (MAX_RECIPIENTS_FOR_ITEMS,)).fetchall()
        found: dict[str, list[RememberedItem]] = defaultdict(list)
        for r in rows:
            found[r["address"]].append(RememberedItem(
                id=r["id"], kind=r["kind"], whose=whose(r["holder"], r["direction"]),
                summary=r["summary"], evidence=r["evidence"], said_on=parse_time(r["date"]),
                subject=r["subject"] or "", due=_date(r["due"]),
                event_date=_date(r["event_date"]), used=r["id"] in used,
                said_by_them=r["direction"] == "in", thread_key=r["thread_key"],
                message_id=r["message_id"]))
        return found

    def latest_threads(self) -> dict[str, ThreadRef]:
        """Per contact: the thread a draft should reply in, and my unanswered message."""
        rows = self.conn.execute("""
            SELECT m.id, p.address, m.direction, m.date, m.thread_key, m.subject, m.message_id,
                   m.refs, m.asks
            FROM message m JOIN participant p ON p.message = m.id
            WHERE m.automated IS NULL
              AND ((m.direction = 'in' AND p.role = 'from')
                   OR (m.direction = 'out' AND p.role IN ('to', 'cc')))
            ORDER BY p.address, m.date""").fetchall()
        latest: dict[str, sqlite3.Row] = {}
        last_in: dict[str, str] = {}
        for row in rows:
            latest[row["address"]] = row
            if row["direction"] == "in":
                last_in[row["address"]] = row["date"] or ""
        threads = {}
        for address, row in latest.items():
            unanswered = None
            if (row["direction"] == "out" and row["asks"]
                    and (row["date"] or "") > last_in.get(address, "")):
                unanswered = parse_time(row["date"])
            threads[address] = ThreadRef(row["thread_key"], row["subject"] or "",
                                         row["message_id"],
                                         tuple(json.loads(row["refs"])) if row["refs"] else (),
                                         unanswered)
        return threads

    def used_items(self) -> set[int]:
        used: set[int] = set()
        for (items,) in self.conn.execute(
                "SELECT items FROM draft WHERE state IN ('sent', 'dismissed')"):
            used.update(json.loads(items))
        return used

    # ---- snoozes
    def snoozes(self) -> dict[str, datetime]:
        return {r[0]: parse_time(r[1]) or datetime.now(UTC)
                for r in self.conn.execute("SELECT address, until FROM snooze")}

    def snooze(self, address: str, until: datetime | None) -> None:
        with self.store.atomic() as conn:
            if until is None:
                conn.execute("DELETE FROM snooze WHERE address = ?", (address,))
            else:
                conn.execute("INSERT INTO snooze (address, until) VALUES (?, ?) ON CONFLICT "
                             "(address) DO UPDATE SET until = excluded.until",
                             (address, until.astimezone(UTC).isoformat(timespec="seconds")))

    # ---- drafts
    def drafts(self, states: Iterable[str] = DRAFT_STATES,
               account: str | None = None, with_raw: bool = False) -> list[DraftRecord]:
        """Drafts in these states; their bytes only when asked for (they are only needed
        to APPEND a planned draft or to show one, and the table only grows)."""
        rows = self.conn.execute(
            "SELECT id, account, address, name, reason, subject, message_id, thread_key, "
            "items, CASE WHEN ?1 THEN raw ELSE x'' END AS raw, state, created, resolved, "
            "parent, current_message_id, current_text, current_copy, missing_since "
            "FROM draft WHERE state IN (SELECT value FROM json_each(?2)) "
            "AND (?3 IS NULL OR account = ?3) ORDER BY created, id",
            (with_raw, json.dumps(list(states)), account))
        return [_draft(r) for r in rows]

    def add_planned(self, record: DraftRecord) -> None:
        with self.store.atomic() as conn:
            conn.execute(
                "INSERT INTO draft (id, account, address, name, reason, subject, message_id, "
                "thread_key, items, raw, state, created, parent) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?)",
                (record.id, record.account, record.address, record.name, record.reason,
                 record.subject, record.message_id, record.thread_key,
                 json.dumps(list(record.items)), record.raw, _iso(record.created),
                 record.parent))

    def set_state(self, draft_id: str, state: str, when: datetime | None = None) -> None:
        with self.store.atomic() as conn:
            conn.execute("UPDATE draft SET state = ?, resolved = ?, missing_since = NULL "
                         "WHERE id = ?", (state, _iso(when) if when else None, draft_id))

    def set_edited(self, draft_id: str, message_id: str, text: str, copy: str,
                   changes: Sequence[LineChange]) -> None:
        """The user's saved copy now stands for the draft (same transaction: its changes)."""
        with self.store.atomic() as conn:
            conn.execute("UPDATE draft SET state = 'edited', current_message_id = ?, "
                         "current_text = ?, current_copy = ?, missing_since = NULL "
                         "WHERE id = ?", (message_id, text, copy, draft_id))
            _store_changes(conn, draft_id, "edited", changes)

    def set_sent(self, draft_id: str, when: datetime, changes: Sequence[LineChange]) -> None:
        with self.store.atomic() as conn:
            conn.execute("UPDATE draft SET state = 'sent', resolved = ?, missing_since = NULL "
                         "WHERE id = ?", (_iso(when), draft_id))
            _store_changes(conn, draft_id, "sent", changes)

    def set_missing(self, draft_id: str, since: datetime | None) -> None:
        with self.store.atomic() as conn:
            conn.execute("UPDATE draft SET missing_since = ? WHERE id = ?",
                         (_iso(since) if since else None, draft_id))

    def changes(self, draft_id: str, seen: str) -> list[LineChange]:
        return [LineChange(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT kind, before, after FROM draft_change WHERE draft = ? AND seen = ? "
            "ORDER BY position", (draft_id, seen))]

    def sent_copy(self, draft: DraftRecord, any_mail: bool = False) -> SentCopy | None:
        """The user's sent message that was this draft, from synced mail: one carrying one
        of its Message-IDs (or an earlier version's id header), else one to the contact,
        written after the draft, replying to the same parent (a draft starting a thread:
        with the same subject). With ``any_mail``: any mail to them after the draft."""
        row = self.conn.execute(
            "SELECT folder, uid, uidvalidity, date FROM message WHERE account = ? AND "
            "direction = 'out' AND (followthrough_id = ? OR message_id IN "
            "(SELECT value FROM json_each(?))) ORDER BY date LIMIT 1",
            (draft.account, draft.id, json.dumps(sorted(draft.message_ids)))).fetchone()
        if row is None:
            row = self.conn.execute("""
                SELECT m.folder, m.uid, m.uidvalidity, m.date
                FROM message m JOIN participant p ON p.message = m.id
                WHERE m.account = ?1 AND m.direction = 'out' AND p.address = ?2
                  AND p.role IN ('to', 'cc') AND m.date >= ?3
                  AND (?4 OR (?5 IS NOT NULL AND m.in_reply_to = ?5)
                       OR (?5 IS NULL AND m.in_reply_to IS NULL AND m.subject = ?6))
                ORDER BY m.date LIMIT 1""",
                (draft.account, draft.address, _iso(draft.created - SENT_CLOCK_SKEW),
                 any_mail, draft.parent, draft.subject)).fetchone()
        if row is None:
            return None
        return SentCopy(row[0], int(row[1]), int(row[2]), parse_time(row[3]))

    # ---- contacts no draft could be written for
    def record_problem(self, address: str, account: str, problem: str, when: datetime) -> None:
        with self.store.atomic() as conn:
            conn.execute("INSERT INTO contact_problem (address, account, problem, at) "
                         "VALUES (?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET "
                         "account = excluded.account, problem = excluded.problem, "
                         "at = excluded.at",
                         (address, account, problem,
                          when.astimezone(UTC).isoformat(timespec="seconds")))

    def clear_problem(self, address: str) -> None:
        with self.store.atomic() as conn:
            conn.execute("DELETE FROM contact_problem WHERE address = ?", (address,))

    def problems(self, account: str | None = None) -> dict[str, tuple[str, datetime]]:
        """Per contact: why the last draft for them could not be written, and when."""
        return {r["address"]: (r["problem"], parse_time(r["at"]) or datetime.now(UTC))
                for r in self.conn.execute(
                    "SELECT address, problem, at FROM contact_problem "
                    "WHERE ?1 IS NULL OR account = ?1 ORDER BY address", (account,))}

    def created_on(self, day: date) -> int:
        """Drafts created on ``day`` (local time): they count against the daily cap."""
        return sum(1 for d in self.drafts() if d.created.astimezone().date() == day)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _store_changes(conn: sqlite3.Connection, draft_id: str, seen: str,
                   changes: Sequence[LineChange]) -> None:
    conn.execute("DELETE FROM draft_change WHERE draft = ? AND seen = ?", (draft_id, seen))
    conn.executemany(
        "INSERT INTO draft_change (draft, seen, position, kind, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(draft_id, seen, n, c.kind, c.before, c.after) for n, c in enumerate(changes)])


def by_address(drafts: Sequence[DraftRecord]) -> dict[str, list[DraftFacts]]:
    found: dict[str, list[DraftFacts]] = defaultdict(list)
    for draft in drafts:
        found[draft.address].append(draft.facts())
    return found
