"""The labeled training messages: ../shared/eval/train.jsonl (+ train/*.eml) and the rounds
in bench/labels/, each as the parsed message the extractor sees and its gold items.

Raw messages are read from ../shared once and cached outside the repository (in
``$FOLLOWTHROUGH_TRAIN_CACHE`` or the system temp dir): message text is never committed.
Dev and reserved messages are never read here.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from followthrough.mail.message_parse import MessageParseError, ParsedMessage, parse_message

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
LABEL_FILES = (EVAL / "train.jsonl", ROOT / "bench" / "labels" / "round3.jsonl",
               ROOT / "bench" / "labels" / "round4.jsonl",
               ROOT / "bench" / "labels" / "round5.jsonl")


@dataclass(frozen=True)
class Example:
    id: str
    user: str  # the mailbox owner (from src "enron.<user>.<folder>")
    message: ParsedMessage
    items: list[dict[str, object]]


def read_records(paths: tuple[Path, ...] = LABEL_FILES) -> list[dict[str, object]]:
    records = []
    for path in paths:
        for line in path.read_text().splitlines():
            if line.strip():
                record = json.loads(line)
                record["file"] = path.name
                records.append(record)
    return records


def parse_raw(raw: bytes) -> ParsedMessage | None:
    normalised = raw.replace(b"\r\n", b"\n")
    header, separator, body = normalised.partition(b"\n\n")
    if not separator:
        header, body = normalised, b""
    try:
        return parse_message(header + b"\n\n", body)
    except MessageParseError:
        return None


def _cache_path(records: list[dict[str, object]]) -> Path:
    key = hashlib.sha256("\n".join(sorted(str(r["message_id"]) for r in records)).encode())
    folder = Path(os.environ.get("FOLLOWTHROUGH_TRAIN_CACHE", tempfile.gettempdir()))
    return folder / f"followthrough-train-{key.hexdigest()[:16]}.pickle"


def _raw_messages(records: list[dict[str, object]]) -> dict[str, bytes]:
    """Message-ID → raw bytes, from the train .eml files or the corpus mboxes (cached)."""
    path = _cache_path(records)
    if path.exists():
        cached: dict[str, bytes] = pickle.loads(path.read_bytes())  # noqa: S301 (our own file)
        return cached
    from bench.labeling import CorpusRef, header, nth_message, parse

    raws: dict[str, bytes] = {}
    for record in records:
        eml = EVAL / "train" / f"{record['id']}.eml"
        if record["file"] == "train.jsonl" and eml.exists():
            raws[str(record["message_id"])] = eml.read_bytes()
            continue
        raw = nth_message(CorpusRef(str(record["src"]), int(str(record["idx"]))))
        if header(parse(raw), "Message-ID") != record["message_id"]:
            raise ValueError(f"{record['src']}#{record['idx']} is not {record['message_id']}")
        raws[str(record["message_id"])] = raw
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        pickle.dump(raws, out)
    return raws


def load_examples(paths: tuple[Path, ...] = LABEL_FILES) -> list[Example]:
    records = read_records(paths)
    raws = _raw_messages(records)
    examples = []
    for record in records:
        message = parse_raw(raws[str(record["message_id"])])
        if message is None:
            continue
        user = str(record["src"]).split(".")[1]
        items = list(record["items"])  # type: ignore[call-overload]
        examples.append(Example(str(record["id"]), user, message, items))
    return examples


if __name__ == "__main__":
    loaded = load_examples()
    print(f"{len(loaded)} examples from {len({e.user for e in loaded})} mailboxes")
