"""Who is due for a check-in, since when, why, and what the draft may mention.

Pure: it works on facts read from the store (contacts, remembered items, earlier drafts,
snoozes) and a moment ``now``; nothing here touches IMAP or SQLite.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from followthrough.checkins.item_status import OPEN, ItemStatus, item_status
from followthrough.checkins.relationship import (
    RELATIONSHIP_THRESHOLD,
    Exchange,
    Relationship,
    no_relationship,
    relationship,
)
from followthrough.checkins.talking_points import (
    EVENT_DELAY,
    commitment_due_day,
    due_commitment,
    is_specific,
    passed_event,
    pick_items,
    substantive,
)
from followthrough.checkins.thread_choice import (
    ThreadRef,
    fresh_subject,
    latest_thread,
    reply_thread,
)
from followthrough.config.model import Config

NUDGE_WINDOW = timedelta(days=30)  # older unanswered mail is left to the cadence
# Items whose dates lie further than this from today are ignored (a state written before
# extraction dropped such dates may still hold "year 9999"); date arithmetic stays in range.
PLAUSIBLE_SPAN = timedelta(days=3660)
REASON_RANK = {"commitment": 0, "event": 1, "nudge": 2, "cadence": 3}
__all__ = ["Exchange", "ThreadRef", "substantive"]


@dataclass(frozen=True)
class ContactFacts:
    address: str
    name: str
    account: str  # the account the latest mail with this contact went through
    automated: bool
    inbound: int
    outbound: int
    last_inbound: datetime | None
    last_outbound: datetime | None
    exchanges: tuple[Exchange, ...] = ()  # every message with them, oldest first
    automated_reason: str = ""  # why it is automated: not a person, or only machine mail

    @property
    def last_interaction(self) -> datetime | None:
        known = [d for d in (self.last_inbound, self.last_outbound) if d]
        return max(known) if known else None


@dataclass(frozen=True)
class RememberedItem:
    id: int
    kind: str  # commitment | challenge | success
    whose: str  # "theirs", "mine" or "third_party", seen from the user
    summary: str
    evidence: str
    said_on: datetime | None
    subject: str
    due: date | None = None
    event_date: date | None = None
    used: bool = False  # mentioned in a draft that was sent or dismissed
    said_by_them: bool = True  # written by the contact (False: by the user, to them)
    thread_key: str = ""  # the thread of the message it was said in
    message_id: str | None = None  # that message


@dataclass(frozen=True)
class DraftFacts:
    address: str
    state: str  # planned | pending | sent | dismissed
    reason: str
    created: datetime
    resolved: datetime | None
    thread_key: str | None


@dataclass(frozen=True)
class CheckIn:
    address: str
    name: str
    account: str
    reason: str  # commitment | event | nudge | cadence
    due_since: datetime
    cadence: timedelta
    items: tuple[RememberedItem, ...]
    thread: ThreadRef | None
    overdue: float  # how far past due, in cadences
    specific: bool = True  # mentions a remembered item or the question left unanswered
    relationship: float = 0.0
    fresh_subject: str = ""  # the subject of a new message, when it replies in no thread

    def sort_key(self) -> tuple[int, int, float, float]:
        """Specific drafts first, then by reason, relationship and how overdue."""
        return (0 if self.specific else 1, REASON_RANK[self.reason], -self.relationship,
                -self.overdue)


@dataclass(frozen=True)
class Verdict:
    """What was decided for one contact, with the reasons: for ``due`` and ``explain``."""

    address: str
    tracked: bool
    cadence: timedelta
    last_interaction: datetime | None
    next_due: datetime | None
    why: str
    checkin: CheckIn | None = None
    relationship: Relationship | None = None
    statuses: tuple[tuple[RememberedItem, ItemStatus], ...] = ()


def cadence_for(config: Config, address: str) -> tuple[timedelta, str]:
    """The contact's cadence and where it comes from: contact rule, group, or default."""
    for rule in config.contacts:
        if rule.address == address and rule.cadence:
            return rule.cadence, "its [[contact]] entry"
    for group in config.groups:
        if any(fnmatch.fnmatchcase(address, pattern) for pattern in group.members):
            if group.cadence:
                return group.cadence, f"group {group.name!r}"
            break
    return config.cadence.default, "cadence.default"


def _listed(config: Config, address: str) -> bool:
    return any(rule.address == address for rule in config.contacts) or any(
        fnmatch.fnmatchcase(address, pattern)
        for group in config.groups for pattern in group.members)


def _ignored(config: Config, address: str) -> bool:
    return any(rule.address == address and rule.ignore for rule in config.contacts)


def listed(config: Config, address: str) -> bool:
    """Whether a [[group]] or [[contact]] rule names this contact: such rules always win."""
    return _listed(config, address)


def tracking(config: Config, contact: ContactFacts, now: datetime,
             bond: Relationship | None = None) -> str | None:
    """None when the contact is tracked, else why not."""
    if contact.automated:
        return (f"{contact.automated_reason}: never drafted" if contact.automated_reason else
                "an automated sender (mailing list, notification or bounce): never drafted")
    if _ignored(config, contact.address):
        return "ignored by its [[contact]] entry"
    if _listed(config, contact.address):
        return None
    if config.cadence.track == "groups-only":
        return 'not in any [[group]] or [[contact]] (cadence.track = "groups-only")'
    if not (contact.inbound and contact.outbound):
        return "not a two-way contact yet (mail in both directions is needed)"
    last = contact.last_interaction
    if last is None or now - last > config.cadence.forget_after:
        return "silent for longer than cadence.forget_after"
    if (bond is not None and bond.score < RELATIONSHIP_THRESHOLD
            and config.cadence.track != "two-way-always"):
        return (f"not a close enough relationship (score {bond.score:.2f} < "
                f"{RELATIONSHIP_THRESHOLD}: {bond.reasons})")
    return None


def plain_checkins(config: Config, address: str) -> bool:
    """Whether a check-in with nothing specific to say may be drafted for this contact."""
    return listed(config, address) or config.cadence.track == "two-way-always"


def decide(config: Config, contact: ContactFacts, items: Sequence[RememberedItem],
           drafts: Sequence[DraftFacts], thread: ThreadRef | None,
           snoozed_until: datetime | None, now: datetime) -> Verdict:
    """Whether ``contact`` is due at ``now``, and the check-in if so."""
    cadence, _ = cadence_for(config, contact.address)
    items = [i for i in items if _plausible(i, now)]
    last = contact.last_interaction
    bond = (no_relationship(contact.automated_reason) if contact.automated
            else relationship(contact.exchanges, now))
    today = now.astimezone().date()
    statuses = tuple((i, item_status(i, contact.exchanges, today)) for i in items)
    not_tracked = tracking(config, contact, now, bond)
    if not_tracked:
        return Verdict(contact.address, False, cadence, last, None, not_tracked,
                       relationship=bond, statuses=statuses)
    items = [i for i, status in statuses if status.state == OPEN]
    if contact.exchanges:
        thread = latest_thread(contact.exchanges)
    dismissed = [d.resolved or d.created for d in drafts if d.state == "dismissed"]
    base = max([d for d in [last, *dismissed] if d is not None], default=None)
    cadence_due = base + cadence if base else now

    reasons: dict[str, datetime] = {}
    if cadence_due <= now:
        reasons["cadence"] = cadence_due
    commitment_item = due_commitment(items, today)
    due_day = commitment_due_day(commitment_item) if commitment_item else None
    if due_day is not None:
        reasons["commitment"] = _at_day(due_day, now)
    event_item = passed_event(items, today)
    if event_item is not None and event_item.event_date is not None:
        reasons["event"] = _at_day(event_item.event_date + EVENT_DELAY, now)
    nudged = {d.thread_key for d in drafts if d.reason == "nudge"}
    if (config.cadence.nudge_after and thread and thread.my_last_unanswered
            and thread.thread_key not in nudged
            and timedelta(0) <= now - thread.my_last_unanswered <= NUDGE_WINDOW
            and now - thread.my_last_unanswered >= config.cadence.nudge_after):
        reasons["nudge"] = thread.my_last_unanswered + config.cadence.nudge_after

    def verdict(next_due: datetime | None, why: str,
                checkin: CheckIn | None = None) -> Verdict:
        return Verdict(contact.address, True, cadence, last, next_due, why, checkin, bond,
                       statuses)

    next_due = min([cadence_due, *reasons.values()])
    if [d for d in drafts if d.state in ("planned", "pending", "edited")]:
        return verdict(next_due, "a draft for this contact is already waiting in the review "
                       "folder")
    if snoozed_until and snoozed_until > now:
        return verdict(max(next_due, snoozed_until), "snoozed until "
                       f"{snoozed_until.astimezone().isoformat(timespec='minutes')}")
    if not reasons:
        return verdict(next_due, "not due yet: the last interaction is within the cadence")
    reason = min(reasons, key=lambda r: REASON_RANK[r])
    due_since = min(reasons.values())
    lookback = now - max(cadence * 3, timedelta(days=120))
    chosen = pick_items(items, reason, lookback, event_item if reason == "event" else None,
                        commitment_item)
    if reason == "nudge":
        specific = bool(thread and thread.question)
    else:
        specific = reason in ("commitment", "event") or is_specific(chosen)
    if not specific and not plain_checkins(config, contact.address):
        return verdict(next_due, "nothing specific to say (no open promise, event, challenge, "
                       "success or unanswered question): plain check-ins are only for "
                       "contacts in a [[group]] or [[contact]] entry")
    if chosen and reason != "nudge" and contact.exchanges:
        thread = reply_thread(contact.exchanges, chosen[0])
    overdue = (now - due_since) / cadence if cadence else 0.0
    checkin = CheckIn(contact.address, contact.name, contact.account, reason, due_since,
                      cadence, chosen, thread, overdue, specific, bond.score,
                      fresh_subject(chosen[0] if chosen else None))
    return verdict(due_since, _describe(reason), checkin)


def _plausible(item: RememberedItem, now: datetime) -> bool:
    today = now.date()
    return all(abs(day - today) <= PLAUSIBLE_SPAN
               for day in (item.due, item.event_date) if day is not None)


def _at_day(day: date, now: datetime) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=now.astimezone().tzinfo)


def _describe(reason: str) -> str:
    return {
        "cadence": "due: nothing was exchanged for longer than the cadence",
        "commitment": "due early: a promise falls due soon or is overdue",
        "event": "due early: an event they mentioned has just passed",
        "nudge": "due early: your last message has gone unanswered",
    }[reason]


def plan_day(verdicts: Sequence[Verdict], already_today: int, max_per_day: int,
             work_day: bool, busy_threads: frozenset[str] = frozenset()) -> list[CheckIn]:
    """The check-ins to draft now: specific ones first, ranked by relationship and urgency,
    within the cap; never two drafts under one thread (nor one where a draft waits)."""
    if not work_day:
        return []
    room = max(0, max_per_day - already_today)
    chosen: list[CheckIn] = []
    taken = set(busy_threads)
    for checkin in sorted((v.checkin for v in verdicts if v.checkin), key=CheckIn.sort_key):
        if len(chosen) >= room:
            break
        key = checkin.thread.thread_key if checkin.thread else None
        if key is not None and key in taken:
            continue
        if key is not None:
            taken.add(key)
        chosen.append(checkin)
    return chosen


def whose(kind_holder: str, direction: str) -> str:
    """An item's holder (relative to the message's sender) seen from the user."""
    if kind_holder == "third_party":
        return "third_party"
    from_user = direction == "out"
    if kind_holder == "sender":
        return "mine" if from_user else "theirs"
    return "theirs" if from_user else "mine"

