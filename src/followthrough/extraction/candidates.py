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
        # mail repeats its sentences (greetings, thanks, sign-offs): their matches are kept
        self._match = lru_cache(maxsize=SENTENCES_REMEMBERED)(self._matches)

    def sentences(self, own_text: str) -> list[str]:
        """Every sentence of the text, paragraph by paragraph, as written."""
        return [paragraph[start:end]
                for paragraph in _PARAGRAPH.split(own_text) if paragraph.strip()
                for start, end in self.segmenter.spans(paragraph)]

    def candidates(self, own_text: str) -> list[Candidate]:
        found: list[Candidate] = []
        for text in self.sentences(own_text):
            if not 6 <= len(text) <= MAX_SENTENCE or not any(c.isalpha() for c in text):
                continue
            normalised = normalise(text)
            found.append(Candidate(text, normalised, self._match(normalised)))
        return found

    def _matches(self, normalised: str) -> tuple[RuleMatch, ...]:
        return tuple(self.rules.match(normalised))
