"""Feelings about the reader ("I am worried about you") are never the writer's challenge or
success: the holder is the reader, and no draft asks the writer about them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from followthrough.checkins.draft_text import challenge_line, success_line
from followthrough.checkins.planning import RememberedItem, whose
from followthrough.extraction import Extractor
from followthrough.extraction.sentence_model import KINDS, SentenceModel
from followthrough.mail.reader_feelings import feeling_for_reader

ABOUT_THE_READER = [
    "I am worried about you.",
    "I was so worried about you after the accident.",
    "I'm so sorry about your news.",
    "Sorry to hear that your trip fell through.",
    "Hope you're feeling better.",
    "I hope your mother is doing better after the surgery.",
    "We are all thinking of you.",
    "Our thoughts are with you.",
    "I am so happy for you!",
    "We're all very proud of you.",
    "I just heard and I am so, so sorry.",
]
ABOUT_THE_WRITER = [
    "We're stuck on the permit, which is stressful.",
    "I am worried about the deadline.",
    "I'm swamped with the annual meeting prep.",
    "We closed the round last week!",
    "Sorry for the delay in getting back to you.",
    "I hope to have the numbers by Friday.",
    "I'm sorry I missed your call yesterday.",
]


@pytest.mark.parametrize("text", ABOUT_THE_READER)
def test_feelings_about_the_reader_are_recognised(text: str) -> None:
    assert feeling_for_reader(text)


@pytest.mark.parametrize("text", ABOUT_THE_WRITER)
def test_the_writers_own_news_is_not_a_feeling_for_the_reader(text: str) -> None:
    assert not feeling_for_reader(text)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def forced(kind: str) -> object:
    """A model that finds exactly one item of ``kind`` in every sentence: the holder
    logic is then tested alone, whatever the trained model's scores."""
    def scores(self: SentenceModel, sentences: list[list[str]]) -> list[dict[str, float]]:
        return [{k: (1.0 if k == kind else 0.0) for k in KINDS} for _ in sentences]
    return scores


@pytest.mark.parametrize("text", [t for t in ABOUT_THE_READER if "happy" not in t
                                  and "proud" not in t])
def test_a_worry_for_the_reader_is_held_by_the_reader(
        extractor: Extractor, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(SentenceModel, "scores", forced("challenge"))
    (item,) = extractor.extract_text(text, date(2026, 3, 3))
    assert (item.kind, item.holder) == ("challenge", "recipient")
    # from a contact, that is the user's trouble: never one to ask the contact about
    assert whose(item.holder, "in") == "mine"


@pytest.mark.parametrize("text", ["I am so happy for you!", "We're all very proud of you."])
def test_joy_for_the_reader_is_the_readers_success(
        extractor: Extractor, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(SentenceModel, "scores", forced("success"))
    (item,) = extractor.extract_text(text, date(2026, 3, 3))
    assert (item.kind, item.holder) == ("success", "recipient")


@pytest.mark.parametrize(("text", "holder"), [
    ("We're stuck on the permit, which is stressful.", "sender"),
    ("I am worried about the deadline.", "sender"),
    # the writer's trouble stays theirs though the sentence goes on to wish the reader well
    ("We're stuck on the permit and I hope you are well.", "sender"),
])
def test_the_writers_own_trouble_stays_theirs(
        extractor: Extractor, monkeypatch: pytest.MonkeyPatch, text: str, holder: str) -> None:
    monkeypatch.setattr(SentenceModel, "scores", forced("challenge"))
    (item,) = extractor.extract_text(text, date(2026, 3, 3))
    assert item.holder == holder


def remembered(kind: str, evidence: str, summary: str) -> RememberedItem:
    return RememberedItem(1, kind, "theirs", summary, evidence,
                          datetime(2026, 3, 1, tzinfo=UTC), "Hi")


def test_an_item_stored_before_the_fix_is_still_not_put_into_a_draft() -> None:
    """Items remembered by an older version keep their holder: the words are checked too."""
    worry = remembered("challenge", "I am worried about you.", "I am worried about you")
    assert challenge_line(worry, "seed") is None
    joy = remembered("success", "I am so happy for you about the new job!",
                     "I am so happy for you")
    assert success_line(joy) is None
    cut = remembered("challenge", "I am so worried about you and the kids.", "I am so worried")
    assert challenge_line(cut, "seed") is None
    stuck = remembered("challenge", "We're stuck on the permit.", "We're stuck on the permit")
    assert challenge_line(stuck, "seed") is not None
    # their own trouble, though the sentence goes on to wish the user well
    both = remembered("challenge", "We're stuck on the permit and I hope you are well.",
                      "We're stuck on the permit")
    assert challenge_line(both, "seed") is not None
