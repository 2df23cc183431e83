"""A careless user's config: durations of millennia, drafts aimed at a conversation folder,
a password with non-ASCII characters, secrets in a world-readable file. Each gives a
one-line error or warning naming the key and the fix, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from followthrough.errors import ConfigError
from tests.mailserver import Dovecot
from tests.messages import make_message, write_config

ME = "Sam Me <me@example.com>"


def config_for(tmp_path: Path, dovecot: Dovecot, user: str, extra_account: str = "",
               extra: str = "") -> Path:
    return write_config(tmp_path / "config.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                        username=user, password=dovecot.users[user],
                        extra_account=extra_account, extra=extra)


def cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config),
                           *args], capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "FOLLOWTHROUGH_CONFIG": ""})


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr


@pytest.mark.parametrize("extra", [
    '[cadence]\ndefault = "99999999999d"\n',
    '[cadence]\ndefault = "520000w"\n',
    '[cadence]\nforget_after = "9999999999999999999999w"\n',
    '[[group]]\nname = "far"\nmembers = ["*@example.com"]\ncadence = "520000w"\n',
    '[[contact]]\naddress = "bob@example.com"\ncadence = "99999999w"\n',
    '[schedule]\nsync_every = "99999999999d"\n',
])
def test_huge_durations_are_config_errors(tmp_path: Path, dovecot: Dovecot, mail_user: str,
                                          extra: str) -> None:
    config = config_for(tmp_path, dovecot, mail_user, extra=extra)
    for command in (["config", "check"], ["due"], ["run", "--once"], ["doctor"]):
        done = cli(config, *command)
        no_traceback(done)
        if command == ["doctor"]:
            assert done.returncode == 1 and "longer than 520w" in done.stdout, done.stdout
            continue
        assert done.returncode == ConfigError.exit_code, (command, done.stderr)
        line, = done.stderr.splitlines()
        assert line.startswith("error: ") and "longer than 520w" in line and "at most" in line


def test_huge_snooze_is_refused(tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = config_for(tmp_path, dovecot, mail_user)
    assert cli(config, "sync", "--once").returncode == 0
    for duration in ("99999999w", "99999999999d"):
        done = cli(config, "snooze", "bob@example.com", duration)
        no_traceback(done)
        assert done.returncode == 1 and "longer than 520w" in done.stderr, done.stderr
    done = cli(config, "snooze", "bob@example.com", "52w", "--now", "9999-12-01")
    no_traceback(done)
    assert done.returncode == 1 and "shorter duration" in done.stderr, done.stderr


@pytest.mark.parametrize("name", ["Sent", "INBOX", "inbox", "Sent Items"])
def test_review_folder_read_as_conversation_is_a_config_error(
        tmp_path: Path, dovecot: Dovecot, mail_user: str, name: str) -> None:
    config = config_for(tmp_path, dovecot, mail_user, extra_account=f'review_folder = "{name}"\n')
    for command in (["config", "check"], ["run", "--once"]):
        done = cli(config, *command)
        no_traceback(done)
        assert done.returncode == ConfigError.exit_code
        assert "review_folder" in done.stderr and "Follow-ups" in done.stderr, done.stderr
    doctor = cli(config, "doctor")
    assert doctor.returncode == 1 and "review_folder" in doctor.stdout


def test_review_folder_the_server_marks_as_conversation_gets_no_draft(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    dovecot.append(mail_user, "Archive", [make_message(subject="Old")])  # SPECIAL-USE \Archive
    dovecot.append(mail_user, "INBOX", [make_message(subject="Hi", message_id="<r1@ex.com>")])
    dovecot.append(mail_user, "Sent", [make_message(
        sender=ME, to="Alice Example <alice@example.com>", subject="Re: Hi",
        in_reply_to="<r1@ex.com>")])
    config = config_for(tmp_path, dovecot, mail_user, extra_account='review_folder = "Archive"\n')
    assert cli(config, "config", "check").returncode == 0  # only the server knows
    doctor = cli(config, "doctor", "--json")
    no_traceback(doctor)
    review = next(c for c in json.loads(doctor.stdout) if c["name"] == "test: review folder")
    assert not review["ok"] and "\\archive" in review["detail"], review
    assert "Follow-ups" in review["fix"]
    before = dovecot.status(mail_user, "Archive")["messages"]
    run = cli(config, "run", "--once", "--now", "2026-11-20T09:00")
    no_traceback(run)
    assert "review_folder 'Archive'" in run.stderr, run.stderr
    assert dovecot.status(mail_user, "Archive")["messages"] == before


def test_non_ascii_password_logs_in_and_is_never_shown(tmp_path: Path,
                                                      dovecot: Dovecot) -> None:
    password = "pässwörd-ß-日本"
    dovecot.add_user("unicodeuser", password)
    # Dovecot re-reads its passwd-file at most once a second: wait until it knows the user.
    deadline = time.monotonic() + 10
    while True:
        try:
            dovecot.doveadm("auth", "test", "unicodeuser", password)
            break
        except RuntimeError:
            assert time.monotonic() < deadline, "Dovecot never learned the new user"
            time.sleep(0.2)
    dovecot.load_maildir("unicodeuser", "INBOX", [make_message()])
    config = config_for(tmp_path, dovecot, "unicodeuser")
    for command in (["sync", "--once"], ["run", "--once"], ["doctor"]):
        done = cli(config, *command)
        no_traceback(done)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        for character in "äöß日本":
            assert character not in done.stderr + done.stdout
    contacts = json.loads(cli(config, "contacts", "--json").stdout)
    assert [c["address"] for c in contacts] == ["alice@example.com"]
    wrong = tmp_path / "unicodeuser.password"
    wrong.write_text("pässwörd-wrong\n")
    done = cli(config, "sync", "--once")
    no_traceback(done)
    assert done.returncode == 1 and "login as 'unicodeuser' failed" in done.stderr
    assert "ä" not in done.stderr


def test_world_readable_config_with_a_password_command_is_flagged(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = config_for(tmp_path, dovecot, mail_user)
    config.chmod(0o644)
    check = cli(config, "config", "check", "--json")
    assert check.returncode == 0
    warnings = json.loads(check.stdout)["warnings"]
    assert len(warnings) == 1 and "chmod 600" in warnings[0] and "password_command" in warnings[0]
    assert check.stderr.startswith("warning: ")
    doctor = json.loads(cli(config, "doctor", "--json").stdout)
    flagged = next(c for c in doctor if c["name"] == "config permissions")
    assert not flagged["ok"] and flagged["fix"] == f"chmod 600 {config}"
    config.chmod(0o600)
    assert json.loads(cli(config, "config", "check", "--json").stdout)["warnings"] == []
    assert not any(c["name"] == "config permissions"
                   for c in json.loads(cli(config, "doctor", "--json").stdout))
