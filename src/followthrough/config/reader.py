"""Typed, problem-collecting access to one TOML table.

Every accessor records a :class:`ConfigProblem` instead of raising, so a user sees all of
the mistakes in a file at once; :meth:`TableReader.finish` reports keys nobody asked for
(typos such as ``cadance``).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import time, timedelta
from typing import TypeVar

from followthrough.config.durations import DURATION_FORMS, DurationError, parse_duration
from followthrough.errors import ConfigProblem

T = TypeVar("T")

_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def describe(value: object) -> str:
    """How a TOML value reads to a user, for 'is ...' in messages."""
    if isinstance(value, bool):
        return "the boolean " + str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "the string " + json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__} value"


class TableReader:
    """Reads keys of one table; ``path`` is its dotted location, e.g. ``cadence``."""

    def __init__(self, table: Mapping[str, object], path: str, file: str,
                 problems: list[ConfigProblem]) -> None:
        self._table = table
        self._path = path
        self._file = file
        self._problems = problems
        self._seen: set[str] = set()

    # ---- bookkeeping
    def key_path(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def problem(self, key: str, problem: str, expected: str = "") -> None:
        self._problems.append(ConfigProblem(self._file, self.key_path(key), problem, expected))

    def has(self, key: str) -> bool:
        return key in self._table

    def peek_string(self, key: str) -> str | None:
        """The raw value of ``key`` when it is a string, without marking it read."""
        value = self._table.get(key)
        return value if isinstance(value, str) else None

    def peek_list_is_empty(self, key: str) -> bool:
        """Whether ``key`` holds an empty list (``addresses = []``), without marking it read."""
        value = self._table.get(key)
        return isinstance(value, list) and not value

    def _raw(self, key: str, required: bool) -> object | None:
        self._seen.add(key)
        if key not in self._table:
            if required:
                self.problem(key, "is missing", "this key to be set")
            return None
        return self._table[key]

    def _typed(self, key: str, kind: type[T], expected: str, required: bool) -> T | None:
        value = self._raw(key, required)
        if value is None:
            return None
        # bool is a subclass of int in Python but not in TOML.
        if type(value) is not kind:
            self.problem(key, f"is {describe(value)}", expected)
            return None
        return value

    def finish(self, known: Sequence[str] = ()) -> None:
        """Report every key that no accessor read, with a spelling suggestion."""
        candidates = sorted(set(self._seen) | set(known))
        for key in self._table:
            if key in self._seen:
                continue
            close = difflib.get_close_matches(key, candidates, n=1)
            hint = f'"{close[0]}"' if close else "one of: " + ", ".join(candidates)
            self.problem(key, "is not a known setting", hint)

    # ---- scalar accessors
    def string(self, key: str, default: str | None = None, *, required: bool = False,
               choices: Sequence[str] = (), nonempty: bool = True) -> str | None:
        value = self._typed(key, str, "a string", required)
        if value is None:
            return default
        if nonempty and not value.strip():
            self.problem(key, "is empty", "a non-empty string")
            return default
        if choices and value not in choices:
            self.problem(key, f"is {value!r}", "one of " + ", ".join(f'"{c}"' for c in choices))
            return default
        return value

    def integer(self, key: str, default: int, *, minimum: int | None = None,
                maximum: int | None = None) -> int:
        value = self._typed(key, int, "an integer", False)
        if value is None:
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            span = f"from {minimum}" + (f" to {maximum}" if maximum is not None else " up")
            self.problem(key, f"is {value}", f"an integer {span}")
            return default
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self._typed(key, bool, "true or false", False)
        return default if value is None else value

    def duration(self, key: str, default: timedelta | None, *, allow_off: bool = False,
                 minimum: timedelta | None = None) -> timedelta | None:
        expected = DURATION_FORMS + (' or "off"' if allow_off else "")
        value = self._typed(key, str, expected, False)
        if value is None:
            return default
        if allow_off and value.strip().lower() == "off":
            return None
        try:
            parsed = parse_duration(value)
        except DurationError as exc:
            self.problem(key, f"is {value[:40]!r}, which {exc.reason}",
                         expected + ', at most "520w"')
            return default
        if minimum is not None and parsed < minimum:
            self.problem(key, f"is {value!r}, which is too short",
                         f"at least {int(minimum.total_seconds())} seconds")
            return default
        return parsed

    def clock(self, key: str, default: time) -> time:
        value = self._typed(key, str, 'a time of day "HH:MM" (24-hour)', False)
        if value is None:
            return default
        match = _CLOCK.fullmatch(value.strip())
        if not match:
            self.problem(key, f"is {value!r}", 'a time of day "HH:MM" (24-hour), e.g. "08:30"')
            return default
        return time(int(match[1]), int(match[2]))

    def string_list(self, key: str, default: Sequence[str] = (), *, required: bool = False,
                    check: Callable[[str], str | None] | None = None,
                    expected: str = "a list of strings") -> tuple[str, ...] | None:
        """A list of strings; ``check`` returns a problem text for a bad element."""
        value = self._typed(key, list, expected, required)
        if value is None:
            return None if required else tuple(default)
        out: list[str] = []
        for index, element in enumerate(value):
            where = f"{key}[{index}]"
            if type(element) is not str or not element.strip():
                self.problem(where, f"is {describe(element)}", "a non-empty string")
                continue
            trouble = check(element) if check else None
            if trouble:
                self.problem(where, trouble, expected)
                continue
            out.append(element)
        return tuple(out)

    # ---- nested tables
    def table(self, key: str) -> TableReader:
        """A sub-table (``[schedule]``); an absent one reads as empty."""
        value = self._raw(key, False)
        if value is None:
            value = {}
        elif not isinstance(value, dict):
            self.problem(key, f"is {describe(value)}", f"a table [{self.key_path(key)}]")
            value = {}
        return TableReader(value, self.key_path(key), self._file, self._problems)

    def table_list(self, key: str) -> list[TableReader]:
        """An array of tables (``[[account]]``); element paths read ``account[1]``, 1-based."""
        value = self._raw(key, False)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(key, f"is {describe(value)}",
                         f"one or more [[{self.key_path(key)}]] tables")
            return []
        return [TableReader(v, f"{self.key_path(key)}[{i}]", self._file, self._problems)
                for i, v in enumerate(value, start=1)]
