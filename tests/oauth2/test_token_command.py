"""The first shape: a helper command prints an access token (like mbsync's PassCmd with
XOAUTH2). Real JWTs, checked by Dovecot's oauth2 passdb."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.mailserver import Dovecot
from tests.messages import make_message
from tests.oauth2.conftest import cli, oauth_config
from tests.oauth_provider import Provider


def token_command(tmp_path: Path, tokens: list[str]) -> str:
    """A helper that prints the next token of ``tokens`` each run, counting its runs."""
    for index, token in enumerate(tokens):
        (tmp_path / f"token{index}").write_text(token + "\n")
    script = tmp_path / "helper.sh"
    script.write_text(f"#!/bin/sh\nn=$(cat '{tmp_path}/runs' 2>/dev/null || echo 0)\n"
                      f"echo $((n+1)) > '{tmp_path}/runs'\n"
                      f"last={len(tokens) - 1}\n[ $n -gt $last ] && n=$last\n"
                      f"cat '{tmp_path}/token'$n\n")
    script.chmod(0o700)
    return str(script)


def runs(tmp_path: Path) -> int:
    path = tmp_path / "runs"
    return int(path.read_text()) if path.exists() else 0


@pytest.mark.parametrize("mechanism", ["xoauth2", "oauthbearer", "auto"])
def test_token_command_signs_in_with_each_mechanism(mechanism: str, tmp_path: Path,
                                                    oauth_dovecot: Dovecot, oauth_user: str,
                                                    provider: Provider) -> None:
    oauth_dovecot.append(oauth_user, "INBOX", [make_message()])
    command = token_command(tmp_path, [provider.access_token()])
    config = oauth_config(tmp_path / "c.toml", oauth_dovecot, oauth_user,
                          f'oauth2_token_command = "{command}"\n'
                          f'oauth2_mechanism = "{mechanism}"\n')
    done = cli(config, "sync", "--once", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["new"] == 1
    used = "XOAUTH2" if mechanism == "xoauth2" else "OAUTHBEARER"  # auto: the standard one
    assert f"user=<{oauth_user}>, method={used}" in oauth_dovecot.log()
    assert runs(tmp_path) == 1  # once per connection
    for token in provider.issued:
        assert token not in done.stdout + done.stderr


def test_refused_token_asks_the_helper_once_more_then_explains(
        tmp_path: Path, oauth_dovecot: Dovecot, oauth_user: str, provider: Provider) -> None:
    expired = provider.access_token(lifetime=-60)
    good = provider.access_token()
    command = token_command(tmp_path, [expired, good])
    config = oauth_config(tmp_path / "c.toml", oauth_dovecot, oauth_user,
                          f'oauth2_token_command = "{command}"\n')
    done = cli(config, "sync", "--once")
    assert done.returncode == 0, done.stderr
    assert runs(tmp_path) == 2  # the refused token, then a fresh one

    wrong_user = provider.access_token(user="someone-else")
    (tmp_path / "again").mkdir()
    command = token_command(tmp_path / "again", [wrong_user])
    config = oauth_config(tmp_path / "c.toml", oauth_dovecot, oauth_user,
                          f'oauth2_token_command = "{command}"\n')
    refused = cli(config, "sync", "--once")
    assert refused.returncode == 1
    assert runs(tmp_path / "again") == 2  # asked once more, got the same token: no retry
    assert "refused the token" in refused.stderr and "username" in refused.stderr
    assert "Traceback" not in refused.stderr
    doctor = cli(config, "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(doctor.stdout)}
    assert checks["test: OAuth2 token"]["ok"] is True
    assert checks["test: mechanisms"]["ok"] is True
    assert "AUTH=OAUTHBEARER" in checks["test: mechanisms"]["detail"]
    assert checks["test: login"]["ok"] is False and "username" in checks["test: login"]["fix"]
    for output in (done, refused, doctor):
        for token in provider.issued:
            assert token not in output.stdout + output.stderr


def test_a_failing_helper_is_a_clear_error(tmp_path: Path, oauth_dovecot: Dovecot,
                                           oauth_user: str) -> None:
    config = oauth_config(tmp_path / "c.toml", oauth_dovecot, oauth_user,
                          'oauth2_token_command = "echo need to sign in first >&2; exit 3"\n')
    done = cli(config, "sync", "--once")
    assert done.returncode == 1
    assert "oauth2_token_command exited with status 3: need to sign in first" in done.stderr
    doctor = cli(config, "doctor")
    assert "✗ test: OAuth2 token" in doctor.stdout and "fix:" in doctor.stdout
    assert "Traceback" not in done.stderr + doctor.stderr
