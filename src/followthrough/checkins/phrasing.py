"""Turning a remembered phrase into words the user can send: whose "I" and "you" it is, and
whether it is whole.

A summary is a piece of someone's sentence ("send you the deck", "we're stuck on the
permit"). Said by the contact, their "I" is "you" in the user's mouth and their "you" is
"me". A phrase that ends in "to", "the", "and give" or "being" was cut mid-clause and is
never used: a draft says less rather than something broken.
"""

from __future__ import annotations

import re

# Said by them, spoken back to them: their first person becomes "you", their "you" (the
# user) becomes "me". One pass, so nothing is swapped twice.
_THEIRS_TO_MINE = {
    "i'm": "you're", "i am": "you are", "i was": "you were", "i've": "you've",
    "i'll": "you'll", "i'd": "you'd", "we're": "you're", "we've": "you've", "we'll": "you'll",
    "we'd": "you'd", "we are": "you are", "we were": "you were", "i": "you", "we": "you",
    "me": "you", "us": "you", "my": "your", "our": "your", "mine": "yours", "ours": "yours",
    "myself": "yourself", "ourselves": "yourselves",
    "you": "me", "your": "my", "yours": "mine", "yourself": "myself",
}
_SWAP = re.compile(r"\b(?:" + "|".join(sorted((re.escape(k) for k in _THEIRS_TO_MINE),
                                               key=len, reverse=True)) + r")\b",
                   re.IGNORECASE)
_SENTENCE_STARTS = frozenset(("the", "a", "an", "my", "our", "your", "we", "it", "this",
                              "that", "these", "those", "their", "his", "her", "its", "you",
                              "you're", "you've", "you'll", "you'd", "there", "things",
                              "everything", "all", "some", "no"))
_SUBJECT_YOU = re.compile(r"^(?:you|you're|you've|you'll|you'd)\b", re.IGNORECASE)

# A phrase ending in one of these words was cut before its end.
_DANGLING_TEXT = """a an the and or but nor so to of for on in at by with from into onto
about as than that which who whom whose if when while because since until before after
your my our their his her its is are was were be been being am have has
had do does did will would shall should can could may might must get give send make take
bring provide let put keep set tell ask show find offer pay please very more most such
this these those any some every each no not"""
_DANGLING = frozenset(_DANGLING_TEXT.split())
_WORD = re.compile(r"[A-Za-z']+")
# a finite verb: the phrase is a clause ("the launch went great"), not a noun phrase
_FINITE = re.compile(
    r"\b(?:is|are|was|were|am|'s|'re|'m|'ve|has|have|had|will|'ll|did|does|do|got|went|"
    r"came|won|made|closed|signed|launched|finished|passed|received|became|started|"
    r"opened|sold|raised|hired|joined|moved|married|announced|approved|completed|\w+ed)\b",
    re.IGNORECASE)
_NOUN_START = re.compile(r"^(?:the|your|my|a|an|this|that|these|those|his|her|their|our)\b",
                         re.IGNORECASE)
MAX_PHRASE = 120


def spoken_back(words: str) -> str:
    """Their words, said to them by the user: "send you my notes" → "send me your notes"."""
    swapped = _SWAP.sub(lambda m: _THEIRS_TO_MINE[m.group(0).lower()], words)
    return lowered_start(swapped)


def lowered_start(phrase: str) -> str:
    """A phrase set inside a sentence: "The launch went great" → "the launch went great"
    (names and acronyms keep their capitals)."""
    first = phrase.split(" ", 1)[0]
    if first.lower() in _SENTENCE_STARTS:
        return first.lower() + phrase[len(first):]
    return phrase


def whole(phrase: str) -> bool:
    """Whether the phrase ends where a clause can end (not in "to", "the", "and give")."""
    words = _WORD.findall(phrase)
    if not words or len(phrase) > MAX_PHRASE:
        return False
    return words[-1].lower() not in _DANGLING and not phrase.rstrip().endswith(("—", "-", ","))


def is_clause(phrase: str) -> bool:
    """A clause with its own verb ("you closed the round") rather than a thing ("the
    hearing")."""
    return bool(_FINITE.search(phrase)) and not (_NOUN_START.match(phrase)
                                                  and len(phrase.split()) <= 3)


_NO_SUBJECT = re.compile(
    r"^(?:will|would|shall|should|can|could|may|might|must|am|is|are|was|were|have|has|had|"
    r"do|does|did|'ll|'d|be|been|being|get|got|make|made|send|sent|need|needs|want|wants|"
    r"hope|hoping|plan|planning|trying|going|looking|working)\b", re.IGNORECASE)


def lacks_a_subject(phrase: str) -> bool:
    """A clause that starts at its verb ("Will make these changes ASAP", "Hoping to close
    soon"): set after "You'd mentioned" it reads as broken English."""
    return bool(_NO_SUBJECT.match(phrase.strip()))


def starts_with_you(phrase: str) -> bool:
    return bool(_SUBJECT_YOU.match(phrase))


def is_noun_phrase(phrase: str) -> bool:
    return bool(_NOUN_START.match(phrase)) and not _FINITE.search(phrase)


# Where a quoted sentence breaks into clauses: "....", "…", ";", a new sentence.
_CLAUSE_BREAK = re.compile(r"\s*(?:\.{2,}|…|;)\s*|(?<=[.!?])\s+(?=[A-Z“\"])")
_EDGE = " \t-–—;:,*>•·\"'“”„‘’`«»"


def _unbalanced_removed(text: str) -> str:
    """Quote marks without their partner are stray: "We're “stuck" → "We're stuck"."""
    if text.count("“") != text.count("”"):
        text = text.replace("“", "").replace("”", "")
    if text.count('"') % 2:
        text = text.replace('"', "")
    return text


def quoted_fragment(text: str, around: str = "") -> str:
    """Someone's words as they can stand inside quotes in a sentence of the draft: the
    clause holding ``around`` (when the sentence runs on: "…on Monday.....if you have
    questions, see me"), without stray quote marks, separators or a trailing ellipsis at
    either end. "" when nothing is left."""
    flat = " ".join(text.split())
    clauses = [c for c in _CLAUSE_BREAK.split(flat) if c and c.strip()]
    key = " ".join(around.replace("’", "'").lower().split()[:3])
    if key and len(clauses) > 1:
        flat = next((c for c in clauses if key in c.replace("’", "'").lower()), flat)
    fragment = _unbalanced_removed(flat).strip(_EDGE)
    fragment = re.sub(r"(?:\.{2,}|…)$", "", fragment).strip(_EDGE)
    if fragment and fragment[-1] not in ".?!" and flat.rstrip(_EDGE).endswith(("?", "!")):
        fragment += flat.rstrip(_EDGE)[-1]
    return fragment
