"""Train the sentence model that ships in the package, from the labeled training messages.

    python bench/train_extractor.py [--out DIR] [--limit N] [--folds 5] [--epochs 8]

Reads ../shared/eval/train.jsonl (+ train/*.eml) and bench/labels/*.jsonl (bodies from
../shared/corpus, cached outside the repo), never dev or reserved messages. It scores every
training sentence by 5-fold cross-validation, chooses per kind the threshold (and whether
that kind's rules count on their own) that gives the most recall at precision >= target +
0.03, then trains on everything and writes the model (spaCy pipeline + feeling lexicon) to
src/followthrough/extraction/model, or --out. Needs the `train` extra (vaderSentiment).
``--limit N`` trains on the first N training messages only (a quick check, used by tests).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import extractor_training as training  # noqa: E402
from bench.training_data import EVAL, LABEL_FILES, load_examples  # noqa: E402
from followthrough.extraction.sentence_model import MODEL_DIR, SentenceModel  # noqa: E402

DEFAULT_OUT = ROOT / "src" / "followthrough" / "extraction" / MODEL_DIR


def log(text: str) -> None:
    print(text, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N messages")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=training.EPOCHS)
    args = parser.parse_args()
    if not EVAL.is_dir():
        raise SystemExit(f"no labeled data at {EVAL}")
    started = time.perf_counter()
    files = LABEL_FILES[:1] if args.limit else LABEL_FILES
    labeled = training.prepare_labeled(load_examples(files), args.limit)
    examples, scorer, lexicon, prepared = (labeled.examples, labeled.scorer, labeled.lexicon,
                                           labeled.prepared)
    sentences = sum(len(p.sentences) for p in prepared)
    log(f"{len(examples)} messages, {sentences} candidate sentences")

    log(f"{args.folds}-fold cross-validation to choose thresholds:")
    scored = training.cross_scored(prepared, lambda p: p.example.id, args.folds, args.epochs,
                                   log=log)
    thresholds, rules_alone = training.choose_thresholds(scorer, examples, scored)
    log(f"thresholds {thresholds}, rules alone for {rules_alone or 'no kind'}")

    log("training on everything:")
    nlp = training.train(prepared, epochs=args.epochs, log=log)
    nlp.meta["name"] = "followthrough_sentences"
    nlp.meta["description"] = "commitment / challenge / success sentences"
    nlp.meta["followthrough"] = {"thresholds": thresholds, "rules_alone": rules_alone,
                                 "messages": len(examples), "sentences": sentences,
                                 "epochs": args.epochs}
    if args.out.exists():
        shutil.rmtree(args.out)
    SentenceModel(nlp, lexicon).save(args.out)
    size = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    log(f"wrote {args.out} ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
