"""Short summaries (3–8 words) of an item, in the sentence's own words and letter case."""

from __future__ import annotations

import re

MAX_WORDS = 8
_STOP_AT = re.compile(
    r"[.,;:!?()\"]|\s(?:because|since|so that|as soon as|once|when|after|before|unless|but|"
    r"while|although|which|who|that|tomorrow|today|tonight|next|this (?:week|morning|afternoon)|"
    r"by (?:monday|tuesday|wednesday|thursday|friday|the end|end|eod)|on (?:monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday))\b", re.IGNORECASE)
_TRAILING = {"and", "or", "to", "the", "a", "an", "of", "with", "for", "that", "in", "on", "at",
             "my", "our", "your", "his", "her", "their", "is", "are", "was", "be", "i", "we"}


def _original_span(sentence: str, normalised_words: list[str]) -> str:
    """The same words as they stand in ``sentence`` (original case and spelling)."""
    if not normalised_words:
        return ""
    pattern = r"\s+".join(re.escape(w) for w in normalised_words)
    found = re.search(pattern, sentence.replace("’", "'"), re.IGNORECASE)
    return " ".join(found.group(0).split()) if found else " ".join(normalised_words)


def summarise(sentence: str, normalised: str, start: int) -> str:
    """Up to eight words from ``start`` (an offset into ``normalised``) to the clause's end."""
    rest = normalised[start:]
    stop = _STOP_AT.search(rest, 1)
    words = (rest[: stop.start()] if stop else rest).split()[:MAX_WORDS]
    while words and words[-1] in _TRAILING:
        words.pop()
    if len(words) < 2:
        words = rest.split()[:MAX_WORDS]
        while len(words) > 2 and words[-1] in _TRAILING:
            words.pop()
    return _original_span(sentence, words).strip(" .,;:!?\"'")
