"""The tokens spaCy's tokenizer makes of one chunk of text (no whitespace inside), worked out
from the tokenizer's own prefix, suffix, infix and URL patterns and special cases, without
creating a lexeme for every new string as the tokenizer itself does (that is slow, and
grows the vocabulary of a long-running process).

spaCy tokenizes in two stages: affixes and special cases chunk by chunk, then a phrase
matcher looks for special cases the first stage split apart and puts them back together.
This module does the first stage; where the second would change a token, it says so
(``None``) and the caller asks spaCy itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.attrs import ORTH
from spacy.tokenizer import Tokenizer

Search = Callable[[str], Any]


def _never(text: str) -> None:
    return None


class ChunkTokenizer:
    def __init__(self, tokenizer: Tokenizer) -> None:
        self._prefix: Search = tokenizer.prefix_search or _never
        self._suffix: Search = tokenizer.suffix_search or _never
        self._infixes: Callable[[str], Any] = tokenizer.infix_finditer or (lambda text: ())
        self._url: Search = tokenizer.url_match or _never
        self._token_match: Search = tokenizer.token_match or _never
        self._specials: dict[str, tuple[str, ...]] = {
            key: tuple(str(part[ORTH]) for part in parts)
            for key, parts in tokenizer.rules.items()}
        # The matcher's patterns: a special case as the first stage splits it without
        # special cases. Only those whose special tokens differ can change anything.
        self._rejoined: dict[str, list[tuple[str, ...]]] = {}
        for key, tokens in self._specials.items():
            if tokenizer.faster_heuristics and " " not in key and not (
                    self._prefix(key) or self._suffix(key) or any(
                        True for _ in self._infixes(key))):
                continue  # spaCy does not add it to its matcher
            pattern = tuple(self._split(key, specials=False))
            if pattern != tokens:
                self._rejoined.setdefault(pattern[0], []).append(pattern)

    def tokens(self, chunk: str) -> list[str] | None:
        """The chunk's tokens; None when spaCy's special-case matcher would change them."""
        found = self._split(chunk, specials=True)
        for i, token in enumerate(found):
            for pattern in self._rejoined.get(token, ()):
                if tuple(found[i:i + len(pattern)]) == pattern:
                    return None
        return found

    def _split(self, text: str, *, specials: bool) -> list[str]:
        """spaCy's first stage on one chunk: prefixes and suffixes peeled off while none of
        what is left is a special case, then the middle as a special case, a URL, or split
        at its infixes."""
        rules = self._specials if specials else {}
        prefixes: list[str] = []
        suffixes: list[str] = []
        last_size = 0
        while text and len(text) != last_size:
            if self._token_match(text) or text in rules:
                break
            last_size = len(text)
            found = self._prefix(text)
            pre_len = found.end() - found.start() if found else 0
            if pre_len:
                prefix, minus_pre = text[:pre_len], text[pre_len:]
                if minus_pre and minus_pre in rules:
                    text = minus_pre
                    prefixes.append(prefix)
                    break
            found = self._suffix(text[pre_len:])
            suf_len = found.end() - found.start() if found else 0
            if suf_len:
                suffix, minus_suf = text[-suf_len:], text[:-suf_len]
                if minus_suf and minus_suf in rules:
                    text = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and pre_len + suf_len <= len(text):
                text = text[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                text = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                text = minus_suf
                suffixes.append(suffix)
        return prefixes + self._middle(text, rules) + suffixes[::-1]

    def _middle(self, text: str, rules: dict[str, tuple[str, ...]]) -> list[str]:
        if not text:
            return []
        if text in rules:
            return list(rules[text])
        if self._token_match(text) or self._url(text):
            return [text]
        tokens: list[str] = []
        start = 0
        for infix in self._infixes(text):
            if infix.start() == 0:
                continue
            if infix.start() != start:
                tokens.append(text[start:infix.start()])
            if infix.start() != infix.end():
                tokens.append(text[infix.start():infix.end()])
            start = infix.end()
        if text[start:]:
            tokens.append(text[start:])
        return tokens
