"""Plain text as mail clients expect it: ``format=flowed`` (RFC 3676), and back.

A paragraph is sent as lines of at most ``width`` characters; every line but its last ends
in a space (a soft break) so clients re-flow it to the reader's window, and quote it
cleanly when they reply. Lines that begin with a space, ">" or "From " are space-stuffed.
The signature separator "-- " is the one hard line allowed to end in a space.
"""

from __future__ import annotations

WIDTH = 72
SIGNATURE_SEPARATOR = "-- "


def _stuffed(line: str) -> str:
    return " " + line if line.startswith((" ", ">", "From ")) else line


def _wrap(line: str, width: int) -> list[str]:
    """One hard line as flowed lines: soft breaks after a space, never inside a word."""
    words = line.split(" ")
    lines: list[str] = []
    current = words[0]
    for word in words[1:]:
        if len(current) + 1 + len(word) < width or not current:
            current += " " + word
        else:
            lines.append(current + " ")
            current = word
    lines.append(current)
    return lines


def to_flowed(text: str, width: int = WIDTH) -> str:
    """``text`` (paragraphs separated by newlines) as format=flowed lines, LF-separated."""
    out: list[str] = []
    for hard in text.split("\n"):
        if hard == SIGNATURE_SEPARATOR:
            out.append(hard)
            continue
        hard = hard.rstrip(" ")  # a trailing space would turn a hard break soft
        out.extend(_stuffed(line) for line in _wrap(hard, width))
    return "\n".join(out)


def _depth(line: str) -> tuple[int, str]:
    depth = len(line) - len(line.lstrip(">"))
    rest = line[depth:]
    return depth, rest[1:] if rest.startswith(" ") else rest  # un-stuff


def from_flowed(text: str, delsp: bool = False) -> str:
    """Flowed text back to one line per paragraph (for comparing what the user changed).
    With ``delsp`` (DelSp=yes) the space that marks a soft break is not part of the text."""
    out: list[str] = []
    joining = False
    previous_depth = 0
    for raw in text.replace("\r\n", "\n").split("\n"):
        depth, line = _depth(raw)
        soft = line.endswith(" ") and line != SIGNATURE_SEPARATOR
        if soft and delsp:
            line = line[:-1]
        if joining and depth == previous_depth and out:
            out[-1] += line
        else:
            out.append(">" * depth + (" " if depth and line else "") + line
                       if depth else line)
        joining, previous_depth = soft, depth
    return "\n".join(line.rstrip(" ") if line != SIGNATURE_SEPARATOR else line
                     for line in out)
