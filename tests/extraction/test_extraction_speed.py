"""The fast paths of extraction give exactly what the straightforward code gives: sentences
cut without spaCy Docs (``Segmenter``) against spaCy's tokenizer, line-break rule and
sentencizer; chunk tokens against spaCy's tokenizer; the sentence model scored without
building Docs; rule and cue anchors (substring tests, and one scan for all rule anchors,
that spare a regex search) change nothing; summary words are found again in the sentence
without a regex. On synthetic mail always, and on real mail when ../shared is present."""

from __future__ import annotations

import gzip
import mailbox
import random
import re
import tempfile
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from followthrough.extraction import Extractor, sentence_model, summaries
from followthrough.extraction.candidates import _PARAGRAPH, CandidateFinder
from followthrough.extraction.chunk_tokens import ChunkTokenizer
from followthrough.extraction.items import Item
from followthrough.extraction.rules import RuleSet
from followthrough.extraction.segmentation import Segmenter, build_pipeline
from followthrough.extraction.sentence_model import KINDS, SentenceModel
from followthrough.extraction.summaries import ascii_span, regex_span
from followthrough.mail.message_parse import MessageParseError, parse_message
from followthrough.mail.sender_text import sender_text

SAMPLE = 1000
WRITTEN = date(2001, 5, 15)

SYNTHETIC = [
    "Hi John,\n\nThanks for the update. I will send the contract by Friday.\n\nBest,\nMary",
    "Hi all,\n- first item\n- second item: done.\n* third one\n1. numbered\n2. also.\n",
    "This is a long hard-wrapped paragraph that goes on and on until the\nline ends and "
    "then it continues on the next line without any\nfull stop at all so the "
    "segmenter must rely on layout alone\nshort\nline\n",
    "no punctuation at all just words and words and words " * 30,
    "Mr. Smith met Dr. Jones at 10 a.m. on Jan. 5, e.g. at the U.S. office. He left.",
    "He said \"I'll do it.\" Then he left!! Really?! Yes... maybe. (See above.) Fine.",
    "Ça va? Très bien. Größe: 5 m². Déjà vu! Naïve café.",
    "全角の文。次の文！そして？終わり。 Mixed text．Full width stop？Yes！",
    "Tabs\there and\tthere.\tNext\t sentence.  Two spaces.   Three spaces.\n \n",
    "Non\u00a0breaking\u00a0space. Line\u2028separator. Next\u2029para.\r\nWindows line.\r\n",
    "   leading spaces. and trailing   ",
    " single leading space.Then joined.Words",
    "Emoticons :) are fine :-( right? <3 yes ;) ok. ''Quoted'' text. `tick`. --dash-- .",
    "URL http://www.enron.com/a.b?c=d. Mail me at a.b@enron.com. Version 2.0.1 out.",
    "end.Next word.(paren) stuff.'quote' and.\"dq\" x.-y. z.?!.. done",
    "Wed., 31-Aug. (MM/DD/YY): detail...): id. (Wed. ''These are ''Power",
    "a" * 700 + ". short one. " + "b " * 400,
    "Hello\n\n\n\nWorld.\n \t\nAfter blank lines.\n\n",
    "!!!", "...", " ", ".", "\n", "x", "x.", ". x", "?\n?",
]


def spacy_spans(nlp: spacy.language.Language, text: str) -> list[tuple[int, int]]:
    return [(s.start_char, s.end_char) for s in nlp(text).sents]


class SpacyFinder(CandidateFinder):
    """The previous path: sentences from spaCy's pipeline."""

    def __init__(self) -> None:
        super().__init__()
        self.nlp = build_pipeline()

    def sentences(self, own_text: str) -> list[str]:
        return [s.text for p in _PARAGRAPH.split(own_text) if p.strip()
                for s in self.nlp(p).sents]


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


@cache
def _real_texts(shared: Path) -> tuple[str, ...]:
    return tuple(corpus_texts(shared))


@pytest.fixture
def real_texts(shared_dir: Path) -> list[str]:
    return list(_real_texts(shared_dir))


def paragraphs(texts: list[str]) -> list[str]:
    """Whole texts (quotes, signatures and all) and the paragraphs extraction reads."""
    return [*texts, *(p for t in texts for p in _PARAGRAPH.split(sender_text(t)) if p.strip())]


def item_facts(items: list[Item]) -> list[tuple[object, ...]]:
    return [(i.kind, i.holder, i.evidence, i.summary, i.confidence, i.due, i.event_date)
            for i in items]


def assert_same_sentences(texts: list[str]) -> None:
    nlp = build_pipeline()
    segmenter = Segmenter()
    for text in paragraphs(texts):
        assert segmenter.spans(text) == spacy_spans(nlp, text), text[:300]


def assert_same_items(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    fast = Extractor()
    fast_items = [item_facts(fast.extract_text(text, WRITTEN)) for text in texts]
    slow = Extractor()
    slow.finder = SpacyFinder()
    match = RuleSet.match
    monkeypatch.setattr(RuleSet, "match", lambda rules, text: match(rules, text, False))
    monkeypatch.setattr(sentence_model, "_CUES", tuple(
        (name, (), cue) for name, _, cue in sentence_model._CUES))
    monkeypatch.setattr(SentenceModel, "scores", straightforward_scores)
    monkeypatch.setattr(summaries, "ascii_span", regex_span)
    slow.model._sentence_words.cache_clear()  # the same model: remember nothing seen fast
    slow_items = [item_facts(slow.extract_text(text, WRITTEN)) for text in texts]
    for text, ours, theirs in zip(texts, fast_items, slow_items, strict=True):
        assert ours == theirs, text[:300]
    return sum(map(len, fast_items))


def test_sentences_are_spacys_on_synthetic_mail() -> None:
    assert_same_sentences(SYNTHETIC)


def test_items_are_the_same_on_synthetic_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*SYNTHETIC, "I will send you the report tomorrow. Congrats on the launch!",
             "Hi Ann,\n\nI'm swamped and behind on everything.\nI'll call you on Monday."]
    assert assert_same_items(texts, monkeypatch) >= 2


def test_sentences_are_spacys_on_real_mail(real_texts: list[str]) -> None:
    assert len(real_texts) == SAMPLE
    assert_same_sentences(real_texts)


def test_items_are_the_same_on_real_mail(real_texts: list[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert assert_same_items(real_texts, monkeypatch) > SAMPLE // 20


def test_chunk_tokens_are_spacys(real_texts: list[str]) -> None:
    """Every chunk of real and synthetic mail: the same tokens as spaCy's tokenizer, or
    None where spaCy's special-case matcher changes them."""
    tokenizer = spacy.blank("en").tokenizer
    chunks = ChunkTokenizer(tokenizer)
    words = {w for text in [*real_texts, *SYNTHETIC] for w in re.findall(r"\S+", text)}
    deferred = 0
    for word in sorted(words):
        ours = chunks.tokens(word)
        theirs = [token.text for token in tokenizer(word)]
        if ours is None:
            deferred += 1
        else:
            assert ours == theirs, word
    assert deferred < len(words) // 500


def test_scores_without_docs_are_the_textcats(real_texts: list[str]) -> None:
    extractor = Extractor()
    sentences = [[extractor.model.words(c.normalised, c.matches, i)
                  for i, c in enumerate(extractor.candidates(text))] for text in real_texts]
    assert sum(map(len, sentences)) > 5 * SAMPLE
    for words in sentences:
        assert extractor.model.scores(words) == straightforward_scores(extractor.model, words)



def assert_same_summary_spans(texts: list[str]) -> int:
    """Words of a summary found again in the sentence, in its own case and spelling: the
    same as the regex built for them, on random runs of words of the texts' sentences
    (repeated words, odd white space, letter case, partial first and last words)."""
    rng = random.Random(16)
    sentences = [s for text in texts for s in CandidateFinder().sentences(text)
                 if s.isascii()]
    checked = 0
    for sentence in sentences:
        words = sentence.lower().split()
        for _ in range(4):
            if not words:
                break
            start = rng.randrange(len(words))
            run = words[start:start + rng.randint(1, 6)]
            if rng.random() < 0.3:
                run[0] = run[0][rng.randrange(len(run[0])):]
            if rng.random() < 0.3:
                run[-1] = run[-1][:rng.randint(1, len(run[-1]))]
            if rng.random() < 0.1:
                run[rng.randrange(len(run))] += "x"  # not in the sentence
            assert ascii_span(sentence, run) == regex_span(sentence, run), (sentence, run)
            checked += 1
    return checked


def test_summary_spans_are_the_regexs_on_synthetic_mail() -> None:
    odd = ["It is IT, it is it.\tIt\x1cis\x0bit", "so so so soso so", "a-b a-b a-b-c"]
    assert assert_same_summary_spans([*SYNTHETIC, *odd]) > 80


def test_summary_spans_are_the_regexs_on_real_mail(real_texts: list[str]) -> None:
    assert assert_same_summary_spans(real_texts[:300]) > 1000
