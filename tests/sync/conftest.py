"""Fixtures for the sync tests: a config for the test's mail user on the real Dovecot."""

from __future__ import annotations

from pathlib import Path

import pytest

from followthrough.config.model import Config, load_config
from tests.mailserver import Dovecot
from tests.messages import write_config


@pytest.fixture
def config(tmp_path: Path, dovecot: Dovecot, mail_user: str) -> Config:
    path = write_config(tmp_path / "config.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                        username=mail_user, password=dovecot.users[mail_user])
    return load_config(path)
