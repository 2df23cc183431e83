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


_CHUNK = re.compile(r"\S+")


def _original_span(sentence: str, normalised_words: list[str]) -> str:
    """The same words as they stand in ``sentence`` (original case and spelling)."""
    if not normalised_words:
        return ""
    if sentence.isascii() and all(word.isascii() for word in normalised_words):
        found = ascii_span(sentence, normalised_words)
    else:
        found = regex_span(sentence, normalised_words)
    return found if found is not None else " ".join(normalised_words)


def regex_span(sentence: str, words: list[str]) -> str | None:
    """The leftmost run of ``words`` (any white space between them, any letter case) in
    ``sentence``, its white space made single spaces."""
    pattern = r"\s+".join(re.escape(w) for w in words)
    found = re.search(pattern, sentence.replace("’", "'"), re.IGNORECASE)
    return " ".join(found.group(0).split()) if found else None


def ascii_span(sentence: str, words: list[str]) -> str | None:
    """``regex_span`` for ASCII text, without compiling a regex for every summary: the
    first word ends a chunk of the text (the text between white space), the middle ones
    are whole chunks, the last one starts a chunk."""
    lower = sentence.lower()
    if len(words) == 1:
        at = lower.find(words[0])
        return None if at < 0 else sentence[at:at + len(words[0])]
    chunks = [(chunk.start(), chunk.end()) for chunk in _CHUNK.finditer(lower)]
    first, *middle, last = words
    for i in range(len(chunks) - len(words) + 1):
        start, end = chunks[i]
        if not lower.endswith(first, start, end):
            continue
        inner = chunks[i + 1:i + len(words) - 1]
        if any(lower[a:b] != word for (a, b), word in zip(inner, middle, strict=True)):
            continue
        last_start, last_end = chunks[i + len(words) - 1]
        if lower.startswith(last, last_start, last_end):
            return " ".join([sentence[end - len(first):end],
                             *(sentence[a:b] for a, b in inner),
                             sentence[last_start:last_start + len(last)]])
    return None


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
