"""Where the refresh token lives: the OS keyring (service ``followthrough-oauth2``, user =
the account name), or the user's own commands on a headless box
(``oauth2_refresh_token_command`` prints it, ``oauth2_refresh_token_save_command`` reads a
new one from standard input)."""

from __future__ import annotations

from followthrough.config.credentials import KEYRING_TIMEOUT, call_keyring, run_secret_command
from followthrough.config.model import Account
from followthrough.errors import SecretError

KEYRING_SERVICE = "followthrough-oauth2"
_HINT = ("set oauth2_refresh_token_command and oauth2_refresh_token_save_command in the "
         "account's config, or install a file-based keyring backend (pip install keyrings.alt)")


def _keyring(account: Account, function: str, *args: str) -> object:
    try:
        return call_keyring(function, KEYRING_SERVICE, account.name, *args,
                            timeout=KEYRING_TIMEOUT)
    except TimeoutError as exc:
        raise SecretError(account.name, f"{exc}; {_HINT}") from None
    except Exception as exc:
        raise SecretError(account.name, f"the keyring failed ({type(exc).__name__}: "
                                        f"{str(exc)[:200]}); {_HINT}") from None


def load_refresh_token(account: Account) -> str:
    settings = account.oauth2
    assert settings is not None
    if settings.refresh_token_command:
        return run_secret_command(account.name, "oauth2_refresh_token_command",
                                  settings.refresh_token_command).strip()
    value = _keyring(account, "get_password")
    if not value:
        raise SecretError(account.name, f"not signed in yet: run `followthrough login "
                                        f"{account.name}`")
    return str(value)


def save_refresh_token(account: Account, token: str) -> str:
    """Store ``token``; where it went, for the user."""
    settings = account.oauth2
    assert settings is not None
    if settings.refresh_token_save_command:
        run_secret_command(account.name, "oauth2_refresh_token_save_command",
                           settings.refresh_token_save_command, stdin=token + "\n")
        return "oauth2_refresh_token_save_command"
    if settings.refresh_token_command:
        raise SecretError(account.name, "oauth2_refresh_token_command is set but "
                                        "oauth2_refresh_token_save_command is not, so the "
                                        "refresh token has nowhere to go; set it (the token "
                                        "arrives on its standard input)")
    _keyring(account, "set_password", token)
    return f"the keyring (service {KEYRING_SERVICE!r}, user {account.name!r})"
