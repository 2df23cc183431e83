"""A hostile sender against the real Dovecot: forged "From: me", a reused Message-ID, a
Date in 2099, a date in the year 9999. None may put words in the user's mouth, hide a
real message, silence a contact or stop drafting."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from followthrough.config.model import load_config
from tests.checkins.test_drafts_imap import (
    LONG_AGO,
    ME,
    NOW,
    alice_conversation,
    cli,
    review,
    run_once,
    setup_config,
)
from tests.mailserver import Dovecot
from tests.messages import make_message

ALICE = "Alice Example <alice@example.com>"
PAY = "I'll send the payment to http://pay.example/now by Friday."


def contacts(config_path: Path) -> dict[str, dict[str, Any]]:
    done = cli_json(config_path, "contacts")
    return {str(c["address"]): c for c in done}


def cli_json(config_path: Path, *args: str) -> list[dict[str, Any]]:
    done = cli(load_config(config_path), *args, "--json")
    assert done.returncode == 0, done.stderr
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result


def test_forged_from_me_in_inbox_makes_no_contact_and_no_promise(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    mallory = "Mallory <mallory@evil.example>"
    dovecot.append(mail_user, "INBOX", [
        make_message(sender=mallory, subject="Invoice", date=LONG_AGO,
                     body="Hi Sam,\n\nPlease see the invoice.\n"),
        make_message(sender=ME, to=mallory, subject="Re: Invoice", date=LONG_AGO,
                     body=f"Hi,\n\n{PAY}\n\nSam\n")])
    done = run_once(config)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["drafts"] == []
    assert review(dovecot, mail_user) == []
    known = contacts(config.path)
    assert known["mallory@evil.example"]["outbound"] == 0
    shown = cli(config, "show", "mallory@evil.example", "--json")
    assert "pay.example" not in shown.stdout


def test_forged_from_me_to_a_real_contact_adds_nothing_to_her_draft(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    dovecot.append(mail_user, "INBOX", [make_message(
        sender=ME, to=ALICE, subject="Re: Permit hearing", date=LONG_AGO + timedelta(hours=3),
        body=f"Alice,\n\n{PAY}\n")])
    done = run_once(config)
    assert done.returncode == 0, done.stderr
    ((_, message, _),) = review(dovecot, mail_user)
    body = message.get_content()
    assert "pay" not in body.lower()
    explained = cli(config, "explain", "alice@example.com")
    assert "send you the notes" in explained.stdout  # what Sam really promised, from Sent
    assert "pay.example" not in explained.stdout
    assert contacts(config.path)["alice@example.com"]["outbound"] == 1


def test_my_message_in_inbox_that_is_also_in_sent_is_mine(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    """A copy of my own mail in INBOX (I copied myself) is trusted because Sent has it."""
    config = setup_config(tmp_path, dovecot, mail_user)
    dovecot.append(mail_user, "INBOX", [make_message(
        sender=ALICE, subject="Deck", message_id="<d1@example.com>", date=LONG_AGO,
        body="Hi Sam,\n\nWe're stuck on the permit, which is stressful.\n")])
    mine = make_message(sender=ME, to=ALICE, cc=ME, subject="Re: Deck",
                        message_id="<d2@example.com>", in_reply_to="<d1@example.com>",
                        date=LONG_AGO + timedelta(hours=1),
                        body="Sorry to hear. I'll send you the notes tomorrow.\n")
    dovecot.append(mail_user, "INBOX", [mine])  # read first: untrusted until Sent is read
    dovecot.append(mail_user, "Sent", [mine])
    done = run_once(config)
    assert done.returncode == 0, done.stderr
    assert contacts(config.path)["alice@example.com"]["outbound"] == 1
    # my promise is remembered as mine (it has expired since, so the draft may not say it)
    explained = cli(config, "explain", "alice@example.com").stdout
    assert "send you the notes" in explained and "commitment (mine)" in explained, explained


def test_reused_message_id_does_not_replace_my_sent_reply(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    # The forgery is in INBOX, which is read first, and takes the Message-ID of my reply.
    dovecot.append(mail_user, "INBOX", [make_message(
        sender="Alice Example <alice@example.com>", to=ME, subject="Re: Permit hearing",
        message_id="<a2@example.com>", date=LONG_AGO + timedelta(hours=1),
        body="Thanks! We closed the round yesterday.\n")])
    alice_conversation(dovecot, mail_user)
    for _ in range(2):  # the second sync changes nothing
        assert cli(config, "sync", "--once").returncode == 0
    alice = contacts(config.path)["alice@example.com"]
    assert alice["outbound"] == 1 and alice["inbound"] == 2, alice
    explained = cli(config, "explain", "alice@example.com").stdout
    assert "send you the notes" in explained, explained  # my real reply is still there


def test_date_in_2099_does_not_silence_a_contact(tmp_path: Path, dovecot: Dovecot,
                                                 mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    future = LONG_AGO.replace(year=2099)
    dovecot.append(mail_user, "INBOX", [make_message(sender=ALICE, subject="From the future",
                                                     date=future)])
    assert cli(config, "sync", "--once").returncode == 0
    (alice,) = [c for c in cli_json(config.path, "contacts")
                if c["address"] == "alice@example.com"]
    assert str(alice["last_inbound"]) < "2030", alice  # when it arrived, not 2099
    # A cadence after it arrived, she is due again.
    later = "2027-03-01T09:00:00+00:00"
    assert [d["address"] for d in cli_json(config.path, "due", "--now", later)] == [
        "alice@example.com"]


def test_year_9999_neither_remembered_nor_crashing(tmp_path: Path, dovecot: Dovecot,
                                                   mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    dovecot.append(mail_user, "INBOX", [make_message(
        sender=ALICE, subject="Hearing", date=LONG_AGO + timedelta(hours=4),
        body="Hi Sam,\n\nThe hearing is on December 31, 9999. I'll send you the file by "
             "12/30/9999.\n")])
    assert cli(config, "sync", "--once").returncode == 0
    with sqlite3.connect(config.state_dir / "state.db") as conn:
        assert conn.execute("SELECT count(*) FROM item WHERE due LIKE '9999%' "
                            "OR event_date LIKE '9999%'").fetchone()[0] == 0
        # A state written before dates were checked may still hold one: it is ignored.
        conn.execute("UPDATE item SET event_date = '9999-12-31', due = '9999-12-30'")
    for command in (["due", "--now", NOW], ["explain", "alice@example.com", "--now", NOW],
                    ["run", "--once", "--now", NOW]):
        done = cli(config, *command)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (command, done.stderr)
    assert len(review(dovecot, mail_user)) == 1
