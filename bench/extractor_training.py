"""Training and scoring the sentence model (used by train_extractor.py and eval_extractor.py).

Every labeled message is cut into candidate sentences exactly as the extractor does; a
sentence is a positive for a kind when it matches a sure gold item of that kind by
``score.py``'s word-overlap test, "missing" (no gradient) when it matches only an unsure
one, else a negative. Thresholds per kind are chosen on cross-validated predictions,
scored with ``../shared/eval/score.py`` itself.
"""

from __future__ import annotations

import importlib.util
import json
import random
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example as SpacyExample
from thinc.api import fix_random_seed

from bench.training_data import EVAL, Example
from followthrough.extraction import Extractor
from followthrough.extraction.sentence_model import (
    COMPONENT,
    KINDS,
    Lexicon,
    SentenceModel,
    classifier_words,
)

TARGET_PRECISION = {"commitment": 0.80, "challenge": 0.70, "success": 0.70}
MARGIN = 0.03  # cue sampling makes positives commoner here than in a real mailbox
GRID = [round(0.05 + 0.025 * i, 3) for i in range(37)]
EPOCHS = 8
BATCH = 256


def feelings_lexicon() -> Lexicon:
    """Single words of VADER's lexicon (vaderSentiment, MIT) by valence: |v| >= 1 mild,
    >= 2 strong. Only the word lists derived here ship, not the package."""
    from importlib import resources

    text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8")
    negative, positive, strong_negative, strong_positive = set(), set(), set(), set()
    for line in text.splitlines():
        word, _, rest = line.partition("\t")
        if not word.replace("'", "").isalpha() or not rest:
            continue
        valence = float(rest.split("\t")[0])
        if valence <= -1.0:
            negative.add(word.lower())
            if valence <= -2.0:
                strong_negative.add(word.lower())
        elif valence >= 1.0:
            positive.add(word.lower())
            if valence >= 2.0:
                strong_positive.add(word.lower())
    return Lexicon(frozenset(negative), frozenset(positive), frozenset(strong_negative),
                   frozenset(strong_positive))


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_score", EVAL / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {EVAL / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Sentence:
    evidence: str
    words: list[str]
    rule_kinds: frozenset[str]
    cats: dict[str, float]  # kinds without an entry are unknown (matched an unsure item)


@dataclass
class Prepared:
    example: Example
    sentences: list[Sentence] = field(default_factory=list)


def prepare(examples: Sequence[Example], extractor: Extractor, lexicon: Lexicon,
            matches: Callable[[str, str], float]) -> list[Prepared]:
    prepared = []
    for example in examples:
        out = Prepared(example)
        for i, found in enumerate(extractor.candidates(example.message.text)):
            evidence = found.text.strip()
            cats: dict[str, float] = {}
            for kind in KINDS:
                gold = [it for it in example.items if it["kind"] == kind
                        and matches(str(it["quote"]), evidence) > 0]
                if any(it.get("sure", True) for it in gold):
                    cats[kind] = 1.0
                elif not gold:
                    cats[kind] = 0.0
            out.sentences.append(Sentence(
                evidence, classifier_words(found.normalised, found.matches, i, lexicon),
                frozenset(m.kind for m in found.matches), cats))
        prepared.append(out)
    return prepared


def train(prepared: Sequence[Prepared], seed: int = 0, epochs: int = EPOCHS,
          log: Callable[[str], None] | None = None, ngrams: int = 2,
          repeat_positives: int = 1) -> Language:
    """A blank English pipeline with one trained ``textcat_multilabel``."""
    fix_random_seed(seed)
    model = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False,
             "ngram_size": ngrams, "no_output_layer": False, "length": 2 ** 18}
    return fit(spacy.blank("en"), model, prepared, seed, epochs, BATCH, log=log,
               repeat_positives=repeat_positives)


def fit(nlp: Language, model: dict[str, Any], prepared: Sequence[Prepared], seed: int,
        epochs: int, batch: int, drop: float = 0.0,
        log: Callable[[str], None] | None = None, repeat_positives: int = 1) -> Language:
    """Add a ``textcat_multilabel`` with this model architecture to ``nlp`` and train it on
    the prepared sentences (those with a positive ``repeat_positives`` times)."""
    textcat: Any = nlp.add_pipe(COMPONENT, config={"model": model})
    for kind in KINDS:
        textcat.add_label(kind)
    data = [SpacyExample.from_dict(Doc(nlp.vocab, words=s.words), {"cats": s.cats})
            for p in prepared for s in p.sentences if s.words
            for _ in range(repeat_positives if 1.0 in s.cats.values() else 1)]
    optimizer = nlp.initialize(lambda: data[:500])
    shuffle = random.Random(seed)
    for epoch in range(epochs):
        shuffle.shuffle(data)
        losses: dict[str, float] = {}
        for start in range(0, len(data), batch):
            nlp.update(data[start:start + batch], sgd=optimizer, losses=losses, drop=drop)
        if log:
            log(f"  epoch {epoch + 1}/{epochs}: loss {losses.get(COMPONENT, 0.0):.3f}")
    return nlp


@dataclass
class Labeled:
    """The labeled training messages, cut into candidate sentences as the extractor cuts
    them, with the scorer and the feelings lexicon they were prepared with."""

    examples: list[Example]
    scorer: ModuleType
    lexicon: Lexicon
    prepared: list[Prepared]


def prepare_labeled(examples: list[Example], limit: int = 0) -> Labeled:
    """``examples`` (the first ``limit`` of them when given) prepared for training."""
    examples = examples[:limit] if limit else examples
    scorer, lexicon = load_scorer(), feelings_lexicon()
    extractor = Extractor(model=SentenceModel(blank_model(), lexicon))
    return Labeled(examples, scorer, lexicon,
                   prepare(examples, extractor, lexicon, scorer.matches))


@dataclass
class Scored:
    example_id: str
    evidence: str
    scores: dict[str, float]
    rule_kinds: frozenset[str]


def score_sentences(nlp: Language, prepared: Iterable[Prepared]) -> list[Scored]:
    model = SentenceModel(nlp, Lexicon())  # the sentences carry their feature words
    found = []
    for p in prepared:
        scores = model.scores([s.words for s in p.sentences])
        found += [Scored(p.example.id, s.evidence, sc, s.rule_kinds)
                  for s, sc in zip(p.sentences, scores, strict=True)]
    return found


def evaluate(scorer: ModuleType, examples: Iterable[Example], records: list[dict[str, Any]],
             ) -> dict[str, Any]:
    """``score.py``'s report for predicted items (dicts with id, kind, evidence, ...)."""
    with tempfile.TemporaryDirectory() as folder:
        gold, pred = Path(folder) / "gold.jsonl", Path(folder) / "pred.jsonl"
        gold.write_text("".join(json.dumps({"id": e.id, "items": e.items}) + "\n"
                                for e in examples))
        pred.write_text("".join(json.dumps(r) + "\n" for r in records))
        report: dict[str, Any] = scorer.score(str(gold), str(pred))
        return report


def decisions(scored: Iterable[Scored], thresholds: dict[str, float],
              rules_alone: Iterable[str]) -> list[dict[str, Any]]:
    trusted = set(rules_alone)
    return [{"id": s.example_id, "kind": kind, "evidence": s.evidence, "holder": None}
            for s in scored for kind in KINDS
            if s.scores[kind] >= thresholds[kind] or (kind in trusted and kind in s.rule_kinds)]


def choose_thresholds(scorer: ModuleType, examples: Sequence[Example], scored: list[Scored],
                      ) -> tuple[dict[str, float], list[str]]:
    """Per kind, threshold and whether rules alone count: the most recall with precision
    at least target + margin; when no setting reaches that, the best F0.5."""
    results: dict[tuple[float, bool], dict[str, Any]] = {}
    for alone in (False, True):
        for t in GRID:
            results[(t, alone)] = evaluate(scorer, examples, decisions(
                scored, dict.fromkeys(KINDS, t), KINDS if alone else ()))
    thresholds, trusted = {}, []
    for kind in KINDS:
        def key(setting: tuple[float, bool], kind: str = kind) -> tuple[int, float]:
            r = results[setting][kind]
            p, rec = r["precision"], r["recall"]
            f05 = 1.25 * p * rec / (0.25 * p + rec) if p + rec else 0.0
            meets = p >= TARGET_PRECISION[kind] + MARGIN
            return (1, rec) if meets else (0, f05)
        best = max(results, key=key)
        thresholds[kind] = best[0]
        if best[1]:
            trusted.append(kind)
    return thresholds, trusted


def fold_of(keys: Sequence[str], folds: int, seed: int = 0) -> dict[str, int]:
    """Each distinct key to one of ``folds`` folds, balanced by count, reproducibly."""
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    order = sorted(counts, key=lambda k: (-counts[k], k))
    random.Random(seed).shuffle(order)
    order.sort(key=lambda k: -counts[k])
    sizes = [0] * folds
    assignment = {}
    for k in order:
        target = sizes.index(min(sizes))
        assignment[k] = target
        sizes[target] += counts[k]
    return assignment


@dataclass
class Fold:
    test: list[Prepared]
    nlp: Language
    scored: list[Scored]  # the test part's sentences, scored by this fold's model


def cross_validate(prepared: Sequence[Prepared], group: Callable[[Prepared], str], folds: int,
                   epochs: int = EPOCHS, log: Callable[[str], None] | None = None,
                   ) -> list[Fold]:
    """Each fold's model is trained on the other folds and scores its own."""
    assignment = fold_of([group(p) for p in prepared], folds)
    done = []
    for fold in range(folds):
        train_part = [p for p in prepared if assignment[group(p)] != fold]
        test_part = [p for p in prepared if assignment[group(p)] == fold]
        if log:
            log(f" fold {fold + 1}/{folds}: train {len(train_part)}, test {len(test_part)}")
        nlp = train(train_part, epochs=epochs)
        done.append(Fold(test_part, nlp, score_sentences(nlp, test_part)))
    return done


def cross_scored(prepared: Sequence[Prepared], group: Callable[[Prepared], str], folds: int,
                 epochs: int = EPOCHS, log: Callable[[str], None] | None = None,
                 ) -> list[Scored]:
    """Out-of-fold sentence scores: each fold scored by a model trained on the others."""
    return [s for fold in cross_validate(prepared, group, folds, epochs, log)
            for s in fold.scored]


def blank_model() -> Language:
    """An untrained classifier (every score 0.5): for cutting candidates before any model
    exists, and for the rules-only baseline."""
    nlp = spacy.blank("en")
    textcat: Any = nlp.add_pipe(COMPONENT)
    for kind in KINDS:
        textcat.add_label(kind)
    nlp.initialize(lambda: [SpacyExample.from_dict(Doc(nlp.vocab, words=["x"]),
                                                   {"cats": dict.fromkeys(KINDS, 0.0)})])
    return nlp
