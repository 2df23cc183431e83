"""``followthrough extract FILE.eml ...``: analyse message files offline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from followthrough.cli.base import add_command, add_json_flag
from followthrough.mail.message_parse import MessageParseError, ParsedMessage, parse_message

MAX_FILE_BYTES = 50 * 1024 * 1024


def read_message(path: Path) -> ParsedMessage:
    """Parse one .eml file (header and body), or raise OSError / MessageParseError."""
    with path.open("rb") as handle:
        raw = handle.read(MAX_FILE_BYTES)
    normalised = raw.replace(b"\r\n", b"\n")
    header, separator, body = normalised.partition(b"\n\n")
    if not separator:
        header, body = normalised, b""
    return parse_message(header + b"\n\n", body)


def _run(args: argparse.Namespace) -> int:
    from followthrough.extraction import Extractor  # spaCy loads only for this command

    extractor = Extractor()
    failures = 0
    for name in args.files:
        path = Path(name)
        try:
            message = read_message(path)
        except (OSError, MessageParseError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            print(f"error: {name}: {reason}", file=sys.stderr)
            failures += 1
            continue
        items = extractor.analyse(message, "in")
        if args.json:
            for item in items:
                print(json.dumps({
                    "file": name, "message_id": message.message_id, "kind": item.kind,
                    "holder": item.holder, "evidence": item.evidence, "summary": item.summary,
                    "due": item.due.isoformat() if item.due else None,
                    "confidence": round(item.confidence, 2),
                    "event_date": item.event_date.isoformat() if item.event_date else None,
                }, ensure_ascii=False))
            continue
        print(f"{name}: {len(items)} item(s)" + (f" — {message.subject}" if message.subject
                                                   else ""))
        for item in items:
            due = f", due {item.due.isoformat()}" if item.due else ""
            print(f"  {item.kind} ({item.holder}{due}): {item.summary}")
            print(f"    “{' '.join(item.evidence.split())}”")
    return 1 if failures else 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        subparsers, "extract", _run, "find commitments, challenges and successes in .eml files",
        "Analyse message files offline (no config, no network): print the "
        "commitments, challenges and successes each sender wrote. With --json, "
        "one JSON object per item per line. Unreadable files get an error line "
        "each on stderr and do not stop the others (exit status 1).")
    parser.add_argument("files", nargs="+", metavar="FILE.eml", help="message files")
    add_json_flag(parser)
