"""A broken machine around the state: a corrupted state.db, a full disk, a state_dir that
is somebody else's directory. Each ends in a one-line error naming the fix, never a
traceback, and nothing already stored is lost."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

from tests.mailserver import Dovecot
from tests.messages import make_message, write_config

# The exit statuses the README documents (errors.StateDamagedError, StateWriteError).
DAMAGED = 4
CANNOT_WRITE = 5


def config_for(tmp_path: Path, dovecot: Dovecot, user: str, state: str = "state") -> Path:
    path = write_config(tmp_path / "config.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                        username=user, password=dovecot.users[user])
    path.write_text(path.read_text().replace('state_dir = "state"', f'state_dir = "{state}"'))
    return path


def cli(config: Path, *args: str, file_limit: int | None = None
        ) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config),
                           *args], capture_output=True, text=True, timeout=300, check=False,
                          preexec_fn=limit)


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, done.stderr
    return errors[0]


def test_corrupted_state_db_gives_the_fix_in_every_command(tmp_path: Path, dovecot: Dovecot,
                                                           mail_user: str) -> None:
    dovecot.append(mail_user, "INBOX", [make_message()])
    config = config_for(tmp_path, dovecot, mail_user)
    assert cli(config, "sync", "--once").returncode == 0
    database = tmp_path / "state" / "state.db"
    for suffix in ("-wal", "-shm"):
        database.with_name("state.db" + suffix).unlink(missing_ok=True)
    database.write_bytes(b"this is not SQLite\n" * 400)
    for command in (["sync", "--once"], ["run", "--once"], ["due"], ["contacts"],
                    ["explain", "alice@example.com"], ["drafts"], ["status"]):
        done = cli(config, *command)
        line = one_error_line(done) if command != ["status"] else done.stdout
        assert "is damaged" in line and "mv " in line, (command, done.stdout, done.stderr)
        assert done.returncode == DAMAGED, (command, done.stderr)
    doctor = cli(config, "doctor", "--json")
    assert "Traceback" not in doctor.stderr, doctor.stderr
    state = next(c for c in json.loads(doctor.stdout) if c["name"] == "state store")
    assert not state["ok"] and "move state.db aside" in state["fix"]
    assert doctor.returncode == 1


def test_full_disk_stops_sync_with_the_fix_and_status_shows_it(tmp_path: Path,
                                                               dovecot: Dovecot,
                                                               mail_user: str) -> None:
    config = config_for(tmp_path, dovecot, mail_user)
    assert cli(config, "sync", "--once").returncode == 0  # the state exists, nearly empty
    size = sum(p.stat().st_size for p in (tmp_path / "state").iterdir())
    dovecot.append(mail_user, "INBOX", [make_message(
        sender=f"Person {n} <p{n}@example.com>", subject=f"Note {n} " + "x" * 300,
        body=f"Hi,\n\nWe closed the round {n}. " + "Words. " * 200 + "\n")
        for n in range(300)])
    # The files may not grow past this: a full disk, as SQLite sees it.
    done = cli(config, "sync", "--once", file_limit=size + 64 * 1024)
    line = one_error_line(done)
    assert "cannot write" in line and "free some disk space" in line, line
    assert done.returncode == CANNOT_WRITE
    status = cli(config, "status", "--json")
    assert "Traceback" not in status.stderr, status.stderr
    account = json.loads(status.stdout)["accounts"][0]
    assert account["last_error"] and "free some disk space" in account["last_error"], account
    again = cli(config, "sync", "--once")  # space is back: it resumes, nothing lost
    assert again.returncode == 0, again.stderr
    contacts = json.loads(cli(config, "contacts", "--json").stdout)
    assert len(contacts) == 300


def test_existing_state_dir_is_never_chmodded(tmp_path: Path, dovecot: Dovecot,
                                              mail_user: str) -> None:
    shared = tmp_path / "shared-dir"
    shared.mkdir()
    shared.chmod(0o755)
    (shared / "notes.txt").write_text("the user's own file\n")
    link = tmp_path / "link-to-shared"
    link.symlink_to(shared)
    for where in (shared, link):
        config = config_for(tmp_path, dovecot, mail_user, state=str(where))
        done = cli(config, "sync", "--once")
        line = one_error_line(done)
        assert "not followthrough's" in line and "state_dir" in line, line
        assert shared.stat().st_mode & 0o777 == 0o755
        assert not (shared / "state.db").exists()
    empty = tmp_path / "empty-dir"
    empty.mkdir()
    empty.chmod(0o755)
    config = config_for(tmp_path, dovecot, mail_user, state=str(empty))
    done = cli(config, "sync", "--once")
    assert done.returncode == 0, done.stderr
    assert "chmod 700" in done.stderr  # a warning, and the mode is the user's to change
    assert empty.stat().st_mode & 0o777 == 0o755
    assert (empty / "state.db").stat().st_mode & 0o777 == 0o600
    fresh = tmp_path / "new" / "state"
    config = config_for(tmp_path, dovecot, mail_user, state=str(fresh))
    assert cli(config, "sync", "--once").returncode == 0
    assert fresh.stat().st_mode & 0o777 == 0o700
    assert any(fresh.iterdir())
