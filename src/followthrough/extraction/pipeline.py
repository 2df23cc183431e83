"""The spaCy pipeline: ``spacy.blank("en")`` plus followthrough's own components.

- ``followthrough_line_breaks`` starts a sentence after a blank line or a short line, as
  email is written (greetings, bullet lists, hard-wrapped paragraphs);
- the built-in ``sentencizer`` splits the rest on punctuation;
- ``followthrough_items`` applies the shipped rules to each sentence that could hold an
  item and stores it with what fired in ``doc._.candidates`` (the trained sentence model
  then reads every candidate: rules are its features and a layer of their own).

Nothing is downloaded: the rules ship in the package (``patterns.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy
import spacy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc, Span

from followthrough.extraction.rules import RuleMatch, RuleSet, default_rules, normalise

SHORT_LINE = 45
MAX_SENTENCE = 600  # longer "sentences" are tables, logs or run-ons, not something said


@dataclass(frozen=True)
class Candidate:
    """A sentence that may hold an item: its text normalised, and the rules that fire."""

    sentence: Span
    normalised: str
    matches: tuple[RuleMatch, ...]


if not Doc.has_extension("candidates"):
    Doc.set_extension("candidates", default=None)


class LineBreaks:
    """Sentence starts where email layout says so; punctuation is left to the sentencizer.

    A sentence starts after a whitespace token holding two line breaks, or one ending a
    line shorter than ``SHORT_LINE`` characters. Only whitespace tokens are visited: a
    line's length is the distance from the character after the previous line break."""

    def __call__(self, doc: Doc) -> Doc:
        line_start = 0
        last = len(doc) - 1
        for i in numpy.flatnonzero(doc.to_array(IS_SPACE)).tolist():
            token = doc[i]
            text = token.text_with_ws
            breaks = text.count("\n")
            if not breaks:
                continue
            if i < last and (breaks >= 2 or token.idx - line_start < SHORT_LINE):
                doc[i + 1].is_sent_start = True
            line_start = token.idx + text.rindex("\n") + 1
        return doc


class ItemFinder:
    """Applies the rules to every sentence of a document that could hold an item."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        found: list[Candidate] = []
        for sentence in doc.sents:
            text = sentence.text
            if not 6 <= len(text) <= MAX_SENTENCE or not any(c.isalpha() for c in text):
                continue
            normalised = normalise(text)
            found.append(Candidate(sentence, normalised, tuple(self.rules.match(normalised))))
        doc._.candidates = found
        return doc


@Language.factory("followthrough_line_breaks")
def make_line_breaks(nlp: Language, name: str) -> LineBreaks:
    return LineBreaks()


@Language.factory("followthrough_items")
def make_item_finder(nlp: Language, name: str) -> ItemFinder:
    return ItemFinder(default_rules())


def build_pipeline() -> Language:
    """A fresh pipeline; it needs no model download."""
    nlp = spacy.blank("en")
    nlp.add_pipe("followthrough_line_breaks")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("followthrough_items")
    return nlp
