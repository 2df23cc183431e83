"""The words of a check-in draft: short, warm, specific, and only about what was said.

Every sentence is built from a remembered item (its summary, or the sender's own words in
quotes) or is a generic greeting; nothing is made up. The user may replace the layout with
a template of their own (``[draft] template``), using $greeting, $first_name, $name, $lines,
$closing and $signature. Greeting and sign-off follow the user's own, learned from their
mail to that contact (``checkins/voice.py``), before any stock wording.
"""

from __future__ import annotations

import hashlib
import re
from string import Template

from followthrough.checkins.planning import CheckIn, RememberedItem
from followthrough.checkins.voice import Voice, greeting_name
from followthrough.mail.addresses import clean_text

DEFAULT_TEMPLATE = "$greeting\n\n$lines\n\n$closing\n$signature\n"
_VERBS = re.compile(
    r"^(?:send|forward|call|phone|e-?mail|fax|mail|courier|ship|deliver|bring|give|get|follow|"
    r"check|look|take|review|read|pass|pick|put|set|schedule|arrange|book|contact|talk|speak|"
    r"meet|write|draft|prepare|provide|update|let|circulate|coordinate|handle|work|finish|"
    r"complete|submit|sign|pay|transfer|reply|respond|answer|confirm|find|ask|tell|introduce|"
    r"connect|cover|attend|join|come|stop|drop|pull|fix|resolve|research|add|include|post|move|"
    r"change|revise|compile|combine|organize|host|invite|present|discuss|consult|touch|see|"
    r"ensure|be|have|rush|return|request|reimburse|copy|summarize|track|sort|figure|verify|"
    r"double|go|remind|visit|keep|do|make)\b", re.IGNORECASE)
_SWAPS = (  # the contact's own words, turned to address them
    (r"\bI'm\b", "you're"), (r"\bI am\b", "you are"), (r"\bI was\b", "you were"),
    (r"\bI've\b", "you've"), (r"\bI'll\b", "you'll"), (r"\bI'd\b", "you'd"),
    (r"\bwe're\b", "you're"), (r"\bwe've\b", "you've"), (r"\bwe'll\b", "you'll"),
    (r"\bwe are\b", "you are"), (r"\bwe were\b", "you were"),
    (r"\bI\b", "you"), (r"\bwe\b", "you"), (r"\bme\b", "you"), (r"\bus\b", "you"),
    (r"\bmy\b", "your"), (r"\bour\b", "your"), (r"\bmine\b", "yours"), (r"\bours\b", "yours"),
    (r"\bmyself\b", "yourself"), (r"\bourselves\b", "yourselves"),
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself)\b", re.IGNORECASE)
_CONGRATS = re.compile(r"^(?:congratulations|congrats)(?: again)?(?: on| for)?\s+", re.IGNORECASE)

CADENCE_LINES = (
    "It's been a while since we last caught up — how are you doing?",
    "I was just thinking of you — how have things been?",
    "It's been a little while! What have you been up to lately?",
)
NUDGE_LINES = (
    "Just bringing this back to the top of your inbox in case it got buried — no pressure.",
    "Gently bumping this in case it slipped through the cracks.",
)
CLOSINGS = ("Best,", "All the best,", "Cheers,")


def _pick(options: tuple[str, ...], seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return options[digest[0] % len(options)]


def addressed_to_them(words: str) -> str | None:
    """Their own words, turned to speak to them ("we're stuck" → "you're stuck"); None when
    the words already say "you" (meaning the user) and would come out wrong."""
    if _SECOND_PERSON.search(words):
        return None
    out = words
    for pattern, replacement in _SWAPS:
        out = re.sub(pattern, replacement, out, flags=re.IGNORECASE)
    return out[0].lower() + out[1:] if out[:1].isupper() and not out[:2].isupper() else out


def _quote(text: str) -> str:
    return "“" + clean_text(text, 300).strip() + "”"


def _their_phrase(item: RememberedItem) -> str | None:
    summary = clean_text(item.summary, 120).strip(" .!")
    if not summary:
        return None
    return addressed_to_them(summary) if item.said_by_them else summary


def event_line(item: RememberedItem) -> str:
    phrase = _their_phrase(item)
    if phrase and item.event_date:
        return f"How did {phrase} go?"
    return f"You'd mentioned {_quote(item.evidence)} — how did it go?"


def challenge_line(item: RememberedItem, seed: str) -> str:
    phrase = _their_phrase(item)
    if phrase and item.said_by_them:
        return _pick((f"Last time you mentioned {phrase} — how are things going with that?",
                      f"I've been thinking about what you said ({phrase}). How is it going?"),
                     seed)
    if phrase and phrase.lower().startswith(("you ", "you're ", "your ")):
        if phrase.lower().startswith("your "):
            return f"I've been thinking about {phrase} — how are things now?"
        return f"I've been thinking of you since hearing {phrase} — how are things now?"
    return f"I've been thinking of you since {_quote(item.evidence)} — how are things now?"


def success_line(item: RememberedItem) -> str:
    summary = clean_text(item.summary, 120).strip(" .!")
    if _CONGRATS.match(summary):
        return f"Congratulations again on {_CONGRATS.sub('', summary)}!"
    phrase = _their_phrase(item)
    if phrase:
        return f"So glad to hear {phrase} — congratulations again!"
    return f"Congratulations again — {_quote(item.evidence)} was great to hear!"


def my_commitment_line(item: RememberedItem, today_iso: str) -> str:
    summary = clean_text(item.summary, 120).strip(" .!")
    overdue = item.due is not None and item.due.isoformat() < today_iso
    if _VERBS.match(summary):
        if overdue:
            return f"I'm sorry I haven't yet managed to {summary} — I'll get to it this week."
        when = f" by {item.due.strftime('%A, %B')} {item.due.day}" if item.due else ""
        return f"I haven't forgotten that I promised to {summary}{when} — I'm on it."
    return f"About what I promised ({_quote(item.evidence)}): I haven't forgotten."


def their_commitment_line(item: RememberedItem) -> str:
    summary = clean_text(item.summary, 120).strip(" .!")
    if item.said_by_them:
        phrase = re.sub(r"\byou\b", "me", summary, flags=re.IGNORECASE)
        phrase = re.sub(r"\byour\b", "my", phrase, flags=re.IGNORECASE)
    else:
        phrase = summary
    if _VERBS.match(phrase):
        return f"No rush at all, but you'd mentioned you would {phrase} — is that still on?"
    return f"No rush at all — you'd mentioned {_quote(item.evidence)}; is that still on?"


def body_lines(checkin: CheckIn, today_iso: str) -> list[str]:
    seed = checkin.address + checkin.reason
    lines: list[str] = []
    if checkin.reason == "nudge":
        lines.append(_pick(NUDGE_LINES, seed))
    for item in checkin.items:
        if item.event_date and checkin.reason == "event" and item.whose != "mine":
            lines.append(event_line(item))
        elif item.kind == "commitment" and item.whose == "mine":
            lines.append(my_commitment_line(item, today_iso))
        elif item.kind == "commitment":
            lines.append(their_commitment_line(item))
        elif item.kind == "challenge":
            lines.append(challenge_line(item, seed))
        elif item.kind == "success":
            lines.append(success_line(item))
    if checkin.reason == "cadence" and not any(i.kind == "challenge" for i in checkin.items):
        lines.insert(0, _pick(CADENCE_LINES, seed))
    return lines


def first_name(name: str, address: str, voice: Voice | None = None) -> str:
    """The name to greet them with; "there" when none is known."""
    return greeting_name(voice or Voice(), name, address)[0] or "there"


def _greeting(first: str, voice: Voice | None) -> str:
    if voice and voice.greeting:
        return clean_text(voice.greeting, 60)
    return f"Hi {first},"


def _sign_off(checkin: CheckIn, signature: str | None,
              voice: Voice | None) -> tuple[str, str]:
    """(closing, signature): the user's own sign-off to them when known."""
    mine = clean_text(signature or "", 200)
    if voice and voice.closing:
        lines = "\n".join(clean_text(line, 60) for line in voice.closing.splitlines()[:2])
        return lines, "" if voice.closing_has_name else mine
    return _pick(CLOSINGS, checkin.address), mine


def compose_body(checkin: CheckIn, signature: str | None, today_iso: str,
                 template: str = DEFAULT_TEMPLATE, voice: Voice | None = None) -> str:
    first = first_name(checkin.name, checkin.address, voice)
    closing, signed = _sign_off(checkin, signature, voice)
    values = {
        "greeting": _greeting(first, voice),
        "first_name": first,
        "name": clean_text(checkin.name, 80) or checkin.address,
        "lines": "\n\n".join(body_lines(checkin, today_iso)),
        "closing": closing,
        "signature": signed,
    }
    text = Template(template).safe_substitute(values)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"
