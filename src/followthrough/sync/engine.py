"""The sync engine: plan each folder, fetch what is new in batches, store each batch atomically.

It talks to a :class:`MailSource` (IMAP in production, anything in tests) and never imports
the CLI or the IMAP library. The folder's cursor moves only in the transaction that stores a
batch, so an interrupted sync resumes where it stopped and processes nothing twice.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from followthrough.config.model import Account
from followthrough.crashpoints import durable_step
from followthrough.extraction.analysis import BatchAnalyser, InlineAnalyser, Pending
from followthrough.extraction.items import Analyser
from followthrough.mail.addresses import OwnAddresses
from followthrough.mail.automated import automated_reason, spoofing_reason
from followthrough.mail.content_identity import content_key
from followthrough.mail.folders import FolderInfo, choose_folders, is_sent_folder
from followthrough.mail.imap_source import FetchedMessage
from followthrough.mail.message_parse import MessageParseError, ParsedMessage, parse_message
from followthrough.mail.promise_signals import delivers, thanks
from followthrough.mail.questions import asked_question, asks_for_answer
from followthrough.mail.salutations import closing, opening
from followthrough.mail.sender_text import written_lines
from followthrough.progress import NoProgress, ProgressSink
from followthrough.state.history import (
    UNTRUSTED_OWN,
    Batch,
    History,
    Identity,
    MessageRecord,
)
from followthrough.sync.identity import distinct_key, identify
from followthrough.sync.plan import Action, FolderPlan, FolderStatus, plan_folder
from followthrough.sync.thread_index import ThreadIndex

log = logging.getLogger("followthrough.sync")

BATCH_SIZE = 500
PIPELINE_DEPTH = 2  # batches fetched ahead while earlier ones are being analysed


class MailSource(Protocol):
    def folders(self) -> list[FolderInfo]: ...
    def status(self, folder: str) -> FolderStatus: ...
    def examine(self, folder: str) -> FolderStatus: ...
    def uids_after(self, uid: int) -> list[int]: ...
    def fetch(self, uids: Sequence[int]) -> dict[int, FetchedMessage]: ...


@dataclass
class FolderReport:
    folder: str
    action: str
    new: int = 0
    relocated: int = 0
    copies: int = 0  # copies of stored messages under another Message-ID, counted once
    quarantined: int = 0


@dataclass
class AccountReport:
    account: str
    folders: list[FolderReport] = field(default_factory=list)
    stopped: bool = False  # asked to stop before the end

    @property
    def new(self) -> int:
        return sum(f.new for f in self.folders)

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self.folders)


@dataclass
class _Prepared:
    """A batch built but not yet analysed or stored."""

    batch: Batch
    records: list[MessageRecord]
    pending: Pending | None
    fetched: int  # UIDs asked for, for progress


class BatchBuilder:
    """Turns fetched messages into a :class:`Batch`; pure apart from reading the history.

    Thread and duplicate lookups also see the batch built just before, which may still be
    waiting for its analysis and so not yet be stored.
    """

    def __init__(self, account: Account, history: History,
                 sent_folders: frozenset[str] = frozenset()) -> None:
        self.account = account
        self.own = OwnAddresses(account.addresses)
        self.history = history
        self.sent_folders = sent_folders  # only mail found here is the user's own words
        self._previous = _BatchThreads()
        self.threads = ThreadIndex(account.name, history, PIPELINE_DEPTH)

    def build(self, plan: FolderPlan, uids: Sequence[int],
              fetched: dict[int, FetchedMessage]) -> tuple[Batch, list[MessageRecord]]:
        batch = Batch(plan.folder, plan.uidvalidity, last_uid=max(uids))
        parsed: list[tuple[int, ParsedMessage]] = []
        for uid in sorted(uids):
            raw = fetched.get(uid)
            if raw is None:
                continue  # expunged between SEARCH and FETCH: nothing to read
            try:
                parsed.append((uid, parse_message(raw.header, raw.body, raw.internal_date)))
            except MessageParseError as exc:
                batch.quarantined.append((uid, f"unreadable: {exc}"))
        known = self.history.known(self.account.name, (
            k for _, p in parsed for k in (p.key, distinct_key(p))))
        known.update(self._previous.identities)
        contents = {p.key: content_key(p) for _, p in parsed}
        copies = self.history.known_content_keys(self.account.name, contents.values())
        copies.update(self._previous.content_keys)
        threads = _BatchThreads()
        self.threads.start_batch()
        in_sent = plan.folder in self.sent_folders
        records = []
        for uid, message in parsed:
            key, stored = identify(message, known)
            replaces = (stored is not None and stored.untrusted and in_sent
                        and message.sender is not None and message.sender.address in self.own)
            if stored is not None and not replaces:
                batch.relocated.append((key, uid))
                continue
            content = contents[message.key]
            from_user_in_sent = (in_sent and message.sender is not None
                                 and message.sender.address in self.own)
            # A copy of a stored message under another Message-ID counts once; but the
            # user's own mail in Sent is never hidden by a copy that may be a forgery, only
            # by another copy of their own sent mail ("Sent" and "Sent Items" both kept).
            if content in copies and (not from_user_in_sent or copies[content]):
                batch.copies += 1
                continue
            copies[content] = copies.get(content, False) or from_user_in_sent
            record = replace(self._record(uid, message, batch, in_sent),
                             key=key if key != message.key else "", replaces=replaces,
                             content_key=content)
            known[key] = Identity(message.content_digest, record.automated == UNTRUSTED_OWN)
            threads.identities[key] = known[key]
            threads.content_keys[content] = copies[content]
            records.append(record)
        self._previous = threads
        return batch, records

    def _record(self, uid: int, message: ParsedMessage, batch: Batch,
                in_sent: bool) -> MessageRecord:
        sender = message.sender.address if message.sender else ""
        # Mail from one of the user's addresses is theirs only where they keep what they
        # sent; elsewhere anyone can write that From: it is stored, never believed.
        from_user = sender in self.own
        direction = "out" if from_user and in_sent else "in"
        everyone = [m.address for m in (*message.to, *message.cc)] + [sender]
        counterparts = [a for a in everyone if a and a not in self.own]
        key, merges = self.threads.assign(message, counterparts)
        batch.merged_threads.extend(merges)
        automated = None
        if from_user and not in_sent:
            automated = UNTRUSTED_OWN
        elif direction == "in":
            automated = automated_reason(message.headers, sender) or spoofing_reason(
                sender, message.sender.name if message.sender else "")
        lines = written_lines(message.text)
        asks = asks_for_answer(message.text, lines)
        if automated is not None:
            return MessageRecord(message, uid, direction, key, automated, asks=asks)
        # how a person opens and signs: names and the user's voice; what closes a promise
        return MessageRecord(message, uid, direction, key, automated, asks=asks,
                             opening=opening(lines), closing=closing(lines),
                             delivers=delivers(message.text, lines),
                             thanks=thanks(message.text, lines),
                             question=asked_question(message.text, lines)
                             if direction == "out" else None)


def _worth_analysing(record: MessageRecord) -> bool:
    return record.automated is None and bool(record.parsed.text.strip())


def _with_items(batch: Batch, records: list[MessageRecord], pending: Pending | None) -> Batch:
    """Attach the analysis outcomes to the records they belong to."""
    outcomes = iter(pending.result() if pending else [])
    for record in records:
        if pending is None or not _worth_analysing(record):
            batch.records.append(record)
            continue
        outcome = next(outcomes)
        if isinstance(outcome, str):
            batch.quarantined.append((record.uid, outcome))
            batch.records.append(record)
        else:
            batch.records.append(replace(record, items=tuple(outcome)))
    return batch


class _BatchThreads:
    """What a batch built, for the duplicate checks of the batch after it (which may be
    built before this one is stored)."""

    def __init__(self) -> None:
        self.content_keys: dict[str, bool] = {}  # each with: the user's own sent mail
        self.identities: dict[str, Identity] = {}  # message key → what was built under it


def _estimate(plan: FolderPlan, status: FolderStatus) -> int:
    if plan.action is Action.NOTHING:
        return 0
    return max(0, min(status.messages, status.uidnext - 1 - plan.after_uid))


def _end_of_pass(last_uid: int, opened: FolderStatus) -> int:
    """Where the cursor stands after a full pass: past every UID below the UIDNEXT seen at
    EXAMINE, since a message the SEARCH did not find there is gone and none can come."""
    return max(last_uid, opened.uidnext - 1)


def sync_account(account: Account, source: MailSource, history: History, *,
                 analyse: Analyser | None = None, analyser: BatchAnalyser | None = None,
                 progress: ProgressSink | None = None, batch_size: int = BATCH_SIZE,
                 should_stop: Callable[[], bool] | None = None) -> AccountReport:
    """Bring the stored history of ``account`` up to date with its folders.

    Pass ``analyse`` (per message, run inline) or ``analyser`` (per batch, e.g. in a worker
    process: the next batch is fetched while the previous one is analysed). When
    ``should_stop()`` turns true the sync ends after the batch in hand is stored; the next
    sync resumes there.
    """
    if analyser is None and analyse is not None:
        analyser = InlineAnalyser(analyse)
    progress = progress or NoProgress()
    report = AccountReport(account.name)
    listing = source.folders()
    builder = BatchBuilder(account, history,
                           frozenset(f.name for f in listing if is_sent_folder(f)))
    names = choose_folders(listing, account.folders, account.review_folder)
    statuses = {name: source.status(name) for name in names}
    plans = [plan_folder(name, history.cursor(account.name, name), statuses[name])
             for name in names]
    progress.start(f"sync {account.name}",
                   sum(_estimate(p, statuses[p.folder]) for p in plans))
    for plan in plans:
        folder_report = FolderReport(plan.folder, plan.action.value)
        report.folders.append(folder_report)
        if plan.action is Action.NOTHING:
            continue
        opened = source.examine(plan.folder)
        # UIDVALIDITY may have changed since STATUS: plan again with what EXAMINE says.
        plan = plan_folder(plan.folder, history.cursor(account.name, plan.folder), opened)
        folder_report.action = plan.action.value
        if plan.action is Action.RESCAN:
            log.warning("%s/%s: UIDVALIDITY changed; rescanning (known messages are matched "
                        "by Message-ID, not duplicated)", account.name, plan.folder)
        uids = source.uids_after(plan.after_uid) if plan.action is not Action.NOTHING else []
        waiting: deque[_Prepared] = deque()
        if not uids:
            # Nothing to read, yet the pass is complete: record it, so the cursor follows a
            # new UIDVALIDITY and locations left from the old one are forgotten.
            pass_done = Batch(plan.folder, plan.uidvalidity,
                              _end_of_pass(plan.after_uid, opened), completes_folder=True)
            waiting.append(_Prepared(pass_done, [], None, 0))
        try:
            for start in range(0, len(uids), batch_size):
                if should_stop is not None and should_stop():
                    report.stopped = True
                    break
                chunk = uids[start:start + batch_size]
                batch, records = builder.build(plan, chunk, source.fetch(chunk))
                if start + batch_size >= len(uids):
                    batch.completes_folder = True
                    batch.last_uid = _end_of_pass(batch.last_uid, opened)
                pending = analyser.submit([(r.parsed, r.direction) for r in records
                                           if _worth_analysing(r)]) if analyser else None
                waiting.append(_Prepared(batch, records, pending, len(chunk)))
                if len(waiting) > PIPELINE_DEPTH:
                    _store(account, history, waiting.popleft(), opened, folder_report,
                           progress)
        finally:
            # Store what was fetched before any failure: the next sync starts after it.
            while waiting:
                _store(account, history, waiting.popleft(), opened, folder_report, progress)
    progress.finish()
    return report


def _store(account: Account, history: History, prepared: _Prepared, opened: FolderStatus,
           folder_report: FolderReport, progress: ProgressSink) -> None:
    batch = _with_items(prepared.batch, prepared.records, prepared.pending)
    history.save_batch(account.name, batch, opened)
    durable_step(f"batch {account.name}/{batch.folder} up to UID {batch.last_uid}")
    for uid, reason in batch.quarantined:
        log.warning("%s/%s UID %d quarantined: %s", account.name, batch.folder, uid, reason)
    folder_report.new += len(batch.records)
    folder_report.relocated += len(batch.relocated)
    folder_report.copies += batch.copies
    folder_report.quarantined += len(batch.quarantined)
    progress.advance(prepared.fetched)
