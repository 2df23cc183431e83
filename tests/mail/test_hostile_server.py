"""A hostile or broken IMAP server (a scripted one: a real server won't do these): each
case ends in one error line naming what to do, or is survived, in bounded time; nothing
is stored that the server was not asked for, and no log line can be forged."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile_imap import Folder, HostileServer, fetch_item, honest_fetch
from tests.mailserver import Dovecot
from tests.messages import make_message, write_config

ME = "Sam Me <me@example.com>"


@pytest.fixture
def tls_dir(dovecot: Dovecot) -> Path:
    return dovecot.root / "tls"


@pytest.fixture
def servers() -> Iterator[list[HostileServer]]:
    started: list[HostileServer] = []
    yield started
    for server in started:
        server.close()


def start(servers: list[HostileServer], tls_dir: Path, **kwargs: object) -> HostileServer:
    server = HostileServer(tls_dir, **kwargs)  # type: ignore[arg-type]
    servers.append(server)
    return server


def config_for(tmp_path: Path, dovecot: Dovecot, server: HostileServer,
               extra_account: str = 'timeout = "3s"\n') -> Path:
    return write_config(tmp_path / "config.toml", port=server.port, ca_file=dovecot.ca_file,
                        username="sam", password="pw", extra_account=extra_account)


def cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config),
                           *args], capture_output=True, text=True, timeout=120, check=False)


def sync_fails_cleanly(config: Path, *expected: str, within: float = 30) -> str:
    started = time.monotonic()
    done = cli(config, "sync", "--once")
    assert time.monotonic() - started < within
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    # sync reports each account's failure as one log line, and goes on with the others
    errors = [line for line in done.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1, done.stderr
    for text in expected:
        assert text in errors[0], errors[0]
    return errors[0]


def stored_subjects(config: Path) -> list[str]:
    done = cli(config, "contacts", "--all", "--json")
    if done.returncode != 0:
        return []
    return sorted(c["address"] for c in json.loads(done.stdout))


def mailbox(count: int = 3) -> dict[str, Folder]:
    inbox = Folder(messages={n: make_message(sender=f"P{n} <p{n}@example.com>",
                                             subject=f"note {n}") for n in range(1, count + 1)})
    return {"INBOX": inbox, "Sent": Folder(flags="\\Sent")}


def test_literal_announcing_a_huge_size(tmp_path: Path, dovecot: Dovecot, tls_dir: Path,
                                        servers: list[HostileServer]) -> None:
    def lying(uids: list[int], folder: Folder) -> bytes:
        return fetch_item(uids[0], folder.messages[uids[0]], header_size=99_999_999_999_999)

    server = start(servers, tls_dir, folders=mailbox(), fetch=lying)
    config = config_for(tmp_path, dovecot, server)
    sync_fails_cleanly(config, "sync interrupted", "99999999999999-byte",
                       "the next sync resumes")
    assert stored_subjects(config) == []


def test_literal_shorter_than_announced(tmp_path: Path, dovecot: Dovecot, tls_dir: Path,
                                        servers: list[HostileServer]) -> None:
    def lying(uids: list[int], folder: Folder) -> bytes:
        raw = folder.messages[uids[0]]
        return fetch_item(uids[0], raw, header_size=len(raw) + 5000)  # and then nothing

    server = start(servers, tls_dir, folders=mailbox(), fetch=lying)
    config = config_for(tmp_path, dovecot, server)
    sync_fails_cleanly(config, "the next sync resumes")
    assert stored_subjects(config) == []


def test_fetch_data_for_uids_not_asked_for_is_ignored(
        tmp_path: Path, dovecot: Dovecot, tls_dir: Path,
        servers: list[HostileServer]) -> None:
    forged = make_message(sender="Mallory <mallory@evil.example>", subject="forged",
                          body="You said you'd send me the money tomorrow.\n")

    def extra(uids: list[int], folder: Folder) -> bytes:
        return honest_fetch(uids, folder) + fetch_item(99, forged) + fetch_item(4, forged)

    folders = mailbox()
    server = start(servers, tls_dir, folders=folders, fetch=extra)
    config = config_for(tmp_path, dovecot, server)
    done = cli(config, "sync", "--once", "--json")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert stored_subjects(config) == ["p1@example.com", "p2@example.com", "p3@example.com"]


def test_uids_going_backwards_rescan_without_duplicates(
        tmp_path: Path, dovecot: Dovecot, tls_dir: Path,
        servers: list[HostileServer]) -> None:
    folders = mailbox(3)
    server = start(servers, tls_dir, folders=folders)
    config = config_for(tmp_path, dovecot, server)
    assert cli(config, "sync", "--once").returncode == 0
    # Same UIDVALIDITY, but the server now numbers from 1 again and reuses UID 2.
    inbox = folders["INBOX"]
    inbox.messages = {1: inbox.messages[1], 2: make_message(sender="New <new@example.com>")}
    done = cli(config, "sync", "--once", "--json")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "rescan" in json.loads(done.stdout)[0]["folders"][0]["action"]
    assert stored_subjects(config) == ["new@example.com", "p1@example.com", "p2@example.com",
                                       "p3@example.com"]
    messages = json.loads(cli(config, "show", "p1@example.com", "--json").stdout)
    assert len(messages["messages"]) == 1


def test_uidvalidity_zero_is_refused(tmp_path: Path, dovecot: Dovecot, tls_dir: Path,
                                     servers: list[HostileServer]) -> None:
    folders = mailbox()
    folders["INBOX"].uidvalidity = 0
    server = start(servers, tls_dir, folders=folders)
    config = config_for(tmp_path, dovecot, server)
    sync_fails_cleanly(config, "UIDVALIDITY", "'INBOX'", "report this to your mail provider")
    assert stored_subjects(config) == []


def test_fifty_thousand_folders(tmp_path: Path, dovecot: Dovecot, tls_dir: Path,
                                servers: list[HostileServer]) -> None:
    folders = mailbox()
    lines = [f'* LIST () "/" "Folder {n}"\r\n'.encode() for n in range(50_000)]
    lines += [b'* LIST () "/" "INBOX"\r\n', b'* LIST (\\Sent) "/" "Sent"\r\n']
    server = start(servers, tls_dir, folders=folders, list_lines=lines)
    # listed folders the server cannot open: name the two real ones (the default would
    # read every listed folder)
    config = config_for(tmp_path, dovecot, server,
                        extra_account='timeout = "30s"\nfolders = ["INBOX", "Sent"]\n')
    started = time.monotonic()
    done = cli(config, "sync", "--once")
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 60
    assert len(stored_subjects(config)) == 3
    missing = config_for(tmp_path, dovecot, server,
                         extra_account='timeout = "30s"\nfolders = ["INBOX", "Nope"]\n')
    line = sync_fails_cleanly(missing, "'Nope' does not exist", "49982 more", within=60)
    assert len(line) < 1000


def test_folder_names_with_dot_dot_and_line_breaks(tmp_path: Path, dovecot: Dovecot,
                                                   tls_dir: Path,
                                                   servers: list[HostileServer]) -> None:
    evil = "Sent\r\n2026-01-01 00:00:00 ERROR followthrough: forged log line"
    folders = {"INBOX": mailbox()["INBOX"],
               "../../../tmp/escape": Folder(flags="\\Sent", messages={
                   1: make_message(sender=ME, to="Bob <bob@example.com>", subject="out")})}
    lines = [b'* LIST () "/" "INBOX"\r\n',
             b'* LIST (\\Sent) "/" "../../../tmp/escape"\r\n',
             f"* LIST (\\Sent) \"/\" {{{len(evil)}}}\r\n{evil}\r\n".encode()]
    server = start(servers, tls_dir, folders=folders, list_lines=lines)
    config = config_for(tmp_path, dovecot, server)
    done = cli(config, "sync", "--once")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "forged log line" not in "\n".join(
        line for line in done.stderr.splitlines() if "control characters" not in line)
    assert all(line[:4].isdigit() for line in done.stderr.splitlines() if line)
    assert not Path("/tmp/escape").exists()
    assert "bob@example.com" in stored_subjects(config)  # read as Sent, only by its name


def test_server_that_greets_and_never_answers(tmp_path: Path, dovecot: Dovecot,
                                              tls_dir: Path,
                                              servers: list[HostileServer]) -> None:
    server = start(servers, tls_dir, folders=mailbox(), silent=True)
    config = config_for(tmp_path, dovecot, server)
    sync_fails_cleanly(config, "did not answer in time", within=20)
    doctor = subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config),
                             "doctor"], capture_output=True, text=True, timeout=60,
                            check=False)
    assert doctor.returncode == 1 and "Traceback" not in doctor.stderr
    assert "did not answer in time" in doctor.stdout
