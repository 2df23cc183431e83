"""Addresses the email package cannot serialise, end to end against the real Dovecot: each
gets a correct draft or is skipped with a warning naming it; the others are all written, and
the skipped one shows in `due`, `status` and `explain`."""

from __future__ import annotations

import email
import json
from datetime import timedelta
from email.policy import default as default_policy
from pathlib import Path

from tests.checkins.test_drafts_imap import LONG_AGO, ME, cli, review, run_once, setup_config
from tests.mailserver import Dovecot
from tests.messages import make_message

WRITABLE = {  # address as sent → the mailbox a standard mail client must see in To
    "w..white@enron.com": ("w..white", "enron.com"),
    ".alice@enron.com": (".alice", "enron.com"),
    "bob.@example.com": ("bob.", "example.com"),
    "jürgen@example.de": ("jürgen", "example.de"),
    "bob@bücher.example": ("bob", "xn--bcher-kva.example"),
}
UNWRITABLE = "bob@under_score.example"


def converse(dovecot: Dovecot, user: str, address: str, number: int) -> None:
    when = LONG_AGO + timedelta(hours=number)
    dovecot.append(user, "INBOX", [make_message(
        sender=f"Pat\u200b Person\ufeff{number} <{address}>", subject=f"Plans {number}",
        message_id=f"<h{number}@example.com>", date=when,
        body="Hi Sam,\n\nWe launched the new site last week.\n\nPat\n")])
    dovecot.append(user, "Sent", [make_message(
        sender=ME, to=f"<{address}>", subject=f"Re: Plans {number}",
        message_id=f"<h{number}r@example.com>", in_reply_to=f"<h{number}@example.com>",
        date=when + timedelta(hours=1), body="Great news, well done.\n")])


def test_unserialisable_addresses_are_written_correctly_or_skipped_by_name(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user,
                          "[cadence]\nmax_drafts_per_day = 20\n")
    # the unwritable one is the most overdue, so it would be ranked first
    converse(dovecot, mail_user, UNWRITABLE, 0)
    for number, address in enumerate(WRITABLE, start=1):
        converse(dovecot, mail_user, address, number)

    assert cli(config, "sync", "--once").returncode == 0
    due = cli(config, "due", "--now", "2026-05-14T09:00:00+00:00")
    assert due.returncode == 0, due.stderr
    assert f"<{UNWRITABLE}>" in due.stdout and "skipped: address" in due.stdout

    done = run_once(config)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"no draft for {UNWRITABLE}" in done.stderr  # one log line naming it
    written = sorted(d["address"] for d in json.loads(done.stdout)["drafts"])
    assert written == sorted(WRITABLE)

    seen = {}
    for _, message, _ in review(dovecot, mail_user):
        raw = message.as_bytes(policy=default_policy.clone(utf8=True))
        reparsed = email.message_from_string(raw.decode("utf-8", "surrogateescape"),
                                             policy=default_policy)
        (mailbox,) = reparsed["To"].addresses
        assert "\u200b" not in reparsed["To"] and "\ufeff" not in reparsed["To"]
        assert "=?" not in str(reparsed["To"]).split("<")[-1]  # no encoded word in an address
        seen[(mailbox.username, mailbox.domain)] = mailbox.display_name
    assert set(seen) == set(WRITABLE.values())
    assert all(name.startswith("Pat Person") for name in seen.values())

    status = cli(config, "status", "--json")
    (account,) = json.loads(status.stdout)["accounts"]
    (skipped,) = account["contacts_without_draft"]
    assert skipped["address"] == UNWRITABLE and "host name label" in skipped["problem"]
    assert f"no draft for {UNWRITABLE}" in cli(config, "status").stdout
    explained = cli(config, "explain", UNWRITABLE, "--now", "2026-05-14T09:00:00+00:00")
    assert "no draft could be written" in explained.stdout

    again = run_once(config, "2026-05-15T09:00:00+00:00")  # the next day: still no crash
    assert again.returncode == 0 and "Traceback" not in again.stderr
