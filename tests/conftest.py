"""Shared fixtures: a real Dovecot per test session, a fresh mail user per test."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mailserver import DOVECOT, INSTALL_HINT, Dovecot

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
_user_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """The session's Dovecot. Fails (never skips) when Dovecot is missing."""
    if not os.path.exists(DOVECOT):
        pytest.fail(INSTALL_HINT, pytrace=False)
    server = Dovecot().start()
    try:
        yield server
    finally:
        server.stop(remove=True)


@pytest.fixture
def mail_user(dovecot: Dovecot) -> str:
    """A new user with an empty mailbox, so tests never see each other's mail."""
    return dovecot.new_user(f"user{next(_user_numbers)}")


@pytest.fixture
def shared_dir() -> Path:
    """../shared (corpus and eval data); skips the test when a fresh clone lacks it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (it is on CI and developer machines)")
    return SHARED
