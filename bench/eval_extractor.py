"""Cross-validated scores of the trained extractor on the labeled training messages.

    python bench/eval_extractor.py [--folds 5] [--epochs 8] [--limit N] [--json]

Two ways of holding out, each over all the labeled training messages (never dev or reserved):
- "5-fold": messages split at random into 5 folds;
- "by owner": mailboxes split into 5 folds (train on some users' mail, test on the others').
Each fold's model is trained on the other folds. Its thresholds are chosen, as
train_extractor.py chooses them, on the other folds' out-of-fold scores only, so a fold's
labels never pick its own thresholds. The fold's messages then go through the real
extractor (segmentation, rules, model, holder, due dates) and the pooled predictions are
scored by ../shared/eval/score.py. The rules alone (the extractor before the model) are
scored on the same messages for comparison. Dev is measured separately, once, by
bench/eval_extract.py with the shipped model.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import extractor_training as training  # noqa: E402
from bench.extractor_training import Fold, Prepared  # noqa: E402
from bench.training_data import Example, load_examples  # noqa: E402
from followthrough.extraction import Extractor  # noqa: E402
from followthrough.extraction.sentence_model import KINDS, Lexicon, SentenceModel  # noqa: E402


def records(extractor: Extractor, examples: Sequence[Example]) -> list[dict[str, Any]]:
    found = []
    for example in examples:
        for item in extractor.analyse(example.message, "in"):
            found.append({"id": example.id, "kind": item.kind, "holder": item.holder,
                          "evidence": item.evidence,
                          "due": item.due.isoformat() if item.due else None})
    return found


def held_out_predictions(folds: list[Fold], scorer: Any, lexicon: Lexicon,
                         ) -> list[dict[str, Any]]:
    predicted = []
    for k, fold in enumerate(folds):
        others = [f for j, f in enumerate(folds) if j != k]
        thresholds, alone = training.choose_thresholds(
            scorer, [p.example for f in others for p in f.test],
            [s for f in others for s in f.scored])
        model = SentenceModel(fold.nlp, lexicon)
        model.thresholds, model.rules_alone = thresholds, frozenset(alone)
        predicted += records(Extractor(model), [p.example for p in fold.test])
    return predicted


def rules_only(lexicon: Lexicon) -> Extractor:
    model = SentenceModel(training.blank_model(), lexicon)
    model.thresholds, model.rules_alone = dict.fromkeys(KINDS, 2.0), frozenset(KINDS)
    return Extractor(model)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def table(name: str, report: dict[str, Any]) -> str:
    rows = [f"{name}: {report['messages']} messages"]
    for kind in KINDS:
        r = report[kind]
        rows.append(f"  {kind:11s} P={r['precision']:.3f} R={r['recall']:.3f} "
                    f"(tp={r['tp']} fp={r['fp']} fn={r['fn']})")
    rows.append(f"  holder accuracy {report['holder_accuracy']}  "
                f"due accuracy {report['due_accuracy']}")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=training.EPOCHS)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N messages")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    labeled = training.prepare_labeled(load_examples(), args.limit)
    examples, scorer, lexicon, prepared = (labeled.examples, labeled.scorer, labeled.lexicon,
                                           labeled.prepared)
    baseline = rules_only(lexicon)
    schemes: dict[str, Callable[[Prepared], str]] = {
        "5-fold": lambda p: p.example.id, "by owner": lambda p: p.example.user}
    reports = {"rules only": training.evaluate(scorer, examples, records(baseline, examples))}
    for name, group in schemes.items():
        log(f"{name}:")
        folds = training.cross_validate(prepared, group, args.folds, args.epochs, log)
        reports[name] = training.evaluate(scorer, examples,
                                          held_out_predictions(folds, scorer, lexicon))
    if args.json:
        print(json.dumps(reports))
    else:
        print("\n".join(table(name, report) for name, report in reports.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
