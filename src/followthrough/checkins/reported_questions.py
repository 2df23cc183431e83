"""A question the user asked, told again in their own voice for a nudge.

"Could you share the updated version when you have a moment?" becomes "whether you could
share the updated version"; "Do you want me to send the deck?" becomes "whether you'd like
me to send the deck". Only forms whose reported version is certain are rewritten (the
verb after the subject stays as written, so tense and person never change); anything else
gives None and the nudge quotes the question as written. The writer and reader are the
same people in the nudge as in the question, so "you", "me" and "I" keep their meaning.
"""

from __future__ import annotations

import re

# what makes a request polite and means nothing once reported
_COURTESY = re.compile(
    r"(?:,?\s*(?:please|pls|kindly))|"
    r"(?:,?\s*(?:when|whenever|if) you (?:get|have) (?:a|the) (?:chance|moment|minute|sec(?:ond)?)"
    r"(?: to [a-z ]+?)?)|"
    r"(?:,?\s*at your (?:earliest )?convenience)|(?:,?\s*for me)(?=\s*$)",
    re.IGNORECASE)
# (question opening, how the report opens); the rest of the question follows as written
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), report) for pattern, report in (
        (r"^(?:do|would) you (?:want|like) me to\b", "whether you'd like me to"),
        (r"^(?:shall|should) i\b", "whether I should"),
        (r"^(?:can|could|may) i\b", "whether I could"),
        (r"^(?:can|could|would|will) you (?:please )?be able to\b", "whether you could"),
        (r"^would you mind\b", "whether you'd mind"),
        (r"^would you (?:like|want)\b", "whether you'd like"),
        (r"^(?:can|could|would|will) you (?:please )?(?=[a-z])", "whether you could "),
        (r"^do you (?=(?:know|have|need|want|think|agree|remember|see|expect|plan|mind)\b)",
         "whether you "),
        (r"^(?:please )?let me know (?:if|whether|that)\b", "whether"),
        (r"^(?:please )?let me know (?=(?:what|when|where|who|which|how)\b)", ""),
        (r"^are you\b", "whether you are"),
        (r"^have you\b", "whether you have"),
        (r"^is there\b", "whether there is"),
        (r"^are there\b", "whether there are"),
    ))
# words that tie a question to the day it was asked: told again later they would be wrong
_OF_THE_DAY = re.compile(
    r"\b(?:today|tonight|tomorrow|yesterday|this (?:morning|afternoon|evening)|"
    r"right now|now|asap|later)\b", re.IGNORECASE)
_LEADING_WORDS = re.compile(r"^(?:(?:also|and|so|but|ok|okay|btw|one more thing)\b[,:]?\s+)+",
                            re.IGNORECASE)


def reported_question(question: str) -> str | None:
    """The question as "whether you could …" (no final punctuation), or None when its form
    is not one this can retell with certainty."""
    text = " ".join(question.split()).strip(" \"'“”‘’")
    # a question, or a request written as a statement ("Can you set it up.")
    if text.count("?") > 1 or not text.endswith(("?", ".")) or text.count(".") > 1:
        return None
    text = _LEADING_WORDS.sub("", text[:-1]).strip(" ,")
    if _OF_THE_DAY.search(text) or re.search(r"[\"“”()]", text):
        return None
    for opening, report in _FORMS:
        found = opening.match(text)
        if found is None:
            continue
        rest = _COURTESY.sub("", text[found.end():]).strip(" ,;:")
        if not rest:
            return None
        joined = (rest if not report else f"{report}{rest}" if report.endswith(" ")
                  else f"{report} {rest}")
        return re.sub(r"\bi\b", "I", joined)
    return None
