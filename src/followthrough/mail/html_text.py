"""Plain text from HTML mail, without trusting or keeping any markup.

Only text a reader can see counts: elements hidden by ``display:none``,
``visibility:hidden``, ``opacity:0``, a zero font size or box, white or transparent text
on no background of its own, the ``hidden`` attribute, ``<template>``, scripts, styles and
comments (an unclosed one runs to the end) give nothing. Text a reader cannot see is not
text the sender said.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
          "table", "ul", "ol", "hr", "pre", "section", "article", "header", "footer"}
_SKIP = {"script", "style", "head", "title", "template", "noscript"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}
MAX_DEPTH = 512  # deeper nesting is not a layout a person wrote: its text is not read

_HIDING_STYLE = re.compile(
    r"display:none|visibility:(?:hidden|collapse)|opacity:0?\.?0*(?:;|!|$)"
    r"|font-size:(?:0*\.?0*|[01](?:\.\d+)?px|0*\.\d+pt)(?:px|pt|em|rem|%)?(?:;|!|$)"
    r"|(?:max-)?(?:height|width):0(?:px|pt|em|%)?(?:;|!|$).*overflow:hidden"
    r"|overflow:hidden.*(?:max-)?(?:height|width):0(?:px|pt|em|%)?(?:;|!|$)"
    r"|(?:^|;)color:transparent")
_WHITE = {"#fff", "#ffffff", "white", "rgb(255,255,255)", "#fefefe", "#fdfdfd"}
_COLOR = re.compile(r"(?:^|;)color:([^;!]+)")
_BACKGROUND = re.compile(r"background(?:-color)?:([^;!]+)")


def _style(attrs: dict[str, str]) -> str:
    return "".join((attrs.get("style") or "").lower().split())


def _background(attrs: dict[str, str]) -> str | None:
    found = _BACKGROUND.search(_style(attrs))
    color = found[1] if found else (attrs.get("bgcolor") or "").strip().lower() or None
    return None if color in (None, "transparent", "none", "inherit") else color


def _hides(attrs: dict[str, str], background: str | None) -> bool:
    style = _style(attrs)
    if "hidden" in attrs or _HIDING_STYLE.search(style):
        return True
    found = _COLOR.search(style)
    color = found[1] if found else (attrs.get("color") or "").strip().lower() or None
    if color is None:
        return False
    # Same colour as what it is written on: white on the default white page, or on a
    # background of that same colour.
    return color == background if background is not None else color in _WHITE


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self.quote_depth = 0
        # open elements: (tag, hidden, the background they are written on)
        self._open: list[tuple[str, bool, str | None]] = []
        self._hidden = 0

    def _push(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        values = {k.lower(): v or "" for k, v in attrs}
        inherited = self._open[-1][2] if self._open else None
        background = _background(values) or inherited
        hidden = len(self._open) >= MAX_DEPTH or _hides(values, background)
        self._open.append((tag, hidden, background))
        self._hidden += hidden

    def _pop(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                for _, hidden, _ in self._open[index:]:
                    self._hidden -= hidden
                del self._open[index:]
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._push(tag, attrs)
        if tag in _SKIP:
            self._skipping += 1
        elif tag == "blockquote":
            self.quote_depth += 1
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self._pop(tag)
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skipping or self._hidden:
            return
        if self.quote_depth:
            # Quoted replies in HTML are marked the way plain text marks them.
            lines = data.split("\n")
            data = "\n".join("> " + line if line.strip() else line for line in lines)
        self.parts.append(data)


def _without_open_comment(markup: str) -> str:
    """A comment never closed hides everything after it, as in a browser."""
    start = markup.rfind("<!--")
    if start >= 0 and markup.find("-->", start + 4) < 0:
        return markup[:start]
    return markup


def html_to_text(markup: str) -> str:
    """Visible text of ``markup``: blocks become lines; hidden text, scripts and styles
    vanish."""
    collector = _Collector()
    try:
        collector.feed(_without_open_comment(markup))
        collector.close()
    except (AssertionError, ValueError):  # malformed markup: keep what was read
        pass
    text = html.unescape("".join(collector.parts)).replace("\xa0", " ")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
