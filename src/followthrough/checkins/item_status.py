"""Whether a remembered item is still open, was kept, or went stale — and which message said so.

Pure. A promise is kept when later mail shows it: the promiser hands something over
("attached is…", "as promised") or the other side thanks them, in the same thread or, for a
delivery, in any later personal mail between the two. An errand-sized promise — one with no
date, or due within a day or two of being made ("I'll send you the file", "I'll call you
this afternoon") — expires soon after, unless the conversation shows it still open (a
later message in its thread still asks something); a promise with a real due date is
chased around that date and expires some time after it. A challenge or success goes stale
after a while; a success is acknowledged once the user has replied in its thread. Items
from mail to many people, automated mail or forwards are nobody's in particular and are
set aside.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from followthrough.checkins.relationship import Exchange, personal

if TYPE_CHECKING:
    from followthrough.checkins.planning import RememberedItem

ERRAND_HORIZON = timedelta(days=2)  # due this soon after it was made: an errand
ERRAND_LIFETIME = timedelta(days=10)  # an undated errand, after its thread went quiet
ERRAND_GRACE = timedelta(days=5)  # a near-term errand, after its date
DATED_PROMISE_GRACE = timedelta(days=7)  # a dated promise: chased within a week of its date
NEWS_LIFETIME = timedelta(days=60)  # a challenge or success worth asking about

OPEN, KEPT, EXPIRED, SET_ASIDE = "open", "kept", "expired", "set aside"


@dataclass(frozen=True)
class ItemStatus:
    state: str  # open | kept | expired | set aside
    why: str
    decided_by: Exchange | None = None


def _day(when: datetime | None) -> str:
    return when.date().isoformat() if when else "an undated message"


def errand_sized(item: RememberedItem) -> bool:
    """A promise with no date, or one due within ERRAND_HORIZON of being made: a routine
    favour, not something with a real due date."""
    if item.due is None or item.said_on is None:
        return True
    return item.due - item.said_on.date() <= ERRAND_HORIZON


def _still_open(item: RememberedItem, later: Sequence[Exchange]) -> Exchange | None:
    """The latest later message in the promise's thread that still asks something (and
    hands nothing over): the conversation shows the promise still open."""
    asking = [e for e in later if e.thread_key == item.thread_key and e.asks
              and not e.delivers and not e.thanks]
    return asking[-1] if asking else None


def _errand_status(item: RememberedItem, source: Exchange | None, later: Sequence[Exchange],
                   today: date) -> ItemStatus:
    """Open while fresh; expired soon after, decided by the last message about it (the
    reminder that kept it open, else the one that made it)."""
    reminder = _still_open(item, later)
    last_word = reminder or source
    since = reminder.when if reminder and reminder.when else item.said_on
    if item.due is not None:
        ends = max(item.due, since.date() if since else item.due) + ERRAND_GRACE
        if today > ends:
            return ItemStatus(EXPIRED, f"due {item.due.isoformat()}, long past for an errand "
                              "of a day or two", last_word)
        return ItemStatus(OPEN, f"due {item.due.isoformat()}", reminder)
    if since and today > (since + ERRAND_LIFETIME).date():
        return ItemStatus(EXPIRED, f"no date, and nothing asked about it since {_day(since)}",
                          last_word)
    if reminder is not None:
        return ItemStatus(OPEN, f"still asked about on {_day(reminder.when)}: "
                          f"{reminder.subject!r}", reminder)
    return ItemStatus(OPEN, "no sign yet that it was done")


def _closing(item: RememberedItem, later: Sequence[Exchange]) -> Exchange | None:
    """The first later message that shows the promise kept."""
    promiser = "out" if item.whose == "mine" else "in"
    for e in later:
        same_thread = e.thread_key == item.thread_key
        if e.direction == promiser and e.delivers and (same_thread or personal(e)):
            return e
        if e.direction != promiser and e.thanks and same_thread:
            return e
    return None


def item_status(item: RememberedItem, exchanges: Sequence[Exchange],
                today: date) -> ItemStatus:
    source = next((e for e in exchanges if item.message_id and e.message_id == item.message_id),
                  None)
    if source is not None and not personal(source):
        return ItemStatus(SET_ASIDE, f"said in mail to {source.recipients} people, automated "
                          "mail or a forward: nobody's in particular", source)
    ambiguous = (item.whose == "theirs" and not item.said_by_them) or (
        item.whose == "mine" and item.said_by_them)
    if source is not None and ambiguous and source.recipients > 1:
        return ItemStatus(SET_ASIDE, f"“you” in mail to {source.recipients} people: not clear "
                          "whom it meant", source)
    if (item.kind == "commitment" and item.whose == "theirs" and source is not None
            and source.direction == "in" and not source.to_me):
        return ItemStatus(SET_ASIDE, "a promise in mail not addressed to you (you were "
                          "copied, or it reached you through a list or an address not in "
                          "`addresses`): made to someone else", source)
    if item.whose == "third_party" and item.kind == "commitment":
        return ItemStatus(SET_ASIDE, "a promise of someone else", source)
    said = item.said_on
    later = sorted((e for e in exchanges if said and e.when and e.when > said),
                   key=lambda e: e.when or datetime.min)
    if item.kind == "commitment":
        closing = _closing(item, later)
        if closing is not None:
            what = "delivered" if closing.delivers else "thanks"
            return ItemStatus(KEPT, f"{what} on {_day(closing.when)}: {closing.subject!r}",
                              closing)
        if errand_sized(item):
            return _errand_status(item, source, later, today)
        if item.due is not None and today > item.due + DATED_PROMISE_GRACE:
            return ItemStatus(EXPIRED, f"due {item.due.isoformat()}, long past")
        return ItemStatus(OPEN, f"due {item.due.isoformat()}" if item.due else
                          "no sign yet that it was done")
    if said and today > (said + NEWS_LIFETIME).date():
        return ItemStatus(EXPIRED, f"said on {_day(said)}: too long ago to ask about")
    answered = next((e for e in later if e.direction == "out"
                     and e.thread_key == item.thread_key), None)
    if item.kind == "success" and answered is not None and item.said_by_them:
        return ItemStatus(KEPT, f"you replied on {_day(answered.when)}", answered)
    return ItemStatus(OPEN, "not followed up yet")
