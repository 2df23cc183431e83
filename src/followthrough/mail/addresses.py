"""Email addresses: normalising them, recognising the user's own and machine senders."""

from __future__ import annotations

import re
from collections.abc import Iterable

_MACHINE_LOCAL_PART = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster|bounces?"
    r"|notifications?|notify|alerts?|newsletters?|news|automated|auto[-_.]?reply|daemon"
    r"|list[-_.]?admin|majordomo|listserv|owner-[^@]*|[^@]*-(?:bounces?|owner|request))"
    r"(?:[-+._].*)?$")
UNSAFE = re.compile(r"[\x00-\x1f\x7f]")
# Characters a reader cannot see: bidi controls and marks (U+061C, U+200E/F, U+202A-E,
# U+2066-9), zero-width ones (U+200B-D, U+2060-4, U+FEFF), soft hyphen, Mongolian vowel
# separator, interlinear annotation and tag characters. Removed, never shown.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                       "\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]")


def clean_text(text: str, limit: int) -> str:
    """A header value made safe to store and show: no control, bidi or invisible
    characters, bounded."""
    return " ".join(UNSAFE.sub(" ", INVISIBLE.sub("", text)).split())[:limit]


def normalize(address: str) -> str:
    """Lower-case, trimmed, without angle brackets; '' when it is not an address."""
    value = clean_text(address, 320).strip("<> ").lower()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or " " in value:
        return ""
    return value


def _without_tag(address: str) -> str:
    local, _, domain = address.partition("@")
    return local.split("+", 1)[0] + "@" + domain


class OwnAddresses:
    """The user's identities; ``me+tag@example.com`` counts as ``me@example.com``."""

    def __init__(self, addresses: Iterable[str]) -> None:
        self._plain = {_without_tag(normalize(a)) for a in addresses if normalize(a)}

    def __contains__(self, address: object) -> bool:
        return isinstance(address, str) and _without_tag(normalize(address)) in self._plain

    def __bool__(self) -> bool:
        return bool(self._plain)


def looks_like_machine(address: str) -> bool:
    """no-reply@, mailer-daemon@, bounces+x@, list-owner@ and the like."""
    local = address.partition("@")[0].lower()
    return bool(_MACHINE_LOCAL_PART.match(local))
