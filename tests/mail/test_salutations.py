"""Greeting lines and sign-offs, read from the text a person wrote (pure)."""

from __future__ import annotations

import pytest

from followthrough.mail.salutations import Closing, Opening, closing, opening
from followthrough.mail.sender_text import written_lines


@pytest.mark.parametrize(("text", "expected"), [
    ("Hi Becky,\n\nI'm thinking of you.", Opening("Hi Becky,", "Becky")),
    ("Becky -\nthe rates are in.", Opening("Becky -", "Becky")),
    ("Marie,\nPlease update me.", Opening("Marie,", "Marie")),
    ("Hi, Marie, hope all is well.  In order to", Opening("Hi, Marie,", "Marie")),
    ("Dear Mary-Ann:\nThe contract.", Opening("Dear Mary-Ann:", "Mary-Ann")),
    ("Good morning Jeff!\nHere it is.", Opening("Good morning Jeff!", "Jeff")),
])
def test_openings_that_greet_one_person_by_name(text: str, expected: Opening) -> None:
    assert opening(text.split("\n")) == expected


@pytest.mark.parametrize("text", [
    "Deb and Marie,\nEach of you", "Hi all,\nplease", "Thanks,\nfor this", "Okay with me",
    "Steve/Karen,\nI need", "Dear Mr. Smith,\nhello", "HI TEB!\nSometimes",
    "Attached is the list.", "Team,\nplease note", "",
])
def test_no_opening_when_it_greets_no_one_person(text: str) -> None:
    assert opening(text.split("\n")) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Will do.\n\nThanks,\nJeff", Closing("Thanks,\nJeff", "Jeff")),
    ("Will do.\nThanks, Jeff", Closing("Thanks, Jeff", "Jeff")),
    ("ok\n--Sally", Closing("--Sally", "Sally")),
    ("ok\n- Sally", Closing("- Sally", "Sally")),
    ("Please let me know if you have any comments.\nJohn", Closing("John", "John")),
    ("with Enron.\nThanks,\nTom Spencer\nAES Odyssey\nPhone: 607-216-3309\nFax: 607-256-2201",
     Closing("Thanks,\nTom Spencer", "Tom Spencer")),
    ("See you.\n\nBest regards,\nJane Q. Public\n--------------------------\n"
     "Sent from my BlackBerry Wireless Handheld", Closing("Best regards,\nJane Q. Public",
                                                          "Jane Q. Public")),
    ("That works.\nThanks,", Closing("Thanks,", "")),
])
def test_sign_offs_and_the_name_signed(text: str, expected: Closing) -> None:
    assert closing(text.split("\n")) == expected


@pytest.mark.parametrize("text", [
    "Thanks again for the help", "Call me and I'll arrange it.   sjk",
    "Please assure Galen of his need to recuperate.", "Gracias.  DF",
    "Thanks again",  # a closing word is not a name
    "Attendees:\nJeff Dasovich\nSue Mara\nPaul Kaufman",  # a list of names, not a sign-off
])
def test_no_signed_name_from_sentences_or_lists(text: str) -> None:
    found = closing(text.split("\n"))
    assert found is None or found.name == ""


def test_the_sign_off_is_read_above_the_quoted_message_only() -> None:
    body = ("Sounds good.\n\nThanks,\nJeff\n\n-----Original Message-----\nFrom: Sam\n"
            "Sent: Monday\nTo: Jeff\nSubject: x\n\nThanks,\nSam\n")
    assert closing(written_lines(body)) == Closing("Thanks,\nJeff", "Jeff")


WISHES = ["Merry Christmas", "Merry Christmas!", "Happy Holidays", "Happy New Year!",
          "HAPPY HOLIDAYS", "Have a great weekend", "Have a Merry Christmas",
          "Have a great weekend!", "Happy Thanksgiving", "Season's Greetings",
          "Enjoy the holidays", "Good luck!"]


@pytest.mark.parametrize("wish", WISHES)
def test_a_wish_is_neither_a_name_nor_a_sign_off(wish: str) -> None:
    for text in (f"The numbers are in.\n\n{wish}", f"The numbers are in.\n{wish}\n",
                 f"See you.\nThanks,\n{wish}"):
        found = closing(text.split("\n"))
        assert found is None or (found.name == "" and wish not in found.lines), text
    signed = closing(f"The numbers are in.\n\n{wish}\nJeff".split("\n"))
    assert signed == Closing("Jeff", "Jeff")
    assert opening(f"{wish}, Jeff\nThe numbers are in.".split("\n")) is None


@pytest.mark.parametrize("text", ["See you.\nBest Regards", "See you.\nBest Wishes",
                                  "See you.\n\nBest regards\nBest Regards"])
def test_best_regards_is_a_sign_off_never_a_name(text: str) -> None:
    found = closing(text.split("\n"))
    assert found is not None and found.name == ""


def test_best_wishes_with_a_name_is_still_a_sign_off() -> None:
    assert closing(["See you.", "Best wishes,", "Jeff"]) == Closing(
        "Best wishes,\nJeff", "Jeff")
