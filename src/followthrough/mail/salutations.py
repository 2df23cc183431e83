"""How a message opens and closes: the greeting line and the name it greets, the sign-off
lines and the name its writer signs with.

Read at sync time from the text the sender wrote (quotes already cut), so that a draft can
greet a contact by the name they sign with ("Thanks, Jeff") and open and close the way the
user does with them ("Becky -" … "--Sally"). Pure and cheap: a few regular expressions on
the first and last lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_NAME = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_GREETING_WORD = (r"(?i:hi|hello|hey|dear|hiya|howdy|greetings|good\s+(?:morning|afternoon|"
                  r"evening)|morning|afternoon)")
# "Hi Becky,", "Hello, Marie, hope all is well", "Dear Mr. Smith:" (no first name there)
_WORD_GREETING = re.compile(rf"^\s*(?P<word>{_GREETING_WORD})[ ,]+(?P<name>{_NAME})"
                            r"(?P<end>\s*[,:!.\-—–]|\s*$)")
# "Becky,", "Becky -", "Jeff:"
_NAME_GREETING = re.compile(rf"^\s*(?P<name>{_NAME})\s*(?P<end>,|:|\s-{{1,2}}|\s?[—–])\s*$")
_CLOSING_WORDS = (r"(?i:thanks(?:\s+(?:again|so\s+much|a\s+lot|much))?|thank\s+you|many\s+thanks|"
                  r"thx|regards|best\s+regards|kind\s+regards|warm\s+regards|warmly|best|"
                  r"all\s+the\s+best|best\s+wishes|cheers|sincerely|yours|take\s+care|"
                  r"talk\s+soon|love|ciao|later|rgds|tks|gracias)")
_CLOSING_LINE = re.compile(rf"^\s*{_CLOSING_WORDS}\s*[,.!-]*\s*$")
_CLOSING_WITH_NAME = re.compile(rf"^\s*(?P<closing>{_CLOSING_WORDS})\s*[,.!-]*\s+"
                                rf"(?P<name>{_NAME})\s*\.?\s*$")
_DASH_NAME = re.compile(rf"^\s*(?:-{{1,2}}|~|—|–)\s*(?P<name>{_NAME})\s*$")
_BARE_NAME = re.compile(rf"^\s*(?P<name>{_NAME})(?:\s+(?:[A-Z]\.?\s+)?{_NAME})?\s*$")
_NOISE = re.compile(r"^\s*(?:-{2,}\s*$|_{3,}\s*$|sent\s+from\s+my\b|get\s+outlook\b)",
                    re.IGNORECASE)
_NOT_NAMES_TEXT = """all team everyone everybody folks guys gang there sir madam thanks
thank yes no ok okay sure great please fyi hello hi hey dear attached here this that the
and regards best cheers sincerely note update importance subject from to sent re fw fwd
good morning afternoon evening gentlemen ladies friends colleagues both you mr mrs ms dr
merry happy joyous christmas xmas holiday holidays new year weekend season seasons greetings
wishes warm warmest kind enjoy have thanksgiving easter birthday congratulations congrats
luck"""
NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
# Wishes that end many messages ("Merry Christmas", "Happy New Year!", "Have a great
# weekend", "Good luck"): neither a name nor how someone signs. ("Best wishes," is a
# sign-off: its words are simply never a name.)
_WISH = re.compile(
    r"^\W*(?:(?:merry|happy|joyous|blessed|wonderful)\s+[a-z']+|season'?s\s+greetings|"
    r"have\s+(?:an?\s+|the\s+)?(?:[a-z']+\s+){0,3}(?:day|days|weekend|week|holidays?|"
    r"christmas|xmas|thanksgiving|easter|new\s+year|time|trip|vacation|evening|night|one|"
    r"summer|break)|enjoy\s+(?:the|your)\s+[a-z']+|good\s+luck|"
    r"compliments\s+of\s+the\s+season)\b", re.IGNORECASE)
MAX_LINE = 60  # a greeting or a sign-off line is short


@dataclass(frozen=True)
class Opening:
    line: str  # the greeting line as written ("Hi Becky,"), or its greeting part
    name: str  # the name it greets ("Becky")


@dataclass(frozen=True)
class Closing:
    lines: str  # the sign-off as written ("Thanks,\nSally" or "--Sally"), at most 2 lines
    name: str  # the name signed with ("Sally", "Tom Spencer"), "" for only "Thanks,"


def is_wish(line: str) -> bool:
    """"Merry Christmas!", "Happy Holidays", "Have a great weekend", "Good luck"."""
    return bool(_WISH.match(line))


def _is_name(word: str) -> bool:
    return word.lower() not in NOT_NAMES and 2 <= len(word) <= 20


def is_signed_name(name: str) -> bool:
    """Whether a name read from a sign-off can be a person's ("Merry Christmas" cannot;
    mail synced by older versions may hold such)."""
    words = name.split()
    return bool(words) and _is_name(words[0]) and not is_wish(name)


def is_sign_off(lines: str) -> bool:
    """Whether sign-off lines read from mail are a sign-off, not a wish."""
    return not any(is_wish(line) for line in lines.splitlines())


def opening(lines: Sequence[str]) -> Opening | None:
    """The greeting that opens the text, when it greets one person by name."""
    first = next((line for line in lines[:5] if line.strip()), "")
    if is_wish(first):
        return None
    match = _WORD_GREETING.match(first)
    if match and _is_name(match["name"]):
        part = first[:match.end("name")].strip() + (match["end"].strip() or ",")
        return Opening(part if len(part) <= MAX_LINE else "", match["name"])
    if len(first) <= MAX_LINE:
        match = _NAME_GREETING.match(first)
        if match and _is_name(match["name"]):
            return Opening(first.strip(), match["name"])
    return None


def _ends_a_text(line: str) -> bool:
    """The line above a signed name: a sentence, not a heading ("Attendees:") or a name."""
    return is_wish(line) or (not line.rstrip().endswith(":") and not _BARE_NAME.match(line))


def closing(lines: Sequence[str]) -> Closing | None:
    """The sign-off that ends the text: "Thanks,\\nJeff", "Thanks, Jeff", "--Sally", or a
    name alone on the last line (a signature block of short lines may follow it)."""
    tail = [line.rstrip() for line in lines[-12:] if line.strip() and not _NOISE.match(line)]
    tail = tail[-6:]
    for index, line in enumerate(tail):
        rest = tail[index + 1:]
        if len(line) > MAX_LINE or any(len(r) > MAX_LINE for r in rest) or is_wish(line):
            continue
        if _CLOSING_LINE.match(line):
            name_match = _BARE_NAME.match(rest[0]) if rest and not is_wish(rest[0]) else None
            if name_match and _is_name(name_match["name"]):
                return Closing(f"{line.strip()}\n{rest[0].strip()}", rest[0].strip())
            if not rest:
                return Closing(line.strip(), "")
            continue
        for pattern in (_CLOSING_WITH_NAME, _DASH_NAME):
            match = pattern.match(line)
            if match and _is_name(match["name"]) and len(rest) <= 4:
                return Closing(line.strip(), match["name"])
        match = _BARE_NAME.match(line)
        if match and _is_name(match["name"]) and len(rest) <= 4 and index > 0 \
                and _ends_a_text(tail[index - 1]) \
                and sum(1 for t in tail if _BARE_NAME.match(t) and not is_wish(t)) < 3:
            return Closing(line.strip(), line.strip())
    return None
