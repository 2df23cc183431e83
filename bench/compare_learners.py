"""Compare sentence-model learners by mailbox owner: the recall each reaches at equal precision.

    python bench/compare_learners.py [--learners bow,ensemble] [--vectors DIR] [--folds 5]
                                     [--epochs 8] [--width 64] [--limit N] [--json]

Prepares the training messages as train_extractor.py does and splits their mailboxes into
the same folds as eval_extractor.py's "by owner" (never dev or reserved). Per learner and
fold, a model is trained on the other owners' sentences and scores this fold's; the pooled
out-of-fold scores are then turned into items at every threshold of a grid and scored by
../shared/eval/score.py. Reported per kind: the most recall at precision >= 0.5 ... 0.8,
and the whole curve with --json.

Learners (all a spaCy ``textcat_multilabel`` from ``spacy.blank("en")``, reading the same
words and feature words):
- ``bow``: the shipped one (bench/extractor_training.train, bag of words and bigrams);
- ``ensemble``: ``spacy.TextCatEnsemble.v2``, that bag of words plus a CNN tok2vec with
  attention;
- ``reduce``: ``spacy.TextCatReduce.v1``, the tok2vec alone, mean and max pooled.
The tok2vec learners embed words by hashes of their norm, prefix and suffix, and with
``--vectors DIR`` also by static vectors: DIR is a spaCy pipeline holding them, e.g. floret
vectors trained on unlabeled sender text, then ``spacy init vectors en FILE DIR --mode
floret``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc  # noqa: E402
from thinc.api import fix_random_seed  # noqa: E402

from bench import extractor_training as training  # noqa: E402
from bench.extractor_training import Prepared, Scored  # noqa: E402
from bench.training_data import load_examples  # noqa: E402
from followthrough.extraction.sentence_model import (  # noqa: E402
    COMPONENT,
    KINDS,
)

PRECISIONS = (0.5, 0.6, 0.7, 0.8)
GRID = [0.01, 0.02, 0.03, 0.04, *training.GRID]
TOK2VEC_BATCH = 64
TOK2VEC_DROPOUT = 0.1


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def bag_of_words() -> dict[str, Any]:
    return {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False,
            "ngram_size": 2, "no_output_layer": False, "length": 2 ** 18}


def tok2vec(width: int, vectors: bool) -> dict[str, Any]:
    return {"@architectures": "spacy.Tok2Vec.v2",
            "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": width,
                      "attrs": ["NORM", "PREFIX", "SUFFIX"], "rows": [5000, 1000, 2500],
                      "include_static_vectors": vectors},
            "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": width,
                       "depth": 2, "window_size": 1, "maxout_pieces": 3}}


def architecture(learner: str, width: int, vectors: bool) -> dict[str, Any]:
    if learner == "ensemble":
        return {"@architectures": "spacy.TextCatEnsemble.v2", "linear_model": bag_of_words(),
                "tok2vec": tok2vec(width, vectors)}
    if learner == "reduce":
        return {"@architectures": "spacy.TextCatReduce.v1", "exclusive_classes": False,
                "use_reduce_first": False, "use_reduce_last": False, "use_reduce_max": True,
                "use_reduce_mean": True, "tok2vec": tok2vec(width, vectors)}
    raise SystemExit(f"unknown learner {learner!r}: bow, ensemble or reduce")


def train_tok2vec(prepared: Sequence[Prepared], model: dict[str, Any], vectors: Path | None,
                  epochs: int, seed: int = 0) -> Language:
    fix_random_seed(seed)
    nlp = spacy.load(vectors) if vectors else spacy.blank("en")
    return training.fit(nlp, model, prepared, seed, epochs, TOK2VEC_BATCH,
                        drop=TOK2VEC_DROPOUT, log=log)


def score_with_docs(nlp: Language, prepared: Sequence[Prepared]) -> list[Scored]:
    textcat: Any = nlp.get_pipe(COMPONENT)
    found = []
    for p in prepared:
        present = [s for s in p.sentences if s.words]
        rows = iter(textcat.model.predict([Doc(nlp.vocab, words=s.words) for s in present])
                    .tolist() if present else [])
        found += [Scored(p.example.id, s.evidence,
                         dict(zip(textcat.labels, next(rows), strict=True)) if s.words
                         else dict.fromkeys(KINDS, 0.0), s.rule_kinds) for s in p.sentences]
    return found


def out_of_fold(prepared: Sequence[Prepared], learner: str, args: argparse.Namespace,
                ) -> list[Scored]:
    assignment = training.fold_of([p.example.user for p in prepared], args.folds)
    scored: list[Scored] = []
    for fold in range(args.folds):
        train_part = [p for p in prepared if assignment[p.example.user] != fold]
        test_part = [p for p in prepared if assignment[p.example.user] == fold]
        log(f"  fold {fold + 1}/{args.folds}: train {len(train_part)}, test {len(test_part)}")
        if learner == "bow":
            scored += training.score_sentences(training.train(train_part, epochs=args.epochs),
                                               test_part)
        else:
            model = architecture(learner, args.width, args.vectors is not None)
            nlp = train_tok2vec(train_part, model, args.vectors, args.epochs)
            scored += score_with_docs(nlp, test_part)
    return scored


def curve(scorer: Any, examples: Sequence[Any], scored: list[Scored],
          ) -> dict[str, list[tuple[float, float, float]]]:
    """Per kind, (threshold, precision, recall) over the grid."""
    points: dict[str, list[tuple[float, float, float]]] = {kind: [] for kind in KINDS}
    for threshold in GRID:
        report = training.evaluate(scorer, examples, training.decisions(
            scored, dict.fromkeys(KINDS, threshold), ()))
        for kind in KINDS:
            points[kind].append((threshold, report[kind]["precision"], report[kind]["recall"]))
    return points


def best_recall(points: list[tuple[float, float, float]], precision: float) -> float:
    return max((r for _, p, r in points if p >= precision and r > 0), default=0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", default="bow,ensemble")
    parser.add_argument("--vectors", type=Path, default=None)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=training.EPOCHS)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N messages")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    labeled = training.prepare_labeled(load_examples(), args.limit)
    examples, scorer, prepared = labeled.examples, labeled.scorer, labeled.prepared
    curves = {}
    for learner in args.learners.split(","):
        started = time.perf_counter()
        log(f"{learner}:")
        curves[learner] = curve(scorer, examples, out_of_fold(prepared, learner, args))
        log(f"  {time.perf_counter() - started:.0f} s")
    if args.json:
        print(json.dumps(curves))
        return 0
    print("most recall at precision >= " + " / ".join(f"{p:.1f}" for p in PRECISIONS)
          + f", by owner, {args.folds} folds")
    for kind in KINDS:
        for learner, points in curves.items():
            print(f"  {kind:11s} {learner:9s} "
                  + " / ".join(f"{best_recall(points[kind], p):.3f}" for p in PRECISIONS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
