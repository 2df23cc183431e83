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


def thread_key(message_id: str | None, in_reply_to: str | None, references: Iterable[str],
               subject: str, counterparts: Iterable[str],
               known_thread: Callable[[str], str | None]) -> str:
    """The key of the thread a message belongs to.

    ``known_thread(message_id)`` returns the thread key of an already stored message with that
    Message-ID (or of messages rooted at it), else None.
    """
    chain = [*references]
    if in_reply_to and in_reply_to not in chain:
        chain.append(in_reply_to)
    for parent in reversed(chain):
        key = known_thread(parent)
        if key:
            return key
    if chain:
        return "r:" + chain[0]
    if message_id:
        # A reply stored before its parent was keyed by the parent's Message-ID.
        key = known_thread(message_id)
        if key:
            return key
    return subject_key(subject, counterparts)


_ASKS = re.compile(r"\?|\b(?:could|can|would|will) you\b|\bplease\b|\blet me know\b|"
                   r"\bany (?:news|update|thoughts)\b", re.IGNORECASE)


def asks_for_answer(text: str, written: list[str] | None = None) -> bool:
    """Whether the sender's own words ask a question or for something: only such
    messages deserve a nudge when they go unanswered (``written``: the lines the sender
    wrote, when already at hand)."""
    from followthrough.mail.sender_text import sender_text

    return bool(_ASKS.search(sender_text(text, written)))


_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")
_REQUEST = re.compile(r"\b(?:could|can|would|will) you\b|\bplease let me know\b|"
                      r"\blet me know (?:if|when|whether|what|how)\b", re.IGNORECASE)
MAX_QUESTION = 200
# Courtesies that end a message without asking anything.
_COURTESY = re.compile(r"\b(?:let me know|please (?:call|contact)|feel free|do not hesitate|"
                       r"don't hesitate)\b.{0,40}\b(?:any|further|additional|other|more)\s+"
                       r"(?:questions?|comments?|concerns?|help|information|assistance)|"
                       r"\bif you need anything\b|\bneed anything (?:else|further|more)\b|"
                       r"\bcan I help\b", re.IGNORECASE)


def asked_question(text: str, written: list[str] | None = None) -> str | None:
    """The question the sender's own words ask (the first whole sentence that asks), or
    None; a sentence longer than MAX_QUESTION is not cut but left out."""
    from followthrough.mail.sender_text import sender_text

    own = sender_text(text, written)
    for paragraph in own.split("\n\n"):
        flat = " ".join(paragraph.split())
        for match in _SENTENCE.finditer(flat):
            sentence = match.group(0).strip()
            if len(sentence.split()) < 3 or len(sentence) > MAX_QUESTION:
                continue
            if _COURTESY.search(sentence):
                continue
            if sentence.endswith("?") or _REQUEST.search(sentence):
                return sentence
    return None
