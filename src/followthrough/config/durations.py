"""Human durations such as ``90s``, ``5m``, ``12h``, ``30d``, ``2w`` (and ``1h30m``)."""

from __future__ import annotations

import re
from datetime import timedelta

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_WHOLE = re.compile(r"(?:\d+[smhdw])+")
_PART = re.compile(r"(\d+)([smhdw])")

DURATION_FORMS = 'a duration such as "90s", "5m", "12h", "30d" or "2w"'
# Nothing followthrough waits for is longer than ten years; longer values are mistakes and
# would overflow date arithmetic (a date past year 9999) far from where they were typed.
MAX_DURATION = timedelta(weeks=520)


class DurationError(ValueError):
    """The text is not a duration this module understands; ``reason`` says why."""

    def __init__(self, text: str, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{text[:40]!r} {reason}")


def parse_duration(text: str) -> timedelta:
    """Parse ``text`` into a positive timedelta, or raise DurationError."""
    compact = text.strip().lower()
    if not _WHOLE.fullmatch(compact):
        raise DurationError(text, "is not a duration")
    if len(compact) > 40:
        raise DurationError(text, "is too long to be a duration")
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _PART.findall(compact))
    if seconds <= 0:
        raise DurationError(text, "is zero; a duration must be longer than that")
    if seconds > MAX_DURATION.total_seconds():
        raise DurationError(text, f"is longer than {format_duration(MAX_DURATION)} (ten "
                                  "years), the longest duration followthrough accepts")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """A spelling of ``value`` that parse_duration accepts: one unit when it divides evenly."""
    seconds = int(value.total_seconds())
    if seconds <= 0:
        return "0s"
    for unit in ("w", "d", "h", "m"):
        if seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"
