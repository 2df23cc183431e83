"""Which groups of fixed strings ("anchors") occur in a text, in one scan.

A rule or a cue is worth trying only when one of its anchors occurs in the sentence.
Testing each of a hundred anchors with ``in`` costs a hundred scans; here all anchors
form one trie-shaped regex that, at every position of the text, reads the longest anchor
starting there. The anchors that are prefixes of it start there too, so the groups each
longest anchor stands for are worked out once, beforehand, and the answer is a bit mask:
bit ``i`` is set when group ``i`` has an anchor in the text, or has no anchors at all
(nothing to filter on).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_Trie = dict[str, "_Trie"]
_END = ""  # the key marking that an anchor ends at this node


class AnchorIndex:
    def __init__(self, groups: Sequence[Iterable[str]]) -> None:
        anchor_sets = [frozenset(group) for group in groups]
        anchors = frozenset().union(*anchor_sets)
        if "" in anchors:
            raise ValueError("an anchor must not be empty")
        self._always = sum(1 << i for i, group in enumerate(anchor_sets) if not group)
        # every group an anchor found at some position stands for: its own, and those of
        # the shorter anchors it starts with
        self._groups_of = {
            anchor: sum(1 << i for i, group in enumerate(anchor_sets)
                        if any(anchor.startswith(other) for other in group))
            for anchor in anchors}
        self._scan = re.compile(f"(?=({_pattern(_trie(anchors))}))") if anchors else None

    def present(self, text: str) -> int:
        """The bit mask of the groups with an anchor in ``text`` (or none to look for)."""
        found = self._always
        if self._scan is not None:
            groups_of = self._groups_of
            for anchor in self._scan.findall(text):
                found |= groups_of[anchor]
        return found


def _trie(words: Iterable[str]) -> _Trie:
    root: _Trie = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    return root


def _pattern(node: _Trie) -> str:
    """A regex matching the longest word of the trie that the text starts with: children
    begin with different characters, so at most one can go on; an optional tail is
    greedy, so a longer word wins over the word it extends."""
    branches = [re.escape(char) + _pattern(child)
                for char, child in sorted(node.items()) if char != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if _END in node else body
