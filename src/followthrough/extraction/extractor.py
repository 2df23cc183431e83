"""From a message to the items worth remembering: commitments, challenges, successes."""

from __future__ import annotations

import re
from datetime import date

from followthrough.extraction.due_dates import resolve_date
from followthrough.extraction.pipeline import SentenceMatch, build_pipeline
from followthrough.extraction.rules import default_rules, normalise
from followthrough.extraction.sender_text import sender_text
from followthrough.extraction.summaries import summarise
from followthrough.items import Item
from followthrough.message_parse import ParsedMessage

MAX_ITEMS_PER_MESSAGE = 12
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
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
        return Item(kind=match.kind, holder=match.holder, evidence=evidence,
                    summary=summarise(evidence, normalised, match.start),
                    confidence=match.confidence, due=due, event_date=event)
