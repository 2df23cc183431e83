"""What is remembered from a message: commitments, challenges and successes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from followthrough.mail.message_parse import ParsedMessage


@dataclass(frozen=True)
class Item:
    kind: str  # commitment | challenge | success
    holder: str  # sender | recipient | third_party: who committed, or whose it is
    evidence: str  # the sentence it came from, exactly as written
    summary: str  # 3–8 words a follow-up can use
    confidence: float
    due: date | None = None  # commitments: when it is due
    event_date: date | None = None  # a mentioned event's date ("the hearing is on May 12")


# Given a message and its direction ("in" or "out"), the items it holds.
Analyser = Callable[[ParsedMessage, str], list[Item]]
