"""Who is due for a check-in, since when, why, and what the draft may mention.

Pure: it works on facts read from the store (contacts, remembered items, earlier drafts,
snoozes) and a moment ``now``; nothing here touches IMAP or SQLite.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from followthrough.config.model import Config

COMMITMENT_LEAD = timedelta(days=2)  # a reminder this long before a promise falls due
COMMITMENT_GRACE = timedelta(days=14)  # and not after it has been overdue this long
EVENT_DELAY = timedelta(days=1)  # ask how it went a day after the event
EVENT_WINDOW = timedelta(days=14)
NUDGE_WINDOW = timedelta(days=30)  # older unanswered mail is left to the cadence
MAX_ITEMS = 3
# Items whose dates lie further than this from today are ignored (a state written before
# extraction dropped such dates may still hold "year 9999"); date arithmetic stays in range.
PLAUSIBLE_SPAN = timedelta(days=3660)
REASON_RANK = {"commitment": 0, "event": 1, "nudge": 2, "cadence": 3}


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


@dataclass(frozen=True)
class ThreadRef:
    """The most recent thread with a contact: where a draft replies."""

    thread_key: str
    subject: str
    message_id: str | None
    references: tuple[str, ...]
    # my latest message there, when it asked something and no reply came after
    my_last_unanswered: datetime | None


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

    def sort_key(self) -> tuple[int, float]:
        return (REASON_RANK[self.reason], -self.overdue)


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


def tracking(config: Config, contact: ContactFacts, now: datetime) -> str | None:
    """None when the contact is tracked, else why not."""
    if contact.automated:
        return "an automated sender (mailing list, notification or bounce): never drafted"
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
    return None


_VAGUE = {"that", "this", "it", "so", "you", "there", "them"}


def substantive(item: RememberedItem) -> bool:
    """Whether the item says enough to be mentioned ("sorry to hear that" does not)."""
    words = [w for w in item.summary.lower().split() if w not in _VAGUE]
    return len(words) >= 2


def _pick_items(items: Sequence[RememberedItem], reason: str, lookback: datetime,
                event_item: RememberedItem | None,
                commitment_item: RememberedItem | None) -> tuple[RememberedItem, ...]:
    """At most one item of each sort, their own words first, the newest first."""
    fresh = [i for i in items if not i.used and substantive(i)
             and (i.said_on is None or i.said_on >= lookback)]
    fresh.sort(key=lambda i: (i.said_by_them,
                              i.said_on or datetime.min.replace(tzinfo=lookback.tzinfo)),
               reverse=True)
    if reason == "nudge":
        return (commitment_item,) if commitment_item else ()
    chosen: list[RememberedItem] = []

    def first(kind: str, whose: tuple[str, ...]) -> RememberedItem | None:
        if any(c.kind == kind and c.whose in whose for c in chosen):
            return None  # one of each sort is enough
        return next((i for i in fresh if i.kind == kind and i.whose in whose), None)

    picks: tuple[Callable[[], RememberedItem | None], ...] = (
        lambda: event_item,
        lambda: commitment_item or first("commitment", ("mine",)),
        lambda: first("challenge", ("theirs", "third_party")),
        lambda: first("success", ("theirs", "third_party")),
        lambda: first("commitment", ("theirs",)),
    )
    for pick in picks:
        candidate = pick()
        if candidate is not None and candidate not in chosen and len(chosen) < MAX_ITEMS:
            chosen.append(candidate)
    return tuple(chosen)


def decide(config: Config, contact: ContactFacts, items: Sequence[RememberedItem],
           drafts: Sequence[DraftFacts], thread: ThreadRef | None,
           snoozed_until: datetime | None, now: datetime) -> Verdict:
    """Whether ``contact`` is due at ``now``, and the check-in if so."""
    cadence, _ = cadence_for(config, contact.address)
    items = [i for i in items if _plausible(i, now)]
    last = contact.last_interaction
    not_tracked = tracking(config, contact, now)
    if not_tracked:
        return Verdict(contact.address, False, cadence, last, None, not_tracked)
    dismissed = [d.resolved or d.created for d in drafts if d.state == "dismissed"]
    base = max([d for d in [last, *dismissed] if d is not None], default=None)
    cadence_due = base + cadence if base else now
    today = now.astimezone().date()

    reasons: dict[str, datetime] = {}
    if cadence_due <= now:
        reasons["cadence"] = cadence_due
    commitment_item = _due_commitment(items, today, base)
    if commitment_item is not None and commitment_item.due is not None:
        reasons["commitment"] = _at_day(commitment_item.due - COMMITMENT_LEAD, now)
    event_item = _passed_event(items, today)
    if event_item is not None and event_item.event_date is not None:
        reasons["event"] = _at_day(event_item.event_date + EVENT_DELAY, now)
    nudged = {d.thread_key for d in drafts if d.reason == "nudge"}
    if (config.cadence.nudge_after and thread and thread.my_last_unanswered
            and thread.thread_key not in nudged
            and timedelta(0) <= now - thread.my_last_unanswered <= NUDGE_WINDOW
            and now - thread.my_last_unanswered >= config.cadence.nudge_after):
        reasons["nudge"] = thread.my_last_unanswered + config.cadence.nudge_after

    next_due = min([cadence_due, *reasons.values()])
    waiting = [d for d in drafts if d.state in ("planned", "pending", "edited")]
    if waiting:
        return Verdict(contact.address, True, cadence, last, next_due,
                       "a draft for this contact is already waiting in the review folder")
    if snoozed_until and snoozed_until > now:
        return Verdict(contact.address, True, cadence, last, max(next_due, snoozed_until),
                       f"snoozed until {snoozed_until.astimezone().isoformat(timespec='minutes')}")
    if not reasons:
        return Verdict(contact.address, True, cadence, last, next_due,
                       "not due yet: the last interaction is within the cadence")
    reason = min(reasons, key=lambda r: REASON_RANK[r])
    due_since = min(reasons.values())
    lookback = now - max(cadence * 3, timedelta(days=120))
    chosen = _pick_items(items, reason, lookback, event_item if reason == "event" else None,
                         commitment_item)
    overdue = (now - due_since) / cadence if cadence else 0.0
    checkin = CheckIn(contact.address, contact.name, contact.account, reason, due_since,
                      cadence, chosen, thread, overdue)
    return Verdict(contact.address, True, cadence, last, due_since, _describe(reason), checkin)


def _plausible(item: RememberedItem, now: datetime) -> bool:
    today = now.date()
    return all(abs(day - today) <= PLAUSIBLE_SPAN
               for day in (item.due, item.event_date) if day is not None)


def _at_day(day: date, now: datetime) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=now.astimezone().tzinfo)


def _due_commitment(items: Sequence[RememberedItem], today: date,
                    since: datetime | None) -> RememberedItem | None:
    mine = [i for i in items if i.kind == "commitment" and i.whose == "mine" and not i.used
            and i.due is not None
            and i.due - COMMITMENT_LEAD <= today <= i.due + COMMITMENT_GRACE]
    return min(mine, key=lambda i: i.due or today, default=None)


def _passed_event(items: Sequence[RememberedItem], today: date) -> RememberedItem | None:
    passed = [i for i in items if i.event_date is not None and i.whose != "mine" and not i.used
              and i.event_date + EVENT_DELAY <= today <= i.event_date + EVENT_WINDOW
              and (i.said_on is None or i.said_on.date() <= i.event_date)]
    return max(passed, key=lambda i: i.event_date or today, default=None)


def _describe(reason: str) -> str:
    return {
        "cadence": "due: nothing was exchanged for longer than the cadence",
        "commitment": "due early: a promise you made falls due soon",
        "event": "due early: an event they mentioned has just passed",
        "nudge": "due early: your last message has gone unanswered",
    }[reason]


def plan_day(verdicts: Sequence[Verdict], already_today: int, max_per_day: int,
             work_day: bool) -> list[CheckIn]:
    """The check-ins to draft now: most important and most overdue first, within the cap."""
    if not work_day:
        return []
    due = sorted((v.checkin for v in verdicts if v.checkin), key=CheckIn.sort_key)
    return due[: max(0, max_per_day - already_today)]


def whose(kind_holder: str, direction: str) -> str:
    """An item's holder (relative to the message's sender) seen from the user."""
    if kind_holder == "third_party":
        return "third_party"
    from_user = direction == "out"
    if kind_holder == "sender":
        return "mine" if from_user else "theirs"
    return "theirs" if from_user else "mine"

