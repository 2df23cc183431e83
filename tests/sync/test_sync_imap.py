"""Sync against the real Dovecot: incremental, read-only, resumable, no duplicates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from followthrough.config.credentials import get_password
from followthrough.config.model import Config, load_config
from followthrough.extraction.items import Item
from followthrough.mail.addresses import OwnAddresses
from followthrough.mail.imap_source import FetchedMessage, ImapSource, connect
from followthrough.mail.message_parse import ParsedMessage
from followthrough.state.history import History
from followthrough.state.store import Store
from followthrough.sync.engine import AccountReport, sync_account
from tests.mailserver import Dovecot
from tests.messages import BASE_DATE, make_message, write_config

ME = "Sam Me <me@example.com>"


def cli(config: Config, *args: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config.path),
                           *args], capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, **(env or {})})


def run_sync(config: Config, **kwargs: object) -> AccountReport:
    account = config.accounts[0]
    with Store.open(config.state_dir) as store:
        source = ImapSource(connect(account, get_password(account)))
        try:
            return sync_account(account, source, History(store), **kwargs)  # type: ignore[arg-type]
        finally:
            source.close()


def stored(config: Config, sql: str) -> list[tuple[object, ...]]:
    with Store.open(config.state_dir, write=False) as store:
        return [tuple(r) for r in store.conn.execute(sql)]


def conversation() -> tuple[list[bytes], list[bytes]]:
    first = make_message(subject="Permit hearing", message_id="<p1@example.com>",
                         date=BASE_DATE,
                         body="I've been sick all week and missed the interview on May 12.\n")
    reply = make_message(sender=ME, to="Alice Example <alice@example.com>",
                         subject="Re: Permit hearing", message_id="<p2@example.com>",
                         in_reply_to="<p1@example.com>", references="<p1@example.com>",
                         date=BASE_DATE + timedelta(hours=2),
                         body="Sorry to hear that. I'll send you the notes by Friday.\n")
    bob = make_message(sender="Bob <bob@example.org>", subject="Lunch?",
                       body="Lunch next week?\n")
    return [first, bob], [reply]


def test_initial_then_incremental_sync(config: Config, dovecot: Dovecot, mail_user: str) -> None:
    inbox, sent = conversation()
    dovecot.append(mail_user, "INBOX", inbox)
    dovecot.append(mail_user, "Sent", sent)
    report = run_sync(config)
    assert report.new == 3 and report.quarantined == 0
    assert {f.folder for f in report.folders} == {"INBOX", "Sent"}

    dovecot.append(mail_user, "INBOX", [make_message(subject="News")])
    report = run_sync(config)
    assert report.new == 1
    assert [(f.folder, f.new) for f in report.folders] == [("INBOX", 1), ("Sent", 0)]
    assert next(f for f in report.folders if f.folder == "Sent").action == "nothing new"

    report = run_sync(config)
    assert report.new == 0
    assert all(f.action == "nothing new" for f in report.folders)
    assert stored(config, "SELECT count(*) FROM message") == [(4,)]


def test_sync_never_changes_the_mailbox(config: Config, dovecot: Dovecot,
                                        mail_user: str) -> None:
    inbox, sent = conversation()
    dovecot.append(mail_user, "INBOX", inbox)
    dovecot.append(mail_user, "Sent", sent)
    before = {f: (dovecot.status(mail_user, f), dovecot.flags(mail_user, f))
              for f in ("INBOX", "Sent")}
    run_sync(config)
    run_sync(config)
    after = {f: (dovecot.status(mail_user, f), dovecot.flags(mail_user, f))
             for f in ("INBOX", "Sent")}
    assert after == before
    assert all("\\Seen" not in flags for _, f in after.values() for flags in f.values())


def test_contacts_threads_and_directions(config: Config, dovecot: Dovecot,
                                        mail_user: str) -> None:
    inbox, sent = conversation()
    dovecot.append(mail_user, "INBOX", inbox)
    dovecot.append(mail_user, "Sent", sent)
    run_sync(config)
    with Store.open(config.state_dir, write=False) as store:
        contacts = {c.address: c for c in History(store).contacts(OwnAddresses(["me@example.com"]))}
    alice = contacts["alice@example.com"]
    assert (alice.inbound, alice.outbound, alice.name) == (1, 1, "Alice Example")
    assert alice.last_inbound is not None and alice.last_inbound.endswith("+00:00")
    assert alice.last_outbound is not None and alice.last_outbound > alice.last_inbound
    assert contacts["bob@example.org"].outbound == 0
    keys = stored(config, "SELECT message_id, thread_key, direction FROM message ORDER BY id")
    by_id = {k[0]: k for k in keys}
    assert by_id["<p1@example.com>"][1] == by_id["<p2@example.com>"][1]
    assert by_id["<p2@example.com>"][2] == "out"


def test_threads_without_headers_fall_back_to_subject(config: Config, dovecot: Dovecot,
                                                      mail_user: str) -> None:
    dovecot.append(mail_user, "INBOX", [
        make_message(subject="Q3 model", message_id=None),
        make_message(subject="RE: Q3 model", message_id=None, body="Thanks!\n"),
        make_message(subject="Another topic", message_id=None)])
    dovecot.append(mail_user, "Sent", [
        make_message(sender=ME, to="alice@example.com", subject="Re: q3  MODEL",
                     message_id=None)])
    run_sync(config)
    rows = stored(config, "SELECT subject, thread_key FROM message ORDER BY id")
    q3 = {key for subject, key in rows if "q3" in str(subject).lower()}
    other = {key for subject, key in rows if "Another" in str(subject)}
    assert len(q3) == 1 and len(other) == 1 and q3 != other
    assert stored(config, "SELECT count(DISTINCT message_key) FROM message") == [(4,)]


def test_automated_mail_is_marked(config: Config, dovecot: Dovecot, mail_user: str) -> None:
    dovecot.append(mail_user, "INBOX", [
        make_message(sender="List <dev@lists.example.com>", extra={"List-Id": "<dev.example>"}),
        make_message(sender="Shop <no-reply@shop.example>", subject="Your order"),
        make_message(sender="Vacation <carol@example.com>",
                     extra={"Auto-Submitted": "auto-replied"}),
        make_message(sender="Dan <dan@example.com>",
                     extra={"Precedence": "bulk"}),
        make_message(sender="Erin <erin@example.com>", extra={"Auto-Submitted": "no"}),
    ])
    run_sync(config)
    done = cli(config, "contacts", "--json", "--all")
    assert done.returncode == 0, done.stderr
    flagged = {c["address"]: c["automated"] for c in json.loads(done.stdout)}
    assert flagged == {"dev@lists.example.com": True, "no-reply@shop.example": True,
                       "carol@example.com": True, "dan@example.com": True,
                       "erin@example.com": False}
    default = json.loads(cli(config, "contacts", "--json").stdout)
    assert [c["address"] for c in default] == ["erin@example.com"]


def test_broken_message_is_quarantined_and_sync_goes_on(config: Config, dovecot: Dovecot,
                                                        mail_user: str) -> None:
    uids = dovecot.append(mail_user, "INBOX", [
        make_message(subject="before"), b"\r\nno header at all, only a body\r\n",
        make_message(subject="after")])

    def analyse(message: ParsedMessage, direction: str) -> list[Item]:
        if message.subject == "after":
            raise RuntimeError("analyser tripped")
        return []

    report = run_sync(config, analyse=analyse)
    assert report.new == 2  # the analysis failure still keeps the message's facts
    rows = stored(config, "SELECT folder, uid, reason FROM quarantine ORDER BY uid")
    assert [(r[0], r[1]) for r in rows] == [("INBOX", uids[1]), ("INBOX", uids[2])]
    assert "unreadable: empty header" in str(rows[0][2])
    assert "analysis failed: RuntimeError" in str(rows[1][2])
    assert run_sync(config).quarantined == 0  # logged once: the cursor has passed them


def test_uidvalidity_change_rescans_without_duplicates(config: Config, dovecot: Dovecot,
                                                       mail_user: str) -> None:
    inbox, sent = conversation()
    dovecot.append(mail_user, "INBOX", [*inbox, make_message(message_id=None, subject="no id")])
    dovecot.append(mail_user, "Sent", sent)

    def analyse(message: ParsedMessage, direction: str) -> list[Item]:
        return [Item("challenge", "sender", message.text.strip(), message.subject, 0.9)]

    run_sync(config, analyse=analyse)
    before = stored(config, "SELECT message_key, folder, uid, uidvalidity FROM message "
                            "ORDER BY message_key")
    items_before = stored(config, "SELECT m.message_key, i.evidence FROM item i "
                                  "JOIN message m ON m.id = i.message ORDER BY 1")
    old = dovecot.status(mail_user, "INBOX")["uidvalidity"]
    dovecot.doveadm("mailbox", "update", "-u", mail_user, "--uid-validity", str(old + 7),
                    "INBOX")
    report = run_sync(config, analyse=analyse)
    inbox_report = next(f for f in report.folders if f.folder == "INBOX")
    assert inbox_report.action.startswith("rescan")
    assert (inbox_report.new, inbox_report.relocated) == (0, 3)
    after = stored(config, "SELECT message_key, folder, uid, uidvalidity FROM message "
                           "ORDER BY message_key")
    assert [r[0] for r in after] == [r[0] for r in before]
    assert {r[3] for r in after if r[1] == "INBOX"} == {old + 7}
    assert stored(config, "SELECT m.message_key, i.evidence FROM item i "
                          "JOIN message m ON m.id = i.message ORDER BY 1") == items_before


class Interrupting:
    """Wraps the real source and drops the connection on the N-th FETCH."""

    def __init__(self, source: ImapSource, fail_on_fetch: int) -> None:
        self.source = source
        self.fetches = 0
        self.fail_on_fetch = fail_on_fetch

    def __getattr__(self, name: str) -> object:
        return getattr(self.source, name)

    def fetch(self, uids: Sequence[int]) -> dict[int, FetchedMessage]:
        self.fetches += 1
        if self.fetches == self.fail_on_fetch:
            raise ConnectionResetError("connection dropped (test)")
        return self.source.fetch(uids)


def test_interrupted_sync_resumes_without_repeats(config: Config, dovecot: Dovecot,
                                                  mail_user: str) -> None:
    dovecot.load_maildir(mail_user, "INBOX",
                         [make_message(subject=f"message {n}") for n in range(25)])
    account = config.accounts[0]
    seen: list[str] = []

    def analyse(message: ParsedMessage, direction: str) -> list[Item]:
        seen.append(message.subject)
        return []

    with Store.open(config.state_dir) as store:
        source = ImapSource(connect(account, get_password(account)))
        with pytest.raises(ConnectionResetError):
            sync_account(account, Interrupting(source, 3), History(store),  # type: ignore[arg-type]
                         analyse=analyse, batch_size=5)
        source.close()
        assert History(store).message_count() == 10  # two whole batches committed
        assert History(store).cursor("test", "INBOX").last_uid == 10  # type: ignore[union-attr]
    report = run_sync(config, analyse=analyse, batch_size=5)
    assert report.new == 15
    assert sorted(seen) == sorted(f"message {n}" for n in range(25))  # each analysed once
    assert stored(config, "SELECT count(*) FROM message") == [(25,)]


def test_cli_sync_contacts_show(config: Config, dovecot: Dovecot, mail_user: str) -> None:
    inbox, sent = conversation()
    dovecot.append(mail_user, "INBOX", inbox)
    dovecot.append(mail_user, "Sent", sent)
    done = cli(config, "sync", "--once", "--json")
    assert done.returncode == 0, done.stderr
    (outcome,) = json.loads(done.stdout)
    assert outcome["new"] == 3
    assert "INFO followthrough.sync: test: 3 new messages" in done.stderr
    contacts = json.loads(cli(config, "contacts", "--json").stdout)
    alice = next(c for c in contacts if c["address"] == "alice@example.com")
    assert set(alice) >= {"address", "name", "inbound", "outbound", "last_inbound",
                          "last_outbound", "automated"}
    shown = cli(config, "show", "alice@example.com")
    assert shown.returncode == 0, shown.stderr
    assert "Permit hearing" in shown.stdout and "1 received" in shown.stdout
    # Extraction ran during sync (in its worker process) and its items are remembered.
    assert "commitment (sender, due 2026-03-06): send you the notes" in shown.stdout
    assert "“I'll send you the notes by Friday.”" in shown.stdout
    assert "challenge (sender): the interview" in shown.stdout  # its event, May 12
    missing = cli(config, "show", "nobody@example.com")
    assert missing.returncode == 1 and "no history with nobody@example.com" in missing.stderr


def test_wrong_password_is_one_clear_line(tmp_path: Path, dovecot: Dovecot,
                                          mail_user: str) -> None:
    path = write_config(tmp_path / "bad.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                        username=mail_user, password="not-the-password-42")
    done = subprocess.run([sys.executable, "-m", "followthrough", "--config", str(path), "sync",
                           "--once"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "account 'test': login as" in done.stderr and "failed" in done.stderr
    assert "not-the-password-42" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr



def test_starttls_account(tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    dovecot.append(mail_user, "INBOX", [make_message()])
    path = write_config(tmp_path / "c.toml", port=dovecot.plain_port, ca_file=dovecot.ca_file,
                        username=mail_user, password=dovecot.users[mail_user])
    path.write_text(path.read_text() + 'security = "starttls"\n')
    report = run_sync(load_config(path))
    assert report.new == 1
