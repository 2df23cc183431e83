"""Which thread a draft replies in: the item's own thread, or the latest personal one.

Pure. A draft replies only under a personal thread (few recipients, written by a person,
not an auto-reply, not a forward); otherwise it starts a new message whose subject comes
from the item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from followthrough.checkins.relationship import Exchange, latest_personal, personal_thread
from followthrough.mail.questions import genuine_question

if TYPE_CHECKING:
    from followthrough.checkins.planning import RememberedItem


@dataclass(frozen=True)
class ThreadRef:
    """The most recent thread with a contact: where a draft replies."""

    thread_key: str
    subject: str
    message_id: str | None
    references: tuple[str, ...]
    # my latest message there, when it asked something and no reply came after
    my_last_unanswered: datetime | None
    question: str | None = None  # what that message asked


def thread_of(exchange: Exchange) -> ThreadRef:
    return ThreadRef(exchange.thread_key, exchange.subject, exchange.message_id,
                     exchange.references, None)


_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def latest_thread(exchanges: Sequence[Exchange]) -> ThreadRef | None:
    """The latest personal thread, with my last message there if it asked a genuine
    question (``mail.questions``) and was met with silence: no reply, and no mail from them
    nor a message of mine to them alone since."""
    latest = latest_personal(exchanges)
    if latest is None:
        return None
    # a question to several people is not this contact's to answer; a question recorded
    # by an older version is judged again
    asked = latest.question if (latest.direction == "out" and latest.asks
                                and latest.recipients == 1) else None
    if asked and any(e.direction == "in" and e.thread_key == latest.thread_key and e.when
                     and latest.when and e.when > latest.when for e in exchanges):
        asked = None  # they answered there, if to everyone (a reply-all is no longer personal)
    if asked and any(e.when and latest.when and e.when > latest.when
                     and (e.direction == "in" or e.recipients <= 1) for e in exchanges):
        # not silence: they wrote to me since (anywhere), or I wrote to them alone again
        # and did not ask again; the question's moment has passed
        asked = None
    question = asked if asked and genuine_question(asked) else None
    return ThreadRef(latest.thread_key, latest.subject, latest.message_id, latest.references,
                     latest.when if question else None, question)


def reply_thread(exchanges: Sequence[Exchange], item: RememberedItem) -> ThreadRef | None:
    """The thread the item came from, at its latest personal message; None if none is."""
    there = [e for e in exchanges if e.thread_key == item.thread_key]
    if not personal_thread(there):
        return None  # a group, mass or automated thread, or a forward
    latest = latest_personal(there)
    return thread_of(latest) if latest else None


def fresh_subject(item: RememberedItem | None) -> str:
    return _PREFIX.sub("", item.subject).strip()[:120] if item else ""
