"""A long-running analysis worker keeps its memory bounded: analysing text full of words
never seen before adds nothing to spaCy's vocabularies or string stores (neither
segmentation nor the model interns what it reads), and the segmenter's cache of chunks and
the model's remembered scores stay within their limits."""

from __future__ import annotations

from datetime import date

import pytest

from followthrough.extraction import Extractor, segmentation, sentence_model


def novel_text(n: int) -> str:
    """Mail whose every word is new: chunks with full stops and punctuation that the
    segmenter must split, and (``''Word``) one that spaCy's special-case matcher rejoins,
    so that its paragraph goes through spaCy itself."""
    w = [f"zq{n}x{i}" for i in range(8)]
    return (f"Hi {w[0]},\n\nI will send the {w[1]} report by Friday. Mr. {w[2]} said "
            f"\"{w[3]}.\" e.g. {w[4]}.{w[5].title()} (see {w[6]}.)\n\nIt is great. "
            f"''{w[7]} said so! We closed the {w[0]}{w[1]} deal.\n")


def sizes(extractor: Extractor) -> list[int]:
    """Strings and lexemes held. (``len(vocab)`` counts every lexeme ever made, also those
    a memory zone has freed since: the lexemes are counted by walking the vocabulary.)"""
    segmenter_vocab = extractor.finder.segmenter._nlp.vocab
    model_vocab = extractor.model.nlp.vocab
    return [len(segmenter_vocab.strings), sum(1 for _ in segmenter_vocab),
            len(model_vocab.strings), sum(1 for _ in model_vocab)]


def test_new_words_grow_no_vocabulary() -> None:
    extractor = Extractor()
    for n in range(20):  # warm up: spaCy's own lazily interned strings
        extractor.extract_text(novel_text(n), date(2001, 5, 1))
    before = sizes(extractor)
    found = sum(len(extractor.extract_text(novel_text(n), date(2001, 5, 1)))
                for n in range(20, 2020))
    assert found >= 2000  # the text was really analysed
    assert sizes(extractor) == before


def test_the_chunk_cache_stays_within_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segmentation, "CACHE_LIMIT", 200)
    extractor = Extractor()
    largest = 0
    for n in range(300):
        extractor.extract_text(novel_text(n), None)
        largest = max(largest, len(extractor.finder.segmenter._shapes))
    assert 100 < largest <= 200


def test_remembered_scores_stay_within_their_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sentence_model, "SENTENCES_REMEMBERED", 40)
    extractor = Extractor()
    largest = 0
    for n in range(100):
        extractor.extract_text(novel_text(n), None)
        largest = max(largest, len(extractor.model._scored))
    assert 20 < largest <= 40
