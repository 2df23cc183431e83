"""Whom a draft greets by what name, and how the user opens and closes with them.

Pure: it works on what sync learned from the mail (display names, the names people sign
with, the user's own greetings and sign-offs; see ``mail/salutations.py``) and decides:

- the name to greet a contact with: the one the user greets them with in mail to them
  alone, else the one they sign their own mail with (when it fits their address or a
  display name, or they sign so repeatedly), else a display name ("Last, First" read right),
  else the first part of a ``first.last`` address, else none ("Hi there");
- the user's greeting line and sign-off for them, as the user writes them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from followthrough.mail.addresses import clean_text
from followthrough.mail.salutations import NOT_NAMES, is_signed_name, is_wish

_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "mr.", "mrs.", "ms.", "dr."}
# what follows a name and is not one: "James Derrick, Jr.", "Rob Walls III"
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "cpa", "jd"}
_WORD = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*$")
_LOCAL_SPLIT = re.compile(r"[._-]")
MIN_REPEATS = 2  # a signed name that does not fit the address must recur this often
MIN_SHARE = 0.6  # and be this share of their signed mail


@dataclass(frozen=True)
class Voice:
    """What the history says about addressing one contact."""

    greeted_as: str = ""  # the name the user greets them with, in mail to them alone
    greeting: str = ""  # the user's greeting line with that name ("Becky -", "Hi Jeff,")
    signed_as: str = ""  # the name they sign their own mail with, when trustworthy
    display_names: tuple[str, ...] = ()  # every display name seen for them, most used first
    closing: str = ""  # the user's sign-off to them, else the user's usual one
    closing_has_name: bool = False  # the sign-off already ends with the user's name
    my_name: str = ""  # the name the user usually signs with ("Sally")


def _capitalised(word: str) -> str:
    if word.isupper() or word.islower():
        return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))
    return word


def name_from_display(display: str) -> str:
    """The first name in a display name: "Jeff Dasovich", "Dasovich, Jeff", "DASOVICH, JEFF
    A.", "Jeff Dasovich/NA/Enron"; "" for an address or something else."""
    cleaned = clean_text(display, 100).strip("'\" ")
    if not cleaned or "@" in cleaned:
        return ""
    cleaned = cleaned.split("/", 1)[0].strip()
    department, dash, person = cleaned.partition(" - ")
    if dash and len(person.split()) >= 2 and len(department.split()) == 1:
        cleaned = person  # "Legal - James Derrick Jr.": a department's name for a person
    before, comma, after = cleaned.partition(",")
    if comma:
        # "Last, First", but "First Last, Jr." / "Dave Grant, Assistant General Counsel"
        cleaned = after.split(",", 1)[0].strip() if len(before.split()) == 1 else before.strip()
    words = [w for w in cleaned.split() if w.lower() not in _TITLES
             and w.lower().strip(".") not in _SUFFIXES]
    if not words or not _WORD.match(words[0]) or len(words[0]) < 2 or is_wish(cleaned) \
            or words[0].lower() in NOT_NAMES:
        return ""
    return _capitalised(words[0])


def name_from_address(address: str) -> str:
    """``jeff.dasovich@`` → "Jeff"; nothing from ``jdasovic@`` or ``w..white@``."""
    parts = _LOCAL_SPLIT.split(address.partition("@")[0])
    if len(parts) < 2 or len(parts[0]) < 2 or not parts[0].isalpha() or not parts[-1] \
            or parts[0].lower() in _SUFFIXES | _TITLES:
        return ""
    return _capitalised(parts[0])


def _fits(signed: Sequence[str], address: str, display_names: Iterable[str]) -> bool:
    """A signed name fits when its first name is in their address or a display name, or a
    longer part of it is in their address ("Tom Spencer" for tspencer@)."""
    local = address.partition("@")[0].lower()
    first = signed[0].split()[0].lower()
    if first in local or any(first in d.lower() for d in display_names):
        return True
    return any(len(word) >= 3 and word.lower().strip(".") in local
               for name in signed for word in name.split()[1:])


def is_my_name(signed: str, my_addresses: Iterable[str], my_display_names: Sequence[str]) -> bool:
    """Whether a name the user signed with is theirs ("Sally" for sally.beck@ or "Beck,
    Sally"), not the last line of a list that ended a message ("True Exchange")."""
    if not signed.split():
        return False
    if _INITIALS.match(signed.strip()):  # "SS" for Sara Shackleton, "BT"
        return signed.strip().upper() in {*map(_initials, my_display_names),
                                           *map(_initials, my_addresses)}
    return any(_fits([signed], address, my_display_names) for address in my_addresses)


_INITIALS = re.compile(r"^[A-Z]{2,3}$")


def _initials(name_or_address: str) -> str:
    """"SS" for "Sara Shackleton", "Shackleton, Sara" and sara.shackleton@…"""
    text = name_or_address.partition("@")[0] if "@" in name_or_address else name_or_address
    if "," in text:
        last, _, first = text.partition(",")
        text = f"{first} {last}"
    words = [w for w in re.split(r"[\s._-]+", text.split("/", 1)[0]) if w and w[0].isalpha()]
    return "".join(w[0] for w in words if len(w) > 1).upper() if len(words) >= 2 else ""


def trusted_signature(signed: Sequence[str], address: str,
                      display_names: Sequence[str]) -> str:
    """The first name a contact signs with ("Tom" from "Tom Spencer"), when it is theirs: it
    fits their address or a display name, or they signed with it repeatedly and mostly."""
    signed = [name for name in signed if is_signed_name(name)]
    firsts = [name.split()[0] for name in signed]
    if not firsts:
        return ""
    first, count = Counter(firsts).most_common(1)[0]
    variants = [name for name in signed if name.split()[:1] == [first]]
    if _fits(variants, address, display_names):
        return first
    if count >= MIN_REPEATS and count / len(firsts) >= MIN_SHARE:
        return first
    return ""


def greeting_name(voice: Voice, name: str, address: str) -> tuple[str, str]:
    """The name to greet them with and where it comes from ("" when none is known)."""
    if voice.greeted_as:
        return voice.greeted_as, "how you greet them"
    if voice.signed_as:
        return voice.signed_as, "how they sign their mail"
    local = address.partition("@")[0].lower()
    for display in (name, *voice.display_names):
        word = display.strip("'\" ")
        if word.islower() and len(word.split()) == 1 and word not in local:
            continue  # "credit <.williams@>": a department's word, not a name
        found = name_from_display(display)
        if found:
            return found, "their display name"
    found = name_from_address(address)
    if found:
        return found, "their address"
    return "", ""


_SHOUTED = re.compile(r"([!?.])\1+")


def tidy_sign_off(line: str) -> str:
    """"THANKS!!!!!!!!" → "Thanks!": the user's own words, without the shouting."""
    calm = _SHOUTED.sub(r"\1", line.strip())
    letters = [c for c in calm if c.isalpha()]
    if len(letters) > 3 and all(c.isupper() for c in letters):
        calm = calm[:1] + calm[1:].lower()
    return calm


def most_used(values: Sequence[str]) -> str:
    """The value used most; among equals, the latest (``values`` is oldest first)."""
    if not values:
        return ""
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in reversed(values) if counts[v] == best)
