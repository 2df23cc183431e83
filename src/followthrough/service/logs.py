"""Logging to stderr in one-line records that suit journald and a terminal alike."""

from __future__ import annotations

import logging
import os
import sys


class _OneLine(logging.Formatter):
    """Never let a record span lines: journald shows each line as its own entry."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace("\r", "\\r").replace("\n", " | ")


def setup_logging(level: str = "info") -> None:
    """Send followthrough's log records to stderr; timestamps only off journald."""
    handler = logging.StreamHandler(sys.stderr)
    under_journald = bool(os.environ.get("JOURNAL_STREAM") or os.environ.get("INVOCATION_ID"))
    fmt = "%(levelname)s %(name)s: %(message)s"
    if not under_journald:
        fmt = "%(asctime)s " + fmt
    handler.setFormatter(_OneLine(fmt, datefmt="%Y-%m-%d %H:%M:%S"))
    root = logging.getLogger("followthrough")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
    # imapclient logs protocol lines (with credentials redacted) at DEBUG only.
    logging.getLogger("imapclient").setLevel(logging.WARNING)
    # mail-parser logs every oddity of every message; quarantine reports what matters.
    logging.getLogger("mailparser").setLevel(logging.CRITICAL)
