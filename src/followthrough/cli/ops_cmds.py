"""Operations: ``status``, ``login``, ``init``, ``doctor``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from followthrough.cli.base import (
    add_command,
    add_json_flag,
    load,
    print_json,
    resolved_config_path,
)
from followthrough.cli.oauth2_login import add_oauth2_options, oauth2_login
from followthrough.cli.setup_wizard import ask_config
from followthrough.config.credentials import KEYRING_SERVICE, KEYRING_TIMEOUT, call_keyring
from followthrough.config.model import load_config
from followthrough.doctor import run_checks
from followthrough.errors import (
    FollowthroughError,
    SecretError,
    StateDamagedError,
    StateError,
    StateWriteError,
)
from followthrough.mail.imap_source import connect
from followthrough.service.daemon import next_drafting
from followthrough.state.checkin_store import CheckinStore
from followthrough.state.history import History
from followthrough.state.store import Store, lock_holder


# ---- status
def _status(args: argparse.Namespace) -> int:
    config = load(args)
    pid = lock_holder(config.state_dir)
    report: dict[str, object] = {
        "daemon": {"running": pid is not None, "pid": pid or None},
        "next_drafting": next_drafting(config, datetime.now(UTC)).isoformat(timespec="minutes"),
        "accounts": [],
    }
    try:
        with Store.open(config.state_dir, write=False) as store:
            history = History(store)
            states = history.account_states()
            checkins = CheckinStore(store)
            drafts = checkins.drafts(["planned", "pending", "edited"])
            accounts = []
            for account in config.accounts:
                row = states.get(account.name)
                problems = checkins.problems(account.name)
                accounts.append({
                    "account": account.name,
                    "last_sync": row["last_sync"] if row else None,
                    "last_error": row["last_error"] if row else None,
                    "last_error_at": row["last_error_at"] if row else None,
                    "messages": history.message_count(account.name),
                    "quarantined": len(history.quarantined(account.name)),
                    "pending_drafts": sum(1 for d in drafts if d.account == account.name),
                    "contacts_without_draft": [
                        {"address": address, "problem": problem,
                         "at": at.isoformat(timespec="seconds")}
                        for address, (problem, at) in problems.items()],
                })
            report["accounts"] = accounts
    except StateError as exc:
        report["state"] = str(exc)
        status = exc.exit_code if isinstance(exc, StateDamagedError) else 0
    else:
        status = 0
    full = disk_full(config.state_dir)
    if full:
        report["disk"] = full
        status = StateWriteError.exit_code
    if args.json:
        print_json(report)
        return status
    daemon = report["daemon"]
    assert isinstance(daemon, dict)
    print(f"daemon: {'running (pid ' + str(pid) + ')' if daemon['running'] else 'not running'}")
    print(f"next drafts: {report['next_drafting']}")
    if "state" in report:
        print(report["state"])
    if full:
        print(f"error: {full}")
    for entry in report["accounts"]:  # type: ignore[attr-defined]
        print(f"{entry['account']}: last sync {entry['last_sync'] or 'never'}, "
              f"{entry['messages']} messages, {entry['quarantined']} quarantined, "
              f"{entry['pending_drafts']} pending draft(s)")
        if entry["last_error"] and (not entry["last_sync"]
                                    or entry["last_error_at"] > entry["last_sync"]):
            print(f"  last error ({entry['last_error_at']}): {entry['last_error']}")
        for skipped in entry["contacts_without_draft"]:
            print(f"  no draft for {skipped['address']} ({skipped['at']}): "
                  f"{skipped['problem']}")
    return status


MIN_FREE_BYTES = 1024 * 1024  # below this, the next sync cannot store a batch


def disk_full(state_dir: Path) -> str | None:
    """Why the state cannot be written (its disk is full), or None."""
    probe = state_dir if state_dir.exists() else state_dir.parent
    try:
        stats = os.statvfs(probe)
    except OSError:
        return None
    free = stats.f_bavail * stats.f_frsize
    if free >= MIN_FREE_BYTES:
        return None
    return (f"the disk holding {state_dir} is full ({free // 1024} KiB free): sync and "
            "drafting cannot store anything; free some space, then run "
            "`followthrough sync --once`")


# ---- login
def read_secret(prompt: str) -> str:
    """Without echo on a terminal; one line from standard input otherwise."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def _login(args: argparse.Namespace) -> int:
    config = load(args)
    account = config.account(args.account)
    if account is None:
        names = ", ".join(a.name for a in config.accounts)
        raise FollowthroughError(f"no account named {args.account!r} (the config has: {names})")
    if account.oauth2 is not None:
        return oauth2_login(account, args)
    if account.password_command:
        print(f"note: account {account.name!r} has password_command, which is used before "
              "the keyring", file=sys.stderr)
    password = read_secret(f"Password for {account.username} at {account.host}: ")
    if not password:
        raise FollowthroughError("no password given")
    connect(account, password).logout()
    try:
        call_keyring("set_password", KEYRING_SERVICE, account.name, password,
                     timeout=KEYRING_TIMEOUT)
    except TimeoutError as exc:
        raise SecretError(account.name, f"{exc}; set password_command instead, or install a "
                                        "file-based backend (pip install keyrings.alt)") \
            from None
    except Exception as exc:
        raise SecretError(account.name, f"the keyring could not store it ({type(exc).__name__}:"
                                        f" {str(exc)[:200]}); set password_command instead, or "
                                        "install a file-based backend (pip install "
                                        "keyrings.alt)") from None
    print(f"{account.name}: password verified with {account.host} and stored in the keyring")
    return 0


# ---- init
def _init(args: argparse.Namespace) -> int:
    path = resolved_config_path(args)
    if path.exists() and not args.force:
        raise FollowthroughError(f"{path} exists; use --force to replace it")
    text = ask_config(input_line=_ask)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.touch(mode=0o600)
    temporary.chmod(0o600)
    temporary.write_text(text)
    load_config(temporary)  # never leave an invalid config behind
    temporary.replace(path)
    print(f"wrote {path}")
    config = load_config(path)
    if sys.stdin.isatty() and _ask("Sign in / store the password now? [Y/n] ").lower() \
            in ("", "y", "yes"):
        login = argparse.Namespace(**{"flow": None, "no_browser": False, "port": 0, **vars(args),
                                      "account": config.accounts[0].name})
        return _login(login)
    print(f"next: followthrough login {config.accounts[0].name}, then followthrough doctor")
    return 0


def _ask(prompt: str) -> str:
    print(prompt, end="", flush=True, file=sys.stderr)
    line = sys.stdin.readline()
    if not line:
        raise FollowthroughError("input ended before the questions were answered")
    return line.strip()


# ---- doctor
def _doctor(args: argparse.Namespace) -> int:
    checks = run_checks(Path(resolved_config_path(args)))
    if args.json:
        print_json([vars(c) for c in checks])
    else:
        for check in checks:
            print(f"{'✓' if check.ok else '✗'} {check.name}: {check.detail}")
            if not check.ok and check.fix:
                print(f"    fix: {check.fix}")
    return 0 if all(c.ok for c in checks) else 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = add_command(
        subparsers, "status", _status, "is the service running; per account state",
        "Whether the service is running, and per account: last sync, messages known, "
        "quarantined messages, pending drafts; and the next drafting time.")
    add_json_flag(status)
    login = add_command(
        subparsers, "login", _login, "verify a password, or sign in with OAuth2, and store it",
        "Password accounts: ask for the password (without echo; from standard input when it "
        "is not a terminal), log in to verify it, and store it in the OS keyring (service "
        "'followthrough', user = the account name). OAuth2 accounts with oauth2_provider: "
        "sign in (a code to enter on any device, or a browser on this machine), check the "
        "token with the server, and store the refresh token in the keyring (service "
        "'followthrough-oauth2') or with oauth2_refresh_token_save_command. Accounts with "
        "oauth2_token_command: check its token with the server.")
    login.add_argument("account", help="the account's name in the config")
    add_oauth2_options(login)
    init = add_command(
        subparsers, "init", _init, "write a config by answering a few questions",
        "Ask for server, user name and addresses, write a valid config file (0600) where "
        "--config or the default location says, then offer to store the password.")
    init.add_argument("--force", action="store_true", help="replace an existing config")
    doctor = add_command(
        subparsers, "doctor", _doctor, "check config, secrets, server and state",
        "Check the config, the password, DNS, TCP, TLS, login, server capabilities (IDLE, "
        "CONDSTORE, SPECIAL-USE, UIDPLUS), the folders found, the review folder and the "
        "state store. Prints ✓ or ✗ per check, with a fix for each ✗; exits 1 if any failed.")
    add_json_flag(doctor)
