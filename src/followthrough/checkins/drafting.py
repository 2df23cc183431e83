"""Deciding and writing drafts: the check-in cycle after a sync (following them up is
``follow_up``).

Writing is crash-safe: a draft is first recorded as planned (with its exact bytes), then
looked up in the review folder and APPENDed only if absent, then recorded as pending. A
crash at any point is repaired by the next run, and never leaves two copies.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from followthrough.checkins.draft_message import (
    build_draft,
    draft_message_id,
    reply_subject,
    safe_message_id,
)
from followthrough.checkins.draft_text import (
    CADENCE_LINES,
    DEFAULT_TEMPLATE,
    body_lines,
    compose_body,
)
from followthrough.checkins.follow_up import FollowUpReport, place
from followthrough.checkins.planning import (
    CheckIn,
    ContactFacts,
    Verdict,
    decide,
    plain_checkins,
    plan_day,
)
from followthrough.checkins.review_folder import ReviewFolder
from followthrough.checkins.voice import Voice
from followthrough.config.model import Account, Config
from followthrough.crashpoints import durable_step
from followthrough.mail.address_syntax import UnwritableAddress, addr_spec
from followthrough.mail.addresses import OwnAddresses
from followthrough.state.checkin_store import (
    WAITING_STATES,
    CheckinStore,
    DraftRecord,
    by_address,
)
from followthrough.state.own_identity import likely_own_addresses
from followthrough.state.voice_store import VoiceStore

log = logging.getLogger("followthrough.drafts")
FRESH_SUBJECT = "Catching up"


@dataclass
class CycleReport:
    follow_up: FollowUpReport = field(default_factory=FollowUpReport)
    written: list[DraftRecord] = field(default_factory=list)
    due: int = 0
    note: str = ""


def own_addresses(config: Config) -> OwnAddresses:
    return OwnAddresses(a for account in config.accounts for a in account.addresses)


def evaluate(config: Config, store: CheckinStore, now: datetime) -> list[Verdict]:
    """A verdict for every contact in the history and every [[contact]] entry; never one
    for the user's own addresses, configured or likely (see ``followthrough doctor``)."""
    own = own_addresses(config)
    likely = {a.address for a in likely_own_addresses(store.conn, own)}
    contacts = [c for c in store.contacts(own)
                if c.address not in likely or any(r.address == c.address
                                                  for r in config.contacts)]
    known = {c.address for c in contacts}
    default_account = config.accounts[0].name
    for rule in config.contacts:
        if rule.address not in known and not rule.ignore and rule.address not in own:
            contacts.append(ContactFacts(rule.address, "", default_account, False, 0, 0,
                                         None, None))
    items = store.items()
    threads = store.latest_threads()
    drafts = by_address(store.drafts())
    snoozes = store.snoozes()
    today = now.astimezone().date().isoformat()
    return [worded(config, decide(config, c, items.get(c.address, []),
                                  drafts.get(c.address, []), threads.get(c.address),
                                  snoozes.get(c.address), now), today) for c in contacts]


def says_something(checkin: CheckIn, today_iso: str) -> bool:
    """Whether the draft's words mention something specific: an item said whole and right,
    or the question quoted (not only a stock line)."""
    return any(line not in CADENCE_LINES for line in body_lines(checkin, today_iso))


def worded(config: Config, verdict: Verdict, today_iso: str) -> Verdict:
    """No draft for a contact the user did not list when its items cannot be put into
    words a person would send: it would come out as a plain check-in."""
    checkin = verdict.checkin
    if checkin is None or plain_checkins(config, checkin.address) \
            or says_something(checkin, today_iso):
        return verdict
    return replace(verdict, checkin=None,
                   why="nothing specific can be said: its items cannot be put into words "
                   "whole and right, and plain check-ins are only for contacts in a "
                   "[[group]] or [[contact]] entry")


def _template(config: Config) -> str:
    if config.draft.template is None:
        return DEFAULT_TEMPLATE
    return config.draft.template.read_text("utf-8")


def make_draft(config: Config, account: Account, checkin: CheckIn, now: datetime,
               draft_id: str | None = None, voice: Voice | None = None) -> DraftRecord:
    draft_id = draft_id or uuid.uuid4().hex
    thread = checkin.thread
    subject = reply_subject(thread.subject) if thread and thread.subject else ""
    if not subject and thread and thread.message_id and checkin.reason == "nudge":
        subject = "Re:"  # a nudge answers the question's own message, whatever its subject
    parent = safe_message_id(thread.message_id) if thread and subject else None
    fresh = checkin.fresh_subject or FRESH_SUBJECT
    body = compose_body(checkin, config.draft.signature, now.astimezone().date().isoformat(),
                        _template(config), voice)
    raw = build_draft(checkin_id=draft_id, from_address=account.main_address,
                      to_address=checkin.address, to_name=checkin.name,
                      subject=subject or fresh, body=body, when=now,
                      in_reply_to=parent,
                      references=thread.references if thread and subject else ())
    return DraftRecord(draft_id, account.name, checkin.address, checkin.name, checkin.reason,
                       subject or fresh, draft_message_id(draft_id, account.main_address),
                       thread.thread_key if thread else None,
                       tuple(i.id for i in checkin.items), raw, "planned", now, None,
                       parent=parent)


def unwritable(address: str) -> str | None:
    """Why no draft can be addressed to ``address``, or None when one can."""
    try:
        addr_spec(address)
    except UnwritableAddress as exc:
        return str(exc)
    return None


def _skip(store: CheckinStore, address: str, account: str, problem: str,
          now: datetime) -> None:
    log.warning("no draft for %s (account %r): %s", address, account, problem)
    store.record_problem(address, account, problem, now)


def write_drafts(config: Config, store: CheckinStore, checkins: Sequence[CheckIn],
                 folders: dict[str, ReviewFolder], now: datetime) -> list[DraftRecord]:
    """Write each check-in's draft. One contact's failure is logged and recorded (``status``,
    ``explain``) and never stops the others; an account whose APPEND fails is left for the
    next run (its planned draft is finished then)."""
    written = []
    voices = VoiceStore(store.store).voices() if checkins else None
    for checkin in checkins:
        account = config.account(checkin.account) or config.accounts[0]
        folder = folders.get(account.name)
        if folder is None:
            continue  # that account could not be reached this time
        try:
            draft = make_draft(config, account, checkin, now,
                               voice=voices.of(checkin.address) if voices else None)
        except Exception as exc:  # one contact's draft never stops the others
            problem = str(exc) if isinstance(exc, UnwritableAddress) else (
                f"composing the draft failed: {type(exc).__name__}: {exc}")
            _skip(store, checkin.address, account.name, problem, now)
            continue
        store.add_planned(draft)
        durable_step(f"draft {draft.id} planned")
        try:
            place(folder, store, draft)
        except Exception as exc:  # the server refused or the connection broke
            _skip(store, checkin.address, account.name,
                  f"writing the draft into {folder.name!r} failed ({type(exc).__name__}: "
                  f"{exc}); it is retried on the next run", now)
            folders.pop(account.name, None)
            continue
        store.clear_problem(checkin.address)
        log.info("wrote a %s draft for %s into %s/%s", checkin.reason, checkin.address,
                 account.name, folder.name)
        written.append(draft)
    return written


def drafting_day(config: Config, store: CheckinStore, now: datetime) -> tuple[list[CheckIn],
                                                                              str]:
    """The check-ins to write now, and a note when none may be written today."""
    verdicts = []
    for verdict in evaluate(config, store, now):
        problem = unwritable(verdict.address) if verdict.checkin else None
        if problem and verdict.checkin:
            # Never spend a slot of the day on a draft that cannot be addressed.
            _skip(store, verdict.address, verdict.checkin.account, problem, now)
            continue
        verdicts.append(verdict)
    local = now.astimezone()
    work_day = local.weekday() in config.cadence.work_days
    already = store.created_on(local.date())
    busy = frozenset(d.thread_key for d in store.drafts(WAITING_STATES) if d.thread_key)
    chosen = plan_day(verdicts, already, config.cadence.max_drafts_per_day, work_day, busy)
    due = sum(1 for v in verdicts if v.checkin)
    if not work_day and due:
        return [], f"{due} due, but today is not a work day (cadence.work_days)"
    if due > len(chosen):
        return chosen, (f"{due} due; {len(chosen)} written today, the rest wait "
                        f"(cadence.max_drafts_per_day = {config.cadence.max_drafts_per_day})")
    return chosen, ""
