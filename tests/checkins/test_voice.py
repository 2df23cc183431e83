"""Whom a draft greets by what name, and the user's own greeting and sign-off (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from followthrough.checkins.draft_text import compose_body
from followthrough.checkins.planning import CheckIn
from followthrough.checkins.voice import (
    Voice,
    greeting_name,
    is_my_name,
    most_used,
    name_from_address,
    name_from_display,
    trusted_signature,
)

NOW = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("display", "first"), [
    ("Jeff Dasovich", "Jeff"), ("Dasovich, Jeff", "Jeff"), ("DASOVICH, JEFF A.", "Jeff"),
    ("Jeff Dasovich/NA/Enron", "Jeff"), ("'Mary-Ann O'Neil'", "Mary-Ann"),
    ("Dr. Kay Mann", "Kay"), ("jeff.dasovich@enron.com", ""), ("", ""), ("J", ""),
    ("Jürgen Zöller", "Jürgen"), ("Bo\u200bb Smith", "Bob"),
    ("Legal - James Derrick, Jr.", "James"), ("Legal - James Derrick Jr.", "James"),
    ("Walls, Rob, Jr.", "Rob"), ("Dave Grant, Assistant General Counsel", "Dave"),
    ("Taylor, Mark E (Legal)", "Mark"), ("Jr., James", "James"),
])
def test_first_name_from_display_names(display: str, first: str) -> None:
    assert name_from_display(display) == first


@pytest.mark.parametrize(("address", "first"), [
    ("jeff.dasovich@enron.com", "Jeff"), ("kay_mann@x.com", "Kay"), ("jdasovic@enron.com", ""),
    ("w..white@enron.com", ""), ("a..howard@enron.com", ""), ("x7@x.com", ""),
    ("jr..legal@enron.com", ""), ("dr.who@x.com", ""),
])
def test_first_name_from_address_only_in_first_last_form(address: str, first: str) -> None:
    assert name_from_address(address) == first


def test_a_signed_name_is_trusted_when_it_fits_or_recurs() -> None:
    assert trusted_signature(["Jeff"], "jdasovic@enron.com", ["Jeffrey Dasovich"]) == "Jeff"
    assert trusted_signature(["John"], "john.viverito@enron.com", []) == "John"
    assert trusted_signature(["Tom Spencer"], "tspencer@aesc.com", []) == "Tom"  # surname
    assert trusted_signature(["Becky"], "cantrell@wantabe.com", []) == ""  # once, no fit
    assert trusted_signature(["Becky", "Becky", "Rebecca"], "cantrell@wantabe.com",
                             []) == "Becky"
    assert trusted_signature(["Mike", "Tom", "Mike", "Tom"], "c@x.com", []) == ""
    assert trusted_signature([], "c@x.com", ["C"]) == ""


@pytest.mark.parametrize("wish", ["Merry Christmas", "Happy Holidays", "Happy New Year",
                                  "Best Regards", "Have a great weekend", "Best Wishes"])
def test_a_wish_is_never_taken_for_a_name(wish: str) -> None:
    # signed so by older versions' sync, or shown as a display name (an e-card)
    assert trusted_signature([wish, wish, wish], "jdasovic@enron.com", []) == ""
    assert trusted_signature([wish, "Jeff"], "jdasovic@enron.com", ["Jeff D"]) == "Jeff"
    assert name_from_display(wish) == ""
    assert greeting_name(Voice(display_names=(wish,)), wish, "jdasovic@enron.com") == ("", "")


def test_a_lone_lower_case_word_is_a_name_only_when_their_address_has_it() -> None:
    assert greeting_name(Voice(), "credit", ".williams@enron.com") == ("", "")
    assert greeting_name(Voice(), "jeff", "jeff.d@enron.com")[0] == "Jeff"
    assert greeting_name(Voice(), "Jeff", "jdasovic@enron.com")[0] == "Jeff"


def test_greeting_name_prefers_the_users_own_then_their_signature_then_display() -> None:
    every = Voice(greeted_as="Becky", signed_as="Rebecca", display_names=("Cantrell, R",))
    assert greeting_name(every, "Rebecca Cantrell", "rc@x.com") == ("Becky",
                                                                   "how you greet them")
    signed = Voice(signed_as="Jeff", display_names=("Jeffrey Dasovich",))
    assert greeting_name(signed, "", "jdasovic@x.com") == ("Jeff", "how they sign their mail")
    # a display name seen on any message counts, when the latest one had none
    shown = Voice(display_names=("Lee, Ann",))
    assert greeting_name(shown, "", "al@x.com") == ("Ann", "their display name")
    # never guessed from an address when they sign their mail
    assert greeting_name(Voice(signed_as="Kay"), "", "k.mann@x.com")[0] == "Kay"
    assert greeting_name(Voice(), "", "kay.mann@x.com") == ("Kay", "their address")
    assert greeting_name(Voice(), "", "kmann@x.com") == ("", "")


def test_most_used_breaks_ties_with_the_latest() -> None:
    assert most_used(["a", "b", "b", "a"]) == "a"
    assert most_used(["a", "b", "b"]) == "b"
    assert most_used([]) == ""


def checkin(name: str = "", address: str = "jdasovic@enron.com") -> CheckIn:
    return CheckIn(address, name, "a", "cadence", NOW, timedelta(days=30), (), None, 0.2)


def test_a_draft_opens_and_closes_as_the_user_does_with_them() -> None:
    voice = Voice(greeted_as="Jeff", greeting="Jeff -", closing="--Sally",
                  closing_has_name=True)
    body = compose_body(checkin(), "Sally Beck", "2026-05-14", voice=voice)
    assert body.startswith("Jeff -\n\n")
    assert body.rstrip().endswith("\n--Sally")
    assert "Sally Beck" not in body and "Cheers" not in body


def test_a_closing_without_a_name_keeps_the_configured_signature() -> None:
    voice = Voice(signed_as="Jeff", closing="Thanks,")
    body = compose_body(checkin(), "Sam", "2026-05-14", voice=voice)
    assert body.startswith("Hi Jeff,\n\n") and body.rstrip().endswith("Thanks,\nSam")


def test_without_anything_learned_the_default_stays() -> None:
    body = compose_body(checkin(), "Sam", "2026-05-14")
    assert body.startswith("Hi there,\n\n") and body.rstrip().endswith("Sam")


@pytest.mark.parametrize(("signed", "mine"), [
    ("Sara", True), ("SS", True), ("Sara Shackleton", True),
    ("TE", False), ("True Exchange", False), ("Patti", False),
])
def test_the_users_own_signed_name_fits_their_name_or_initials(signed: str, mine: bool) -> None:
    assert is_my_name(signed, ["sara.shackleton@enron.com"], ["Shackleton, Sara"]) is mine
