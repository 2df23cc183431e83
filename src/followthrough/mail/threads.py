"""Thread keys: by References/In-Reply-To when present, else by subject and participants."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable

_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|sv|vs|wg|antw|tr|rif)\s*(?:\[\d+\])?\s*:|\[[^\]]{1,40}\])\s*",
    re.IGNORECASE)


def normalize_subject(subject: str) -> str:
    """``Re: FW: [list] Budget  plan`` → ``budget plan``."""
    text = subject
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return " ".join(text.split()).lower()


def subject_key(subject: str, counterparts: Iterable[str]) -> str:
    material = normalize_subject(subject) + "\0" + ",".join(sorted(set(counterparts)))
    return "s:" + hashlib.sha256(material.encode("utf-8", "replace")).hexdigest()[:20]


def chain_of(in_reply_to: str | None, references: Iterable[str]) -> list[str]:
    """The Message-IDs a message answers, root first."""
    chain = [*references]
    if in_reply_to and in_reply_to not in chain:
        chain.append(in_reply_to)
    return chain


def linked_ids(message_id: str | None, in_reply_to: str | None,
               references: Iterable[str]) -> list[str]:
    """Every Message-ID that ties a message to its thread: its own and those it answers."""
    ids = chain_of(in_reply_to, references)
    if message_id and message_id not in ids:
        ids.append(message_id)
    return ids


def thread_keys(message_id: str | None, in_reply_to: str | None, references: Iterable[str],
                subject: str, counterparts: Iterable[str],
                known_thread: Callable[[str], str | None]) -> tuple[str, list[str]]:
    """The key of the thread a message belongs to, and the keys of other threads it joins.

    ``known_thread(message_id)`` returns the thread key of an already stored message with
    that Message-ID or of messages that answer it, else None. Messages can be read in any
    order (a reply filed before its parent, UIDs out of date order): a message that answers
    one thread while others already answer it ties them together, so the caller merges the
    joined keys into the first. Without any known link the key is the root reference,
    else (no threading headers) the subject with the people.
    """
    chain = chain_of(in_reply_to, references)
    found: list[str] = []
    for linked in [*reversed(chain), *([message_id] if message_id else [])]:
        key = known_thread(linked)
        if key and key not in found:
            found.append(key)
    if found:
        return found[0], found[1:]
    if chain:
        return "r:" + chain[0], []
    return subject_key(subject, counterparts), []


def thread_key(message_id: str | None, in_reply_to: str | None, references: Iterable[str],
               subject: str, counterparts: Iterable[str],
               known_thread: Callable[[str], str | None]) -> str:
    """The key of the thread a message belongs to (see :func:`thread_keys`)."""
    return thread_keys(message_id, in_reply_to, references, subject, counterparts,
                       known_thread)[0]
