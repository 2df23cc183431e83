"""Check-ins end to end against the real Dovecot: drafts, threading, idempotency, crashes,
sent and dismissed detection, header injection, and never a draft to automated mail."""

from __future__ import annotations

import email
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

from followthrough.checkins.flowed import from_flowed
from followthrough.config.model import Config, load_config
from followthrough.crashpoints import CRASH_EXIT_CODE
from followthrough.state.checkin_store import CheckinStore
from followthrough.state.store import Store
from tests.mailserver import Dovecot
from tests.messages import make_message, write_config

ME = "Sam Me <me@example.com>"
NOW = "2026-05-14T09:00:00+00:00"  # a Thursday
LONG_AGO = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)


def setup_config(tmp_path: Path, dovecot: Dovecot, user: str, extra: str = "") -> Config:
    """Every two-way contact tracked, plain check-ins included (the mechanics under test
    here do not depend on the judgement of who is worth a draft: test_judgement_imap)."""
    track = 'track = "two-way-always"\n'
    extra = (extra.replace("[cadence]\n", "[cadence]\n" + track) if "[cadence]\n" in extra
             else extra + "[cadence]\n" + track)
    path = write_config(tmp_path / "config.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                        username=user, password=dovecot.users[user],
                        extra_account='review_folder = "Follow-ups"\n',
                        extra="[draft]\nsignature = \"Sam\"\n" + extra)
    return load_config(path)


def cli(config: Config, *args: str, env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config.path),
                           *args], capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, **(env or {})})


def run_once(config: Config, now: str = NOW, env: dict[str, str] | None = None
             ) -> subprocess.CompletedProcess[str]:
    return cli(config, "run", "--once", "--now", now, "--json", env=env)


def alice_conversation(dovecot: Dovecot, user: str, when: datetime = LONG_AGO) -> None:
    dovecot.append(user, "INBOX", [make_message(
        subject="Permit hearing", message_id="<a1@example.com>", date=when,
        body="Hi Sam,\n\nWe're stuck on the permit, which is stressful.\n\nAlice\n")])
    dovecot.append(user, "Sent", [make_message(
        sender=ME, to="Alice Example <alice@example.com>", subject="Re: Permit hearing",
        message_id="<a2@example.com>", in_reply_to="<a1@example.com>",
        references="<a1@example.com>", date=when + timedelta(hours=2),
        body="So sorry to hear that. I'll send you the notes tomorrow.\n")])


def review(dovecot: Dovecot, user: str) -> list[tuple[int, email.message.EmailMessage,
                                                      tuple[bytes, ...]]]:
    with dovecot.client(user) as imap:
        if not imap.folder_exists("Follow-ups"):
            return []
        imap.select_folder("Follow-ups", readonly=True)
        uids = imap.search(["ALL"])
        data = imap.fetch(uids, [b"BODY.PEEK[]", b"FLAGS"]) if uids else {}
    return [(uid, email.message_from_bytes(data[uid][b"BODY[]"], policy=default_policy),
             data[uid][b"FLAGS"]) for uid in uids]


def drafts(config: Config) -> list[dict[str, Any]]:
    done = cli(config, "drafts", "--json")
    assert done.returncode == 0, done.stderr
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result


def test_draft_lands_threaded_with_flag_and_headers(tmp_path: Path, dovecot: Dovecot,
                                                    mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    done = run_once(config)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert [d["address"] for d in summary["drafts"]] == ["alice@example.com"]
    ((_, message, flags),) = review(dovecot, mail_user)
    assert b"\\Draft" in flags and b"\\Seen" in flags  # a draft, not new mail
    assert message["From"] == "me@example.com"
    assert message["To"] == "Alice Example <alice@example.com>"
    assert message["Subject"] == "Re: Permit hearing"
    assert message["In-Reply-To"] == "<a2@example.com>"
    assert message["References"] == "<a1@example.com> <a2@example.com>"
    assert message["Date"]
    # Nothing names the tool: no header of ours, a Message-ID like any client's.
    assert not [n for n in message if n.lower().startswith("x-")]
    assert re.fullmatch(r"<[0-9a-f-]{36}@example\.com>", str(message["Message-ID"]))
    assert "followthrough" not in message.as_string().lower()
    assert message.get_param("format") == "flowed" and message.get_content_charset() == "utf-8"
    body = from_flowed(message.get_content())
    assert body.startswith("Hi Alice,")
    assert "you're stuck on the permit" in body  # her own words, addressed to her
    # the promise Sam made was for the next day, six weeks ago: expired, not chased
    assert "send you the notes" not in body
    assert body.rstrip().endswith("Sam")
    (listed,) = drafts(config)
    assert listed["state"] == "pending" and listed["address"] == "alice@example.com"
    assert listed["message_id"] == message["Message-ID"]
    shown = cli(config, "drafts", "--show")
    assert "Hi Alice," in shown.stdout and "you're stuck on the permit" in shown.stdout


def test_repeated_runs_write_no_second_draft(tmp_path: Path, dovecot: Dovecot,
                                             mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    for _ in range(3):
        assert run_once(config).returncode == 0
    assert len(review(dovecot, mail_user)) == 1
    assert len(drafts(config)) == 1


def test_crash_at_every_durable_step(tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    """Kill the run after its 1st, then 2nd, ... durable step, restarting each time; the end
    state equals an uninterrupted run: each message stored once, exactly one draft."""
    config = setup_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    crashes = 0
    for step in range(1, 20):
        done = run_once(config, env={"FOLLOWTHROUGH_CRASH_AT": str(step)})
        if done.returncode == 0:
            break
        assert done.returncode == CRASH_EXIT_CODE, done.stderr
        crashes += 1
        assert len(review(dovecot, mail_user)) <= 1
    assert crashes >= 2
    assert len(review(dovecot, mail_user)) == 1
    with Store.open(config.state_dir, write=False) as store:
        assert store.conn.execute("SELECT count(*) FROM message").fetchone()[0] == 2
        states = [d.state for d in CheckinStore(store).drafts()]
    assert states == ["pending"]


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5])
def test_crash_at_each_step_from_a_fresh_start(tmp_path: Path, dovecot: Dovecot, step: int,
                                               ) -> None:
    """Steps: INBOX batch, Sent batch, draft planned, APPEND, draft recorded. Crash right
    after step N, then run again: one draft, each message stored once."""
    user = dovecot.new_user(f"crash-step-{step}")
    config = setup_config(tmp_path, dovecot, user)
    alice_conversation(dovecot, user)
    crashed = run_once(config, env={"FOLLOWTHROUGH_CRASH_AT": str(step)})
    assert crashed.returncode == CRASH_EXIT_CODE, crashed.stderr
    assert run_once(config).returncode == 0
    assert len(review(dovecot, user)) == 1
    with Store.open(config.state_dir, write=False) as store:
        assert store.conn.execute("SELECT count(*) FROM message").fetchone()[0] == 2
        assert [d.state for d in CheckinStore(store).drafts()] == ["pending"]


def test_crash_between_append_and_record(tmp_path: Path, dovecot: Dovecot,
                                         mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    # Steps: INBOX batch, Sent batch, draft planned, APPEND (4th): crash right after it.
    done = run_once(config, env={"FOLLOWTHROUGH_CRASH_AT": "4"})
    assert done.returncode == CRASH_EXIT_CODE
    assert len(review(dovecot, mail_user)) == 1
    with Store.open(config.state_dir, write=False) as store:
        assert [d.state for d in CheckinStore(store).drafts()] == ["planned"]
    done = run_once(config)
    assert done.returncode == 0 and json.loads(done.stdout)["recovered"] == 1
    assert len(review(dovecot, mail_user)) == 1
    assert [d["state"] for d in drafts(config)] == ["pending"]


def send_draft_as_the_user(dovecot: Dovecot, user: str, keep_id: bool = True) -> None:
    """What a mail client does on send: the edited message goes to Sent, the draft goes.
    ``keep_id``: the client keeps the draft's Message-ID (mutt); else it writes a new one
    and keeps no threading header either (the weakest evidence: mail to them after it)."""
    ((uid, message, _),) = review(dovecot, user)
    sent = make_message(sender=ME, to=str(message["To"]), subject=str(message["Subject"]),
                        date=datetime(2026, 5, 14, 10, 0, tzinfo=UTC),
                        body="Hi Alice, edited before sending.\n",
                        message_id=str(message["Message-ID"]) if keep_id else "auto")
    dovecot.append(user, "Sent", [sent])
    delete_from_review(dovecot, user, uid)


def delete_from_review(dovecot: Dovecot, user: str, uid: int) -> None:
    with dovecot.client(user) as imap:  # the test acts as the user's mail client here
        imap.select_folder("Follow-ups")
        imap.delete_messages([uid])
        imap.expunge()


@pytest.mark.parametrize("keep_id", [True, False], ids=["id kept", "client dropped the id"])
def test_sent_draft_is_detected(tmp_path: Path, dovecot: Dovecot, mail_user: str,
                                keep_id: bool) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    assert run_once(config).returncode == 0
    send_draft_as_the_user(dovecot, mail_user, keep_id)
    done = run_once(config, now="2026-05-14T12:00:00+00:00")
    assert json.loads(done.stdout)["sent"] == 1
    assert [d["state"] for d in drafts(config)] == ["sent"]
    due = cli(config, "due", "--json", "--now", "2026-05-15T09:00:00+00:00")
    assert json.loads(due.stdout) == []  # the check-in happened: cadence reset
    # A month later the items that draft mentioned are not raised again.
    later = json.loads(cli(config, "due", "--json", "--now", "2026-06-20T09:00:00+00:00").stdout)
    assert [d["address"] for d in later] == ["alice@example.com"]
    assert later[0]["items"] == []


def test_dismissed_draft_moves_next_check_in_a_cadence_later(tmp_path: Path, dovecot: Dovecot,
                                                            mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    assert run_once(config).returncode == 0
    ((uid, _, _),) = review(dovecot, mail_user)
    delete_from_review(dovecot, mail_user, uid)
    noticed = json.loads(run_once(config, now="2026-05-15T09:00:00+00:00").stdout)
    assert noticed["dismissed"] == 0 and noticed["drafts"] == []  # mail to her may follow
    assert [d["state"] for d in drafts(config)] == ["pending"]
    done = run_once(config, now="2026-05-15T21:00:00+00:00")  # the 12 h grace has passed
    assert json.loads(done.stdout)["dismissed"] == 1 and json.loads(done.stdout)["drafts"] == []
    assert [d["state"] for d in drafts(config)] == ["dismissed"]
    explained = cli(config, "explain", "alice@example.com", "--now", "2026-05-20T09:00:00+00:00")
    assert "not due yet" in explained.stdout and "next due 2026-06-14" in explained.stdout
    after = json.loads(cli(config, "due", "--json", "--now", "2026-06-15T09:00:00+00:00").stdout)
    assert after and after[0]["items"] == []  # what the dismissed draft said is not repeated


def test_no_draft_to_automated_or_own_mail(tmp_path: Path, dovecot: Dovecot,
                                           mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    news = "Acme Weekly <news@acme.example>"
    dovecot.append(mail_user, "INBOX", [
        make_message(sender=news, subject="Weekly", date=LONG_AGO,
                     extra={"List-Id": "<weekly.acme.example>"}),
        make_message(sender="Carol <carol@example.com>", subject="Out of office",
                     date=LONG_AGO, extra={"Auto-Submitted": "auto-replied"}),
        make_message(sender="Shop <no-reply@shop.example>", subject="Order", date=LONG_AGO),
        make_message(sender=ME, to=ME, subject="Note to self", date=LONG_AGO),
    ])
    dovecot.append(mail_user, "Sent", [
        make_message(sender=ME, to=news, subject="Re: Weekly", date=LONG_AGO),
        make_message(sender=ME, to="Carol <carol@example.com>", subject="Hi", date=LONG_AGO),
        make_message(sender=ME, to="no-reply@shop.example", subject="Re: Order",
                     date=LONG_AGO)])
    done = run_once(config)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["drafts"] == []
    assert review(dovecot, mail_user) == []


def test_header_injection_from_incoming_mail(tmp_path: Path, dovecot: Dovecot,
                                             mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    # (A name holding another address would be flagged as spoofing and get no draft.)
    sender = "=?utf-8?q?Eve=0D=0AX-Evil:_1=0D=0ABcc:_attacker?= <eve@example.com>"
    subject = "=?utf-8?q?Hello=0D=0ABcc:_attacker@evil.example=0D=0AX-Evil:_1?="
    dovecot.append(mail_user, "INBOX", [make_message(
        sender=sender, subject=subject, date=LONG_AGO, message_id="<e1@example.com>",
        body="We closed the deal!\n")])
    dovecot.append(mail_user, "Sent", [make_message(
        sender=ME, to="eve@example.com", subject="Re: Hello", date=LONG_AGO,
        message_id="<e2@example.com>", in_reply_to="<e1@example.com>")])
    assert run_once(config).returncode == 0
    ((_, message, _),) = review(dovecot, mail_user)
    names = [name.lower() for name in message]  # Message iterates its header names
    assert "bcc" not in names and "x-evil" not in names
    assert names.count("to") == 1 and names.count("subject") == 1
    assert message["To"].addresses[0].addr_spec == "eve@example.com"
    assert "\n" not in str(message["Subject"]) and "\r" not in str(message["To"])


def test_snooze_work_days_and_daily_cap(tmp_path: Path, dovecot: Dovecot,
                                        mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user, "[cadence]\nmax_drafts_per_day = 1\n")
    alice_conversation(dovecot, mail_user)
    dovecot.append(mail_user, "INBOX", [make_message(
        sender="Bob <bob@example.org>", subject="Lunch", date=LONG_AGO, body="Lunch soon.\n")])
    dovecot.append(mail_user, "Sent", [make_message(
        sender=ME, to="Bob <bob@example.org>", subject="Re: Lunch", date=LONG_AGO)])
    saturday = run_once(config, now="2026-05-16T09:00:00+00:00")
    assert json.loads(saturday.stdout)["drafts"] == []
    assert "not a work day" in json.loads(saturday.stdout)["note"]
    assert cli(config, "snooze", "bob@example.org", "2w", "--now",
               "2026-05-18T08:00:00+00:00").returncode == 0
    monday = json.loads(run_once(config, now="2026-05-18T09:00:00+00:00").stdout)
    assert [d["address"] for d in monday["drafts"]] == ["alice@example.com"]
    assert cli(config, "snooze", "bob@example.org", "--clear").returncode == 0
    again = json.loads(run_once(config, now="2026-05-18T10:00:00+00:00").stdout)
    assert again["drafts"] == [] and "max_drafts_per_day" in again["note"]
    tuesday = json.loads(run_once(config, now="2026-05-19T09:00:00+00:00").stdout)
    assert [d["address"] for d in tuesday["drafts"]] == ["bob@example.org"]


def test_due_json_and_explain(tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    assert cli(config, "sync", "--once").returncode == 0
    (due,) = json.loads(cli(config, "due", "--json", "--now", NOW).stdout)
    assert set(due) >= {"address", "name", "due_since", "reason", "items"}
    assert due["reason"] == "cadence" and due["address"] == "alice@example.com"
    assert {i["kind"] for i in due["items"]} == {"challenge"}
    explained = cli(config, "explain", "alice@example.com", "--now", NOW)
    assert explained.returncode == 0
    assert "due: nothing was exchanged for longer than the cadence" in explained.stdout
    assert "relationship 0." in explained.stdout and "1 two-way thread" in explained.stdout
    # the next-day promise of six weeks ago expired; her challenge is still open
    assert "expired: due 2026-04-02, long past" in explained.stdout
    assert "open: not followed up yet" in explained.stdout
    assert "“We're stuck on the permit, which is stressful.”" in explained.stdout
    assert "re: 'Permit hearing'" in explained.stdout and "2026-04-01" in explained.stdout


@pytest.mark.parametrize(("my_words", "nudged"), [
    ("Could you send the updated contract with the new terms?", True),
    ("Thanks, that all looks fine to me.", False),
    # a routine request naming nothing, and same-day logistics: moot a week later
    ("Can you facilitate this?", False),
    ("Can you come to my office at 3?", False),
])
def test_nudge_only_when_my_message_asked(tmp_path: Path, dovecot: Dovecot, mail_user: str,
                                          my_words: str, nudged: bool) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    asked_on = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    dovecot.append(mail_user, "INBOX", [make_message(
        sender="Tom <tom@example.net>", subject="Contract", message_id="<t1@example.net>",
        date=asked_on - timedelta(days=3), body="Draft attached.\n")])
    dovecot.append(mail_user, "Sent", [make_message(
        sender=ME, to="Tom <tom@example.net>", subject="Re: Contract",
        message_id="<t2@example.com>", in_reply_to="<t1@example.net>", date=asked_on,
        body=my_words + "\n\n> Draft attached.\n")])
    done = json.loads(run_once(config).stdout)
    if not nudged:
        assert done["drafts"] == []
        return
    (draft,) = done["drafts"]
    assert draft["reason"] == "nudge" and draft["subject"] == "Re: Contract"
    ((_, message, _),) = review(dovecot, mail_user)
    assert message["In-Reply-To"] == "<t2@example.com>"
    # Sent, then unanswered again: no second nudge in the same thread.
    send_draft_as_the_user(dovecot, mail_user)
    later = json.loads(run_once(config, now="2026-05-25T09:00:00+00:00").stdout)
    assert later["drafts"] == []
