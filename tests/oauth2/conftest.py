"""Fixtures for OAuth2: a Dovecot whose oauth2 passdb checks JWT access tokens itself, and a
local authorization server whose tokens it trusts."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mailserver import DOVECOT, INSTALL_HINT, Dovecot
from tests.oauth_provider import CLIENT_ID, Provider

ROOT = Path(__file__).resolve().parents[2]
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def oauth_dovecot() -> Iterator[Dovecot]:
    if not os.path.exists(DOVECOT):
        pytest.fail(INSTALL_HINT, pytrace=False)
    server = Dovecot(oauth2=True).start()
    try:
        yield server
    finally:
        server.stop(remove=True)


@pytest.fixture
def oauth_user(oauth_dovecot: Dovecot) -> str:
    return oauth_dovecot.new_user(f"oauth{next(_numbers)}")


@pytest.fixture
def provider(oauth_dovecot: Dovecot, oauth_user: str) -> Iterator[Provider]:
    stand_in = Provider(oauth_dovecot, oauth_user)
    try:
        yield stand_in
    finally:
        stand_in.close()


def oauth_config(path: Path, dovecot: Dovecot, user: str, oauth2: str) -> Path:
    """A config whose account signs in with the given oauth2_ lines."""
    path.write_text(textwrap.dedent(f"""\
        state_dir = "state"

        [[account]]
        name = "test"
        host = "localhost"
        port = {dovecot.port}
        username = "{user}"
        ca_file = "{dovecot.ca_file}"
        addresses = ["me@example.com"]
        """) + textwrap.dedent(oauth2))
    return path


def provider_lines(provider: Provider, store: Path | None = None) -> str:
    """A custom provider; with ``store``, the refresh token lives in that file (the headless
    commands) instead of the keyring."""
    lines = (f'oauth2_provider = "custom"\noauth2_issuer = "{provider.url}"\n'
             f'oauth2_client_id = "{CLIENT_ID}"\noauth2_scopes = ["imap"]\n')
    if store is not None:
        lines += (f"oauth2_refresh_token_command = \"cat '{store}'\"\n"
                  f"oauth2_refresh_token_save_command = \"cat > '{store}'\"\n")
    return lines


def file_keyring(tmp_path: Path) -> dict[str, str]:
    return {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            "XDG_DATA_HOME": str(tmp_path / "data")}


def cli(config: Path, *args: str, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config),
                           "--log-level", "debug", *args], capture_output=True, text=True,
                          timeout=timeout, check=False, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
