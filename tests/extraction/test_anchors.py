"""One scan for many anchors gives exactly which groups have an anchor in the text, also
where anchors overlap, nest or extend one another."""

from __future__ import annotations

import random

import pytest

from followthrough.extraction.anchors import AnchorIndex
from followthrough.extraction.rules import default_rules


def naive(groups: list[tuple[str, ...]], text: str) -> int:
    return sum(1 << i for i, group in enumerate(groups)
               if not group or any(anchor in text for anchor in group))


def test_overlapping_and_nested_anchors() -> None:
    groups = [("going to",), (" to ",), ("hospital",), ("hospitali",), ("ll ", "'ll"), (),
              ("a.b", "(x)")]
    index = AnchorIndex(groups)
    for text, expected in [
        ("i'm going to call", 0b0100011),
        ("going to the hospital", 0b0100111),
        ("hospitalised", 0b0101100),
        ("we'll see", 0b0110000),
        ("a.b (x)", 0b1100000),
        ("axb", 0b0100000),
        ("", 0b0100000),
    ]:
        assert index.present(text) == expected == naive(groups, text), text


def test_random_text_against_substring_tests() -> None:
    rng = random.Random(16)
    alphabet = "ab '.?"
    groups = [tuple("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4)))
                    for _ in range(rng.randint(0, 4))) for _ in range(12)]
    index = AnchorIndex(groups)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert index.present(text) == naive(groups, text), (groups, text)


def test_shipped_rule_anchors() -> None:
    groups = [rule.anchors for rule in default_rules().rules]
    index = AnchorIndex(groups)
    for text in ["i'll send it tomorrow", "count me in!", "we were laid off last week",
                 "congrats on the new job", "as you said, the hospitalization went well",
                 "nothing here", "sympathies; get well soon", "he fell ill"]:
        assert index.present(text) == naive(groups, text), text


def test_an_empty_anchor_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        AnchorIndex([("a", "")])
