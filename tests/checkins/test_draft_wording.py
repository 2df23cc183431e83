"""Wording: a sentence names the concrete thing or is dropped ("how is the problem going?"
never), and quoted words carry no stray quote marks or separators ("…research.”; is").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from followthrough.checkins.draft_text import body_lines
from followthrough.checkins.phrasing import quoted_fragment
from followthrough.checkins.planning import CheckIn, RememberedItem

NOW = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)


def said(kind: str, whose: str, summary: str, evidence: str) -> RememberedItem:
    return RememberedItem(id=len(summary), kind=kind, whose=whose, summary=summary,
                          evidence=evidence, said_on=NOW - timedelta(days=5),
                          subject="Hello", said_by_them=True)


def lines(item: RememberedItem) -> list[str]:
    checkin = CheckIn("ann@example.com", "Ann Lee", "a", "cadence", NOW, timedelta(days=30),
                      (item,), None, 0.2)
    return [line for line in body_lines(checkin, NOW.date().isoformat())
            if "been a" not in line and "thinking of you" not in line]


@pytest.mark.parametrize("item", [
    said("challenge", "theirs", "the problem", "We still have the problem."),
    said("challenge", "theirs", "it has been a problem", "It has been a problem all week."),
    said("commitment", "theirs", "forward this to you shortly upon my receipt",
         "I will forward this to you shortly upon my receipt."),
    said("commitment", "theirs", "make the call and research",
         "I will make the call and research."),
])
def test_a_point_that_names_nothing_is_dropped(item: RememberedItem) -> None:
    assert lines(item) == []


def test_a_state_of_theirs_needs_no_object() -> None:
    swamped = said("challenge", "theirs", "I'm swamped", "I'm swamped.")
    assert lines(swamped) in (
        ["Last time you mentioned you're swamped — how are things going with that?"],
        ["You'd mentioned you're swamped — how are things now?"])


def test_a_vague_summary_gives_way_to_their_words_naming_the_thing() -> None:
    item = said("challenge", "theirs", "the problem",
                "The problem with the Duke nomination is getting worse.")
    assert lines(item) == ["You'd mentioned “The problem with the Duke nomination is getting "
                           "worse.” — how are things now?"]


def test_quoted_words_carry_no_stray_marks_or_separators() -> None:
    cut = said("commitment", "theirs", "review the draft and give",
               "“I will review the Duke draft and give you comments”;")
    assert lines(cut) == ["No rush at all — you'd mentioned “I will review the Duke draft and "
                          "give you comments” — is that still on?"]
    run_on = said("commitment", "theirs", "circulate the assignment to AEP on",
                  "I will circulate the assignment to AEP on Monday or Tuesday.....if you "
                  "have questions, see me.")
    (line,) = lines(run_on)
    assert "“I will circulate the assignment to AEP on Monday or Tuesday”" in line
    assert "see me" not in line and "..." not in line and "”;" not in line


@pytest.mark.parametrize(("text", "around", "fragment"), [
    ("I will make the call and research.", "", "I will make the call and research."),
    ('"We are stuck on the permit;', "", "We are stuck on the permit"),
    ("— “I will send it to Duke”; ", "", "I will send it to Duke"),
    ("We're “stuck on the Topock permit, sadly", "", "We're stuck on the Topock permit, sadly"),
    ("Did you hear from Duke?  ...", "", "Did you hear from Duke?"),
    ("Thanks for lunch. I will send the Topock map; talk soon", "send the Topock map",
     "I will send the Topock map"),
])
def test_quoted_fragment(text: str, around: str, fragment: str) -> None:
    assert quoted_fragment(text, around) == fragment
