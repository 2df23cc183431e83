"""What a check-in can talk about: the open items worth mentioning, and which make it due.

Pure. Only items still open (see ``item_status``) are considered; at most one of each sort,
the contact's own words first, the newest first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from followthrough.checkins.item_status import errand_sized

if TYPE_CHECKING:
    from followthrough.checkins.planning import RememberedItem

COMMITMENT_LEAD = timedelta(days=2)  # a reminder this long before a promise falls due
COMMITMENT_GRACE = timedelta(days=14)  # and not after it has been overdue this long
THEIR_PROMISE_OVERDUE = timedelta(days=3)  # a dated promise of theirs this late: ask
EVENT_DELAY = timedelta(days=1)  # ask how it went a day after the event
EVENT_WINDOW = timedelta(days=14)
MAX_ITEMS = 3
_VAGUE = {"that", "this", "it", "so", "you", "there", "them"}
# Sorts of item that are a reason a person would recognise to write.
SPECIFIC = {("commitment", "mine"), ("commitment", "theirs"), ("challenge", "theirs"),
            ("success", "theirs"), ("challenge", "third_party"), ("success", "third_party")}


def substantive(item: RememberedItem) -> bool:
    """Whether the item says enough to be mentioned ("sorry to hear that" does not)."""
    words = [w for w in item.summary.lower().split() if w not in _VAGUE]
    return len(words) >= 2


def pick_items(items: Sequence[RememberedItem], reason: str, lookback: datetime,
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


def due_commitment(items: Sequence[RememberedItem], today: date) -> RememberedItem | None:
    """A promise of mine with a real due date falling due, or one of theirs now overdue (an
    errand of a day or two makes nobody due: it may only be mentioned while open)."""
    dated = [i for i in items if i.kind == "commitment" and not i.used and i.due is not None
             and not errand_sized(i)]
    mine = [i for i in dated if i.whose == "mine" and i.due is not None
            and i.due - COMMITMENT_LEAD <= today <= i.due + COMMITMENT_GRACE]
    theirs = [i for i in dated if i.whose == "theirs" and i.due is not None
              and i.due + THEIR_PROMISE_OVERDUE <= today <= i.due + COMMITMENT_GRACE]
    return min([*mine, *theirs], key=lambda i: i.due or today, default=None)


def commitment_due_day(item: RememberedItem) -> date | None:
    if item.due is None:
        return None
    return item.due - COMMITMENT_LEAD if item.whose == "mine" else item.due + \
        THEIR_PROMISE_OVERDUE


def passed_event(items: Sequence[RememberedItem], today: date) -> RememberedItem | None:
    passed = [i for i in items if i.event_date is not None and i.whose != "mine" and not i.used
              and i.event_date + EVENT_DELAY <= today <= i.event_date + EVENT_WINDOW
              and (i.said_on is None or i.said_on.date() <= i.event_date)]
    return max(passed, key=lambda i: i.event_date or today, default=None)


def is_specific(items: Sequence[RememberedItem]) -> bool:
    return any((i.kind, i.whose) in SPECIFIC or i.event_date for i in items)
