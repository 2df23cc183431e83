"""Progress of long work: a bar on a terminal, a log line now and then elsewhere (journald)."""

from __future__ import annotations

import logging
import sys
import time
from typing import Protocol, TextIO

log = logging.getLogger("followthrough.progress")


class ProgressSink(Protocol):
    def start(self, label: str, total: int) -> None: ...
    def advance(self, count: int) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def finish(self) -> None:
        pass


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Progress:
    """Messages done/total, rate and ETA; redrawn at most 5×/s, logged every ``log_every`` s."""

    def __init__(self, stream: TextIO | None = None, log_every: float = 15.0) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.log_every = log_every
        self.label, self.total, self.done = "", 0, 0
        self._started = self._drawn = self._logged = 0.0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, max(total, 0), 0
        self._started = self._drawn = self._logged = time.monotonic()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self._started, 1e-6)
        rate = self.done / elapsed
        total = max(self.total, self.done)
        eta = _clock((total - self.done) / rate) if rate > 0 else "?"
        percent = 100 * self.done / total if total else 100.0
        return (f"{self.label}: {self.done}/{total} messages ({percent:.0f}%), "
                f"{rate:.0f} msg/s, ETA {eta}")

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self.tty and now - self._drawn >= 0.2:
            self._drawn = now
            total = max(self.total, self.done, 1)
            filled = int(30 * self.done / total)
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.line()}\x1b[K")
            self.stream.flush()
        elif not self.tty and now - self._logged >= self.log_every:
            self._logged = now
            log.info("%s", self.line())

    def finish(self) -> None:
        if self.total == 0 and self.done == 0:
            return
        if self.tty:
            self.stream.write(f"\r{self.line()}\x1b[K\n")
            self.stream.flush()
        else:
            log.info("%s", self.line())
