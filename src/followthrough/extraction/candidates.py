"""The sentences of a sender's own text that may hold an item, with the rules that fire.

Paragraphs (split at blank lines) are cut into sentences by the ``Segmenter``; a sentence
shorter than 6 or longer than ``MAX_SENTENCE`` characters, or without a letter, is not
read. The trained sentence model then reads every candidate: the rules are its features
and a layer of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from followthrough.extraction.rules import RuleMatch, RuleSet, default_rules, normalise
from followthrough.extraction.segmentation import Segmenter

SENTENCES_REMEMBERED = 5_000
PARAGRAPHS_REMEMBERED = 2_000
PARAGRAPH_REMEMBERED_UP_TO = 1_000  # characters: a longer paragraph is seldom repeated
MAX_SENTENCE = 600  # longer "sentences" are tables, logs or run-ons, not something said
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Candidate:
    """A sentence that may hold an item: as written, normalised, and the rules that fire."""

    text: str
    normalised: str
    matches: tuple[RuleMatch, ...]


class CandidateFinder:
    def __init__(self, rules: RuleSet | None = None) -> None:
        self.rules = rules if rules is not None else default_rules()
        self.segmenter = Segmenter()
        # mail repeats its paragraphs and sentences (greetings, thanks, sign-offs): their
        # sentences and what the rules find in them are remembered, within bounds
        self._short_paragraph = lru_cache(maxsize=PARAGRAPHS_REMEMBERED)(self._cut)
        self._candidate = lru_cache(maxsize=SENTENCES_REMEMBERED)(self._read)

    def sentences(self, own_text: str) -> list[str]:
        """Every sentence of the text, paragraph by paragraph, as written."""
        found: list[str] = []
        for paragraph in _PARAGRAPH.split(own_text):
            if paragraph.strip():
                found += (self._short_paragraph(paragraph)
                          if len(paragraph) <= PARAGRAPH_REMEMBERED_UP_TO
                          else self._cut(paragraph))
        return found

    def candidates(self, own_text: str) -> list[Candidate]:
        found: list[Candidate] = []
        for text in self.sentences(own_text):
            if 6 <= len(text) <= MAX_SENTENCE and (candidate := self._candidate(text)):
                found.append(candidate)
        return found

    def _cut(self, paragraph: str) -> tuple[str, ...]:
        return tuple(paragraph[start:end] for start, end in self.segmenter.spans(paragraph))

    def _read(self, text: str) -> Candidate | None:
        """The sentence as a candidate; None when it holds no letter."""
        if not any(c.isalpha() for c in text):
            return None
        normalised = normalise(text)
        return Candidate(text, normalised, tuple(self.rules.match(normalised)))
