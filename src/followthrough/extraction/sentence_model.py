"""The trained sentence model: which candidate sentences hold a commitment, a challenge or
a success.

A spaCy ``textcat_multilabel`` (bag of words and bigrams, trained from ``spacy.blank("en")``
by ``bench/train_extractor.py``) reads each candidate sentence as lower-cased words plus
feature words: which rules fired (and with which holder), first-person future, questions,
conditionals, requests, words of negative or positive feeling (a lexicon derived from
VADER's at training time and shipped beside the model), where the sentence stands in the
message and how long it is. One
threshold per kind, chosen by cross-validation, turns its scores into items; a kind may
also trust its rules alone. The trained model ships in the package (``model/``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import Any, cast

import numpy
import spacy
from spacy.language import Language
from spacy.strings import get_string_id

from followthrough.extraction.rules import RuleMatch

KINDS = ("commitment", "challenge", "success")
MODEL_DIR = "model"
COMPONENT = "textcat_multilabel"
LEXICON_FILE = "feelings.json"
SENTENCES_REMEMBERED = 5_000
WORDS_REMEMBERED = 50_000
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|[?!$%]")
# Each cue: its feature word, text one of which occurs in every match of its pattern (a
# substring test, much faster than the search it spares), and the pattern.
_CUES: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (name, anchors, re.compile(pattern)) for name, anchors, pattern in (
        ("xfirstfuture", ("'ll", " will", " shall", " going to", " can", " could"),
         r"\b(?:i|we)(?:'ll| will| shall|'m going to| am going to|"
         r"'re going to| are going to| can| could)\b"),
        ("xfirstwould", ("happy", "glad", "love", "like"),
         r"\b(?:i|we)(?:'d| would) (?:be )?(?:happy|glad|love|like)\b"),
        ("xyoufuture", ("you",), r"\byou(?:'ll| will| are going to|'re going to)\b"),
        ("xthirdfuture", ("'ll", " will"),
         r"\b(?:he|she|they|it|this|that|[a-z]+)(?:'ll| will) (?:be )?"
         r"(?:send|follow|call|get|have|arrive|come|forward)\w*\b"),
        ("xletme", ("let me",), r"\blet me\b"),
        ("xquestion", ("?",), r"\?"),
        ("xstartif", (), r"^(?:if|when|once|as soon as|whenever|should)\b"),
        ("xif", ("if", "unless", "whether"), r"\b(?:if|unless|whether)\b"),
        ("xplease", ("please", "pls", " you"), r"\b(?:please|pls|can you|could you|would you)\b"),
        ("xanything", ("any",), r"\b(?:anything|any questions|anytime|any time)\b"),
        ("xpast", ("i ", "we "),
         r"\b(?:i|we) (?:sent|forwarded|called|talked|spoke|met|did|had|left)\b"),
        ("xexclaim", ("!",), r"!"),
        ("xnegation", ("no", "n't", "never"), r"\b(?:not|n't|never|no)\b"),
        ("xcongrats", ("congrat",), r"\bcongrat"),
        ("xsorry", ("sorry",), r"\bsorry\b"),
        ("xhope", ("hope",), r"\bhope\b"),
        ("xthanks", ("thank",), r"\bthank"),
    ))


@dataclass(frozen=True)
class Lexicon:
    """Words of feeling: mild and strong, negative and positive."""

    negative: frozenset[str] = frozenset()
    positive: frozenset[str] = frozenset()
    strong_negative: frozenset[str] = frozenset()
    strong_positive: frozenset[str] = frozenset()

    def features(self, words: Sequence[str]) -> list[str]:
        if self.negative.isdisjoint(words) and self.positive.isdisjoint(words):
            return []  # most sentences hold no word of feeling: one set scan each
        found: list[str] = []
        for word in words:
            if word in self.negative:
                found.append("xstrongneg" if word in self.strong_negative else "xnegword")
            elif word in self.positive:
                found.append("xstrongpos" if word in self.strong_positive else "xposword")
        # in order of first occurrence: a set's order changes with the process's hash seed,
        # and the model reads bigrams of these words
        counts = {name: found.count(name) for name in dict.fromkeys(found)}
        return found + [f"{name}many" for name, n in counts.items() if n > 1]

    def to_json(self) -> str:
        return json.dumps({name: sorted(getattr(self, name)) for name in (
            "negative", "positive", "strong_negative", "strong_positive")}, indent=0)

    @classmethod
    def from_json(cls, text: str) -> Lexicon:
        data = json.loads(text)
        return cls(*(frozenset(data.get(name, ())) for name in (
            "negative", "positive", "strong_negative", "strong_positive")))


@dataclass(frozen=True)
class Decision:
    kind: str
    score: float
    rule: RuleMatch | None  # the rule of that kind that fired, if any


def classifier_words(normalised: str, matches: Sequence[RuleMatch], position: int,
                     lexicon: Lexicon) -> list[str]:
    """What the model reads for one sentence: its words, then the feature words."""
    return _with_context(_sentence_words(normalised, lexicon), matches, position)


def _sentence_words(normalised: str, lexicon: Lexicon) -> tuple[tuple[str, ...], ...]:
    """What the model reads that depends on the sentence alone: its words, its words of
    feeling, its cues."""
    words = _WORD.findall(normalised)
    cues: list[str] = []
    for name, anchors, cue in _CUES:
        for anchor in anchors:
            if anchor in normalised:
                break
        else:
            if anchors:
                continue  # none of its anchors occurs: no match
        if cue.search(normalised):
            cues.append(name)
    return tuple(words), tuple(lexicon.features(words)), tuple(cues)


def _with_context(own: tuple[tuple[str, ...], ...], matches: Sequence[RuleMatch],
                  position: int) -> list[str]:
    words, feelings, cues = own
    return [*words, *feelings, *(f"xrule{m.kind}" for m in matches),
            *(f"xrule{m.kind}{m.holder}" for m in matches), *cues,
            f"xpos{min(position, 3)}", f"xlen{min(len(words) // 6, 6)}"]


class SentenceModel:
    """The trained classifier with its thresholds; ``decide`` gives the items' kinds."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        self.nlp = nlp
        self.lexicon = lexicon
        self.textcat: Any = nlp.get_pipe(COMPONENT)
        layers = {layer.name: layer for layer in cast(Any, self.textcat).model.walk()}
        self._ngram_size = int(layers["extract_ngrams"].attrs["ngram_size"])
        self._layers: list[Any] = [layers["resizable(sparse_linear)"], layers["logistic"]]
        settings: dict[str, Any] = dict(nlp.meta.get("followthrough", {}))
        self.thresholds: dict[str, float] = {
            kind: float(settings.get("thresholds", {}).get(kind, 0.5)) for kind in KINDS}
        self.rules_alone: frozenset[str] = frozenset(settings.get("rules_alone", ()))
        self._word_ids: dict[str, int] = {}
        self._scored: dict[tuple[str, ...], tuple[float, ...]] = {}
        self._sentence_words = lru_cache(maxsize=SENTENCES_REMEMBERED)(
            partial(_sentence_words, lexicon=lexicon))

    @classmethod
    def load(cls, path: Path | None = None) -> SentenceModel:
        if path is None:
            return _shipped()
        return cls(spacy.load(path), Lexicon.from_json((path / LEXICON_FILE).read_text("utf-8")))

    def save(self, path: Path) -> None:
        self.nlp.to_disk(path)
        (path / LEXICON_FILE).write_text(self.lexicon.to_json(), "utf-8")

    def words(self, normalised: str, matches: Sequence[RuleMatch], position: int) -> list[str]:
        """``classifier_words``; what depends on the sentence alone is remembered (mail
        repeats its sentences: greetings, thanks, sign-offs)."""
        return _with_context(self._sentence_words(normalised), matches, position)

    def scores(self, sentences: Sequence[list[str]]) -> list[dict[str, float]]:
        """The model's scores, computed as its ``predict`` on Docs of these words would
        (tests/extraction/test_extraction_speed.py checks they are identical), without
        building Docs: the n-gram keys are made here from the words' hashes, then the
        model's own layers run on them. A sentence's scores depend on its words alone:
        those of recently scored word lists are remembered."""
        scored = self._scored
        keys = [tuple(words) for words in sentences]
        new = list(dict.fromkeys(key for key in keys if key and key not in scored))
        if len(scored) + len(new) > SENTENCES_REMEMBERED:  # start afresh
            scored.clear()
            new = list(dict.fromkeys(key for key in keys if key))
        if new:
            scored.update(zip(new, map(tuple, self._predict(new).tolist()), strict=True))
        labels = self.textcat.labels
        return [dict(zip(labels, scored[key], strict=True)) if key
                else dict.fromkeys(KINDS, 0.0) for key in keys]

    def _predict(self, sentences: Sequence[Sequence[str]]) -> Any:
        """What ``extract_ngrams`` gives the next layers, for all sentences at once: per
        sentence, its distinct n-gram keys in ascending order and how often each occurs."""
        ops = self.textcat.model.ops
        sizes = [len(words) for words in sentences]
        unigrams = numpy.array(self._word_id_list(list(chain.from_iterable(sentences))),
                               dtype=numpy.uint64)
        owner = numpy.repeat(numpy.arange(len(sentences)), sizes)
        keys, owners = [unigrams], [owner]
        for n in range(2, min(self._ngram_size, len(unigrams)) + 1):
            grams = ops.ngrams(n, unigrams)  # the n-gram starting at each word
            within = owner[:len(grams)] == owner[n - 1:]  # not across two sentences
            keys.append(grams[within])
            owners.append(owner[:len(grams)][within])
        all_keys, all_owners = numpy.concatenate(keys), numpy.concatenate(owners)
        order = numpy.lexsort((all_keys, all_owners))
        all_keys, all_owners = all_keys[order], all_owners[order]
        first = numpy.ones(len(all_keys), dtype=bool)
        first[1:] = (all_keys[1:] != all_keys[:-1]) | (all_owners[1:] != all_owners[:-1])
        starts = numpy.flatnonzero(first)
        counts = numpy.diff(numpy.append(starts, len(all_keys)))
        lengths = numpy.bincount(all_owners[starts], minlength=len(sentences))
        output: Any = (all_keys[starts], ops.asarray(counts, dtype="f"),
                       ops.asarray(lengths, dtype="int32"))
        for layer in self._layers:
            output = layer.predict(output)
        return output

    def _word_id_list(self, words: list[str]) -> list[int]:
        """``_word_id`` of each word; the words remembered are looked up without a call
        per word."""
        ids: list[int | None] = list(map(self._word_ids.get, words))
        if None in ids:
            return [self._word_id(word) if known is None else known
                    for word, known in zip(words, ids, strict=True)]
        return cast(list[int], ids)

    def _word_id(self, word: str) -> int:
        """The word's hash, as spaCy's string store gives it (nothing is added to the
        store); recently used words are remembered."""
        known = self._word_ids.get(word)
        if known is None:
            if len(self._word_ids) >= WORDS_REMEMBERED:
                self._word_ids.clear()
            known = self._word_ids[word] = get_string_id(word)
        return known

    def decide(self, scores: dict[str, float], matches: Sequence[RuleMatch]) -> list[Decision]:
        fired = {m.kind: m for m in matches}
        return [Decision(kind, scores.get(kind, 0.0), fired.get(kind)) for kind in KINDS
                if scores.get(kind, 0.0) >= self.thresholds[kind]
                or (kind in self.rules_alone and kind in fired)]


@cache
def _shipped() -> SentenceModel:
    folder = resources.files("followthrough.extraction").joinpath(MODEL_DIR)
    with resources.as_file(folder) as path:
        if not (path / "meta.json").is_file():
            raise FileNotFoundError(f"the trained extraction model is missing at {path}: "
                                    "reinstall followthrough, or run "
                                    "`python bench/train_extractor.py`")
        return SentenceModel.load(path)
