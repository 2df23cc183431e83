"""Extraction in a worker process, with a time budget per message.

The worker lets sync use both cores: while it analyses one batch, the main process fetches
and parses the next. It sends one outcome per message, in order, so the main process knows
which message it is waiting for. A message that takes longer than the budget, or makes the
worker die, gets an error text in place of its items (sync then quarantines it and keeps its
facts); the worker is replaced and the messages after it are analysed as usual.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import date
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from followthrough.errors import AnalysisWorkerError
from followthrough.extraction.analysis import Outcome, failure_text
from followthrough.extraction.items import Item
from followthrough.mail.message_parse import ParsedMessage

log = logging.getLogger("followthrough.analysis")

MESSAGE_BUDGET = 10.0  # seconds one message may take (a usual one takes milliseconds)
START_BUDGET = 300.0  # seconds the worker may take to start (loading spaCy)

Job = tuple[str, date | None]  # the sender's text, the day it was written
ExtractText = Callable[[str, date | None], list[Item]]
_READY = "ready"
_PR_SET_PDEATHSIG = 1


def load_extractor() -> ExtractText:
    """The default worker's analysis: the spaCy extractor, loaded in the worker only."""
    from followthrough.extraction import Extractor

    return Extractor().extract_text


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


def _serve(jobs_in: Connection, outcomes_out: Connection,
           load: Callable[[], ExtractText]) -> None:
    """The worker's main: load the analysis, then answer each job with its outcome."""
    _die_with_parent()
    waiting: queue.SimpleQueue[list[Job] | None] = queue.SimpleQueue()
    threading.Thread(target=_take_jobs, args=(jobs_in, waiting), name="jobs-in",
                     daemon=True).start()
    try:
        try:
            extract = load()
        except Exception as exc:
            outcomes_out.send(f"{type(exc).__name__}: {exc}")  # why it cannot start
            return
        outcomes_out.send(_READY)
        while (jobs := waiting.get()) is not None:
            for text, written_on in jobs:
                outcome: Outcome
                try:
                    outcome = extract(text, written_on)
                except Exception as exc:  # one message must not stop the others
                    outcome = failure_text(exc)
                outcomes_out.send(outcome)
    except OSError:
        return  # the main process went away (its sync failed or ended): nothing to say


def _take_jobs(jobs_in: Connection, waiting: queue.SimpleQueue[list[Job] | None]) -> None:
    """Read jobs the moment they come. The main process then never blocks sending a batch
    while this worker blocks sending it outcomes: neither waits on the other."""
    while True:
        try:
            waiting.put(jobs_in.recv())
        except (EOFError, OSError):  # the main process is done
            waiting.put(None)
            return


class _Worker:
    """One worker process and the main process's ends of its two pipes."""

    def __init__(self, load: Callable[[], ExtractText]) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a live sync
        jobs_in, self.jobs = context.Pipe(duplex=False)
        self.outcomes, outcomes_out = context.Pipe(duplex=False)
        self.process: BaseProcess = context.Process(
            target=_serve, args=(jobs_in, outcomes_out, load), name="followthrough-analysis",
            daemon=True)
        self.process.start()
        jobs_in.close()
        outcomes_out.close()
        self.ready = False

    def send(self, jobs: list[Job]) -> None:
        self.jobs.send(jobs)

    def receive(self, budget: float) -> Outcome | None:
        """The next outcome; None when none came within ``budget`` seconds."""
        if not self.ready:
            self._wait_until_ready()
        if not self.outcomes.poll(budget):
            return None
        outcome: Outcome = self.outcomes.recv()
        return outcome

    def _wait_until_ready(self) -> None:
        try:
            if not self.outcomes.poll(START_BUDGET):
                raise AnalysisWorkerError(
                    f"the extraction worker did not start within {START_BUDGET:g} s")
            signal_or_reason = self.outcomes.recv()
        except (EOFError, OSError):
            raise AnalysisWorkerError("the extraction worker stopped while starting "
                                      f"(exit code {self.exit_code()})") from None
        if signal_or_reason != _READY:
            raise AnalysisWorkerError(f"the extraction worker cannot start: {signal_or_reason}")
        self.ready = True

    def exit_code(self) -> int | None:
        self.process.join(5)
        return self.process.exitcode

    def stop(self) -> None:
        """End the worker at once: it holds no state, and whatever it was doing is either
        received already or will be asked of the next worker."""
        self.jobs.close()
        self.outcomes.close()
        self.process.kill()
        self.process.join()


class _Batch:
    """One submitted batch: its jobs and the outcomes received so far."""

    def __init__(self, owner: ProcessAnalyser, jobs: list[Job]) -> None:
        self.owner = owner
        self.jobs = jobs
        self.outcomes: list[Outcome] = []
        self.error: AnalysisWorkerError | None = None  # no worker could analyse it

    @property
    def remaining(self) -> list[Job]:
        return self.jobs[len(self.outcomes):]

    def result(self) -> list[Outcome]:
        self.owner._collect(self)
        if self.error is not None:
            raise self.error
        return self.outcomes


class ProcessAnalyser:
    """Analyses batches in one worker process, a time ``budget`` per message."""

    def __init__(self, budget: float = MESSAGE_BUDGET,
                 load: Callable[[], ExtractText] = load_extractor) -> None:
        self.budget = budget
        self._load = load
        self._started: _Worker | None = None  # started with the first batch
        self._sent: deque[_Batch] = deque()  # submitted, not yet fully received, in order

    @property
    def _worker(self) -> _Worker:
        if self._started is None:
            self._started = _Worker(self._load)
        return self._started

    def submit(self, messages: Sequence[tuple[ParsedMessage, str]]) -> _Batch:
        batch = _Batch(self, [(message.text, message.local_date) for message, _ in messages])
        if batch.jobs:
            self._sent.append(batch)
            try:
                self._worker.send(batch.jobs)
            except OSError:  # the worker died while idle
                self._restart("the extraction worker stopped", skip_one=False)
        return batch

    def _collect(self, wanted: _Batch) -> None:
        """Receive outcomes, in order, until ``wanted`` has all of its own."""
        while wanted in self._sent:
            batch = self._sent[0]
            while batch.remaining:
                try:
                    outcome = self._worker.receive(self.budget)
                except AnalysisWorkerError as exc:
                    self._give_up(exc)
                    return
                except (EOFError, OSError):
                    outcome = self._restart("the extraction worker stopped (exit code "
                                            f"{self._worker.exit_code()})", skip_one=True)
                if outcome is None:
                    outcome = self._restart(f"analysis took longer than {self.budget:g} s",
                                            skip_one=True)
                batch.outcomes.append(outcome)
            self._sent.popleft()

    def _restart(self, reason: str, *, skip_one: bool) -> str:
        """Replace the worker and send the new one every message not answered yet, but
        the one it was analysing (``skip_one``): that one fails with ``reason``."""
        log.warning("%s; starting a new extraction worker", reason)
        self._worker.stop()
        self._started = _Worker(self._load)
        for number, batch in enumerate(self._sent):
            jobs = batch.remaining[1:] if skip_one and number == 0 else batch.remaining
            if jobs:
                self._worker.send(jobs)
        return reason

    def _give_up(self, error: AnalysisWorkerError) -> None:
        """No worker starts: every batch sent fails with ``error``; the next batch tries a
        new worker (in a long-running service the cause may have passed)."""
        for batch in self._sent:
            batch.error = error
        self._sent.clear()
        self.close()

    def close(self) -> None:
        if self._started is not None:
            self._started.stop()
            self._started = None

    def __enter__(self) -> ProcessAnalyser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
