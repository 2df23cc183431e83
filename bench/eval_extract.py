"""Score the shipped extractor on a labeled set in ../shared/eval.

    python bench/eval_extract.py [--set dev|train] [--show-errors]

Runs `followthrough extract --json` over ../shared/eval/<set>/*.eml and scores the result
with ../shared/eval/score.py (precision/recall per kind, holder and due-date accuracy).

``dev`` is a test set: it is measured once, for a model trained without it, and its
errors are never shown (rules tuned while reading them learned the dev set last time).
``train`` is training data: the shipped model has seen it, so its figures say only that
nothing broke; ``--show-errors`` reads its errors.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def predictions(files: list[Path]) -> str:
    done = subprocess.run([sys.executable, "-m", "followthrough", "extract", "--json",
                           *map(str, files)], capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return done.stdout


def show_errors(gold_path: Path, predicted: str) -> None:
    """Print predictions and gold items per message, for reading (not for tuning rules to
    single messages: the held-out set is what counts)."""
    by_id: dict[str, list[dict[str, object]]] = {}
    for line in predicted.splitlines():
        record = json.loads(line)
        by_id.setdefault(Path(record["file"]).stem, []).append(record)
    for line in gold_path.read_text().splitlines():
        gold = json.loads(line)
        mine = by_id.get(gold["id"], [])
        if not mine and not gold["items"]:
            continue
        print(f"--- {gold['id']}")
        for item in gold["items"]:
            sure = "" if item["sure"] else " (unsure)"
            print(f"  gold {item['kind']}/{item['holder']}{sure}: "
                  f"{' '.join(item['quote'].split())}")
        for item in mine:
            evidence = " ".join(str(item["evidence"]).split())
            print(f"  mine {item['kind']}/{item['holder']}: {evidence}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=("dev", "train"), default="dev",
                        help="which labeled set (default: dev)")
    parser.add_argument("--show-errors", action="store_true",
                        help="print gold and predicted items per message (train only)")
    args = parser.parse_args()
    if args.show_errors and args.set == "dev":
        parser.error("dev is a test set: its errors are not shown (use --set train)")
    if not EVAL.is_dir():
        raise SystemExit(f"no eval set at {EVAL}")
    files = sorted((EVAL / args.set).glob("*.eml"))
    gold = EVAL / f"{args.set}.jsonl"
    predicted = predictions(files)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        out.write(predicted)
    subprocess.run([sys.executable, str(EVAL / "score.py"), str(gold), out.name], check=True)
    if args.show_errors:
        show_errors(gold, predicted)
    Path(out.name).unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
