"""Signals in a sender's own words that close an earlier promise: a delivery or thanks.

A promise is kept when later mail shows it: the promiser sends the thing ("attached is…",
"here are the numbers", "as promised"), or the other side thanks them for it. Bodies are
never stored, so sync records only these two facts per message.
"""

from __future__ import annotations

import re

from followthrough.mail.sender_text import sender_text

_DELIVERS = re.compile(
    r"\b(?:attached|enclosed|here (?:is|are|'s)|please find|as promised|as requested|"
    r"i(?:'ve| have) (?:sent|forwarded|attached|done|finished|completed|signed|faxed)|"
    r"(?:is|are|has been|have been) (?:done|sent|signed|taken care of|completed|finished)|"
    r"i (?:sent|forwarded|faxed|signed|finished|completed) )", re.IGNORECASE)
_THANKS = re.compile(r"\b(?:thanks|thank you|thx|got it|received)\b", re.IGNORECASE)


def delivers(text: str, written: list[str] | None = None) -> bool:
    """Whether the sender's own words hand something over ("attached is the draft")."""
    return bool(_DELIVERS.search(sender_text(text, written)))


def thanks(text: str, written: list[str] | None = None) -> bool:
    """Whether the sender's own words thank for something or confirm receipt."""
    return bool(_THANKS.search(sender_text(text, written)))
