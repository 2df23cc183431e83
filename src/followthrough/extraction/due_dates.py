"""Resolving time expressions ("tomorrow", "by Friday", "next week", "May 12") to dates.

Everything is relative to the date the message was written, in the sender's own time zone:
"tomorrow" in a message sent Tuesday 23:30 in Houston is Wednesday, whatever UTC says.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {name: index for index, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    start=1)}
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "ten": 10, "couple": 2, "couple of": 2, "few": 3}

_WEEKDAY = r"(mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(rx)) for name, rx in (
    ("day_after_tomorrow", r"\bday after tomorrow\b"),
    ("tomorrow", r"\btomorrow\b|\btmrw\b"),
    ("today", r"\b(?:today|tonight|this (?:morning|afternoon|evening)|before the day is out"
              r"|(?:by )?(?:the )?end of (?:the )?(?:business )?day|\beod\b|close of business"
              r"|\bcob\b|later today|right away|asap)\b"),
    ("day_or_two", r"\b(?:in )?a day or two\b"),
    ("in_days", r"\bin (?:the next )?(a|one|two|three|four|five|a couple of|a few|\d{1,2})"
                r" (?:business |working )?days?\b"),
    ("end_of_next_week", r"\bend of next week\b"),
    ("next_week", r"\bnext week\b"),
    ("this_week", r"\b(?:this week|(?:by |before )?(?:the )?end of (?:the|this) week"
                  r"|week'?s end)\b"),
    ("end_of_month", r"\b(?:(?:the )?end of (?:the |this )?month|month[- ]end)\b"),
    ("next_month", r"\bnext month\b"),
    ("end_of_year", r"\b(?:(?:the )?end of (?:the |this )?year|year[- ]end)\b"),
    ("christmas", r"\bchristmas\b"),
    ("month_day", rf"\b{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?"),
    ("day_month", rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH}\b(?:,? (\d{{4}}))?"),
    ("numeric", r"(?:\b(?:on|by|before|until|till|due|for) (?:the )?)(\d{1,2})/(\d{1,2})"
                r"(?:/(\d{2}|\d{4}))?\b"),
    ("numeric_year", r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b"),
    ("next_weekday", rf"\bnext {_WEEKDAY}\b"),
    ("weekday", rf"\b{_WEEKDAY}\b"),
))


# A date further than this from the day the message was written is not a plan anybody
# made ("in the year 9999"); it is ignored rather than remembered.
MAX_YEARS_AWAY = 5


def plausible(found: date, base: date) -> bool:
    return abs(found.year - base.year) <= MAX_YEARS_AWAY


def _weekday_index(text: str) -> int:
    text = text.lower()
    return next(i for i, name in enumerate(WEEKDAYS) if name.startswith(text[:3]))


def _next_weekday(base: date, weekday: int, following_week: bool = False) -> date:
    ahead = (weekday - base.weekday()) % 7 or 7
    result = base + timedelta(days=ahead)
    if following_week and result.isocalendar()[:2] == base.isocalendar()[:2]:
        result += timedelta(days=7)
    return result


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _calendar_date(base: date, month: int, day: int, year: int | None) -> date | None:
    if year is not None and year < 100:
        year += 2000 if year < 70 else 1900
    try:
        found = date(year or base.year, month, day)
    except ValueError:
        return None
    if year is None and found < base - timedelta(days=60):
        try:
            found = date(base.year + 1, month, day)
        except ValueError:
            return None
    return found


def _resolve(name: str, groups: tuple[str | None, ...], base: date) -> date | None:
    if name == "today":
        return base
    if name == "tomorrow":
        return base + timedelta(days=1)
    if name == "day_after_tomorrow":
        return base + timedelta(days=2)
    if name == "day_or_two":
        return base + timedelta(days=2)
    if name == "in_days":
        word = str(groups[0])
        count = int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 2)
        return base + timedelta(days=count)
    if name == "next_week":
        return _next_weekday(base, 4, following_week=True) if base.weekday() < 5 else \
            _next_weekday(base, 4)
    if name == "end_of_next_week":
        return _next_weekday(base, 4, following_week=True)
    if name == "this_week":
        return base + timedelta(days=(4 - base.weekday()) % 7)
    if name == "end_of_month":
        return _month_end(base.year, base.month)
    if name == "next_month":
        year, month = (base.year + 1, 1) if base.month == 12 else (base.year, base.month + 1)
        return _month_end(year, month)
    if name == "end_of_year":
        return date(base.year, 12, 31)
    if name == "christmas":
        christmas = date(base.year, 12, 25)
        return christmas if christmas >= base else date(base.year + 1, 12, 25)
    if name == "month_day":
        return _calendar_date(base, _MONTHS[str(groups[0])[:3]], int(str(groups[1])),
                              int(groups[2]) if groups[2] else None)
    if name == "day_month":
        return _calendar_date(base, _MONTHS[str(groups[1])[:3]], int(str(groups[0])),
                              int(groups[2]) if groups[2] else None)
    if name in ("numeric", "numeric_year"):
        return _calendar_date(base, int(str(groups[0])), int(str(groups[1])),
                              int(groups[2]) if groups[2] else None)
    if name == "next_weekday":
        return _next_weekday(base, _weekday_index(str(groups[0])), following_week=True)
    if name == "weekday":
        return _next_weekday(base, _weekday_index(str(groups[0])))
    return None


def resolve_date(text: str, base: date) -> date | None:
    """The first date ``text`` names, resolved against ``base`` (the message's local date)."""
    lowered = " ".join(text.lower().replace("’", "'").split())
    for name, pattern in _RULES:
        match = pattern.search(lowered)
        if match:
            try:
                found = _resolve(name, match.groups(), base)
            except OverflowError:  # "tomorrow" written on 9999-12-31
                found = None
            if found is not None and plausible(found, base):
                return found
    return None
