"""What a message asks: whether it asks anything, and the genuine question worth a nudge.

Pure. A nudge is for a question that still wants an answer from that person — information,
a decision, an opinion ("Could you send me the Q3 numbers?", "What did the board decide
on the Duke contract?"). Not for courtesies ("let me know if you need anything"), same-day
logistics whose moment has passed ("Can you come to my office at 3?", "Are you free for
lunch today?"), nor errands that name nothing ("Can you facilitate this?", "Could you
sign it?"): a nudge quoting those says nothing a person would chase weeks later.
"""

from __future__ import annotations

import re

from followthrough.mail.sender_text import sender_text
from followthrough.mail.specificity import names_something

MAX_QUESTION = 200
MAX_ASKING_TEXT = 250  # words: a question in a longer text (a memo, a forwarded list of
# jokes whose markers were lost) is not one message waiting for its answer
_ASKS = re.compile(r"\?|\b(?:could|can|would|will) you\b|\bplease\b|\blet me know\b|"
                   r"\bany (?:news|update|thoughts)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")
_REQUEST = re.compile(r"\b(?:could|can|would|will) you\b|\bplease let me know\b|"
                      r"\blet me know (?:if|when|whether|what|how)\b", re.IGNORECASE)
# Courtesies that end a message without asking anything.
_COURTESY = re.compile(r"\b(?:let me know|please (?:call|contact)|feel free|do not hesitate|"
                       r"don't hesitate)\b.{0,40}\b(?:any|further|additional|other|more)\s+"
                       r"(?:questions?|comments?|concerns?|help|information|assistance|"
                       r"changes|edits|revisions|thoughts)|"
                       r"^if you have (?:any )?(?:further |other |more )?(?:questions?|concerns?|"
                       r"comments?|problems?)\b|"
                       r"\bif you need anything\b|\bneed anything (?:else|further|more)\b|"
                       r"\bcan I help\b", re.IGNORECASE)
# Same-day logistics: a time of day, today or tomorrow, a place to come to, a meal.
_SAME_DAY = re.compile(
    r"\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening)|right now|"
    r"in (?:a few|a couple of|\d+|five|ten|fifteen|twenty|thirty) (?:minutes|mins)|"
    r"at (?:noon|lunch(?:time)?)|for (?:lunch|dinner|drinks|coffee|breakfast)|"
    r"(?:stop|drop|swing|pop) (?:by|over|in)|come (?:by|over|to (?:my|your|the) "
    r"(?:office|desk|cube|conference room))|meet (?:me|us) (?:at|in)|"
    r"(?:are|is) (?:you|he|she|they) (?:free|available|around)\b|"
    r"at \d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.|o'clock)|at \d{1,2}:\d\d|"
    r"at \d{1,2}\s*(?:\?|$)|(?:a )?better time\b|(?:a )?good time (?:for you|to (?:call|talk|"
    r"meet))|when (?:are|would|will) you be (?:free|available|around))", re.IGNORECASE)
# Small talk: a friendly "how is it going" wants no answer weeks later and is never chased.
_SMALL_TALK = re.compile(
    r"^(?:how(?:'s| is| are| was| were| has| have)\b|hows\b|how did\b.*\b(?:go|turn out)\b|"
    r"(?:did|have) you (?:hear|heard|see|seen) (?:about|that|the news)\b|"
    # a negative question asks for agreement, not an answer: "Didn't she write code…?"
    r"(?:didn't|don't|doesn't|isn't|aren't|wasn't|weren't|won't|wouldn't|shouldn't|"
    r"couldn't|can't|haven't|hasn't)\b|"
    r"what's new\b|what is new\b|how about you\b|"
    r"(?:are|were) you (?:doing|feeling|enjoying|having)\b|did you (?:have|enjoy)\b)",
    re.IGNORECASE)
# Words that tie a whole message to its day ("They will be leaving in just a few hours"):
# whatever it asked was for that moment, which a nudge a week later has missed.
_OF_THE_MOMENT = re.compile(
    r"\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening)|right now|asap|"
    r"in (?:just )?(?:a few|a couple of|an?|\d+|one|two|three) (?:minutes?|mins|hours?)|"
    r"within the hour|as soon as possible|urgent(?:ly)?)\b", re.IGNORECASE)
# Not a question to chase: a tag question ("…, does it?"), banter ("???"), an aside in
# brackets, or one that leans on what the message showed ("the following", "attached").
_NOT_CHASED = re.compile(
    r",\s*(?:does|doesn't|did|didn't|is|isn't|was|wasn't|are|aren't|do|don't|right|eh|no|"
    r"huh|ok|okay)(?: (?:it|he|she|they|you|we|i|there))?\s*\?+$|\?{2,}|!\?|\?!|"
    r"\b(?:the following|below|attached|enclosed|above)\b|"
    r"\b(?:send|forward|direct|route|refer) (?:all|any) (?:[\w-]+ ){0,4}?(?:inquiries|requests|"
    r"questions|calls)\b", re.IGNORECASE)
# Chat about their weekend, a trip or a holiday, wherever it is asked ("Did you survive
# your long run this weekend?").
_PERSONAL_CHAT = re.compile(
    r"\b(?:did you (?:survive|make it back|get back|have fun|like it|get some rest)|"
    r"(?:this|last|the|your|over the) (?:weekend|holidays?|vacation|trip)|"
    r"(?:long|your) run)\b", re.IGNORECASE)
# A greeting or the reader's name before the question on the same line: "Hey Jennifer,
# How is it going?", "Mark, could you send the memo?".
_SALUTATION = re.compile(r"^(?:(?:hi|hey|hello|dear|yo|good (?:morning|afternoon|evening)|"
                         r"morning)\b[^,!:?.]{0,30}[,!:.\-]+|(?-i:[A-Z][a-z]+),)\s*",
                         re.IGNORECASE)
_LEADING_FILLER = re.compile(r"^(?:(?:also|and|so|but|ps|p\.s\.|oh|btw|by the way|one more "
                             r"thing|lastly|finally|otherwise)\b[,:;]?\s*)+", re.IGNORECASE)


def asks_for_answer(text: str, written: list[str] | None = None) -> bool:
    """Whether the sender's own words ask a question or for something (``written``: the
    lines the sender wrote, when already at hand)."""
    return bool(_ASKS.search(sender_text(text, written)))


def genuine_question(sentence: str) -> bool:
    """Whether a question still wants an answer from its reader weeks later: it names what
    it asks about, is not a courtesy, small talk ("How is the Big Sandy project?") or
    same-day logistics."""
    tidy = tidy_question(sentence)
    return (tidy[:1].isupper() and len(tidy.split()) >= 4  # not a fragment: "30th post id's?"
            and tidy.count("(") == tidy.count(")")
            and not _COURTESY.search(tidy) and not _SAME_DAY.search(sentence)
            and not _SMALL_TALK.search(tidy) and not _NOT_CHASED.search(tidy)
            and not _PERSONAL_CHAT.search(sentence) and names_something(sentence))


def tidy_question(sentence: str) -> str:
    """The question as it can be quoted alone: "Also, what did they say?" → "What did they
    say?"."""
    rest = _LEADING_FILLER.sub("", _SALUTATION.sub("", sentence, count=1)).strip()
    return rest[:1].upper() + rest[1:] if rest else sentence


def asked_question(text: str, written: list[str] | None = None) -> str | None:
    """The genuine question the sender's own words ask (the first whole sentence that asks
    and passes ``genuine_question``), or None; a sentence longer than MAX_QUESTION is not
    cut but left out."""
    own = sender_text(text, written)
    if _OF_THE_MOMENT.search(own) or len(own.split()) > MAX_ASKING_TEXT:
        return None
    for paragraph in own.split("\n\n"):
        flat = " ".join(paragraph.split())
        for match in _SENTENCE.finditer(flat):
            sentence = tidy_question(match.group(0).strip())
            if len(sentence.split()) < 3 or len(sentence) > MAX_QUESTION:
                continue
            asks = sentence.endswith("?") or _REQUEST.search(sentence)
            if asks and genuine_question(sentence):
                return sentence
    return None
