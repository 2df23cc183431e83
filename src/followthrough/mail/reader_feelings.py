"""Feelings about the person written to: worry, sympathy, good wishes, joy for them.

"I am worried about you", "I'm so sorry about your news", "hope you're feeling better",
"so happy for you": the writer feels something, but the trouble or the good news is the
reader's, never the writer's. Whoever reads such a sentence must not take it for the
writer's own challenge or success (a friend's worry about the user is not the friend
struggling). Pure: plain text in, a yes or no out.
"""

from __future__ import annotations

import re

_YOU = r"(?:you|y'all|your\b(?:\s+[a-z'-]+){0,3})"
_READER_FEELING = re.compile(
    # worry or sadness about them or theirs
    r"\b(?:worr(?:y|ied|ying)|concerned|anxious|nervous|scared|afraid|upset|sad|saddened|"
    r"heartbroken|devastated|sorry|bad|terrible|awful|pray(?:ing)?|prayers)\s+"
    r"(?:(?:so|very|really|a lot|a bit)\s+)?(?:about|for|over)\s+" + _YOU + r"|"
    # sorry to hear / learn about them
    r"\bsorry\s+(?:to\s+(?:hear|learn|read|see)\s+(?:about\s+|that\s+|of\s+)?|that\s+)?"
    r"(?:you|your)\b|"
    # wishing them well
    r"\bhope\s+(?:that\s+)?(?:you|your\s+[a-z'-]+|all|things|everything)\b[^.;!?]{0,40}?\b"
    r"(?:better|well|ok|okay|recover\w*|improv\w*|heal\w*|fine|all right|alright|safe|"
    r"healthy|hanging in)\b|"
    r"\b(?:get|feel|feeling)\s+(?:well|better)\s+soon\b|"
    r"\b(?:thoughts|prayers|heart)\s+(?:are\s+|is\s+|goes?\s+out\s+)?(?:with|to)\s+you\b|"
    r"\bthinking\s+(?:of|about)\s+you\b|\b(?:miss|missing)\s+you\b|"
    r"\bhow\s+are\s+you\s+(?:feeling|holding\s+up|coping|managing)\b|"
    # joy or pride for them
    r"\b(?:happy|glad|thrilled|excited|delighted|pleased|proud)\s+(?:for|of)\s+you\b|"
    # a condolence that names nothing: "I just heard and I am so, so sorry."
    r"\b(?:i'm|i am|we're|we are)\s+(?:(?:so|very|truly|deeply|terribly|really),?\s+)*"
    r"sorry\s*[.!]*$")


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").split()).lower()


def feeling_for_reader(text: str) -> bool:
    """Whether the words express the writer's feeling about the reader or the reader's
    news (worry, sympathy, good wishes, joy for them)."""
    return bool(_READER_FEELING.search(_normal(text)))


_CLAUSE_END = re.compile(r"[.;!?]|\s(?:and|but|so)\s+(?=(?:i|we)\b)|\s(?:but|although)\s")


def item_is_reader_feeling(summary: str, evidence: str) -> bool:
    """Whether a remembered item is a feeling about the reader: its summary, or its clause
    of the sentence it came from (from the summary to the clause's end), says so. "We're
    stuck on the permit, and I hope you are well" is still the writer's trouble."""
    text, start = _normal(evidence), _normal(summary)
    at = text.find(start[:40]) if start else -1
    clause = text[at:] if at >= 0 else text
    end = _CLAUSE_END.search(clause, len(start) if at >= 0 else 0)
    clause = clause[:end.start()] if end else clause
    return feeling_for_reader(summary) or feeling_for_reader(clause)
