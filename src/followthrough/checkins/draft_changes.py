"""What the user changed in a draft before saving or sending it: the learning signal.

Both texts are compared paragraph by paragraph (however the client wrapped them; quoted
text and everything after the signature separator left out): each paragraph of ours was kept,
rewritten or deleted, and each paragraph only in the user's version was added.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from followthrough.checkins.flowed import SIGNATURE_SEPARATOR

KINDS = ("kept", "rewritten", "deleted", "added")


@dataclass(frozen=True)
class LineChange:
    kind: str  # one of KINDS
    before: str  # our paragraph ("" when added)
    after: str  # the user's paragraph ("" when deleted)


def paragraphs(text: str) -> list[str]:
    """The author's own paragraphs (blocks between blank lines, however they were wrapped):
    no quotes, no signature, whitespace collapsed."""
    found: list[str] = []
    block: list[str] = []
    for line in [*text.replace("\r\n", "\n").split("\n"), ""]:
        if line.rstrip() == SIGNATURE_SEPARATOR.rstrip():
            break
        if line.startswith(">"):
            continue
        if line.strip():
            block.append(" ".join(line.split()))
        elif block:
            found.append(" ".join(block))
            block = []
    if block:
        found.append(" ".join(block))
    return found


def _pair(ours: list[str], theirs: list[str]) -> list[LineChange]:
    """A replaced block: the most similar paragraphs are rewrites, the rest deleted/added."""
    changes: list[LineChange] = []
    used: set[int] = set()
    for before in ours:
        scores = [(SequenceMatcher(None, before, after).ratio(), j)
                  for j, after in enumerate(theirs) if j not in used]
        best = max(scores, default=(0.0, -1))
        if best[0] >= 0.4:
            used.add(best[1])
            changes.append(LineChange("rewritten", before, theirs[best[1]]))
        else:
            changes.append(LineChange("deleted", before, ""))
    changes.extend(LineChange("added", "", after) for j, after in enumerate(theirs)
                   if j not in used)
    return changes


def compare(original: str, final: str) -> list[LineChange]:
    ours, theirs = paragraphs(original), paragraphs(final)
    changes: list[LineChange] = []
    matcher = SequenceMatcher(None, ours, theirs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.extend(LineChange("kept", line, line) for line in ours[i1:i2])
        elif tag == "delete":
            changes.extend(LineChange("deleted", line, "") for line in ours[i1:i2])
        elif tag == "insert":
            changes.extend(LineChange("added", "", line) for line in theirs[j1:j2])
        else:
            changes.extend(_pair(ours[i1:i2], theirs[j1:j2]))
    return changes


def summary(changes: list[LineChange]) -> dict[str, int]:
    return {kind: sum(1 for c in changes if c.kind == kind) for kind in KINDS}
