"""Who is worth keeping in touch with: a relationship score from the history, with reasons.

Pure. A relationship is personal two-way exchange — 1:1 or small threads written by people,
not lists, reports or mass mail — with replies from them to the user, repeated over time,
and recent. The score is 0..1; the reasons read like "12 personal exchanges over 14 months,
last 3 weeks ago".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

PERSONAL_RECIPIENTS = 4  # more recipients than this: a group or mass mailing
RELATIONSHIP_THRESHOLD = 0.3  # below this, a contact the user did not list gets no draft
_NOT_PERSONAL_SUBJECT = re.compile(
    r"out of (?:the )?office|auto(?:matic)?[- ]?(?:reply|response)|autoreply|"
    r"away from (?:my|the) (?:desk|office)|on vacation|delivery (?:status|failure)|"
    r"undeliverable", re.IGNORECASE)
_FORWARD = re.compile(r"^\s*(?:fw|fwd)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class Exchange:
    """One message between the user and a contact, as planning needs to see it."""

    when: datetime | None
    direction: str  # "in": from them; "out": from the user to them (among others)
    thread_key: str
    subject: str
    message_id: str | None
    references: tuple[str, ...]
    recipients: int  # To + Cc
    automated: bool
    asks: bool = False
    delivers: bool = False
    thanks: bool = False
    question: str | None = None  # what the user asked, for a nudge that says so
    to_me: bool = True  # from them: the user was in To (not only copied, nor blind-copied)


def forward(exchange: Exchange) -> bool:
    return bool(_FORWARD.match(exchange.subject))


def personal(exchange: Exchange) -> bool:
    """Written by a person to few people, not an auto-reply nor a forward of other mail."""
    return (not exchange.automated and exchange.recipients <= PERSONAL_RECIPIENTS
            and not _NOT_PERSONAL_SUBJECT.search(exchange.subject) and not forward(exchange))


def personal_thread(thread: Sequence[Exchange]) -> bool:
    """Every message personal, except forwards of other mail to a few people within a
    conversation that has personal messages of its own."""
    return any(personal(e) for e in thread) and all(
        personal(e) or (forward(e) and not e.automated
                        and e.recipients <= PERSONAL_RECIPIENTS) for e in thread)


@dataclass(frozen=True)
class Relationship:
    score: float
    personal: int  # personal messages, both directions
    two_way_threads: int  # personal threads with mail in both directions
    replies: int  # their personal messages answering one of the user's
    first: datetime | None
    last: datetime | None
    reasons: str


def _ago(delta: timedelta) -> str:
    days = delta.days
    if days < 1:
        return "today"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''} ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def _span(first: datetime, last: datetime) -> str:
    months = (last - first).days // 30
    if months >= 1:
        return f"over {months} month{'s' if months != 1 else ''}"
    weeks = (last - first).days // 7
    return f"over {weeks} week{'s' if weeks != 1 else ''}" if weeks >= 1 else "within a week"


def no_relationship(why: str) -> Relationship:
    """An address that is no relationship whatever its mail (a pager, a mailing list)."""
    return Relationship(0.0, 0, 0, 0, None, None,
                        f"not a relationship: {why}" if why else "not a relationship")


def relationship(exchanges: Sequence[Exchange], now: datetime) -> Relationship:
    dated = sorted((e for e in exchanges if personal(e) and e.when and e.when <= now),
                   key=lambda e: e.when or now)
    if not dated:
        total = len(exchanges)
        why = (f"no personal exchange ({total} message{'s' if total != 1 else ''}, all "
               "automated, to many people, or forwards)" if total else "no mail yet")
        return Relationship(0.0, 0, 0, 0, None, None, why)
    directions: dict[str, set[str]] = {}
    replies = 0
    wrote_in: set[str] = set()
    for e in dated:
        directions.setdefault(e.thread_key, set()).add(e.direction)
        if e.direction == "out":
            wrote_in.add(e.thread_key)
        elif e.thread_key in wrote_in:
            replies += 1
    two_way = sum(1 for d in directions.values() if len(d) == 2)
    first, last = dated[0].when or now, dated[-1].when or now
    months = (last - first).days / 30
    recency = max(0.0, 1 - (now - last).days / 180)
    score = (0.35 * min(1.0, two_way / 4) + 0.25 * min(1.0, len(dated) / 12)
             + 0.2 * min(1.0, months / 6) + 0.2 * recency)
    if not two_way:
        score = min(score, 0.15)  # one-way mail is not a relationship
    count = len(dated)
    reasons = (f"{count} personal exchange{'s' if count != 1 else ''} {_span(first, last)}, "
               f"last {_ago(now - last)}; {two_way} two-way thread{'s' if two_way != 1 else ''}"
               f", {replies} repl{'ies' if replies != 1 else 'y'} from them")
    return Relationship(round(score, 2), count, two_way, replies, first, last, reasons)


def latest_personal(exchanges: Sequence[Exchange]) -> Exchange | None:
    """The newest personal message with the contact: where a plain check-in replies."""
    usable = [e for e in exchanges if personal(e) and e.when is not None]
    return max(usable, key=lambda e: e.when or datetime.min, default=None)
