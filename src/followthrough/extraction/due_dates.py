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
                 "seven": 7, "ten": 10, "couple": 2, "couple of": 2, "a couple": 2,
                 "a couple of": 2, "few": 3, "a few": 3}

_WEEKDAY = r"(mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")

# Minutes or hours from now, in so many words: the same day.
_SOON = (r"in (?:just )?(?:the next )?(?:a|one|a few|a couple of|\d{1,2}|\d/\d|half an?)?"
         r" ?(?:moments?|minutes?|mins?|seconds?|secs?|hours?|hrs?|bit|little bit|little while|"
         r"while)|in an hour|any (?:minute|moment|second)|momentarily|right now|shortly"
         r"|(?:through ?out|during|later in) the day|later (?:on|today)"
         r"|\blater\b(?! (?:in|this|next|that) (?:the )?(?:week|month|year))"
         r"|(?:by |this |mid[- ]?)afternoon")
_CLOCK = r"\b(?:at|by|before|around|until|till) \d{1,2}(?::\d\d)? ?(?:am|pm|a\.m\.|p\.m\.)?(?!\S*/)"

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(rx)) for name, rx in (
    ("day_after_tomorrow", r"\bday after tomorrow\b"),
    ("tomorrow", r"\b(?:tomorrow|tmrw|tommorr?ow|tomorow)\b"),
    ("today", r"\b(?:today|tonight|this (?:morning|afternoon|evening)|before the day is out"
              r"|(?:by )?(?:the )?end of (?:the )?(?:business )?day|\beod\b|close of business"
              r"|\bcob\b|later today|right away|asap)\b"),
    ("day_or_two", r"\b(?:in )?a day or two\b"),
    ("in_days", r"\b(?:in|within|give me) (?:the )?(?:next )?(a|one|two|three|four|five|"
                r"a couple of|couple of|a couple|couple|a few|few|\d{1,2}) "
                r"(?:business |working )?days?\b"),
    ("end_of_next_week", r"\bend of next week\b"),
    ("next_week", r"\bnext week\b"),
    ("this_week", r"\b(?:this week|(?:by |before )?(?:the )?end of (?:the|this) week"
                  r"|week'?s end|later (?:in|this) (?:the )?week)\b"),
    ("end_of_month", r"\b(?:(?:the )?end of (?:the |this )?month|month[- ]end)\b"),
    ("next_month", r"\bnext month\b"),
    ("end_of_year", r"\b(?:(?:the )?end of (?:the |this )?year|year[- ]end)\b"),
    ("christmas", r"\bchristmas\b"),
    ("week_of", rf"\bweek of {_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?\b"),
    ("first_week_of", rf"\bfirst week (?:of|in) {_MONTH}"),
    ("month_day", rf"\b{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?"),
    ("day_month", rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH}\b(?:,? (\d{{4}}))?"),
    ("numeric", r"(?:\b(?:on|by|before|until|till|due|for) (?:the )?)(\d{1,2})/(\d{1,2})"
                r"(?:/(\d{2}|\d{4}))?\b"),
    ("numeric_year", r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b"),
    ("in_month", rf"\b(?:in|during|by the end of) {_MONTH}(?! \d)\b"),
    ("next_weekday", rf"\bnext {_WEEKDAY}\b"),
    ("weekday", rf"\b{_WEEKDAY}\b"),
    # weaker words, only when nothing above names the day
    ("soon", rf"\b(?:{_SOON})\b"),
    ("morning", r"\b(?:(?:first thing )?in the (?:morning|morn|a\.m\.)|first thing)\b"),
    ("clock", _CLOCK),
))
# "late Monday or Tuesday", "at the end of the day or Monday": the later one
_ALTERNATIVE = re.compile(r"\s*,?\s*(?:or|to|-)\s+(?:by |on |early |late )?")


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
    if name in ("today", "soon", "clock"):
        return base
    if name == "morning":
        return base + timedelta(days=1)
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
    if name == "week_of":  # its Friday
        start = _calendar_date(base, _MONTHS[str(groups[0])[:3]], int(str(groups[1])), None)
        return start + timedelta(days=(4 - start.weekday()) % 7) if start else None
    if name == "first_week_of":  # the month's first Friday
        first = _calendar_date(base, _MONTHS[str(groups[0])[:3]], 1, None)
        return first + timedelta(days=(4 - first.weekday()) % 7) if first else None
    if name == "in_month":
        month = _MONTHS[str(groups[0])[:3]]
        year = base.year + 1 if month < base.month else base.year
        return _month_end(year, month)
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
    if name == "weekday":  # the coming one; its own name on that day is the day itself
        weekday = _weekday_index(str(groups[0]))
        return base if weekday == base.weekday() else _next_weekday(base, weekday)
    return None


def resolve_date(text: str, base: date) -> date | None:
    """The date ``text`` names, resolved against ``base`` (the message's local date): the
    strongest expression wins ("Monday at 10" is Monday); of two alternatives ("Tuesday or
    Wednesday") the later; a date already past when written ("began on 10/15 and will
    finish on 11/02") gives way to a later one."""
    lowered = " ".join(text.lower().replace("’", "'").split())
    past: date | None = None
    for name, pattern in _RULES:
        for match in pattern.finditer(lowered):
            found = _resolved(name, match.groups(), base)
            if found is None:
                continue
            if found < base - timedelta(days=1):
                past = past or found
                continue
            return max(found, _alternative(lowered, match.end(), base, found) or found)
    return past


def _resolved(name: str, groups: tuple[str | None, ...], base: date) -> date | None:
    try:
        found = _resolve(name, groups, base)
    except OverflowError:  # "tomorrow" written on 9999-12-31
        return None
    return found if found is not None and plausible(found, base) else None


def _alternative(text: str, end: int, base: date, first: date) -> date | None:
    """The date right after "or" following a match, if one is named there; a weekday there
    is the first one after ``first``."""
    joint = _ALTERNATIVE.match(text, end)
    if joint is None:
        return None
    rest = text[joint.end():]
    for name, pattern in _RULES:
        match = pattern.match(rest)
        if match and name == "weekday":
            return _next_weekday(first, _weekday_index(str(match.group(1))))
        if match:
            return _resolved(name, match.groups(), base)
    return None
