"""From a message to the items worth remembering: commitments, challenges, successes."""

from __future__ import annotations

import re
from datetime import date

from followthrough.extraction.due_dates import resolve_date
from followthrough.extraction.items import Item
from followthrough.extraction.pipeline import SentenceMatch, build_pipeline
from followthrough.extraction.rules import RuleMatch, default_rules, normalise
from followthrough.extraction.summaries import summarise
from followthrough.mail.message_parse import ParsedMessage
from followthrough.mail.sender_text import sender_text

MAX_ITEMS_PER_MESSAGE = 12
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
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
    """Holds the spaCy pipeline; ``analyse`` fits the sync engine's Analyser signature."""

    def __init__(self) -> None:
        self.nlp = build_pipeline()
        self.rules = default_rules()  # the same rules the pipeline's item finder uses

    def extract_text(self, body: str, written_on: date | None) -> list[Item]:
        """Items in a message body (quotes, signatures, disclaimers are removed first)."""
        own_text = sender_text(body)
        if len(own_text) < 6:
            return []
        # Only paragraphs holding an anchor word of some rule can hold an item.
        paragraphs = [p for p in _PARAGRAPH.split(own_text)
                      if p.strip() and self.rules.may_match(normalise(p))]
        items = [self._item(found, written_on)
                 for doc in self.nlp.pipe(paragraphs) for found in doc._.item_matches]
        return items[:MAX_ITEMS_PER_MESSAGE]

    def analyse(self, message: ParsedMessage, direction: str) -> list[Item]:
        return self.extract_text(message.text, message.local_date)

    @staticmethod
    def _item(found: SentenceMatch, written_on: date | None) -> Item:
        evidence = found.sentence.text.strip()
        normalised = normalise(evidence)
        match = found.match
        due = event = None
        if written_on is not None:
            when = resolve_date(evidence, written_on)
            if match.kind == "commitment":
                due = when
            elif when is not None and _EVENT.search(normalised):
                event = when
        summary = summarise(evidence, normalised, _summary_start(normalised, match))
        if event is not None:
            phrase = _EVENT_PHRASE.search(evidence)
            summary = " ".join(phrase.group(0).split()) if phrase else summary
        return Item(kind=match.kind, holder=match.holder, evidence=evidence, summary=summary,
                    confidence=match.confidence, due=due, event_date=event)


def _summary_start(normalised: str, match: RuleMatch) -> int:
    """Commitments: from what is promised. Others: from the start of the clause, so that
    "the beta launch went great" keeps its subject."""
    if match.kind == "commitment" or match.focused:
        return match.start
    start = 0
    for brk in _CLAUSE_START.finditer(normalised, 0, match.start + 1):
        if brk.end() <= match.start:
            start = brk.end()
    return start
