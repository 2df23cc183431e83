"""Getting an account's password: from ``password_command`` or the OS keyring, never logged."""

from __future__ import annotations

import subprocess
import threading
from typing import Any

from followthrough.config.model import Account
from followthrough.errors import SecretError

KEYRING_SERVICE = "followthrough"
COMMAND_TIMEOUT = 30.0
KEYRING_TIMEOUT = 10.0

_NO_KEYRING_HINT = ("set password_command in the account's config (e.g. \"pass show mail/work\"), "
                    "or install a file-based keyring backend (pip install keyrings.alt)")


def run_secret_command(account: str, key: str, command: str, stdin: str | None = None) -> str:
    """Run the user's ``key`` command; the first line it prints. Its output is a secret:
    never logged, never shown in an error. With ``stdin``, the value is written to it and
    nothing needs to be printed."""
    try:
        done = subprocess.run(command, shell=True, capture_output=True, timeout=COMMAND_TIMEOUT,  # noqa: S602 (the user's own command)
                              check=False,
                              input=stdin.encode("utf-8") if stdin is not None else None,
                              stdin=None if stdin is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise SecretError(account, f"{key} did not finish within "
                                   f"{COMMAND_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        # stderr may help; stdout might be the secret, so it is never shown.
        hint = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise SecretError(account, f"{key} exited with status {done.returncode}"
                                   + (f": {hint[0][:200]}" if hint else ""))
    if stdin is not None:
        return ""
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise SecretError(account, f"{key} printed nothing")
    return lines[0]


def _from_command(account: Account, command: str) -> str:
    return run_secret_command(account.name, "password_command", command)


def call_keyring(function: str, *args: str, timeout: float = KEYRING_TIMEOUT) -> Any:
    """Call ``keyring.<function>(*args)`` with a time limit (a locked keyring can block)."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            import keyring

            result["value"] = getattr(keyring, function)(*args)
        except Exception as exc:  # every backend failure is reported the same way
            result["error"] = exc

    worker = threading.Thread(target=target, daemon=True, name="keyring")
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"the keyring did not answer within {timeout:.0f} s "
                           "(is it locked, or is there no D-Bus session?)")
    if "error" in result:
        raise result["error"]
    return result.get("value")


def _from_keyring(account: Account, timeout: float) -> str:
    try:
        value = call_keyring("get_password", KEYRING_SERVICE, account.name, timeout=timeout)
    except TimeoutError as exc:
        raise SecretError(account.name, f"{exc}; {_NO_KEYRING_HINT}") from None
    except Exception as exc:
        raise SecretError(account.name, f"the keyring failed ({type(exc).__name__}: "
                                        f"{str(exc)[:200]}); {_NO_KEYRING_HINT}") from None
    if not value:
        raise SecretError(account.name, f"no password stored in the keyring; run "
                                        f"`followthrough login {account.name}` or set "
                                        "password_command")
    return str(value)


def get_password(account: Account, keyring_timeout: float = KEYRING_TIMEOUT) -> str:
    if account.password_command:
        return _from_command(account, account.password_command)
    return _from_keyring(account, keyring_timeout)
