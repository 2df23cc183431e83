"""Deliberate crashes for testing durability: ``FOLLOWTHROUGH_CRASH_AT=N`` ends the process
with ``os._exit`` right after its N-th durable step (a batch commit, an APPEND, ...)."""

from __future__ import annotations

import logging
import os

ENV = "FOLLOWTHROUGH_CRASH_AT"
CRASH_EXIT_CODE = 99

log = logging.getLogger(__name__)
_steps = 0


def durable_step(name: str) -> None:
    """Mark that a durable step just completed; crash here when the hook says so."""
    global _steps
    _steps += 1
    target = os.environ.get(ENV, "")
    if target.isdigit() and _steps == int(target):
        log.warning("crashing on purpose after durable step %d (%s)", _steps, name)
        logging.shutdown()
        os._exit(CRASH_EXIT_CODE)
