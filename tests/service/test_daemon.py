"""The real daemon process against the Dovecot fixture: IDLE, signals, reload, reconnect,
systemd notifications; and the operations commands (login, doctor, status, init)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.mailserver import Dovecot
from tests.messages import drop_setting, make_message, write_config

ME = "Sam Me <me@example.com>"


def config_file(tmp_path: Path, server: Dovecot, user: str, extra: str = "",
                with_password: bool = True) -> Path:
    path = write_config(tmp_path / "config.toml", port=server.port, ca_file=server.ca_file,
                        username=user, password=server.users[user],
                        extra='[schedule]\nsync_every = "10m"\n' + extra)
    if not with_password:
        drop_setting(path, "password_command")
    return path


def cli(config: Path, *args: str, env: dict[str, str] | None = None, stdin: str = ""
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config),
                           *args], input=stdin, capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, **(env or {})})


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class RunningDaemon:
    """`followthrough run` in its own process, with a test NOTIFY_SOCKET."""

    def __init__(self, config: Path, workdir: Path) -> None:
        self.config = config
        self.log_path = workdir / "daemon.log"
        self.socket_path = workdir / "notify.sock"
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(str(self.socket_path))
        self.notify.settimeout(0.2)
        self.messages: list[str] = []
        env = {**os.environ, "NOTIFY_SOCKET": str(self.socket_path),
               "WATCHDOG_USEC": "1000000"}
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "followthrough", "--config", str(config), "--log-level",
             "debug", "run"], stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def drain(self) -> list[str]:
        while True:
            try:
                self.messages.append(self.notify.recv(4096).decode())
            except (TimeoutError, BlockingIOError):
                return self.messages

    def seen(self, text: str) -> bool:
        return any(text in m for m in self.drain())

    def output(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.log.close()
        self.notify.close()


@pytest.fixture
def daemon_for(tmp_path: Path) -> Iterator[Callable[[Path], RunningDaemon]]:
    started: list[RunningDaemon] = []

    def start(config: Path) -> RunningDaemon:
        daemon = RunningDaemon(config, tmp_path)
        started.append(daemon)
        wait_for(lambda: daemon.seen("READY=1"), 90, "READY=1 from the daemon")
        return daemon

    yield start
    for daemon in started:
        daemon.stop()


def known_contacts(config: Path) -> set[str]:
    done = cli(config, "contacts", "--json", "--all")
    return {c["address"] for c in json.loads(done.stdout)} if done.returncode == 0 else set()


def test_new_mail_arrives_through_idle(tmp_path: Path, dovecot: Dovecot, mail_user: str,
                                       daemon_for: Callable[[Path], RunningDaemon]) -> None:
    dovecot.append(mail_user, "INBOX", [make_message()])
    config = config_file(tmp_path, dovecot, mail_user)  # periodic sync only every 10 minutes
    daemon = daemon_for(config)
    wait_for(lambda: "alice@example.com" in known_contacts(config), 60, "the first sync")
    dovecot.append(mail_user, "INBOX", [make_message(sender="Newcomer <new@example.org>")])
    took = wait_for(lambda: "new@example.org" in known_contacts(config), 20,
                    "IDLE to announce the new mail")
    assert took < 20
    assert daemon.process.poll() is None


def test_notify_socket_and_sigterm(tmp_path: Path, dovecot: Dovecot, mail_user: str,
                                   daemon_for: Callable[[Path], RunningDaemon]) -> None:
    daemon = daemon_for(config_file(tmp_path, dovecot, mail_user))
    wait_for(lambda: daemon.seen("WATCHDOG=1"), 10, "a watchdog ping")
    assert daemon.seen("STATUS=") and any("next drafts" in m for m in daemon.messages)
    status = json.loads(cli(daemon.config, "status", "--json").stdout)
    assert status["daemon"] == {"running": True, "pid": daemon.process.pid}
    started = time.monotonic()
    daemon.process.send_signal(signal.SIGTERM)
    assert daemon.process.wait(15) == 0
    assert time.monotonic() - started < 10
    assert daemon.seen("STOPPING=1")
    assert "received SIGTERM" in daemon.output()
    after = json.loads(cli(daemon.config, "status", "--json").stdout)
    assert after["daemon"]["running"] is False


def test_sighup_keeps_old_config_when_new_one_is_invalid(
        tmp_path: Path, dovecot: Dovecot, mail_user: str,
        daemon_for: Callable[[Path], RunningDaemon]) -> None:
    config = config_file(tmp_path, dovecot, mail_user)
    daemon = daemon_for(config)
    good = config.read_text()
    config.write_text(good.replace('sync_every = "10m"', 'sync_every = "ten minutes"'))
    daemon.process.send_signal(signal.SIGHUP)
    wait_for(lambda: "keeping the previous one" in daemon.output(), 15, "the reload refusal")
    assert "schedule.sync_every" in daemon.output()
    assert daemon.process.poll() is None
    config.write_text(good + '\n[[contact]]\naddress = "vip@example.com"\ncadence = "7d"\n')
    daemon.process.send_signal(signal.SIGHUP)
    wait_for(lambda: "configuration re-read" in daemon.output(), 15, "the reload")
    assert daemon.process.poll() is None


def test_sighup_with_a_duration_of_millennia_keeps_the_old_config(
        tmp_path: Path, dovecot: Dovecot, mail_user: str,
        daemon_for: Callable[[Path], RunningDaemon]) -> None:
    config = config_file(tmp_path, dovecot, mail_user)
    daemon = daemon_for(config)
    good = config.read_text()
    config.write_text(good + '\n[cadence]\ndefault = "99999999999d"\n')
    daemon.process.send_signal(signal.SIGHUP)
    wait_for(lambda: "keeping the previous one" in daemon.output(), 15, "the reload refusal")
    assert "cadence.default" in daemon.output() and "Traceback" not in daemon.output()
    time.sleep(1)
    assert daemon.process.poll() is None


def test_reconnects_after_the_server_restarts(tmp_path: Path,
                                              daemon_for: Callable[[Path], RunningDaemon]
                                              ) -> None:
    server = Dovecot().start()
    try:
        user = server.new_user("restarts")
        server.append(user, "INBOX", [make_message()])
        config = config_file(tmp_path, server, user)
        daemon = daemon_for(config)
        wait_for(lambda: "alice@example.com" in known_contacts(config), 60, "the first sync")
        server.stop()
        wait_for(lambda: "IDLE connection lost" in daemon.output(), 20, "the lost connection")
        server.start()
        server.append(user, "INBOX", [make_message(sender="After <after@example.org>")])
        wait_for(lambda: "after@example.org" in known_contacts(config), 60,
                 "the mail sent while the server was down")
        assert daemon.process.poll() is None
    finally:
        server.stop(remove=True)


def test_login_stores_a_verified_password_in_a_file_keyring(tmp_path: Path, dovecot: Dovecot,
                                                            mail_user: str) -> None:
    config = config_file(tmp_path, dovecot, mail_user, with_password=False)
    env = {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
           "XDG_DATA_HOME": str(tmp_path / "data")}
    wrong = cli(config, "login", "test", stdin="not-the-password\n", env=env)
    assert wrong.returncode == 1 and "login as" in wrong.stderr
    assert "not-the-password" not in wrong.stderr + wrong.stdout
    no_secret = cli(config, "sync", "--once", env=env)
    assert no_secret.returncode == 1 and "followthrough login test" in no_secret.stderr
    right = cli(config, "login", "test", stdin=dovecot.users[mail_user] + "\n", env=env)
    assert right.returncode == 0, right.stderr
    assert "stored in the keyring" in right.stdout
    assert cli(config, "sync", "--once", env=env).returncode == 0


def test_missing_keyring_is_a_clear_message(tmp_path: Path, dovecot: Dovecot,
                                            mail_user: str) -> None:
    config = config_file(tmp_path, dovecot, mail_user, with_password=False)
    done = cli(config, "sync", "--once",
               env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert done.returncode == 1
    assert "account 'test'" in done.stderr and "password_command" in done.stderr
    assert "Traceback" not in done.stderr


def test_doctor_on_a_good_and_a_broken_setup(tmp_path: Path, dovecot: Dovecot,
                                             mail_user: str) -> None:
    config = config_file(tmp_path, dovecot, mail_user)
    good = cli(config, "doctor")
    assert good.returncode == 0, good.stdout
    assert "✗" not in good.stdout
    for name in ("config", "state store", "test: password", "test: DNS", "test: TCP",
                 "test: TLS", "test: login", "test: capabilities", "test: folders",
                 "test: review folder"):
        assert f"✓ {name}" in good.stdout, good.stdout
    (tmp_path / f"{mail_user}.password").write_text("wrong\n")
    broken = cli(config, "doctor", "--json")
    assert broken.returncode == 1
    checks = {c["name"]: c for c in json.loads(broken.stdout)}
    assert checks["test: login"]["ok"] is False and "followthrough login" in \
        checks["test: login"]["fix"]
    config.write_text(config.read_text().replace(f"port = {dovecot.port}", "port = 1"))
    refused = cli(config, "doctor")
    assert refused.returncode == 1 and "✗ test: TCP" in refused.stdout


def test_init_writes_a_private_valid_config(tmp_path: Path) -> None:
    target = tmp_path / "new" / "config.toml"
    answers = "imap.example.com\n\n\nsam@example.com\n\n\nwork\n\nSam\n"
    done = cli(target, "init", stdin=answers)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    checked = cli(target, "config", "check", "--json")
    summary = json.loads(checked.stdout)
    assert summary["accounts"][0] == {"name": "work", "host": "imap.example.com", "port": 993,
                                      "security": "tls", "addresses": ["sam@example.com"],
                                      "review_folder": None}  # the Drafts folder
    again = cli(target, "init", stdin=answers)
    assert again.returncode == 1 and "--force" in again.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_unit_file_verifies(tmp_path: Path) -> None:
    unit = Path(__file__).resolve().parents[2] / "systemd" / "followthrough.service"
    home = tmp_path / "home"
    binary = home / ".local" / "bin" / "followthrough"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    shutil.copy(unit, tmp_path / "followthrough.service")
    done = subprocess.run(["systemd-analyze", "verify", "--man=no",
                           str(tmp_path / "followthrough.service")], capture_output=True,
                          text=True, env={**os.environ, "HOME": str(home)}, check=False)
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stderr
    text = unit.read_text()
    for setting in ("Type=notify", "Restart=on-failure", "WatchdogSec=", "UMask=0077",
                    "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=read-only",
                    "ReadWritePaths=", "PrivateTmp=yes"):
        assert setting in text


def test_a_full_notify_socket_never_blocks(tmp_path: Path) -> None:
    from followthrough.service.sd_notify import Notifier

    path = tmp_path / "unread.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as unread:
        unread.bind(str(path))
        notifier = Notifier({"NOTIFY_SOCKET": str(path)})
        started = time.monotonic()
        for _ in range(5000):  # far more than the socket queue holds
            notifier.watchdog()
        assert time.monotonic() - started < 10
