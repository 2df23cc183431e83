"""TLS is never optional: an untrusted certificate, a hostname mismatch or a server without
STARTTLS refuse the connection before any credential is sent (the server log shows no login
attempt for that user)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mailserver import Dovecot
from tests.messages import drop_setting, write_config


def sync(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config),
                           "--log-level", "debug", "sync", "--once"], capture_output=True,
                          text=True, timeout=120, check=False)


def assert_no_login_attempt(server: Dovecot, user: str) -> None:
    log = server.log()
    assert f"user=<{user}>" not in log and f"({user}," not in log, log[-2000:]


def test_hostname_mismatch(tmp_path: Path, dovecot: Dovecot) -> None:
    user = dovecot.new_user("mismatch")
    config = write_config(tmp_path / "c.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                          username=user, password=dovecot.users[user])
    # The certificate names localhost and 127.0.0.1; the server also answers on 127.0.0.2.
    config.write_text(config.read_text().replace('host = "localhost"', 'host = "127.0.0.2"'))
    done = sync(config)
    assert done.returncode == 1
    assert "account 'test': the certificate of 127.0.0.2:" in done.stderr
    assert "mismatch" in done.stderr.lower()
    assert dovecot.users[user] not in done.stderr
    assert_no_login_attempt(dovecot, user)


def test_untrusted_certificate(tmp_path: Path, dovecot: Dovecot) -> None:
    user = dovecot.new_user("untrusted")
    config = write_config(tmp_path / "c.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                          username=user, password=dovecot.users[user])
    drop_setting(config, "ca_file")
    done = sync(config)
    assert done.returncode == 1 and "is not trusted" in done.stderr
    assert "account 'test': the certificate of localhost" in done.stderr
    assert "ca_file" in done.stderr  # the message says how to fix it
    assert "Traceback" not in done.stderr
    assert_no_login_attempt(dovecot, user)


@pytest.fixture(scope="module")
def plain_server() -> Iterator[Dovecot]:
    server = Dovecot(tls=False, plaintext_disabled=False).start()
    try:
        yield server
    finally:
        server.stop(remove=True)


def test_server_without_starttls_gets_no_password(tmp_path: Path, plain_server: Dovecot,
                                                  dovecot: Dovecot) -> None:
    user = plain_server.new_user("nostarttls")
    config = write_config(tmp_path / "c.toml", port=plain_server.plain_port,
                          ca_file=dovecot.ca_file, username=user,
                          password=plain_server.users[user])
    config.write_text(config.read_text() + 'security = "starttls"\n')
    done = sync(config)
    assert done.returncode == 1
    assert "does not offer STARTTLS; refusing to log in without TLS" in done.stderr
    assert_no_login_attempt(plain_server, user)
