"""A keyring backend that never answers, like a locked keyring waiting for an unlock prompt
that no one will see (selected in tests with PYTHON_KEYRING_BACKEND)."""

from __future__ import annotations

import time

from keyring.backend import KeyringBackend


class SlowKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(3600)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(3600)

    def delete_password(self, service: str, username: str) -> None:
        time.sleep(3600)
