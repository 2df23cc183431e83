"""A question of the user's, retold in their voice for a nudge (pure)."""

from __future__ import annotations

import pytest

from followthrough.checkins.reported_questions import reported_question


@pytest.mark.parametrize(("question", "reported"), [
    ("Could you share the updated version\nwith the new delivery terms when you have a moment?",
     "whether you could share the updated version with the new delivery terms"),
    ("Can you please send me the Q3 numbers?", "whether you could send me the Q3 numbers"),
    ("Could you send me the file, please?", "whether you could send me the file"),
    ("Would you be able to review the ISDA for me?", "whether you could review the ISDA"),
    ("Do you want me to send the deck to Mark?", "whether you'd like me to send the deck to Mark"),
    ("Would you like me to call Tenaska?", "whether you'd like me to call Tenaska"),
    ("Shall I set up a call with legal?", "whether I should set up a call with legal"),
    ("Also, do you know who is handling the confirm?",
     "whether you know who is handling the confirm"),
    ("Have you had a chance to look at the draft?",
     "whether you have had a chance to look at the draft"),
    ("Is there any update on the Duke deal?", "whether there is any update on the Duke deal"),
    ("Would you mind sending the rates?", "whether you'd mind sending the rates"),
    ("So can I get a copy of the memo?", "whether I could get a copy of the memo"),
    # requests written as statements
    ("Let me know what your schedule is.", "what your schedule is"),
    ("Please let me know if you have signed the Tenaska confirm.",
     "whether you have signed the Tenaska confirm"),
    ("Please let me know that you are fully agreed with Chase.",
     "whether you are fully agreed with Chase"),
    ("Can you set up a phone interview with Jimmy Liew.",
     "whether you could set up a phone interview with Jimmy Liew"),
])
def test_common_question_forms_are_retold(question: str, reported: str | None) -> None:
    assert reported_question(question) == reported


@pytest.mark.parametrize("question", [
    "Did Tenaska sign the confirm?",  # retelling would change the verb's tense
    "What did Tenaska say about the confirm?",
    "Can you call me today?",  # tied to the day it was asked
    "Could you send it now?",
    "Can you?",
    "Could you send the “final” version?",
    "Please send the numbers.",  # not a question
    "Can you send it? And the memo?",
    "Let me know.",
    "I need the numbers. Can you send them?",
])
def test_other_forms_are_left_as_written(question: str) -> None:
    assert reported_question(question) is None
