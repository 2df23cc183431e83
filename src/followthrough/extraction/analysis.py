"""Running extraction on a batch of messages: what sync asks of an analyser, and the one
that runs inline (tests, small jobs). The worker-process analyser is in ``analysis_worker``.
Results come back per message, an error text in place of the items when analysing that
message failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from followthrough.extraction.items import Analyser, Item
from followthrough.mail.message_parse import ParsedMessage

Outcome = list[Item] | str  # the items, or why analysis failed


class Pending(Protocol):
    def result(self) -> list[Outcome]: ...


class BatchAnalyser(Protocol):
    def submit(self, messages: Sequence[tuple[ParsedMessage, str]]) -> Pending: ...


def failure_text(exc: Exception) -> str:
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
                outcomes.append(failure_text(exc))
        return _Done(outcomes)
