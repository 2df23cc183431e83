"""Extraction speed on real mail: messages/s and words/s, single process.

    python bench/extract_bench.py [--messages 20000]

Reads messages from ../shared/corpus/enron (every user, every folder, in a fixed order),
parses them as sync does, and times the full extraction (quote stripping included) over
the messages sync would analyse (automated mail and empty bodies are skipped, as in sync).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import mbox_messages, require_corpus  # noqa: E402
from followthrough.extraction import Extractor  # noqa: E402
from followthrough.mail.automated import automated_reason  # noqa: E402
from followthrough.mail.message_parse import MessageParseError, ParsedMessage, parse_message  # noqa: E402
from followthrough.mail.sender_text import sender_text  # noqa: E402


def load(limit: int) -> list[ParsedMessage]:
    messages: list[ParsedMessage] = []
    for path in sorted(require_corpus().glob("*/*.mbox.gz")):
        for raw in mbox_messages(path):
            header, _, body = raw.partition(b"\r\n\r\n")
            try:
                messages.append(parse_message(header + b"\r\n\r\n", body))
            except MessageParseError:
                continue
            if len(messages) >= limit:
                return messages
    return messages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    messages = load(args.messages)
    extractor = Extractor()
    extractor.extract_text("Warm-up: I will send it tomorrow.", None)
    analysed = [m for m in messages if m.text.strip() and not automated_reason(
        m.headers, m.sender.address if m.sender else "")]
    words = sum(len(m.text.split()) for m in analysed)

    started = time.perf_counter()
    for message in analysed:
        sender_text(message.text)
    strip_s = time.perf_counter() - started

    started = time.perf_counter()
    items = sum(len(extractor.analyse(m, "in")) for m in analysed)
    total_s = time.perf_counter() - started

    print(f"messages read: {len(messages)}, analysed (conversational, non-empty): "
          f"{len(analysed)}, words: {words:,}")
    print(f"full extraction: {len(analysed) / total_s:,.0f} msg/s, {words / total_s:,.0f} "
          f"words/s, {items} items ({total_s:.1f} s)")
    print(f"  of which quote/signature stripping: {len(analysed) / strip_s:,.0f} msg/s "
          f"({strip_s / total_s:.0%} of the time)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
