"""Sentence rules for commitments, challenges and successes, compiled from ``patterns.toml``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from followthrough.extraction.anchors import AnchorIndex

PATTERN_FILE = "patterns.toml"
_PRONOUN = re.compile(r"\b(i|we|me|us|my|our|you|your|he|she|they|his|her|their|him|them)\b")
_HOLDER_OF = {"i": "sender", "we": "sender", "me": "sender", "us": "sender", "my": "sender",
              "our": "sender", "you": "recipient", "your": "recipient"}
_WINDOW_BREAK = re.compile(r"[.;!?]+(?:\s|$)|\s-{1,2}\s|\s(?:and|but|so)\s(?=(?:i|we)\b)")
_CLAUSE_BREAK = re.compile(r"[.;:!]|\b(?:but|because|although|though|while)\b")


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    holder: str
    confidence: float
    pattern: re.Pattern[str]
    anchors: tuple[str, ...] = ()  # one of these occurs in every match; () means no filter


@dataclass(frozen=True)
class Veto:
    name: str
    kinds: frozenset[str]
    pattern: re.Pattern[str]
    before_only: bool = False  # look only at the clause up to the end of the match

    def applies(self, kind: str, window: str, match_end_in_window: int) -> bool:
        if kind not in self.kinds:
            return False
        text = window[:match_end_in_window] if self.before_only else window
        return bool(self.pattern.search(text))


@dataclass(frozen=True)
class RuleMatch:
    kind: str
    holder: str
    confidence: float
    rule: str
    start: int  # offsets in the normalised sentence: where its summary starts
    end: int
    focused: bool = False  # the rule marked what the item is about ((?P<what>...))


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    vetoes: tuple[Veto, ...]
    _anchors: AnchorIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_anchors", AnchorIndex([rule.anchors for rule in self.rules]))

    def match(self, normalised: str, use_anchors: bool = True) -> list[RuleMatch]:
        """At most one match per kind: the first unvetoed occurrence of the first rule.
        With ``use_anchors``, a rule none of whose anchors occurs is not tried (all
        anchors are looked for in one scan, ``AnchorIndex``)."""
        found: dict[str, RuleMatch] = {}
        worth_trying = (self._anchors.present(normalised) if use_anchors
                        else (1 << len(self.rules)) - 1)
        while worth_trying:  # the rules whose bit is set, in order
            lowest = worth_trying & -worth_trying
            worth_trying ^= lowest
            rule = self.rules[lowest.bit_length() - 1]
            if rule.kind in found:
                continue
            for hit in rule.pattern.finditer(normalised):
                left, right = clause_window(normalised, hit.start(), hit.end())
                window = normalised[left:right]
                if any(veto.applies(rule.kind, window, hit.end() - left)
                       for veto in self.vetoes):
                    continue
                holder = rule.holder
                if holder == "auto":
                    holder = auto_holder(normalised, hit.start(), hit.end())
                focused = "what" in rule.pattern.groupindex and bool(hit.group("what"))
                start = hit.start("what") if focused else hit.start()
                found[rule.kind] = RuleMatch(rule.kind, holder, rule.confidence, rule.name,
                                             start, hit.end(), focused)
                break
        return list(found.values())


def clause_window(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a match, where vetoes look: from the last sentence-like break
    ("...", ";", " and I", " but ") before it to the next one after it."""
    left = 0
    for brk in _WINDOW_BREAK.finditer(text, 0, start):
        left = brk.end()
    right_break = _WINDOW_BREAK.search(text, end)
    right = right_break.start() if right_break else len(text)
    return left, max(right, end)


def normalise(sentence: str) -> str:
    return " ".join(sentence.replace("’", "'").replace("‘", "'").split()).lower()


def auto_holder(text: str, start: int, end: int) -> str:
    """Whose challenge or success: the person word that opens the trigger, else the nearest
    one before it in the same clause, else the first one just after it; else the sender."""
    opening = _PRONOUN.match(text, start)
    if opening:
        return _HOLDER_OF.get(opening.group(1), "third_party")
    clause_start = 0
    for brk in _CLAUSE_BREAK.finditer(text, 0, start):
        clause_start = brk.end()
    before = _PRONOUN.findall(text, clause_start, start)
    if before:
        return _HOLDER_OF.get(before[-1], "third_party")
    after = _PRONOUN.search(text, end, end + 40)
    if after:
        return _HOLDER_OF.get(after.group(1), "third_party")
    return "sender"


def _expand(template: str, lexicon: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in lexicon:
            raise ValueError(f"{PATTERN_FILE}: unknown lexicon entry {{{name}}}")
        return lexicon[name]

    previous = None
    while previous != template:
        previous, template = template, re.sub(r"\{([A-Z_]+)\}", one, template)
    return template


def compile_rules(data: dict[str, object]) -> RuleSet:
    lexicon = {str(k): str(v) for k, v in dict(data.get("lexicon", {})).items()}  # type: ignore[call-overload]
    rules = []
    for raw in list(data.get("rule", [])):  # type: ignore[call-overload]
        template = str(raw["pattern"])
        if raw["kind"] == "commitment":
            # What is promised starts at the action: the summary is built from there.
            template = template.replace("(?:{ACTION})", "(?P<what>{ACTION})", 1)
        pattern = _expand(template, lexicon)
        rules.append(Rule(str(raw["name"]), str(raw["kind"]), str(raw["holder"]),
                          float(raw["confidence"]), re.compile(pattern),
                          tuple(str(a) for a in raw.get("anchors", ()))))
    vetoes = [Veto(str(raw["name"]), frozenset(raw["kinds"]),
                   re.compile(_expand(str(raw["pattern"]), lexicon)),
                   before_only=raw.get("scope", "clause") == "before")
              for raw in list(data.get("veto", []))]  # type: ignore[call-overload]
    return RuleSet(tuple(rules), tuple(vetoes))


@cache
def default_rules() -> RuleSet:
    """The rules shipped with the package."""
    text = resources.files("followthrough.extraction").joinpath(PATTERN_FILE).read_text("utf-8")
    return compile_rules(tomllib.loads(text))
