"""Sentences of email text, without building spaCy Docs.

The boundaries are exactly those of ``spacy.blank("en")``'s tokenizer followed by two rules:

- email layout: a sentence starts after a whitespace token holding two line breaks, or one
  ending a line shorter than ``SHORT_LINE`` characters (greetings, bullet lists,
  hard-wrapped paragraphs);
- spaCy's ``sentencizer``: after a token that is one of its full stops, the next token that
  is not punctuation starts a sentence.

Only the tokens matter that can start or end a sentence, so the text is read only where a
line breaks or a chunk (text between whitespace) holds a full stop, and right after a full
stop. A chunk is split into tokens (``chunk_tokens``, spaCy's own rules) only when it holds
a full stop or opens with punctuation; every other chunk is one word as far as sentences
go. What a chunk holds is remembered in a bounded cache, and no string is added to a spaCy
vocabulary, so a long-running process does not grow with every new word. The rare
paragraph whose chunks spaCy's special-case matcher would retokenize is split by spaCy
itself, inside a memory zone. ``tests/extraction/test_extraction_speed.py`` checks the
boundaries against spaCy's pipeline.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any, cast

import numpy
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from followthrough.extraction.chunk_tokens import ChunkTokenizer

SHORT_LINE = 45
CACHE_LIMIT = 50_000  # chunks remembered; the cache starts afresh when it is full
FULL_STOPS = frozenset(Sentencizer.default_punct_chars)

# \s is exactly str.isspace, where spaCy's tokenizer splits chunks
_STOP_CLASS = "[" + re.escape("".join(sorted(FULL_STOPS))) + "]"
_HAS_FULL_STOP = re.compile(_STOP_CLASS)
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S*")
_HITS = re.compile(r"[\n" + _STOP_CLASS[1:])  # what the segmenter stops at
_ASCII_HITS = re.compile(r"[\n.!?]")  # the same in ASCII text, where it runs much faster
_IS_WORD, _STOP = False, True
# Per chunk: where its tokens that matter start (offset in the chunk) and whether each is a
# full stop. Punctuation that is not a full stop never starts a sentence, nor does a word
# right after another word: both are left out.
Shape = tuple[tuple[int, bool], ...]
_ONE_WORD: Shape = ((0, _IS_WORD),)
_UNKNOWN: Shape = ((-1, _IS_WORD),)  # not in the cache (a shape may be empty)


class LineBreaks:
    """The email layout rule as a spaCy component, for the paragraphs spaCy splits itself
    (a special case its tokenizer puts back together, see ``chunk_tokens``). Only
    whitespace tokens are visited: a line's length is the distance from the character
    after the previous line break."""

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


@Language.factory("followthrough_line_breaks")
def make_line_breaks(nlp: Language, name: str) -> LineBreaks:
    return LineBreaks()


def build_pipeline() -> Language:
    """spaCy's own segmentation of email text; it needs no model download."""
    nlp = spacy.blank("en")
    nlp.add_pipe("followthrough_line_breaks")
    nlp.add_pipe("sentencizer")
    return nlp


class Segmenter:
    """Splits one paragraph into sentences: ``spans`` gives their (start, end) offsets."""

    def __init__(self) -> None:
        self._nlp = build_pipeline()
        self._chunks = ChunkTokenizer(self._nlp.tokenizer)
        self._shapes: dict[str, Shape | None] = {}
        getters = cast(Any, self._nlp.vocab).lex_attr_getters
        self._is_punct: Callable[[str], bool] = getters[IS_PUNCT]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Each sentence's start and end, as spaCy's ``Span.start_char``/``end_char``."""
        found = self._fast_spans(text)
        return found if found is not None else self._spacy_spans(text)

    def _spacy_spans(self, text: str) -> list[tuple[int, int]]:
        with self._nlp.memory_zone():
            return [(sentence.start_char, sentence.end_char)
                    for sentence in self._nlp(text).sents]

    def _fast_spans(self, text: str) -> list[tuple[int, int]] | None:
        """None when spaCy must split this text itself. Only what can start a sentence is
        read: whitespace holding a line break, chunks holding a full stop, and the tokens
        right after a full stop."""
        if not text:
            return []
        starts = [0]
        after_stop = False
        line_start = 0
        done = 0  # the text before has been read
        for hit in (_ASCII_HITS if text.isascii() else _HITS).finditer(text):
            at = hit.start()
            if at < done:
                continue
            if text[at] == "\n":
                start, done = _around(text, at, str.isspace), _end_of(_SPACE, text, at)
                if start and text[start] == " ":  # the space after a word belongs to it
                    start += 1
                if after_stop:  # a whitespace token is not punctuation
                    after_stop = False
                    _add(starts, start)
                lines = text[start:done]
                if done < len(text) and (lines.count("\n") >= 2
                                         or start - line_start < SHORT_LINE):
                    _add(starts, done)
                line_start = start + lines.rindex("\n") + 1
                continue
            start, done = _around(text, at, _not_space), _end_of(_WORD, text, at)
            shape = self._shape(text[start:done])
            if shape is None:
                return None
            for offset, is_stop in shape:
                if is_stop:
                    after_stop = True
                elif after_stop:
                    after_stop = False
                    _add(starts, start + offset)
            if after_stop:
                read = self._after_stop(text, done, starts)
                if read is None:
                    return None
                after_stop, done = read
        ends = [_token_end(text, start) for start in starts[1:]]
        return list(zip(starts, [*ends, _token_end(text, len(text))], strict=True))

    def _after_stop(self, text: str, at: int, starts: list[int]) -> tuple[bool, int] | None:
        """After a full stop, at the end of its chunk: the next token that is not
        punctuation starts a sentence. Gives whether a full stop is still pending and how
        far the text has been read; leaves line breaks and chunks holding a full stop to
        the main loop. None when spaCy must split this text itself."""
        while at < len(text):
            space = _SPACE.match(text, at)
            assert space is not None  # a chunk ends where whitespace starts
            if "\n" in space.group():
                return True, at
            if space.group() != " ":  # a whitespace token, after the word's space if any
                _add(starts, at + 1 if text[at] == " " else at)
                return False, space.end()
            start = space.end()
            if start == len(text):
                break
            end = _end_of(_WORD, text, start)
            if _HITS.search(text, start, end):
                return True, start
            shape = self._shape(text[start:end])
            if shape is None:
                return None
            if shape:  # it holds no full stop: its first token that is not punctuation
                _add(starts, start + shape[0][0])
                return False, end
            at = end
        return True, len(text)

    def _shape(self, word: str) -> Shape | None:
        known = self._shapes.get(word, _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        shape: Shape | None = _ONE_WORD
        if _HAS_FULL_STOP.search(word) or unicodedata.category(word[0])[0] == "P":
            tokens = self._chunks.tokens(word)
            shape = None if tokens is None else _shape_of(tokens, self._is_punct)
        if len(self._shapes) >= CACHE_LIMIT:
            self._shapes.clear()
        self._shapes[word] = shape
        return shape


def _shape_of(tokens: list[str], is_punct: Callable[[str], bool]) -> Shape:
    shape: list[tuple[int, bool]] = []
    offset = 0
    for token in tokens:
        if token in FULL_STOPS:
            shape.append((offset, _STOP))
        elif not is_punct(token) and not (shape and shape[-1][1] is _IS_WORD):
            shape.append((offset, _IS_WORD))
        offset += len(token)
    return tuple(shape)


def _add(starts: list[int], start: int) -> None:
    if start > starts[-1]:
        starts.append(start)


def _token_end(text: str, start: int) -> int:
    """Where the token before ``start`` ends: a single space after a word is not part of
    its text (spaCy keeps it as the word's trailing whitespace)."""
    if start >= 2 and text[start - 1] == " " and not text[start - 2].isspace():
        return start - 1
    return start


def _not_space(char: str) -> bool:
    return not char.isspace()


def _around(text: str, at: int, belongs: Callable[[str], bool]) -> int:
    """Where the run of characters holding ``at`` starts (a chunk, or whitespace)."""
    while at and belongs(text[at - 1]):
        at -= 1
    return at


def _end_of(run: re.Pattern[str], text: str, at: int) -> int:
    """Where the run (whitespace, or a chunk) starting at ``at`` ends."""
    found = run.match(text, at)
    return found.end() if found else at
