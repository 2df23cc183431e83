"""Messages written for the tests (never copied from any corpus)."""

from __future__ import annotations

import itertools
import textwrap
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

_numbers = itertools.count(1)
BASE_DATE = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=-5)))


def make_message(sender: str = "Alice Example <alice@example.com>",
                 to: str = "Sam Me <me@example.com>", subject: str = "Hello",
                 body: str = "Hi Sam,\n\nGood to see you last week.\n\nAlice\n",
                 date: datetime | None = None, message_id: str | None = "auto",
                 in_reply_to: str | None = None, references: str | None = None,
                 cc: str | None = None, extra: dict[str, str] | None = None) -> bytes:
    number = next(_numbers)
    when = date or BASE_DATE + timedelta(hours=number)
    headers = [f"From: {sender}", f"To: {to}"]
    if cc:
        headers.append(f"Cc: {cc}")
    headers += [f"Subject: {subject}", f"Date: {format_datetime(when)}"]
    if message_id == "auto":
        message_id = f"<test-{number}@example.com>"
    if message_id:
        headers.append(f"Message-ID: {message_id}")
    if in_reply_to:
        headers.append(f"In-Reply-To: {in_reply_to}")
    if references:
        headers.append(f"References: {references}")
    for name, value in (extra or {}).items():
        headers.append(f"{name}: {value}")
    headers += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    text = "\r\n".join(headers) + "\r\n\r\n" + textwrap.dedent(body).replace("\n", "\r\n")
    return text.encode("utf-8")


def write_config(path: Path, *, port: int, ca_file: Path, username: str, password: str,
                 extra_account: str = "", extra: str = "",
                 addresses: str = '["me@example.com"]') -> Path:
    secret = path.parent / f"{username}.password"
    secret.write_text(password + "\n")
    secret.chmod(0o600)
    path.write_text(textwrap.dedent(f"""\
        state_dir = "state"

        [[account]]
        name = "test"
        host = "localhost"
        port = {port}
        username = "{username}"
        password_command = "cat '{secret}'"
        ca_file = "{ca_file}"
        addresses = {addresses}
        """) + extra_account + "\n" + extra)
    path.chmod(0o600)  # it holds a password_command: as `followthrough init` writes it
    return path


def drop_setting(path: Path, key: str) -> Path:
    """Remove the line setting ``key`` from a config written by write_config."""
    path.write_text("\n".join(line for line in path.read_text().splitlines()
                              if not line.startswith(key)) + "\n")
    return path
