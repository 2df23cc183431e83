"""Who gets a draft, in which thread, and who is me — end to end against the real Dovecot
(issue 11, items 1–4 and 9)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from followthrough.config.model import load_config
from followthrough.doctor import check_own_addresses
from tests.checkins.test_drafts_imap import cli, review, run_once
from tests.mailserver import Dovecot
from tests.messages import make_message, write_config

ME = "Sam Me <me@example.com>"
NOW = "2026-05-14T09:00:00+00:00"
START = datetime(2025, 12, 1, 10, 0, tzinfo=UTC)


def _conversations(dovecot: Dovecot, user: str) -> None:
    inbox: list[bytes] = []
    sent: list[bytes] = []
    # Carol: a colleague, five two-way threads over six months; the last one has news.
    for k in range(5):
        when = START + timedelta(days=30 * k)
        sent.append(make_message(sender=ME, to="Carol Ray <carol@example.com>",
                                 subject=f"Plan {k}", message_id=f"<c{k}a@example.com>",
                                 date=when, body="Hi Carol,\n\nHow is the plan going?\n\nSam\n"))
        inbox.append(make_message(
            sender="Carol Ray <carol@example.com>", to=ME, subject=f"Re: Plan {k}",
            message_id=f"<c{k}b@example.com>", in_reply_to=f"<c{k}a@example.com>",
            references=f"<c{k}a@example.com>", date=when + timedelta(hours=3),
            body=("Hi Sam,\n\nWe're stuck on the permit, which is stressful.\n\nCarol\n"
                  if k == 4 else "Hi Sam,\n\nAll fine here, thanks.\n\nCarol\n")))
    # A filing thread to nine people: Dave wrote to all, I replied to all.
    team = ", ".join(f"Person {n} <p{n}@example.com>" for n in range(8))
    inbox.append(make_message(sender="Dave Fox <dave@example.com>", to=f"{ME}, {team}",
                              subject="Q3 filing", message_id="<f1@example.com>",
                              date=START + timedelta(days=125),
                              body="All,\n\nWe're stuck on the filing, which is stressful.\n"))
    sent.append(make_message(sender=ME, to=f"Dave Fox <dave@example.com>, {team}",
                             subject="Re: Q3 filing", message_id="<f2@example.com>",
                             in_reply_to="<f1@example.com>", references="<f1@example.com>",
                             date=START + timedelta(days=125, hours=2),
                             body="Thanks Dave, on it.\n"))
    # Erin: one business exchange long ago.
    inbox.append(make_message(sender="Erin Poe <erin@example.com>", to=ME, subject="Invoice",
                              message_id="<e1@example.com>", date=START - timedelta(days=150),
                              body="Hi,\n\nOur office is stuck on the invoice.\n\nErin\n"))
    sent.append(make_message(sender=ME, to="Erin Poe <erin@example.com>", subject="Re: Invoice",
                             message_id="<e2@example.com>", in_reply_to="<e1@example.com>",
                             date=START - timedelta(days=149), body="Paid, thanks.\n"))
    # My own home address, same display name: forwards to myself, and one reply to it.
    for k in range(3):
        inbox.append(make_message(sender="Sam Me <sam.home@elsewhere.example>", to=ME,
                                  subject=f"FW: receipt {k}", message_id=f"<h{k}@example.com>",
                                  date=START + timedelta(days=40 * k),
                                  body="Note to self: we're stuck on the roof repair.\n"))
    sent.append(make_message(sender=ME, to="Sam Me <sam.home@elsewhere.example>",
                             subject="Re: receipt 2", message_id="<h9@example.com>",
                             date=START + timedelta(days=81), body="Keep this.\n"))
    dovecot.append(user, "INBOX", inbox)
    dovecot.append(user, "Sent", sent)


def test_only_a_real_relationship_with_news_gets_a_draft_in_its_thread(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    path = write_config(tmp_path / "config.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                        username=mail_user, password=dovecot.users[mail_user],
                        extra_account='review_folder = "Follow-ups"\n',
                        extra="[cadence]\nmax_drafts_per_day = 8\n")
    config = load_config(path)
    _conversations(dovecot, mail_user)
    done = run_once(config, NOW)
    assert done.returncode == 0, done.stderr
    assert [d["address"] for d in json.loads(done.stdout)["drafts"]] == ["carol@example.com"]
    ((_, message, _),) = review(dovecot, mail_user)
    assert message["In-Reply-To"] == "<c4b@example.com>"  # the thread her news came from
    assert message["Subject"] == "Re: Plan 4"
    assert "you're stuck on the permit" in message.get_content()

    explained = cli(config, "explain", "dave@example.com", "--now", NOW).stdout
    assert "not a close enough relationship" in explained
    assert "no personal exchange" in explained
    erin = cli(config, "explain", "erin@example.com", "--now", NOW).stdout
    assert "not a close enough relationship" in erin and "1 two-way thread" in erin
    carol = cli(config, "contacts", "--json", "--now", NOW).stdout
    scores = {c["address"]: c["relationship"] for c in json.loads(carol)}
    reasons = {c["address"]: c["relationship_reasons"] for c in json.loads(carol)}
    assert "last 6 weeks ago" in reasons["carol@example.com"]  # as of --now
    assert scores["carol@example.com"] > 0.6 > scores["erin@example.com"]
    assert "sam.home@elsewhere.example" in scores  # listed, but never drafted to


def test_own_other_address_is_never_drafted_and_doctor_names_it(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    path = write_config(tmp_path / "config.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                        username=mail_user, password=dovecot.users[mail_user],
                        extra_account='review_folder = "Follow-ups"\n',
                        extra='[cadence]\ntrack = "two-way-always"\nmax_drafts_per_day = 8\n')
    config = load_config(path)
    _conversations(dovecot, mail_user)
    done = run_once(config, NOW)
    assert done.returncode == 0, done.stderr
    written = [d["address"] for d in json.loads(done.stdout)["drafts"]]
    assert "sam.home@elsewhere.example" not in written and "carol@example.com" in written
    check = check_own_addresses(config)
    assert check is not None and check.ok
    assert "sam.home@elsewhere.example (mail shows it with your name ('Sam Me'))" in check.detail
    assert 'addresses = ["me@example.com", "sam.home@elsewhere.example"]' in check.detail
    # a [[contact]] entry says it is someone else: then it may be drafted
    path.write_text(path.read_text() + '\n[[contact]]\naddress = "sam.home@elsewhere.example"\n')
    due = cli(load_config(path), "explain", "sam.home@elsewhere.example", "--now", NOW)
    assert due.returncode == 0 and "sam.home@elsewhere.example:" in due.stdout
