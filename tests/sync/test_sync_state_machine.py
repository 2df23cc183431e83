"""A Hypothesis state machine over the sync engine.

An in-memory server (the engine's MailSource) gets messages, loses them, moves and copies
them between folders, and renumbers folders under a new UIDVALIDITY, in any order. Syncs
run between those steps, with small batches, and some of them fail: the connection drops at
a FETCH, a message is expunged between SEARCH and FETCH, a run is asked to stop early, or
the process dies before or in the middle of a batch transaction (the store is then reopened,
as a new process would). After every step the stored history must hold:

- no message stored twice, and one item per message, taken from that message;
- no stored UID names a different message than the one stored for it;
- no cursor has passed a message that is neither stored nor quarantined;

and after every sync that ran to its end, everything on the server is stored, each stored
location is the current one, and locations from an older UIDVALIDITY are forgotten.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from followthrough.config.model import Account
from followthrough.extraction.items import Item
from followthrough.mail.folders import FolderInfo
from followthrough.mail.imap_source import FetchedMessage
from followthrough.mail.message_parse import ParsedMessage
from followthrough.state.history import UNTRUSTED_OWN, Batch, History, MessageRecord
from followthrough.state.store import Store
from followthrough.sync.engine import sync_account
from followthrough.sync.plan import FolderStatus
from tests.messages import make_message

FOLDERS = ("INBOX", "Sent", "Archive")
ME = "Sam Me <me@example.com>"
ACCOUNT = Account(name="test", host="localhost", username="sam",
                  addresses=("me@example.com",), review_folder="Follow-ups", folders=FOLDERS)
BROKEN = "broken"  # the subject the test gives a message the parser must refuse


@dataclass(frozen=True)
class Mail:
    subject: str  # unique per message: the test's way to know a message again
    raw_header: bytes
    body: bytes


def new_mail(number: int, outgoing: bool, with_id: bool) -> Mail:
    person = f"Person {number} <p{number}@example.com>"
    raw = make_message(sender=ME if outgoing else person, to=person if outgoing else ME,
                       subject=f"note {number}", message_id="auto" if with_id else None,
                       body=f"Hi,\n\nmarker-{number} is what this note is about.\n")
    header, _, body = raw.partition(b"\r\n\r\n")
    return Mail(f"note {number}", header + b"\r\n\r\n", body)


def broken_mail(number: int) -> Mail:
    return Mail(f"{BROKEN} {number}", b"", b"no header at all " + str(number).encode())


@dataclass
class ServerFolder:
    uidvalidity: int
    uidnext: int = 1
    messages: dict[int, Mail] = field(default_factory=dict)

    def add(self, mail: Mail) -> None:
        self.messages[self.uidnext] = mail
        self.uidnext += 1

    def uid_of(self, subject: str) -> int | None:
        return next((u for u, m in self.messages.items() if m.subject == subject), None)


class MemoryServer:
    """The engine's MailSource, with what a real IMAP server promises and nothing more."""

    def __init__(self) -> None:
        self.folder = {name: ServerFolder(uidvalidity=1000 + n) for n, name in enumerate(FOLDERS)}
        self.examined = ""
        self.fetches = 0
        self.drop_at_fetch: int | None = None  # the connection drops at this FETCH
        self.expunge_at_fetch: int | None = None  # a message goes between SEARCH and FETCH

    def folders(self) -> list[FolderInfo]:
        return [FolderInfo(name, frozenset({"\\sent"} if name == "Sent" else set()))
                for name in FOLDERS]

    def status(self, folder: str) -> FolderStatus:
        f = self.folder[folder]
        return FolderStatus(f.uidvalidity, f.uidnext, len(f.messages))

    def examine(self, folder: str) -> FolderStatus:
        self.examined = folder
        return self.status(folder)

    def uids_after(self, uid: int) -> list[int]:
        return sorted(u for u in self.folder[self.examined].messages if u > uid)

    def fetch(self, uids: Sequence[int]) -> dict[int, FetchedMessage]:
        self.fetches += 1
        if self.fetches == self.drop_at_fetch:
            raise ConnectionResetError("connection dropped (test)")
        messages = self.folder[self.examined].messages
        if self.fetches == self.expunge_at_fetch and uids:
            messages.pop(max(uids), None)
        return {u: FetchedMessage(messages[u].raw_header, messages[u].body, None)
                for u in uids if u in messages}


class ProcessDied(BaseException):
    """Stands for the process being killed: nothing after it runs."""


class MortalHistory(History):
    """The real History, which dies at its N-th batch: before the transaction, or inside it
    after writing the first message (the transaction must then leave no trace)."""

    def __init__(self, store: Store, die_at_batch: int | None, inside: bool) -> None:
        super().__init__(store)
        self.batches = 0
        self.die_at_batch = die_at_batch
        self.inside = inside
        self.dead = False

    def save_batch(self, account: str, batch: Batch, status: FolderStatus) -> None:
        if self.dead:
            raise ProcessDied
        self.batches += 1
        if self.batches == self.die_at_batch and not (self.inside and batch.records):
            self.dead = True
            raise ProcessDied
        super().save_batch(account, batch, status)

    def _insert(self, conn: sqlite3.Connection, account: str, batch: Batch,  # type: ignore[override]
                record: MessageRecord) -> None:
        History._insert(conn, account, batch, record)
        if self.batches == self.die_at_batch and self.inside:
            self.dead = True
            raise ProcessDied


def analyse(message: ParsedMessage, direction: str) -> list[Item]:
    found = re.search(r"marker-\d+", message.text)
    return [Item("challenge", "sender", found.group(), "a note", 0.9)] if found else []


def _never(message: ParsedMessage, direction: str) -> list[Item]:
    raise AssertionError(f"{message.subject} was analysed a second time")


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="followthrough-hypothesis-"))
        self.store = Store.open(self.dir)
        self.server = MemoryServer()
        self.count = 0
        self.outgoing: set[str] = set()  # subjects of the mail written by me

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- what happens on the server
    @initialize(incoming=st.integers(0, 4), outgoing=st.integers(0, 3))
    def some_mail(self, incoming: int, outgoing: int) -> None:
        for _ in range(incoming):
            self.arrive("INBOX", with_id=True)
        for _ in range(outgoing):
            self.arrive("Sent", with_id=True)

    @rule(folder=st.sampled_from(FOLDERS), with_id=st.booleans())
    def arrive(self, folder: str, with_id: bool) -> None:
        self.count += 1
        if folder == "Sent":
            self.outgoing.add(f"note {self.count}")
        self.server.folder[folder].add(new_mail(self.count, folder == "Sent", with_id))

    @rule(folder=st.sampled_from(FOLDERS))
    def broken_arrives(self, folder: str) -> None:
        self.count += 1
        self.server.folder[folder].add(broken_mail(self.count))

    @rule(folder=st.sampled_from(FOLDERS), data=st.data())
    def delete(self, folder: str, data: st.DataObject) -> None:
        messages = self.server.folder[folder].messages
        if messages:
            messages.pop(data.draw(st.sampled_from(sorted(messages))))

    @rule(origin=st.sampled_from(FOLDERS), destination=st.sampled_from(FOLDERS),
          keep=st.booleans(), data=st.data())
    def move_or_copy(self, origin: str, destination: str, keep: bool,
                     data: st.DataObject) -> None:
        messages = self.server.folder[origin].messages
        if origin == destination or not messages:
            return
        uid = data.draw(st.sampled_from(sorted(messages)))
        mail = messages[uid] if keep else messages.pop(uid)
        if self.server.folder[destination].uid_of(mail.subject) is None:  # one copy per folder
            self.server.folder[destination].add(mail)

    @rule(folder=st.sampled_from(FOLDERS), data=st.data())
    def renumber(self, folder: str, data: st.DataObject) -> None:
        """A new UIDVALIDITY, and every message numbered again from 1 in another order."""
        f = self.server.folder[folder]
        order = data.draw(st.permutations(sorted(f.messages)))
        mails = [f.messages[uid] for uid in order]
        f.uidvalidity += data.draw(st.integers(1, 50))
        f.messages, f.uidnext = {}, 1
        for mail in mails:
            f.add(mail)

    # ---- syncs
    @rule(batch_size=st.integers(1, 3))
    def sync(self, batch_size: int) -> None:
        self.server.drop_at_fetch = self.server.expunge_at_fetch = None
        self._run(batch_size, None, False)
        self.check_complete()

    @rule(batch_size=st.integers(1, 3), at=st.integers(1, 6))
    def sync_with_expunge_race(self, batch_size: int, at: int) -> None:
        self.server.drop_at_fetch, self.server.expunge_at_fetch = None, at
        self._run(batch_size, None, False)
        self.check_complete()

    @rule(batch_size=st.integers(1, 3), at=st.integers(1, 6))
    def sync_dropped(self, batch_size: int, at: int) -> None:
        self.server.drop_at_fetch, self.server.expunge_at_fetch = at, None
        with contextlib.suppress(ConnectionResetError):  # when it came before the end
            self._run(batch_size, None, False)

    @rule(batch_size=st.integers(1, 3), at=st.integers(1, 6), inside=st.booleans())
    def sync_killed(self, batch_size: int, at: int, inside: bool) -> None:
        self.server.drop_at_fetch = self.server.expunge_at_fetch = None
        try:
            self._run(batch_size, at, inside)
        except ProcessDied:
            self.store.close()  # what is not committed is gone; a new process starts
            self.store = Store.open(self.dir)

    @rule(batch_size=st.integers(1, 3), after=st.integers(0, 3))
    def sync_stopped_early(self, batch_size: int, after: int) -> None:
        self.server.drop_at_fetch = self.server.expunge_at_fetch = None
        polls = itertools.count()
        sync_account(ACCOUNT, self.server, History(self.store), analyse=analyse,
                     batch_size=batch_size, should_stop=lambda: next(polls) >= after)

    def _run(self, batch_size: int, die_at_batch: int | None, inside: bool) -> None:
        self.server.fetches = 0
        history = MortalHistory(self.store, die_at_batch, inside)
        sync_account(ACCOUNT, self.server, history, analyse=analyse, batch_size=batch_size)

    # ---- what must always hold
    def rows(self) -> list[sqlite3.Row]:
        return self.store.conn.execute(
            "SELECT m.message_key, m.subject, m.folder, m.uid, m.uidvalidity, m.direction, "
            "m.automated, "
            "(SELECT group_concat(evidence) FROM item i WHERE i.message = m.id) AS items "
            "FROM message m").fetchall()

    @invariant()
    def nothing_stored_twice_and_items_belong(self) -> None:
        rows = self.rows()
        subjects = [r["subject"] for r in rows]
        assert len(set(subjects)) == len(subjects), "a message was stored twice"
        for row in rows:
            if row["automated"] == UNTRUSTED_OWN:
                # From me, but read outside Sent: stored, never analysed, never "out".
                assert row["items"] is None and row["direction"] == "in", row["subject"]
                assert row["folder"] != "Sent", row["subject"]
            else:
                assert row["items"] == "marker-" + row["subject"].split()[-1], row["subject"]

    @invariant()
    def no_uid_names_another_message(self) -> None:
        for row in self.rows():
            f = self.server.folder[row["folder"]]
            if row["uid"] and row["uidvalidity"] == f.uidvalidity and row["uid"] in f.messages:
                assert f.messages[row["uid"]].subject == row["subject"], (
                    f"{row['folder']} UID {row['uid']} is {f.messages[row['uid']].subject}, "
                    f"stored as {row['subject']}")

    @invariant()
    def no_cursor_passes_unstored_mail(self) -> None:
        stored = {r["subject"] for r in self.rows()}
        for folder, uidvalidity, last_uid in self.store.conn.execute(
                "SELECT folder, uidvalidity, last_uid FROM folder_state"):
            f = self.server.folder[folder]
            if uidvalidity != f.uidvalidity:
                continue  # a rescan will read it all again
            quarantined = self.quarantined(folder, uidvalidity)
            for uid, mail in f.messages.items():
                if uid <= last_uid:
                    assert mail.subject in stored or uid in quarantined, (folder, uid)

    def quarantined(self, folder: str, uidvalidity: int) -> set[int]:
        return {r[0] for r in self.store.conn.execute(
            "SELECT uid FROM quarantine WHERE folder = ? AND uidvalidity = ?",
            (folder, uidvalidity))}

    # ---- what must hold after a sync that ran to its end
    def check_complete(self) -> None:
        rows = {r["subject"]: r for r in self.rows()}
        for name, f in self.server.folder.items():
            quarantined = self.quarantined(name, f.uidvalidity)
            for uid, mail in f.messages.items():
                if mail.subject.startswith(BROKEN):
                    assert uid in quarantined, (name, uid)
                else:
                    assert mail.subject in rows, f"{name} UID {uid} ({mail.subject}) not stored"
                    if name == "Sent" and mail.subject in self.outgoing:
                        # what the user has in Sent is their own words
                        assert rows[mail.subject]["direction"] == "out", mail.subject
        for row in rows.values():
            f = self.server.folder[row["folder"]]
            here = f.uid_of(row["subject"])
            if row["automated"] == UNTRUSTED_OWN:
                assert self.server.folder["Sent"].uid_of(row["subject"]) is None, row
            if here is not None:
                assert (row["uid"], row["uidvalidity"]) == (here, f.uidvalidity), row["subject"]
            elif row["uidvalidity"] != f.uidvalidity:
                assert row["uid"] == 0, f"{row['subject']} keeps a UID from an old UIDVALIDITY"
        stale = self.store.conn.execute(
            "SELECT folder, uidvalidity FROM quarantine").fetchall()
        assert all(u == self.server.folder[name].uidvalidity for name, u in stale), stale
        # Each message was processed once: a sync right after has nothing to do.
        again = sync_account(ACCOUNT, self.server, History(self.store), analyse=_never)
        assert [f.action for f in again.folders] == ["nothing new"] * len(FOLDERS)


# 300 runs take about 12 s; set FOLLOWTHROUGH_STATE_MACHINE_RUNS=3000 for a longer search.
SyncMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("FOLLOWTHROUGH_STATE_MACHINE_RUNS", "300")),
    stateful_step_count=40, deadline=None)
TestSyncStateMachine = SyncMachine.TestCase
