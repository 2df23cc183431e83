"""Who is me: addresses in the history that are likely the user's own other addresses.

An address is likely the user's when mail shows it under the user's own name (the display
name the user sends with, "Last, First" forms included, or the name spelled by the user's
own address, "sam.lee@…" → Sam Lee), when the user's first and last name are spelled
before its @ ("sam_lee61@hotmail.com", "lee.sam@…"), or when it has the same local part as
one of the user's addresses at another domain. Drafting never writes to such an address; ``doctor``
lists them with the config line that confirms them.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from itertools import pairwise

from followthrough.mail.addresses import OwnAddresses

_WORD = re.compile(r"[^\W\d_]{2,}")
_MIN_LOCAL_PART = 4


@dataclass(frozen=True)
class LikelyOwn:
    address: str
    why: str


def name_key(name: str) -> str:
    """"Heard, Marie S." and "Marie Heard" → "marie heard"; '' when not a full name."""
    text = re.sub(r"<[^>]*>|\([^)]*\)|[\"']", " ", name).strip()
    if "@" in text:
        return ""
    if text.count(",") == 1:
        last, _, first = text.partition(",")
        text = f"{first} {last}"
    words = [w.lower() for w in _WORD.findall(text)]
    return f"{words[0]} {words[-1]}" if len(words) >= 2 else ""


def _names_of_address(address: str) -> str:
    local = address.partition("@")[0]
    parts = [p for p in re.split(r"[._-]", local) if p]
    if len(parts) == 2 and all(p.isalpha() and len(p) >= 2 for p in parts):
        return f"{parts[0]} {parts[1]}"
    return ""


def names_before_at(address: str) -> set[str]:
    """Name keys two neighbouring words before the @ could spell, either order:
    "chris_germany61@…" → {"chris germany", "germany chris"}."""
    words = [w for w in re.split(r"[^a-z]+", address.partition("@")[0].lower()) if len(w) >= 2]
    pairs = set(pairwise(words))
    return {f"{a} {b}" for a, b in pairs} | {f"{b} {a}" for a, b in pairs}


def likely_own_addresses(conn: sqlite3.Connection, own: OwnAddresses) -> list[LikelyOwn]:
    """Addresses not configured as the user's that likely are, each with why."""
    seen: dict[str, set[str]] = {}
    for address, name in conn.execute(
            "SELECT DISTINCT address, coalesce(name, '') FROM participant"):
        seen.setdefault(address, set()).add(name)
    configured = [a for a in seen if a in own]
    my_names = {name_key(n) for a in configured for n in seen[a]}
    my_names |= {_names_of_address(a) for a in configured}
    for (name,) in conn.execute("SELECT DISTINCT from_name FROM message "
                                "WHERE direction = 'out' AND from_name != ''"):
        my_names.add(name_key(name))
    my_names.discard("")
    my_locals = {a.partition("@")[0] for a in configured
                 if len(a.partition("@")[0]) >= _MIN_LOCAL_PART}
    found = []
    for address, names in sorted(seen.items()):
        if address in own:
            continue
        shown = sorted(n for n in names if name_key(n) in my_names)
        if shown:
            found.append(LikelyOwn(address, f"mail shows it with your name ({shown[0]!r})"))
        elif address.partition("@")[0] in my_locals:
            found.append(LikelyOwn(address, "same name before the @ as one of your addresses"))
        elif names_before_at(address) & my_names:
            found.append(LikelyOwn(address, "your first and last name before the @"))
    return found
