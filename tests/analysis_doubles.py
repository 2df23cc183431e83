"""Stand-ins for the extractor inside the analysis worker (module level, so that a spawned
worker can import them): one that hangs, dies or fails on a word in the text."""

from __future__ import annotations

import os
import time
from datetime import date

from followthrough.extraction.analysis_worker import ExtractText
from followthrough.extraction.items import Item

DIE_EXIT_CODE = 7


def load_troublesome() -> ExtractText:
    return troublesome


def troublesome(text: str, written_on: date | None) -> list[Item]:
    if "HANG" in text:
        time.sleep(3600)
    if "DIE" in text:
        os._exit(DIE_EXIT_CODE)
    if "FAIL" in text:
        raise ValueError("cannot read this (test)")
    return [Item("success", "sender", text.strip().splitlines()[0], "a test item", 0.9)]


def load_nothing() -> ExtractText:
    raise ImportError("no extractor here (test)")
