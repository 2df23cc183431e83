"""Knowing the same message again when its Message-ID differs.

A message filed in two folders normally keeps its Message-ID, and is matched by it. Some
archives give each copy its own id (Enron's export does, per folder), so a second key is
kept: a digest of what the message says and who it is between. Two messages with the same
sender, recipients, date (to the second), subject and text are one message.
"""

from __future__ import annotations

import hashlib

from followthrough.mail.message_parse import ParsedMessage

TEXT_CHARS = 4_000  # with sender, recipients, date and subject: enough to tell apart


def content_key(message: ParsedMessage) -> str:
    digest = hashlib.sha256()
    sender = message.sender.address if message.sender else ""
    when = message.date.isoformat(timespec="seconds") if message.date else ""
    parts = (sender, ",".join(sorted(m.address for m in message.to)),
             ",".join(sorted(m.address for m in message.cc)), when,
             " ".join(message.subject.split()),
             " ".join(message.text[:TEXT_CHARS].split()))
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return "c:" + digest.hexdigest()[:40]
