"""Pagers, phone numbers, text-message gateways and role addresses never get a draft and
are never a relationship, however much mail goes both ways (real Dovecot)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from tests.checkins.test_drafts_imap import LONG_AGO, ME, cli, review, run_once, setup_config
from tests.mailserver import Dovecot
from tests.messages import make_message

NOT_PEOPLE = {
    "5551234567@skytel.com": "a pager or phone number (5551234567@…), not a person",
    "mann@mobile.att.net": "a pager or text-message gateway (mobile.att.net), not a person",
    "kay@pagenet.net": "a pager or text-message gateway (pagenet.net), not a person",
    "713-853-1234@corp.example": "a pager or phone number (713-853-1234@…), not a person",
    "info@smallbiz.example": "a role address (info@…), not a person",
}


def two_way(dovecot: Dovecot, user: str, address: str, number: int) -> None:
    """A conversation that would earn anyone a draft: they ask, Sam promises."""
    when = LONG_AGO + timedelta(days=number)
    dovecot.append(user, "INBOX", [make_message(
        sender=address, subject=f"Schedule {number}", message_id=f"<in{number}@example.com>",
        date=when, body="Hi Sam,\n\nCan you send me the schedule?\n\nThanks\n")])
    dovecot.append(user, "Sent", [make_message(
        sender=ME, to=address, subject=f"Re: Schedule {number}",
        message_id=f"<out{number}@example.com>", in_reply_to=f"<in{number}@example.com>",
        references=f"<in{number}@example.com>", date=when + timedelta(hours=2),
        body="Sure. I'll send you the schedule tomorrow.\n")])


def test_no_draft_and_no_relationship_for_addresses_that_are_not_people(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    for number, address in enumerate([*NOT_PEOPLE, "bob@example.org"]):
        two_way(dovecot, mail_user, address, number)

    done = run_once(config)
    assert done.returncode == 0, done.stderr
    assert [d["address"] for d in json.loads(done.stdout)["drafts"]] == ["bob@example.org"]
    assert [str(m["To"]) for _, m, _ in review(dovecot, mail_user)] == ["bob@example.org"]

    listed = cli(config, "contacts", "--json")
    assert {c["address"] for c in json.loads(listed.stdout)} == {"bob@example.org"}
    everyone = {c["address"]: c for c in json.loads(cli(config, "contacts", "--all",
                                                        "--json").stdout)}
    for address, why in NOT_PEOPLE.items():
        assert everyone[address]["automated_reason"] == why
        assert everyone[address]["relationship"] == 0.0
        explained = cli(config, "explain", address, "--now", "2026-05-14T09:00:00+00:00")
        assert explained.returncode == 0, explained.stderr
        assert f"{why}: never drafted" in explained.stdout
        assert f"relationship 0.00: not a relationship: {why}" in explained.stdout
    assert everyone["bob@example.org"]["relationship"] > 0
