"""The fast paths of the extraction pipeline give exactly what the straightforward code
gives, on real mail: the line-break component visits only whitespace tokens, a rule's
anchors are tested with one regex search instead of one substring test each, and the
sentence model is scored from n-gram keys made without building spaCy Docs."""

from __future__ import annotations

import gzip
import mailbox
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from followthrough.extraction import Extractor
from followthrough.extraction.pipeline import SHORT_LINE
from followthrough.extraction.rules import Rule
from followthrough.extraction.sentence_model import KINDS, SentenceModel
from followthrough.mail.message_parse import MessageParseError, parse_message

SAMPLE = 1000


def straightforward_line_breaks(doc: Doc) -> Doc:
    """Every token in turn, adding up the current line's length."""
    line_length = 0
    for token in doc:
        text = token.text_with_ws
        if token.is_space and "\n" in text:
            following = token.i + 1
            if following < len(doc) and (text.count("\n") >= 2 or line_length < SHORT_LINE):
                doc[following].is_sent_start = True
            line_length = len(text.rsplit("\n", 1)[-1])
            continue
        line_length = 0 if "\n" in token.whitespace_ or token.text == "\n" else (
            line_length + len(text))
    return doc


@Language.component("test_straightforward_line_breaks")
def _straightforward(doc: Doc) -> Doc:
    return straightforward_line_breaks(doc)


def straightforward_scores(model: SentenceModel,
                           sentences: list[list[str]]) -> list[dict[str, float]]:
    """The textcat's own ``predict`` on one Doc per sentence."""
    docs = [Doc(model.nlp.vocab, words=words) for words in sentences if words]
    rows = iter(model.textcat.model.predict(docs).tolist() if docs else [])
    return [dict(zip(model.textcat.labels, next(rows), strict=True)) if words
            else dict.fromkeys(KINDS, 0.0) for words in sentences]


def corpus_texts(shared: Path) -> Iterator[str]:
    count = 0
    for path in sorted((shared / "corpus" / "enron").glob("*/*.mbox.gz")):
        with tempfile.NamedTemporaryFile(suffix=".mbox") as plain:
            with gzip.open(path, "rb") as packed:
                plain.write(packed.read())
            plain.flush()
            for entry in mailbox.mbox(plain.name, create=False):
                raw = entry.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
                header, _, body = raw.partition(b"\r\n\r\n")
                try:
                    text = parse_message(header + b"\r\n\r\n", body).text
                except MessageParseError:
                    continue
                yield text
                count += 1
                if count >= SAMPLE:
                    return


def test_fast_paths_change_no_result(shared_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = list(corpus_texts(shared_dir))
    fast = Extractor()
    slow = Extractor()
    slow.nlp.replace_pipe("followthrough_line_breaks", "test_straightforward_line_breaks")
    fast_candidates = [fast.candidates(text) for text in texts]
    fast_items = [fast.extract_text(text, None) for text in texts]
    fast_scores = [fast.model.scores(words) for words in (
        [fast.model.words(c.normalised, c.matches, i) for i, c in enumerate(found)]
        for found in fast_candidates)]
    monkeypatch.setattr(Rule, "may_match", lambda rule, text: not rule.anchors or any(
        anchor in text for anchor in rule.anchors))
    monkeypatch.setattr(SentenceModel, "scores", straightforward_scores)
    slow_candidates = [slow.candidates(text) for text in texts]
    slow_items = [slow.extract_text(text, None) for text in texts]
    slow_scores = [slow.model.scores(words) for words in (
        [slow.model.words(c.normalised, c.matches, i) for i, c in enumerate(found)]
        for found in slow_candidates)]

    assert sum(len(found) for found in fast_candidates) > 5 * SAMPLE
    assert sum(len(items) for items in slow_items) > SAMPLE // 20
    for text, ours, theirs in zip(texts, fast_candidates, slow_candidates, strict=True):
        assert [(c.sentence.start_char, c.sentence.end_char, c.normalised, c.matches)
                for c in ours] == [(c.sentence.start_char, c.sentence.end_char, c.normalised,
                                    c.matches) for c in theirs], text[:200]
    assert fast_scores == slow_scores
    for ours_items, theirs_items in zip(fast_items, slow_items, strict=True):
        assert [(i.kind, i.holder, i.evidence, i.due, i.confidence) for i in ours_items] == [
            (i.kind, i.holder, i.evidence, i.due, i.confidence) for i in theirs_items]
