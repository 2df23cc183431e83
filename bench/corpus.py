"""Reading the shared Enron corpus for benchmarks (it stays in ../shared; nothing is copied)."""

from __future__ import annotations

import gzip
import mailbox
import tempfile
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
ENRON = SHARED / "corpus" / "enron"
SENT_FOLDERS = {"sent", "_sent_mail", "sent_items"}


def require_corpus() -> Path:
    if not ENRON.is_dir():
        raise SystemExit(f"the Enron corpus is not at {ENRON}; benchmarks need ../shared")
    return ENRON


def count_messages(user_dir: Path) -> int:
    total = 0
    for path in user_dir.glob("*.mbox.gz"):
        with gzip.open(path, "rb") as handle:
            total += sum(1 for line in handle if line.startswith(b"From "))
    return total


def largest_user() -> Path:
    users = [d for d in require_corpus().iterdir() if d.is_dir()]
    return max(users, key=count_messages)


def mbox_raw(path: Path) -> Iterator[bytes]:
    """The messages of one .mbox.gz as stored there, in order."""
    with tempfile.NamedTemporaryFile(suffix=".mbox") as plain:
        with gzip.open(path, "rb") as packed:
            plain.write(packed.read())
        plain.flush()
        box = mailbox.mbox(plain.name, create=False)
        for key in box.iterkeys():
            yield box.get_bytes(key)


def mbox_messages(path: Path) -> Iterator[bytes]:
    """The raw messages of one .mbox.gz, with CRLF line ends as IMAP servers store them."""
    for raw in mbox_raw(path):
        yield raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def user_messages(user_dir: Path) -> tuple[list[bytes], list[bytes]]:
    """(received, sent) messages of one user, over every folder."""
    received: list[bytes] = []
    sent: list[bytes] = []
    for path in sorted(user_dir.glob("*.mbox.gz")):
        folder = path.name.removesuffix(".mbox.gz")
        (sent if folder in SENT_FOLDERS else received).extend(mbox_messages(path))
    return received, sent
