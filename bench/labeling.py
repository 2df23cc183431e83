"""Sample Enron messages for labeling, and read labeled messages back from the corpus.

    python bench/labeling.py sample OUT_DIR --count N [--seed S] [--batches K] [--double D]
    python bench/labeling.py collect OUT_DIR LABELS.jsonl
    python bench/labeling.py dedupe LABELS.jsonl...
    python bench/labeling.py agreement LABELS.jsonl...

`sample` picks N messages from ../shared/corpus/enron that are not in dev, train or
reserved (the reserved list is matched by Message-ID only; those messages are never read
further), person-written, with 8-400 words of the sender's own text, one copy per
Message-ID and per body. By default roughly a third is drawn at random, the rest for cue
words of successes, challenges and promises (``--mix``; recorded as ``cue_sampled``).
``--model-mix C,S`` first draws shares for the shipped model's uncertain challenges and
successes: messages whose best sentence scores between ``UNSURE_LOW`` and ``UNSURE_HIGH`` for
that kind, around its threshold, where new labels teach the model most (recorded as
``sampled_by: "model"``; such messages also count as cue-sampled). It writes one
``<id>.txt`` per message (a few headers, a blank line, the body as text) into K batch
folders for annotators, with D messages given to two batches (``double_labeled``).

`collect` merges the annotators' ``<id>.json`` files into one JSONL with the corpus
reference of each message (``src``, ``idx``, ``message_id``); quotes that are not exact
substrings of the text are reported and dropped. Two labelings of one message are merged:
items both marked sure stay sure, the rest become ``sure: false``.

The message bodies stay in ../shared: the repository keeps only labels that point at them.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ENRON = SHARED / "corpus" / "enron"
EVAL = SHARED / "eval"
MAX_BODY = 6000

sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
from bench.corpus import mbox_raw  # noqa: E402
from followthrough.mail.html_text import html_to_text  # noqa: E402
from followthrough.mail.sender_text import sender_text  # noqa: E402

_SUCCESS_CUES = re.compile(
    r"congrat|great news|good news|born|baby|promot|passed|graduat|married|engaged|"
    r"went live|record|new job|award|won\b|we closed|closed the|signed|approved|"
    r"proud|celebrat|excited|finally|success|accepted|made it|thrilled", re.I)
_CHALLENGE_CUES = re.compile(
    r"sorry to hear|sick|hospital|surgery|passed away|funeral|worried|concern|"
    r"frustrat|swamped|overwhelm|problem|delay|unfortunately|struggl|behind|"
    r"stress|lost|hurt|injur|bad news|tough|difficult|crazy|mess\b|nightmare", re.I)
_PROMISE_CUES = re.compile(
    r"\bI'll\b|\bI will\b|\bwe'll\b|\bwe will\b|get back to you|let you know|"
    r"will send|will follow|shortly|tomorrow|next week|by (?:mon|tue|wed|thu|fri)|"
    r"happy to|glad to|I can\b", re.I)
_AUTOMATED = re.compile(r"no-?reply|mailer-daemon|postmaster|newsletter|announce|"
                        r"list(?:serv)?@|bounce|notification", re.I)


@dataclass(frozen=True)
class CorpusRef:
    src: str  # "enron.<user>.<folder>"
    idx: int  # position in that mbox

    @property
    def path(self) -> Path:
        _, user, folder = self.src.split(".", 2)
        return ENRON / user / f"{folder}.mbox.gz"


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def body_text(message: EmailMessage) -> str:
    """The message's text as annotators see it (and as training reads it back)."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        content = part.get_content()
        text = html_to_text(content) if part.get_content_type() == "text/html" else content
    except (LookupError, ValueError, AssertionError):
        return ""
    return str(text).replace("\r\n", "\n")[:MAX_BODY]


def header(message: EmailMessage, name: str) -> str:
    try:
        return " ".join(str(message.get(name, "") or "").split())
    except (ValueError, TypeError):
        return ""


def annotation_text(message: EmailMessage) -> str:
    lines = [f"{name}: {header(message, name)}" for name in
             ("Date", "From", "X-From", "To", "X-To", "Cc", "Subject")]
    return "\n".join(lines) + "\n\n" + body_text(message)


def known_ids() -> set[str]:
    ids: set[str] = set()
    for name in ("dev.jsonl", "train.jsonl"):
        for line in (EVAL / name).read_text().splitlines():
            ids.add(json.loads(line)["message_id"])
    for line in (EVAL / "reserved.txt").read_text().splitlines():
        if line.startswith("<"):
            ids.add(line.strip())
    for labels in (ROOT / "bench" / "labels").glob("*.jsonl"):
        for line in labels.read_text().splitlines():
            ids.add(json.loads(line)["message_id"])
    return ids


def candidates(excluded: set[str]) -> Iterator[tuple[CorpusRef, str, str, bool]]:
    """(ref, message id, own text, cue-matched) of each message fit for labeling."""
    seen_bodies: set[str] = set()
    for user_dir in sorted(p for p in ENRON.iterdir() if p.is_dir()):
        for path in sorted(user_dir.glob("*.mbox.gz")):
            folder = path.name.removesuffix(".mbox.gz")
            for idx, raw in enumerate(mbox_raw(path)):
                head = raw[:4000]
                match = re.search(rb"^Message-ID:\s*(<[^>\r\n]+>)", head, re.M | re.I)
                if match is None:
                    continue
                message_id = match.group(1).decode("ascii", "replace")
                if message_id in excluded:
                    continue
                excluded.add(message_id)
                message = parse(raw)
                if _AUTOMATED.search(header(message, "From")) or message.get("List-Id"):
                    continue
                own = sender_text(body_text(message))
                words = len(own.split())
                if not 8 <= words <= 400:
                    continue
                squeezed = " ".join(own.lower().split()).encode()
                digest = hashlib.sha1(squeezed, usedforsecurity=False).hexdigest()
                if digest in seen_bodies:
                    continue
                seen_bodies.add(digest)
                cued = bool(_SUCCESS_CUES.search(own) or _CHALLENGE_CUES.search(own)
                            or _PROMISE_CUES.search(own))
                yield CorpusRef(f"enron.{user_dir.name}.{folder}", idx), message_id, own, cued


def sample(out: Path, count: int, seed: int, batches: int, double: int,
           mix: tuple[float, float, float], model_mix: tuple[float, float] = (0.0, 0.0),
           ) -> None:
    pool = list(candidates(known_ids()))
    rng = random.Random(seed)
    rng.shuffle(pool)
    success = [c for c in pool if _SUCCESS_CUES.search(c[2])]
    challenge = [c for c in pool if _CHALLENGE_CUES.search(c[2])]
    promise = [c for c in pool if _PROMISE_CUES.search(c[2])]
    chosen: dict[str, tuple[CorpusRef, str, bool]] = {}
    by_model: set[str] = set()

    def take(source: list[tuple[CorpusRef, str, str, bool]], n: int, cued: bool) -> None:
        for ref, message_id, _own, _ in source:
            if len(chosen) >= count or n <= 0:
                return
            if message_id not in chosen:
                chosen[message_id] = (ref, message_id, cued)
                n -= 1

    uncertain = model_uncertain(pool) if any(model_mix) else {}
    for kind, share in zip(("challenge", "success"), model_mix, strict=True):
        if share > 0:
            before = set(chosen)
            take(uncertain[kind], int(count * share), True)
            by_model.update(set(chosen) - before)

    take(success, int(count * mix[0]), True)
    take(challenge, int(count * mix[1]), True)
    take(promise, int(count * mix[2]), True)
    take(pool, count - len(chosen), False)
    records = list(chosen.values())
    rng.shuffle(records)
    doubles = {records[i][1] for i in range(min(double, len(records)))}
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for position, (ref, message_id, cued) in enumerate(records):
        ident = hashlib.sha1(message_id.encode(), usedforsecurity=False).hexdigest()[:10]
        message = parse(nth_message(ref))
        targets = [position % batches]
        if message_id in doubles:
            targets.append((targets[0] + 1 + position % (batches - 1)) % batches)
        for batch in targets:
            folder = out / f"batch{batch + 1}"
            folder.mkdir(exist_ok=True)
            (folder / f"{ident}.txt").write_text(annotation_text(message))
        manifest.append({"id": ident, "message_id": message_id, "src": ref.src, "idx": ref.idx,
                         "cue_sampled": cued, "double_labeled": message_id in doubles,
                         **({"sampled_by": "model"} if message_id in by_model else {})})
    (out / "manifest.jsonl").write_text("".join(json.dumps(m) + "\n" for m in manifest))
    print(f"{len(records)} messages ({sum(bool(m['cue_sampled']) for m in manifest)} cue-sampled, "
          f"{len(doubles)} double) in {batches} batches under {out}")


UNSURE_LOW, UNSURE_HIGH = 0.1, 0.9
MODEL_POOL = 20_000  # messages scored by the model (a random part of the pool)


def model_uncertain(pool: list[tuple[CorpusRef, str, str, bool]],
                    ) -> dict[str, list[tuple[CorpusRef, str, str, bool]]]:
    """Per kind, the pool messages (of the first ``MODEL_POOL``, in the pool's random order)
    whose best sentence the shipped model scores between UNSURE_LOW and UNSURE_HIGH."""
    from followthrough.extraction import Extractor

    extractor = Extractor()
    found: dict[str, list[tuple[CorpusRef, str, str, bool]]] = {
        "commitment": [], "challenge": [], "success": []}
    for entry in pool[:MODEL_POOL]:
        candidates = extractor.candidates(entry[2])
        if not candidates:
            continue
        words = [extractor.model.words(c.normalised, c.matches, i)
                 for i, c in enumerate(candidates)]
        scored = extractor.model.scores(words)
        for kind, entries in found.items():
            if UNSURE_LOW <= max(scores[kind] for scores in scored) <= UNSURE_HIGH:
                entries.append(entry)
    print(", ".join(f"{len(v)} uncertain {k}" for k, v in found.items())
          + f" among {min(len(pool), MODEL_POOL)} scored", file=sys.stderr)
    return found


_CACHE: dict[Path, list[bytes]] = {}


def nth_message(ref: CorpusRef) -> bytes:
    if ref.path not in _CACHE:
        _CACHE[ref.path] = list(mbox_raw(ref.path))
    return _CACHE[ref.path][ref.idx]


def labeled_text(record: dict[str, object]) -> str:
    """The body an annotator saw for a labeled record (checked against its Message-ID)."""
    ref = CorpusRef(str(record["src"]), int(str(record["idx"])))
    message = parse(nth_message(ref))
    if header(message, "Message-ID") != record["message_id"]:
        raise ValueError(f"{ref.src}#{ref.idx} is not {record['message_id']}")
    return body_text(message)


def _merge(first: list[dict[str, object]],
           second: list[dict[str, object]]) -> list[dict[str, object]]:
    def key_words(item: dict[str, object]) -> set[str]:
        return set(re.findall(r"[a-z0-9']+", str(item["quote"]).lower()))

    merged: list[dict[str, object]] = []
    used: set[int] = set()
    for item in first:
        partner = None
        for j, other in enumerate(second):
            if j in used or other["kind"] != item["kind"]:
                continue
            a, b = key_words(item), key_words(other)
            if a and b and len(a & b) / min(len(a), len(b)) >= 0.5:
                partner = j
                break
        if partner is None:
            merged.append({**item, "sure": False})
        else:
            used.add(partner)
            both_sure = bool(item.get("sure")) and bool(second[partner].get("sure"))
            merged.append({**item, "sure": both_sure})
    merged += [{**other, "sure": False} for j, other in enumerate(second) if j not in used]
    return merged


def collect(out: Path, labels_path: Path) -> None:
    manifest = {m["id"]: m for m in map(json.loads, (out / "manifest.jsonl").read_text()
                                        .splitlines())}
    labelings: dict[str, list[list[dict[str, object]]]] = {}
    bad_quotes = 0
    for label_file in sorted(out.glob("batch*/*.json")):
        try:
            data = json.loads(label_file.read_text())
        except json.JSONDecodeError:
            print(f"unreadable: {label_file}", file=sys.stderr)
            continue
        ident = label_file.stem
        if ident not in manifest:
            continue
        text = (label_file.with_suffix(".txt")).read_text()
        body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
        items = []
        for item in data.get("items", []):
            quote = str(item.get("quote", ""))
            if item.get("kind") not in ("commitment", "challenge", "success") or not quote:
                continue
            if quote not in body:
                squeezed = " ".join(quote.split())
                found = _find_loose(body, squeezed)
                if found is None:
                    bad_quotes += 1
                    print(f"quote not in {label_file}: {quote[:70]!r}", file=sys.stderr)
                    continue
                quote = found
            items.append({"kind": item["kind"], "holder": item.get("holder", "writer"),
                          "quote": quote, "due": item.get("due"),
                          "summary": item.get("summary", ""), "sure": bool(item.get("sure"))})
        labelings.setdefault(ident, []).append(items)
    with labels_path.open("w") as handle:
        for ident, runs in sorted(labelings.items()):
            items = runs[0] if len(runs) == 1 else _merge(runs[0], runs[1])
            record = dict(manifest[ident])
            record["double_labeled"] = len(runs) > 1
            if len(runs) > 1:
                record["labelings"] = runs[:2]
            record["items"] = items
            handle.write(json.dumps(record) + "\n")
    print(f"{len(labelings)} messages labeled, {bad_quotes} quotes dropped -> {labels_path}")


def own_text_digest(body: str) -> str:
    squeezed = " ".join(sender_text(body).lower().split()).encode()
    return hashlib.sha1(squeezed, usedforsecurity=False).hexdigest()


def held_out_digests() -> set[str]:
    """Digests of the own text of dev and reserved messages, so that a copy of one under
    another Message-ID (Enron files one message in several folders) never gets into
    training. Reserved messages are only hashed here, never shown or stored."""
    digests = {own_text_digest(body_text(parse(path.read_bytes())))
               for path in (EVAL / "dev").glob("*.eml")}
    reserved = {line.strip() for line in (EVAL / "reserved.txt").read_text().splitlines()
                if line.startswith("<")}
    for user_dir in sorted(p for p in ENRON.iterdir() if p.is_dir()):
        for path in sorted(user_dir.glob("*.mbox.gz")):
            for raw in mbox_raw(path):
                match = re.search(rb"^Message-ID:\s*(<[^>\r\n]+>)", raw[:4000], re.M | re.I)
                if match and match.group(1).decode("ascii", "replace") in reserved:
                    digests.add(own_text_digest(body_text(parse(raw))))
    return digests


def drop_held_out_copies(labels_path: Path) -> None:
    """Remove from a labels file every message whose own text equals a dev or reserved one."""
    held_out = held_out_digests()
    kept, dropped = [], 0
    for line in labels_path.read_text().splitlines():
        record = json.loads(line)
        if own_text_digest(labeled_text(record)) in held_out:
            dropped += 1
        else:
            kept.append(line + "\n")
    labels_path.write_text("".join(kept))
    print(f"{labels_path.name}: dropped {dropped} copies of dev/reserved messages, kept "
          f"{len(kept)}")


def agreement(labels_paths: list[Path]) -> None:
    """Inter-annotator agreement on double-labeled messages, per kind: item F1 (quotes
    matched by word overlap, sure or not) and message-level agreement (both found one or
    both found none)."""
    kinds = ("commitment", "challenge", "success")
    tally = {k: [0, 0, 0, 0, 0] for k in kinds}  # first, second, matched, agree, messages
    for path in labels_paths:
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if "labelings" not in record:
                continue
            first, second = record["labelings"]
            for kind in kinds:
                a = [i for i in first if i["kind"] == kind]
                b = [i for i in second if i["kind"] == kind]
                merged = _merge(a, b)
                matched = len(a) + len(b) - len(merged)
                row = tally[kind]
                row[0] += len(a)
                row[1] += len(b)
                row[2] += matched
                row[3] += bool(a) == bool(b)
                row[4] += 1
    for kind, (items_a, items_b, matched, agree, messages) in tally.items():
        f1 = 2 * matched / (items_a + items_b) if items_a + items_b else 1.0
        print(f"{kind:10} {messages} messages: items {items_a}/{items_b}, matched {matched}, "
              f"item F1 {f1:.2f}, message agreement {agree / max(messages, 1):.2f}")


def _find_loose(body: str, squeezed: str) -> str | None:
    """The body span whose words equal ``squeezed`` (annotators may normalise spaces)."""
    words = squeezed.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    match = re.search(pattern, body)
    return match.group(0) if match else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("agreement", help="inter-annotator agreement on double labels")
    a.add_argument("labels", type=Path, nargs="+")
    d = sub.add_parser("dedupe", help="drop copies of dev/reserved messages from labels files")
    d.add_argument("labels", type=Path, nargs="+")
    s = sub.add_parser("sample")
    s.add_argument("out", type=Path)
    s.add_argument("--count", type=int, default=1800)
    s.add_argument("--seed", type=int, default=16)
    s.add_argument("--batches", type=int, default=6)
    s.add_argument("--double", type=int, default=200)
    s.add_argument("--mix", default="0.30,0.22,0.13",
                   help="shares drawn for success, challenge and promise cues; the rest at "
                        "random (default: 0.30,0.22,0.13)")
    s.add_argument("--model-mix", default="0,0",
                   help="shares drawn first for the shipped model's uncertain challenges and "
                        "successes (default: 0,0)")
    c = sub.add_parser("collect")
    c.add_argument("out", type=Path)
    c.add_argument("labels", type=Path)
    args = parser.parse_args()
    if args.command == "agreement":
        agreement(args.labels)
    elif args.command == "dedupe":
        for labels in args.labels:
            drop_held_out_copies(labels)
    elif args.command == "sample":
        shares = tuple(float(x) for x in args.mix.split(","))
        if len(shares) != 3:
            parser.error("--mix takes three shares: success,challenge,promise")
        model_shares = tuple(float(x) for x in args.model_mix.split(","))
        if len(model_shares) != 2:
            parser.error("--model-mix takes two shares: challenge,success")
        sample(args.out, args.count, args.seed, args.batches, args.double,
               (shares[0], shares[1], shares[2]), (model_shares[0], model_shares[1]))
    else:
        collect(args.out, args.labels)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
