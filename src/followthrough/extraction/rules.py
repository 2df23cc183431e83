"""Sentence rules for commitments, challenges and successes, compiled from ``patterns.toml``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

PATTERN_FILE = "patterns.toml"
_PRONOUN = re.compile(r"\b(i|we|me|us|my|our|you|your|he|she|they|his|her|their|him|them)\b")
_HOLDER_OF = {"i": "sender", "we": "sender", "me": "sender", "us": "sender", "my": "sender",
              "our": "sender", "you": "recipient", "your": "recipient"}
_CLAUSE_BREAK = re.compile(r"[.;:!]|\b(?:but|because|although|though|while)\b")


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    holder: str
    confidence: float
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Veto:
    name: str
    kinds: frozenset[str]
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class RuleMatch:
    kind: str
    holder: str
    confidence: float
    rule: str
    start: int  # offsets in the normalised sentence
    end: int


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    vetoes: tuple[Veto, ...]

    def match(self, normalised: str) -> list[RuleMatch]:
        """At most one match per kind: the first rule of that kind that fires, unvetoed."""
        found: dict[str, RuleMatch] = {}
        vetoed = {kind for veto in self.vetoes if veto.pattern.search(normalised)
                  for kind in veto.kinds}
        for rule in self.rules:
            if rule.kind in found or rule.kind in vetoed:
                continue
            hit = rule.pattern.search(normalised)
            if hit is None:
                continue
            holder = rule.holder
            if holder == "auto":
                holder = auto_holder(normalised, hit.start(), hit.end())
            found[rule.kind] = RuleMatch(rule.kind, holder, rule.confidence, rule.name,
                                         hit.start("what") if "what" in rule.pattern.groupindex
                                         and hit.group("what") else hit.start(), hit.end())
        return list(found.values())


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
                          float(raw["confidence"]), re.compile(pattern)))
    vetoes = [Veto(str(raw["name"]), frozenset(raw["kinds"]),
                   re.compile(_expand(str(raw["pattern"]), lexicon)))
              for raw in list(data.get("veto", []))]  # type: ignore[call-overload]
    return RuleSet(tuple(rules), tuple(vetoes))


@cache
def default_rules() -> RuleSet:
    """The rules shipped with the package."""
    text = resources.files("followthrough.extraction").joinpath(PATTERN_FILE).read_text("utf-8")
    return compile_rules(tomllib.loads(text))
