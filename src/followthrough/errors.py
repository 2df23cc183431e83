"""Domain errors. Raised inside the package; the CLI edge turns them into messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class FollowthroughError(Exception):
    """Base class of every error a user should see as a message rather than a traceback."""

    exit_code = 1


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong in a config file: where, what, and what would be right."""

    file: str
    key: str
    problem: str
    expected: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else self.file
        text = f"{where}: {self.problem}"
        return f"{text}; expected {self.expected}" if self.expected else text


class ConfigError(FollowthroughError):
    """The configuration is missing or invalid; carries one problem per mistake."""

    exit_code = 2

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StateError(FollowthroughError):
    """The state store cannot be opened or is not in a usable shape."""


class StateDamagedError(StateError):
    """The state database is not a database, or SQLite found it corrupt."""

    exit_code = 4


class StateWriteError(StateError):
    """The state cannot be written: the disk is full or failing. Nothing stored is lost."""

    exit_code = 5


class StateLockedError(StateError):
    """Another process holds the state store for writing."""

    exit_code = 3


class AccountError(FollowthroughError):
    """An account cannot be reached or logged into; the message names the account."""

    def __init__(self, account: str, cause: str) -> None:
        self.account = account
        self.cause = cause
        super().__init__(f"account {account!r}: {cause}")


class SecretError(AccountError):
    """The password for an account could not be obtained."""


class LoginRefusedError(AccountError):
    """The server refused the credentials: retried slowly, never hammered."""


class AnalysisWorkerError(FollowthroughError):
    """The extraction worker could not be started."""
