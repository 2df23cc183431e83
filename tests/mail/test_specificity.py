"""Words that name a concrete thing, and words that only point at one."""

from __future__ import annotations

import pytest

from followthrough.mail.specificity import names_something, points_vaguely


@pytest.mark.parametrize("text", [
    "Could you send me the updated Duke contract?",
    "Do you have the Q3 volumes?",
    "What did the board decide?",
    "the permit hearing",
    "you're stuck on the permit",
    "Please let me know whether Tenaska signed.",
])
def test_named_things(text: str) -> None:
    assert names_something(text)


@pytest.mark.parametrize("text", [
    "Can you facilitate this?",
    "Is this a problem?",
    "Will this comply with your request?",
    "the problem",
    "How is it going?",
    "Could you send me the file?",
    "Thanks. Could you sign it?",  # a capital opening a sentence names nothing
    "Let me know how they respond.",
])
def test_stand_ins(text: str) -> None:
    assert not names_something(text)


@pytest.mark.parametrize(("text", "vague"), [
    ("forward this to me shortly", True),
    ("make the call and research", True),
    ("the problem", True),
    ("it has been a problem", True),
    ("I'm swamped", False),  # whole as it stands: it points at nothing
    ("call me", False),
    ("send you the Duke file", False),
    ("the problem with the Topock permit", False),
])
def test_pointing_without_naming(text: str, vague: bool) -> None:
    assert points_vaguely(text) is vague
