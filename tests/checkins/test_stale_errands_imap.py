"""Against the real Dovecot: an errand-sized promise ("I'll send you the file") expires soon
and is never chased weeks later, unless the conversation shows it still open; ``explain``
says which, and names the deciding message."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from followthrough.checkins.flowed import from_flowed
from tests.checkins.test_drafts_imap import ME, cli, review, run_once, setup_config
from tests.mailserver import Dovecot
from tests.messages import make_message

NOW = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)  # a Thursday
FIVE_WEEKS_AGO = NOW - timedelta(weeks=5)


def errand(dovecot: Dovecot, user: str, who: str, address: str, tag: str) -> None:
    """They promise a routine favour, I thank them: five weeks ago."""
    dovecot.append(user, "INBOX", [make_message(
        sender=f"{who} <{address}>", subject="Volumes", message_id=f"<{tag}1@example.net>",
        date=FIVE_WEEKS_AGO, body=f"Sam,\n\nI'll send you the gas volumes file.\n\n{who}\n")])
    dovecot.append(user, "Sent", [make_message(
        sender=ME, to=f"{who} <{address}>", subject="Re: Volumes",
        message_id=f"<{tag}2@example.com>", in_reply_to=f"<{tag}1@example.net>",
        references=f"<{tag}1@example.net>", date=FIVE_WEEKS_AGO + timedelta(hours=1),
        body="Great, see you at the meeting.\n")])


def test_an_errand_of_five_weeks_ago_is_not_chased(tmp_path: Path, dovecot: Dovecot,
                                                    mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    errand(dovecot, mail_user, "Tom", "tom@example.net", "t")
    errand(dovecot, mail_user, "Kim", "kim@example.net", "k")
    # I asked Kim after the file in its thread five days ago: still open there
    dovecot.append(mail_user, "Sent", [make_message(
        sender=ME, to="Kim <kim@example.net>", subject="Re: Volumes",
        message_id="<k3@example.com>", in_reply_to="<k1@example.net>",
        references="<k1@example.net> <k2@example.com>", date=NOW - timedelta(days=5),
        body="Any news on the gas volumes file?\n")])
    done = run_once(config, now=NOW.isoformat())
    assert done.returncode == 0, done.stderr

    tom = cli(config, "explain", "tom@example.net", "--now", NOW.isoformat()).stdout
    assert "commitment (theirs)" in tom
    assert f"expired: no date, and nothing asked about it since {FIVE_WEEKS_AGO.date()}" in tom
    assert f"(decided by their message of {FIVE_WEEKS_AGO.date()}" in tom
    kim = cli(config, "explain", "kim@example.net", "--now", NOW.isoformat()).stdout
    assert "open: still asked about on" in kim
    assert "(decided by your message of" in kim and "'Re: Volumes'" in kim

    # Tom is due for a plain check-in (tracked here), but it does not chase the file
    drafted = {d["address"] for d in json.loads(done.stdout)["drafts"]}
    assert "tom@example.net" in drafted and "kim@example.net" not in drafted
    ((_, message, _),) = review(dovecot, mail_user)
    body = from_flowed(message.get_content())
    assert "volumes" not in body.lower() and "still on" not in body


def test_a_promise_to_someone_else_with_me_copied_is_not_chased(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    """Rick promises Dave a package by Friday and copies me: not mine to chase."""
    config = setup_config(tmp_path, dovecot, mail_user)
    sent = NOW - timedelta(days=8)
    dovecot.append(mail_user, "INBOX", [
        make_message(sender="Rick <rick@example.net>", to="Dave <dave@example.net>", cc=ME,
                     subject="Write-off", message_id="<r1@example.net>", date=sent,
                     body="Dave,\n\nI will send you the write-off package by Friday.\n\nRick\n"),
        make_message(sender="Ann <ann@example.net>", to=ME, subject="Write-off",
                     message_id="<a1@example.net>", date=sent,
                     body="Sam,\n\nI will send you the write-off package by Friday.\n\nAnn\n")])
    done = run_once(config, now=NOW.isoformat())
    assert done.returncode == 0, done.stderr
    rick = cli(config, "explain", "rick@example.net", "--now", NOW.isoformat()).stdout
    assert "set aside: a promise in mail not addressed to you" in rick
    ann = cli(config, "explain", "ann@example.net", "--now", NOW.isoformat()).stdout
    assert "commitment (theirs)" in ann and "not addressed to you" not in ann
    assert "rick@example.net" not in {d["address"] for d in json.loads(done.stdout)["drafts"]}
