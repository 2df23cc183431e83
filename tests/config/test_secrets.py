"""Secrets: a hanging keyring stops cleanly within its timeout; no password appears in any
log at any level, or in the state files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from followthrough.config.credentials import KEYRING_TIMEOUT
from tests.mailserver import Dovecot
from tests.messages import drop_setting, make_message, write_config

ROOT = Path(__file__).resolve().parents[2]


def run(config: Path, *args: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config),
                           *args], capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def test_locked_keyring_times_out_with_a_clear_message(tmp_path: Path, dovecot: Dovecot) -> None:
    user = dovecot.new_user("locked-keyring")
    config = write_config(tmp_path / "c.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                          username=user, password=dovecot.users[user])
    drop_setting(config, "password_command")
    started = time.monotonic()
    done = run(config, "sync", "--once",
               env={"PYTHON_KEYRING_BACKEND": "tests.slow_keyring.SlowKeyring"})
    took = time.monotonic() - started
    assert done.returncode == 1
    assert took < KEYRING_TIMEOUT + 10
    assert "did not answer within 10 s" in done.stderr and "password_command" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_password_in_logs_or_state(tmp_path: Path, dovecot: Dovecot) -> None:
    user = dovecot.new_user("password-scan")
    secret = dovecot.users[user]
    dovecot.append(user, "INBOX", [make_message(date=None)])
    config = write_config(tmp_path / "c.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                          username=user, password=secret)
    outputs = [run(config, "--log-level", "debug", "sync", "--once"),
               run(config, "--log-level", "debug", "run", "--once", "--now",
                   "2026-09-01T09:00"),
               run(config, "--log-level", "debug", "doctor")]
    bad = tmp_path / "bad.password"
    bad.write_text("wrong-secret-value-77\n")
    config.write_text(config.read_text().replace(f"{user}.password", "bad.password"))
    outputs.append(run(config, "--log-level", "debug", "sync", "--once"))
    for done in outputs:
        assert secret not in done.stdout + done.stderr
        assert "wrong-secret-value-77" not in done.stdout + done.stderr
    assert "login as" in outputs[-1].stderr  # the failure was reported, without the password
    state = tmp_path / "state"
    for path in state.iterdir():
        assert secret.encode() not in path.read_bytes(), path
        assert oct(path.stat().st_mode & 0o777) == "0o600", path
    assert oct(state.stat().st_mode & 0o777) == "0o700"
