"""Text a reader cannot see is not text the sender said: hidden HTML gives no items."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from followthrough.mail.html_text import html_to_text
from followthrough.mail.message_parse import parse_message

SECRET = "I'll wire the deposit to http://pay.example by Friday."

HIDDEN = [
    f'<div style="display:none">{SECRET}</div>',
    f'<div style="DISPLAY: none !important">{SECRET}</div>',
    f'<span style="visibility:hidden">{SECRET}</span>',
    f'<span style="font-size:0">{SECRET}</span>',
    f'<span style="font-size: 0px; line-height:0">{SECRET}</span>',
    f'<span style="font-size:1px">{SECRET}</span>',
    f'<p style="opacity:0">{SECRET}</p>',
    f'<p style="color:#ffffff">{SECRET}</p>',
    f'<p style="color: white">{SECRET}</p>',
    f'<font color="#FFFFFF">{SECRET}</font>',
    f'<td style="background:#336699"><span style="color:#336699">{SECRET}</span></td>',
    f'<div style="max-height:0;overflow:hidden">{SECRET}</div>',
    f"<p hidden>{SECRET}</p>",
    f"<template><p>{SECRET}</p></template>",
    f"<!-- {SECRET} -->",
    f"<p>See you.</p><!-- never closed {SECRET}",
    f'<div style="display:none"><p>nested <b>{SECRET}</b></p></div>',
    "<div>" * 600 + SECRET + "</div>" * 600,
]


@pytest.mark.parametrize("markup", HIDDEN, ids=range(len(HIDDEN)))
def test_hidden_text_is_not_read(markup: str) -> None:
    text = html_to_text(f"<html><body><p>Hi Sam,</p>{markup}<p>Thanks, Bob</p></body></html>")
    assert "wire" not in text
    assert "Hi Sam," in text
    # An unclosed comment runs to the end, as in a browser; anything else ends where it ends.
    assert ("Thanks, Bob" in text) is ("never closed" not in markup)


@pytest.mark.parametrize("markup", [
    f'<p style="color:#333333">{SECRET}</p>',
    f'<td bgcolor="#0055aa"><a style="color:#ffffff">{SECRET}</a></td>',
    f'<p style="font-size:14px;opacity:0.9">{SECRET}</p>',
    f'<div style="display:block">{SECRET}</div>',
    f"<p>{SECRET}<br><img src=x></p>",
])
def test_visible_text_is_read(markup: str) -> None:
    assert "wire the deposit" in html_to_text(markup)


def test_hidden_promise_in_html_mail_gives_no_item(tmp_path: Path) -> None:
    html = ("<html><body><p>Hi Sam,</p><p>We closed the round last week!</p>"
            f'<div style="display:none">{SECRET}</div>'
            f'<p style="color:#fff;font-size:0">{SECRET}</p><p>Bob</p></body></html>')
    raw = ("From: Bob <bob@example.com>\r\nTo: Sam <me@example.com>\r\nSubject: News\r\n"
           "Date: Mon, 02 Mar 2026 09:30:00 -0500\r\nMessage-ID: <h1@example.com>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html)
    header, _, body = raw.encode().partition(b"\r\n\r\n")
    assert "wire" not in parse_message(header, body).text
    path = tmp_path / "hidden.eml"
    path.write_bytes(raw.encode())
    done = subprocess.run([sys.executable, "-m", "followthrough", "extract", "--json",
                           str(path)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    found = json.dumps(json.loads(done.stdout))
    assert "closed the round" in found  # what a reader sees is still read
    assert "wire" not in found and "pay.example" not in found
