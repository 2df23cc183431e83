"""From a message to the items worth remembering: commitments, challenges, successes."""

from __future__ import annotations

import re
from datetime import date

from followthrough.extraction.candidates import Candidate, CandidateFinder
from followthrough.extraction.due_dates import resolve_date
from followthrough.extraction.items import Item
from followthrough.extraction.rules import RuleMatch, auto_holder, clause_window
from followthrough.extraction.sentence_model import Decision, SentenceModel
from followthrough.extraction.summaries import summarise
from followthrough.mail.message_parse import ParsedMessage
from followthrough.mail.reader_feelings import feeling_for_reader
from followthrough.mail.sender_text import sender_text

MAX_ITEMS_PER_MESSAGE = 12
_RECIPIENT_PROMISE = re.compile(
    r"^(?:thanks?(?: you)? for (?:agreeing|offering|volunteering)|as you (?:promised|said)|"
    r"you(?:'ll| will| said you(?:'d| would))\b)")
_CLAUSE_START = re.compile(r"[.;:!?]\s+|,\s+(?:and|but|so)?\s*|\s-{1,2}\s|\b(?:but|because|and)\s+")
_EVENT_PHRASE = re.compile(
    r"\b(?:(?:the|my|our|your|his|her|their|a|an)\s+)(?:[a-z][\w-]*\s+){0,2}?"
    r"(?:hearing|meeting|interview|surgery|operation|trial|launch|exam|conference|"
    r"presentation|appointment|closing|wedding|deadline|game|vote|recital|graduation|"
    r"move|trip|flight|race|marathon|court date|audit|pitch|demo|talk|speech|party|dinner|"
    r"opening)\b", re.IGNORECASE)
_EVENT = re.compile(
    r"\b(?:hearing|meeting|interview|surgery|operation|trial|launch|exam|test|conference|"
    r"presentation|appointment|closing|wedding|deadline|game|vote|review|board|recital|"
    r"graduation|move|moving|visit|trip|flight|race|marathon|birth|due date|court|audit|"
    r"pitch|demo|talk|speech|party|dinner|opening)\b")


class Extractor:
    """Segmentation and rules (``CandidateFinder``) and the trained sentence model;
    ``analyse`` fits the sync engine's Analyser signature."""

    def __init__(self, model: SentenceModel | None = None) -> None:
        self.finder = CandidateFinder()
        self.model = model if model is not None else SentenceModel.load()

    def candidates(self, body: str) -> list[Candidate]:
        """The sentences of the sender's own text that may hold an item, in order."""
        own_text = sender_text(body)
        if len(own_text) < 6:
            return []
        return self.finder.candidates(own_text)

    def extract_text(self, body: str, written_on: date | None) -> list[Item]:
        """Items in a message body (quotes, signatures, disclaimers are removed first)."""
        candidates = self.candidates(body)
        if not candidates:
            return []
        words = [self.model.words(c.normalised, c.matches, i) for i, c in enumerate(candidates)]
        items = [self._item(found, decision, written_on)
                 for found, scores in zip(candidates, self.model.scores(words), strict=True)
                 for decision in self.model.decide(scores, found.matches)]
        return items[:MAX_ITEMS_PER_MESSAGE]

    def analyse(self, message: ParsedMessage, direction: str) -> list[Item]:
        return self.extract_text(message.text, message.local_date)

    @staticmethod
    def _item(found: Candidate, decision: Decision, written_on: date | None) -> Item:
        evidence = found.text.strip()
        normalised = found.normalised
        kind, match = decision.kind, decision.rule
        due = event = None
        if written_on is not None:
            when = resolve_date(evidence, written_on)
            if kind == "commitment":
                due = when
            elif when is not None and _EVENT.search(normalised):
                event = when
        start = _summary_start(normalised, match) if match else 0
        summary = summarise(evidence, normalised, start)
        if event is not None:
            phrase = _EVENT_PHRASE.search(evidence)
            summary = " ".join(phrase.group(0).split()) if phrase else summary
        holder = _item_holder(kind, normalised, match)
        return Item(kind=kind, holder=holder, evidence=evidence, summary=summary,
                    confidence=round(decision.score, 3), due=due, event_date=event)


def _item_holder(kind: str, normalised: str, match: RuleMatch | None) -> str:
    """Whose item: the rule's holder, else the sentence's; but a feeling about the reader
    ("I am worried about you", "hope you're feeling better", "so happy for you") makes
    the trouble or the news the reader's, never the writer's. (The rules keep their own
    holders: the model reads them as features.)"""
    holder = match.holder if match else _holder(kind, normalised)
    if kind == "commitment" or holder == "recipient":
        return holder
    where = normalised[slice(*clause_window(normalised, match.start, match.end))] \
        if match else normalised
    return "recipient" if feeling_for_reader(where) else holder


def _holder(kind: str, normalised: str) -> str:
    """Whose item, when no rule of its kind fired: a promise is the sender's unless it
    records the recipient's; a challenge or success belongs to whom the sentence is about."""
    if kind == "commitment":
        return "recipient" if _RECIPIENT_PROMISE.search(normalised) else "sender"
    return auto_holder(normalised, 0, 0)


_HEDGE_BEFORE = re.compile(r"\b(?:(?:try|trying) (?:to|and)|plan (?:to|on)|hope to|hoping to|"
                           r"hopefully|probably|maybe|might|attempt to)\s+$")


def _summary_start(normalised: str, match: RuleMatch) -> int:
    """Commitments: from what is promised, with the hedge that comes right before it ("try
    to have the numbers" is not a promise to have them). Others: from the start of the
    clause, so that "the beta launch went great" keeps its subject."""
    if match.kind == "commitment":
        hedge = _HEDGE_BEFORE.search(normalised, 0, match.start)
        return hedge.start() if hedge else match.start
    if match.focused:
        return match.start
    start = 0
    for brk in _CLAUSE_START.finditer(normalised, 0, match.start + 1):
        if brk.end() <= match.start:
            start = brk.end()
    return start
