"""The second shape: `followthrough login` signs in against the provider (here a local
stand-in for its endpoints), checks the token with the real server, keeps the refresh token
in the keyring or with the headless commands, and every later connection refreshes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.mailserver import Dovecot
from tests.messages import make_message
from tests.oauth2.conftest import ROOT, cli, file_keyring, oauth_config, provider_lines
from tests.oauth_provider import Provider


def start_login(config: Path, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "followthrough", "--config", str(config),
                             "--log-level", "debug", "login", "test", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **env})


def read_until(process: subprocess.Popen[str], pattern: str) -> tuple[re.Match[str], str]:
    seen = ""
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        seen += line
        if found := re.search(pattern, line):
            return found, seen
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"no {pattern!r} in: {seen}")


def scan_for_secrets(provider: Provider, *texts: str) -> None:
    for secret in provider.issued:
        for text in texts:
            assert secret not in text


def test_device_login_then_sync_and_doctor(tmp_path: Path, oauth_dovecot: Dovecot,
                                           oauth_user: str, provider: Provider) -> None:
    oauth_dovecot.append(oauth_user, "INBOX", [make_message()])
    config = oauth_config(tmp_path / "c.toml", oauth_dovecot, oauth_user,
                          provider_lines(provider))
    env = file_keyring(tmp_path)
    before = cli(config, "sync", "--once", env=env)
    assert before.returncode == 1 and "followthrough login test" in before.stderr
    login = start_login(config, "--device", env=env)
    found, shown = read_until(login, r"open (\S+) on any device and enter the code (\w+)")
    assert found.group(1) == f"{provider.url}/activate"
    provider.approve(found.group(2))
    out, err = login.communicate(timeout=60)
    assert login.returncode == 0, shown + err
    assert "signed in" in out and "keyring" in out
    keyring_file = next((tmp_path / "data").rglob("keyring_pass.cfg"))
    assert "[followthrough_2Doauth2]" in keyring_file.read_text()  # service, escaped
    sync = cli(config, "sync", "--once", env=env)
    assert sync.returncode == 0, sync.stderr
    doctor = cli(config, "doctor", env=env)
    assert doctor.returncode == 0, doctor.stdout
    for name in ("OAuth2 token", "mechanisms", "login", "folders"):
        assert f"✓ test: {name}" in doctor.stdout
    assert provider.requests["refresh_token"] == 2  # one per process: sync, doctor
    scan_for_secrets(provider, shown, out, err, sync.stdout, sync.stderr, doctor.stdout,
                     doctor.stderr)
    for path in (tmp_path / "state").iterdir():
        scan_for_secrets(provider, path.read_bytes().decode("latin-1"))


def test_browser_login_with_pkce_and_headless_token_store(tmp_path: Path, oauth_dovecot: Dovecot,
                                                          oauth_user: str,
                                                          provider: Provider) -> None:
    store = tmp_path / "refresh-token"
    config = oauth_config(tmp_path / "c.toml", oauth_dovecot, oauth_user,
                          provider_lines(provider, store=store) + 'oauth2_flow = "browser"\n')
    login = start_login(config, "--no-browser", env={})
    found, shown = read_until(login, r"^\s+(http://127\.0\.0\.1:\d+/authorize\?\S+)$")
    assert "code_challenge_method=S256" in found.group(1)
    with urllib.request.urlopen(found.group(1), timeout=30) as page:  # noqa: S310 (the user's browser, on loopback)
        assert b"signed in" in page.read()
    out, err = login.communicate(timeout=60)
    assert login.returncode == 0, shown + err
    assert "oauth2_refresh_token_save_command" in out
    assert store.read_text().strip() in provider.issued
    assert provider.requests["authorization_code"] == 1
    scan_for_secrets(provider, shown, out, err)
    sync = cli(config, "sync", "--once")
    assert sync.returncode == 0, sync.stderr


def test_login_refuses_a_token_the_server_does_not_take(tmp_path: Path, oauth_dovecot: Dovecot,
                                                        oauth_user: str,
                                                        provider: Provider) -> None:
    store = tmp_path / "refresh-token"
    config = oauth_config(tmp_path / "c.toml", oauth_dovecot, oauth_user,
                          provider_lines(provider, store=store))
    provider.user = "someone-else"  # the provider signs the wrong mailbox in
    login = start_login(config, "--device", env={})
    found, _ = read_until(login, r"enter the code (\w+)")
    provider.approve(found.group(1))
    _, err = login.communicate(timeout=60)
    assert login.returncode == 1
    assert "refused the token" in err and "Traceback" not in err
    assert not store.exists()  # nothing kept that does not work
