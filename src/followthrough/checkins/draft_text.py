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

from followthrough.checkins.phrasing import (
    is_clause,
    is_noun_phrase,
    lacks_a_subject,
    lowered_start,
    quoted_fragment,
    spoken_back,
    starts_with_you,
    whole,
)
from followthrough.checkins.planning import CheckIn, RememberedItem
from followthrough.checkins.reported_questions import reported_question
from followthrough.checkins.voice import Voice, greeting_name, tidy_sign_off
from followthrough.mail.addresses import clean_text
from followthrough.mail.reader_feelings import item_is_reader_feeling
from followthrough.mail.specificity import points_vaguely

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
_CONGRATS = re.compile(r"^(?:congratulations|congrats)\b", re.IGNORECASE)
_STOPS_A_CLAUSE = re.compile(
    r"^\s*(?:$|[.,;:!?()\"—–-]|(?:because|since|so|when|after|before|unless|but|while|"
    r"although|which|who|tomorrow|today|tonight|yesterday|next|last|this|earlier|recently|"
    r"already|again|too|now|finally|by|on|at|in|for|with|from|to|into|over|during|around|"
    r"until|within|about|as|if|and|or)\b)",
    re.IGNORECASE)
MAX_QUOTE = 200

CADENCE_LINES = (
    "It's been a while since we last caught up — how are you doing?",
    "I was just thinking of you — how have things been?",
    "It's been a little while! What have you been up to lately?",
)
CLOSINGS = ("Best,", "All the best,", "Cheers,")


def _pick(options: tuple[str, ...], seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return options[digest[0] % len(options)]


def _ends_in_evidence(summary: str, evidence: str) -> bool:
    """Whether the summary runs to the end of its clause in the sentence it came from (a
    summary is at most eight words and may stop mid-clause: "…and give")."""
    pattern = r"\s+".join(re.escape(w) for w in summary.split())
    found = re.search(pattern, evidence.replace("’", "'"), re.IGNORECASE) if pattern else None
    return found is None or bool(_STOPS_A_CLAUSE.match(evidence[found.end():]))


def _phrase(item: RememberedItem) -> str | None:
    """The item's summary as the user would say it to them, or None when it is cut short
    or points at something without naming it ("the problem", "forward this to me")."""
    summary = clean_text(item.summary, 500).strip(" .!")
    if not summary or not whole(summary) or points_vaguely(summary):
        return None
    if not is_noun_phrase(summary) and not _ends_in_evidence(summary, item.evidence):
        return None  # a clause cut short; a thing ("the hearing") is whole as it stands
    return spoken_back(summary) if item.said_by_them else lowered_start(summary)


def _quote(text: str, around: str = "") -> str | None:
    """Their words in quotes, set inside a sentence: the clause holding ``around`` (the
    item's summary), without stray quote marks or a trailing separator; None when it is too
    long to quote or points at something without naming it."""
    cleaned = quoted_fragment(clean_text(text, 1000), around)
    if not cleaned or len(cleaned) > MAX_QUOTE or points_vaguely(cleaned):
        return None
    return "“" + cleaned + "”"


def event_line(item: RememberedItem) -> str | None:
    phrase = _phrase(item)
    if phrase and is_noun_phrase(phrase):
        return f"How did {phrase} go?"
    quote = _quote(item.evidence, item.summary)
    return f"You'd mentioned {quote} — how did it go?" if quote and item.said_by_them else None


def challenge_line(item: RememberedItem, seed: str) -> str | None:
    if not item.said_by_them or item_is_reader_feeling(item.summary, item.evidence):
        return None  # never their trouble in the user's words, nor their worry for the user
    phrase = _phrase(item)
    if phrase and lacks_a_subject(phrase):
        return None
    if phrase and (starts_with_you(phrase) or is_clause(phrase)):
        return _pick((f"Last time you mentioned {phrase} — how are things going with that?",
                      f"You'd mentioned {phrase} — how are things now?"), seed)
    if phrase and is_noun_phrase(phrase):
        return f"How are things going with {phrase}?"
    quote = None if phrase else _quote(item.evidence, item.summary)
    return f"You'd mentioned {quote} — how are things now?" if quote else None


def success_line(item: RememberedItem) -> str | None:
    if (not item.said_by_them or _CONGRATS.match(item.summary.strip())
            or item_is_reader_feeling(item.summary, item.evidence)):
        return None  # the user's own words, or them glad for someone else
    phrase = _phrase(item)
    if phrase and lacks_a_subject(phrase):
        return None
    if phrase and (starts_with_you(phrase) or is_clause(phrase)):
        return f"So glad to hear {phrase} — congratulations!"
    if phrase and is_noun_phrase(phrase):
        return f"Congratulations on {phrase}!"
    return None


def my_commitment_line(item: RememberedItem, today_iso: str) -> str | None:
    phrase = _phrase(item)
    overdue = item.due is not None and item.due.isoformat() < today_iso
    if phrase and _VERBS.match(phrase):
        if overdue:
            return f"I'm sorry I haven't yet managed to {phrase} — I haven't forgotten."
        when = f" by {item.due.strftime('%A, %B')} {item.due.day}" if item.due else ""
        return f"I haven't forgotten that I promised to {phrase}{when} — I'm on it."
    quote = _quote(item.evidence, item.summary)
    return f"About what I promised ({quote}): I haven't forgotten." if quote else None


def their_commitment_line(item: RememberedItem) -> str | None:
    phrase = _phrase(item)
    if phrase and _VERBS.match(phrase):
        return f"No rush at all, but you'd mentioned you would {phrase} — is that still on?"
    quote = _quote(item.evidence, item.summary)
    if quote and item.said_by_them:
        return f"No rush at all — you'd mentioned {quote} — is that still on?"
    return None


def _item_line(checkin: CheckIn, item: RememberedItem, seed: str,
               today_iso: str) -> str | None:
    if item.event_date and checkin.reason == "event" and item.whose != "mine":
        return event_line(item)
    if item.kind == "commitment" and item.whose == "mine":
        return my_commitment_line(item, today_iso)
    if item.kind == "commitment":
        return their_commitment_line(item)
    if item.kind == "challenge":
        return challenge_line(item, seed)
    if item.kind == "success":
        return success_line(item)
    return None


def _nudge_line(checkin: CheckIn, asked: str) -> str:
    """The question left unanswered, retold in the user's voice when its form allows
    ("I was wondering whether you could …"), else quoted as written."""
    thread = checkin.thread
    question = thread.question if thread else None
    reported = reported_question(question) if question else None
    sent = thread.my_last_unanswered if thread else None
    when = sent.astimezone() if sent else None  # the day the user saw it sent
    if reported:
        note = f"my note of {when.strftime('%B')} {when.day}" if when else "my last note"
        return f"Just following up on {note} — I was wondering {reported}."
    what = "my question" if asked.rstrip("”").endswith("?") else "what I asked"
    return f"Just following up on {what}: {asked}"


def body_lines(checkin: CheckIn, today_iso: str) -> list[str]:
    """One sentence per item that can be said whole and right; a generic line only when
    nothing specific can."""
    seed = checkin.address + checkin.reason
    lines: list[str] = []
    asked = _quote(checkin.thread.question, checkin.thread.question) \
        if checkin.thread and checkin.thread.question else None
    if checkin.reason == "nudge" and asked:
        lines.append(_nudge_line(checkin, asked))
    for item in checkin.items:
        line = _item_line(checkin, item, seed, today_iso)
        if line and line not in lines:
            lines.append(line)
    asks_already = any(line.endswith("?") for line in lines)
    if not lines or (checkin.reason == "cadence" and not asks_already):
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
    mine = clean_text(signature or (voice.my_name if voice else ""), 200)
    if voice and voice.closing:
        lines = "\n".join(tidy_sign_off(clean_text(line, 60))
                          for line in voice.closing.splitlines()[:2])
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
