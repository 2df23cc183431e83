"""Reduce a message body to the text its sender wrote in this message.

Quoted replies (``>`` lines, "On … wrote:", Outlook "-----Original Message-----" and
From:/Sent: blocks, Lotus Notes "Name@ORG  date  To: … Subject:" blocks), forwarded sections,
signatures and disclaimers are removed. What remains keeps its original characters, so
evidence sentences taken from it are exact substrings of the message.
"""

from __future__ import annotations

import re

MAX_SENDER_TEXT = 20_000

_CUT_LINE = re.compile(
    r"""^\s*(?:
        -{2,}\s*original\s+message\s*-{2,}
      | -{2,}.{0,80}forwarded\s+by
      | -{2,}\s*forwarded\s+message\s*-{2,}
      | begin\s+forwarded\s+message\s*:
      | -{2,}\s*reply\s+message\s*-{2,}
      | -{2,}\s*original\s+appointment\s*-{2,}
      | -\x20?-\x20?$                         # "-- " signature delimiter
      | _{8,}\s*$                             # Outlook's rule above a quoted header
      | on\b.{0,200}\bwrote:\s*$
      | (?:this|the)\s+(?:e-?mail|message|communication|information)\b.{0,80}
          \b(?:confidential|privileged|intended\s+(?:only|solely|for))
      | confidentiality\s+notice
      | \*{5,}\s*$
    )""", re.IGNORECASE | re.VERBOSE)
_HEADER_LINE = re.compile(r"^\s*(from|to|sent|date|subject|cc|bcc)\s*:", re.IGNORECASE)
_DATE_TIME = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]m)?",
                        re.IGNORECASE)
_NOTES_NAME = re.compile(r"^\s*[\w.,'\" -]{2,60}@[\w .-]{2,40}\s*$"
                         r"|^\s*[A-Z][\w.'-]*(?: [\w.'-]+){0,4}\s*$")
_ON_START = re.compile(r"^\s*on\b.{0,200}$", re.IGNORECASE)
_WROTE_END = re.compile(r"\bwrote:\s*$", re.IGNORECASE)
_SIGN_OFF = re.compile(
    r"^\s*(?:thanks|thank you|many thanks|regards|best regards|kind regards|warm regards|best"
    r"|cheers|sincerely|yours|all the best|take care|talk soon|love)\s*[,.!-]*\s*$",
    re.IGNORECASE)


def _header_block_start(lines: list[str], index: int) -> int | None:
    """If a quoted header block starts near ``index``, the line where it begins."""
    window = lines[index:index + 6]
    keys = {m.group(1).lower() for m in (_HEADER_LINE.match(line) for line in window) if m}
    quoted_header = len(keys) >= 2 and bool(keys & {"from", "to", "sent", "date"})
    start = index
    # Lotus Notes: "Name@ORG" / "Name" and a date-time line stand above "To:".
    for back in range(index - 1, max(index - 4, -1), -1):
        line = lines[back]
        if not line.strip():
            continue
        if _DATE_TIME.search(line) or _NOTES_NAME.match(line):
            if _DATE_TIME.search(line):
                quoted_header = quoted_header or "to" in keys or "subject" in keys
            start = back
            continue
        break
    if not quoted_header:
        return None
    if start == index and not _DATE_TIME.search(" ".join(lines[max(0, index - 3):index + 6])) \
            and "from" not in keys:
        return None
    return start


def _cut_index(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _CUT_LINE.match(line):
            return index
        if _ON_START.match(line) and index + 1 < len(lines) and _WROTE_END.search(
                lines[index + 1]) and len(line) + len(lines[index + 1]) < 300:
            return index
        if _HEADER_LINE.match(line):
            start = _header_block_start(lines, index)
            if start is not None:
                return start
        # a date-time holds a slash: most lines are passed over without a search
        if "/" in line and _DATE_TIME.search(line) and index + 1 < len(lines):
            # "Name@ORG on 10/18/2000 07:08 AM" followed by a header block
            start = _header_block_start(lines, index + 1)
            if start is not None and start <= index + 1:
                return min(start, index)
    return len(lines)


def _drop_sign_off(lines: list[str]) -> list[str]:
    """Cut a closing ("Thanks,", "Regards") followed only by a few short lines."""
    for index in range(len(lines) - 1, max(len(lines) - 9, -1), -1):
        if _SIGN_OFF.match(lines[index]):
            tail = [t for t in lines[index + 1:] if t.strip()]
            if len(tail) <= 6 and all(len(t.strip()) <= 40 for t in tail):
                return lines[:index]
    return lines


def written_lines(body: str) -> list[str]:
    """The lines its sender wrote, sign-off included: quotes and forwards cut."""
    lines = body[: MAX_SENDER_TEXT * 3].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[:_cut_index(lines)]
    return [line for line in lines if not line.lstrip().startswith(">")]


def sender_text(body: str, written: list[str] | None = None) -> str:
    """The part of ``body`` its sender wrote: quotes, signatures and disclaimers removed
    (pass ``written``, from :func:`written_lines`, when it is at hand)."""
    lines = _drop_sign_off(written if written is not None else written_lines(body))
    return "\n".join(lines).strip()[:MAX_SENDER_TEXT]
