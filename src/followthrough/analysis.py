"""Running extraction on a batch of messages: inline, or in a worker process.

The worker process lets sync use both cores: while it analyses one batch, the main process
fetches and parses the next. Results come back per message, an error text in place of the
items when analysing that message failed.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from typing import Protocol

from followthrough.items import Analyser, Item
from followthrough.message_parse import ParsedMessage

Outcome = list[Item] | str  # the items, or why analysis failed


class Pending(Protocol):
    def result(self) -> list[Outcome]: ...


class BatchAnalyser(Protocol):
    def submit(self, messages: Sequence[tuple[ParsedMessage, str]]) -> Pending: ...


def _failure(exc: Exception) -> str:
    return f"analysis failed: {type(exc).__name__}: {exc}"


class _Done:
    def __init__(self, outcomes: list[Outcome]) -> None:
        self._outcomes = outcomes

    def result(self) -> list[Outcome]:
        return self._outcomes


class InlineAnalyser:
    """Analyses in the calling process, at once."""

    def __init__(self, analyse: Analyser) -> None:
        self.analyse = analyse

    def submit(self, messages: Sequence[tuple[ParsedMessage, str]]) -> Pending:
        outcomes: list[Outcome] = []
        for message, direction in messages:
            try:
                outcomes.append(self.analyse(message, direction))
            except Exception as exc:  # one message must not stop the others
                outcomes.append(_failure(exc))
        return _Done(outcomes)


_worker_extractor = None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """A worker must never outlive the sync that started it (crash, kill -9, OOM)."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the watcher below still ends the worker
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start_worker() -> None:
    global _worker_extractor
    _die_with_parent()
    from followthrough.extraction import Extractor

    _worker_extractor = Extractor()


def _analyse_in_worker(jobs: list[tuple[str, date | None]]) -> list[Outcome]:
    assert _worker_extractor is not None, "worker not initialised"
    outcomes: list[Outcome] = []
    for text, written_on in jobs:
        try:
            outcomes.append(_worker_extractor.extract_text(text, written_on))
        except Exception as exc:
            outcomes.append(_failure(exc))
    return outcomes


class _FutureResult:
    def __init__(self, future: Future[list[Outcome]]) -> None:
        self._future = future

    def result(self) -> list[Outcome]:
        return self._future.result()


class ProcessAnalyser:
    """Extraction in one worker process (started fresh, never forked from a live sync)."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1,
                                         mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start_worker)

    def submit(self, messages: Sequence[tuple[ParsedMessage, str]]) -> Pending:
        jobs = [(message.text, message.local_date) for message, _ in messages]
        return _FutureResult(self._pool.submit(_analyse_in_worker, jobs))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ProcessAnalyser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
