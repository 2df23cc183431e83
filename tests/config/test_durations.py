from datetime import timedelta

import pytest

from followthrough.config.durations import DurationError, format_duration, parse_duration


@pytest.mark.parametrize(("text", "expected"), [
    ("90s", timedelta(seconds=90)),
    ("5m", timedelta(minutes=5)),
    ("12h", timedelta(hours=12)),
    ("30d", timedelta(days=30)),
    ("2w", timedelta(weeks=2)),
    ("1h30m", timedelta(minutes=90)),
    (" 7D ", timedelta(days=7)),
])
def test_parses_each_unit(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["30 days", "30", "d", "", "1.5h", "-5m", "0s", "5y", "5 m"])
def test_rejects_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)


@pytest.mark.parametrize("text", ["90s", "5m", "12h", "30d", "2w", "25h", "61s"])
def test_format_round_trips(text: str) -> None:
    assert parse_duration(format_duration(parse_duration(text))) == parse_duration(text)


def test_format_prefers_one_unit() -> None:
    assert format_duration(timedelta(days=30)) == "30d"
    assert format_duration(timedelta(days=14)) == "2w"
    assert format_duration(timedelta(seconds=61)) == "61s"
