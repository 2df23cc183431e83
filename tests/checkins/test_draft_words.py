"""Sentences built from remembered items: grammatical, right in person and tense, never from
the user's own words about them, never cut mid-clause; fewer sentences rather than wrong ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from followthrough.checkins.draft_text import body_lines, compose_body
from followthrough.checkins.phrasing import is_clause, is_noun_phrase, spoken_back, whole
from followthrough.checkins.planning import CheckIn, RememberedItem

NOW = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)
TODAY = "2026-05-14"


def said(kind: str, whose: str, summary: str, evidence: str, *, by_them: bool = True,
         **extra: object) -> RememberedItem:
    return RememberedItem(id=len(summary), kind=kind, whose=whose, summary=summary,
                          evidence=evidence, said_on=NOW - timedelta(days=20),
                          subject="Hello", said_by_them=by_them,
                          due=extra.get("due"),  # type: ignore[arg-type]
                          event_date=extra.get("event_date"))  # type: ignore[arg-type]


def lines_for(*items: RememberedItem, reason: str = "cadence") -> list[str]:
    checkin = CheckIn("ann@example.com", "Ann Lee", "a", reason, NOW, timedelta(days=30),
                      items, None, 0.2)
    return body_lines(checkin, TODAY)


def specific(lines: list[str]) -> list[str]:
    return [line for line in lines if "been a" not in line and "thinking of you" not in line]


# ---- the sentences the issue found wrong
def test_no_congratulations_built_from_an_exclamation() -> None:
    item = said("success", "theirs", "Fantastic — congratulations",
                "Fantastic — congratulations to the whole team!")
    assert specific(lines_for(item)) == []


def test_no_congratulations_on_a_cut_phrase_or_their_praise_of_someone_else() -> None:
    item = said("success", "third_party", "Congratulations on being",
                "Congratulations on being named to the board, Tom!")
    assert specific(lines_for(item)) == []


def test_their_words_about_a_promise_of_mine_turn_to_my_side() -> None:
    item = said("commitment", "mine", "send me the report",
                "Thanks for agreeing to send me the report.", due=date(2026, 5, 1))
    (line,) = specific(lines_for(item))
    assert line == "I'm sorry I haven't yet managed to send you the report — I haven't forgotten."


def test_a_phrase_cut_mid_clause_is_never_used() -> None:
    item = said("commitment", "theirs", "review the draft and give",
                "I will review the draft and give you my comments when I'm back in the "
                "office next week after the conference.")
    (line,) = specific(lines_for(item))
    assert "and give —" not in line
    assert line.startswith("No rush at all — you'd mentioned “I will review the draft")


def test_a_summary_that_stops_before_its_clause_ends_is_not_used() -> None:
    item = say = said("success", "theirs", "I'm excited to say",
                      "I'm excited to say that we closed on the house last week.")
    del say
    assert specific(lines_for(item)) == []


def test_never_their_success_or_challenge_in_the_users_own_words() -> None:
    mine_about_them = [
        said("success", "theirs", "your promotion", "Congratulations on your promotion!",
             by_them=False),
        said("challenge", "theirs", "your father", "So sorry to hear about your father.",
             by_them=False),
    ]
    lines = lines_for(*mine_about_them)
    assert specific(lines) == []
    assert lines  # a generic line rather than an empty draft


# ---- what they say, said right
@pytest.mark.parametrize(("item", "expected"), [
    (said("challenge", "theirs", "We're stuck on the permit",
          "We're stuck on the permit, which is stressful."),
     ("Last time you mentioned you're stuck on the permit — how are things going with that?",
      "You'd mentioned you're stuck on the permit — how are things now?")),
    (said("challenge", "theirs", "my knee surgery", "My knee surgery is on Tuesday."),
     ("How are things going with your knee surgery?",)),
    (said("success", "theirs", "the beta launch went great",
          "The beta launch went great."),
     ("So glad to hear the beta launch went great — congratulations!",)),
    (said("success", "theirs", "my promotion", "I got news of my promotion."),
     ("Congratulations on your promotion!",)),
    (said("commitment", "theirs", "send you my notes", "I'll send you my notes."),
     ("No rush at all, but you'd mentioned you would send me your notes — is that still on?",)),
    (said("commitment", "mine", "send you the deck", "I'll send you the deck by Friday.",
          by_them=False, due=date(2026, 5, 15)),
     ("I haven't forgotten that I promised to send you the deck by Friday, May 15 — "
      "I'm on it.",)),
])
def test_sentences_are_grammatical_and_in_the_right_person(item: RememberedItem,
                                                           expected: tuple[str, ...]) -> None:
    (line,) = specific(lines_for(item))
    assert line in expected


def test_event_questions_are_asked_about_a_thing_or_in_their_own_words() -> None:
    hearing = said("challenge", "theirs", "the permit hearing",
                   "The permit hearing is on May 12.", event_date=date(2026, 5, 12))
    assert lines_for(hearing, reason="event") == ["How did the permit hearing go?"]
    talk = said("challenge", "theirs", "I'm presenting at the conference",
                "I'm presenting at the conference on May 12.", event_date=date(2026, 5, 12))
    assert lines_for(talk, reason="event") == [
        "You'd mentioned “I'm presenting at the conference on May 12.” — how did it go?"]


def test_a_whole_draft_reads_as_one_person_writing() -> None:
    checkin = CheckIn("ann@example.com", "Lee, Ann", "a", "cadence", NOW, timedelta(days=30),
                      (said("success", "theirs", "we closed the round",
                            "We closed the round yesterday!"),), None, 0.2)
    body = compose_body(checkin, "Sam", TODAY)
    assert "So glad to hear you closed the round — congratulations!" in body
    assert "again" not in body  # the user never congratulated them before


# ---- the pieces
def test_spoken_back_swaps_both_sides_at_once() -> None:
    assert spoken_back("I'll send you my notes") == "you'll send me your notes"
    assert spoken_back("we were glad to see you") == "you were glad to see me"


@pytest.mark.parametrize(("phrase", "ok"), [
    ("send you the deck", True), ("review the draft and give", False),
    ("congratulations on being", False), ("look into the", False), ("call me", True),
    ("x" * 130, False), ("", False), ("update the model,", False),
])
def test_whole(phrase: str, ok: bool) -> None:
    assert whole(phrase) is ok


def test_clauses_and_noun_phrases() -> None:
    assert is_clause("the launch went great") and is_clause("you're swamped")
    assert is_noun_phrase("the permit hearing") and not is_clause("the permit hearing")
    assert not is_noun_phrase("fantastic") and not is_clause("fantastic")


@pytest.mark.parametrize("kind", ["challenge", "success"])
def test_a_clause_starting_at_its_verb_is_never_set_after_you_mentioned(kind: str) -> None:
    item = said(kind, "theirs", "Will make these changes to our form ASAP",
                "Will make these changes to our form ASAP and get back to you if need be.")
    assert specific(lines_for(item)) == []
    fine = said(kind, "theirs", "we closed the round" if kind == "success"
                else "we're stuck on the permit",
                "We closed the round!" if kind == "success" else "We're stuck on the permit.")
    (line,) = specific(lines_for(fine))
    assert "you closed the round" in line or "you're stuck on the permit" in line
