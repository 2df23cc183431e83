"""``followthrough doctor``: check everything a working set-up needs, with a fix for each ✗."""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import ssl
from collections.abc import Iterator
from pathlib import Path

from imapclient.exceptions import IMAPClientError

from followthrough.config.credentials import get_password
from followthrough.config.model import Account, Config, load_config
from followthrough.config.permissions import exposed_secrets
from followthrough.doctor_check import Check
from followthrough.errors import (
    ConfigError,
    FollowthroughError,
    StateDamagedError,
    StateError,
)
from followthrough.mail.folders import (
    DEFAULT_DRAFTS,
    FolderChoiceError,
    FolderInfo,
    choose_folders,
    drafts_folder,
    review_folder_problem,
)
from followthrough.mail.imap_source import ImapSource, connect, tls_context
from followthrough.oauth2_doctor import check_oauth2_account

WANTED_CAPABILITIES = ("IDLE", "CONDSTORE", "SPECIAL-USE", "UIDPLUS")


def check_config(path: Path) -> tuple[list[Check], Config | None]:
    try:
        config = load_config(path)
    except ConfigError as exc:
        return [Check("config", False, f"{len(exc.problems)} problem(s) in {path}",
                      "; ".join(str(p) for p in exc.problems))], None
    checks = [Check("config", True, f"{path} is valid")]
    exposed = exposed_secrets(config)
    if exposed:
        checks.append(Check("config permissions", False, exposed.split(";")[0],
                            f"chmod 600 {path}"))
    return checks, config


_REBUILD = "move state.db aside and run `followthrough sync --once` to rebuild"


def check_state(config: Config) -> Check:
    from followthrough.state.store import Store, damaged, lock_holder

    holder = lock_holder(config.state_dir)
    try:
        with Store.open(config.state_dir, write=False) as store:
            try:
                result = store.conn.execute("PRAGMA quick_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise damaged(store.path, exc) from None
    except StateDamagedError as exc:
        return Check("state store", False, str(exc).split(";")[0], _REBUILD)
    except StateError as exc:
        if "no state yet" in str(exc):
            return Check("state store", True, f"{config.state_dir} (empty until the first sync)")
        return Check("state store", False, str(exc), "see the message; a backup of state.db "
                                                     "can be restored, or a fresh sync made")
    if result != "ok":
        return Check("state store", False, f"integrity check: {result}", _REBUILD)
    running = f"; in use by pid {holder}" if holder else ""
    return Check("state store", True, f"{config.state_dir}: healthy{running}")


def check_own_addresses(config: Config) -> Check | None:
    """Addresses the history shows are likely the user's own: never drafted to; listing
    them in ``addresses`` confirms it (a [[contact]] entry says they are someone else)."""
    from followthrough.mail.addresses import OwnAddresses
    from followthrough.state.own_identity import likely_own_addresses
    from followthrough.state.store import Store

    own = OwnAddresses(a for account in config.accounts for a in account.addresses)
    try:
        with Store.open(config.state_dir, write=False) as store:
            likely = likely_own_addresses(store.conn, own)
    except StateError:
        return None
    if not likely:
        return None
    account = config.accounts[0]
    line = "addresses = " + json.dumps([*account.addresses, *(a.address for a in likely)])
    found = "; ".join(f"{a.address} ({a.why})" for a in likely)
    return Check("own addresses", True,
                 f"likely yours too, so never drafted to: {found}. To confirm, set in "
                 f"[[account]] {account.name!r}: {line}  (if one is someone else, give it a "
                 "[[contact]] entry)")


def _network_checks(account: Account) -> Iterator[Check]:
    label = f"{account.name}: "
    try:
        socket.getaddrinfo(account.host, account.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        yield Check(label + "DNS", False, f"cannot resolve {account.host} ({exc.strerror})",
                    "check `host` in the config and the network")
        return
    yield Check(label + "DNS", True, f"{account.host} resolves")
    try:
        raw = socket.create_connection((account.host, account.port), timeout=10)
    except OSError as exc:
        yield Check(label + "TCP", False, f"{account.host}:{account.port}: {exc.strerror or exc}",
                    "check `port` (993 for tls, 143 for starttls) and any firewall")
        return
    yield Check(label + "TCP", True, f"{account.host}:{account.port} accepts connections")
    if account.security == "tls":
        try:
            with tls_context(account).wrap_socket(raw, server_hostname=account.host) as tls:
                yield Check(label + "TLS", True, f"certificate verified ({tls.version()})")
        except ssl.SSLCertVerificationError as exc:
            yield Check(label + "TLS", False, f"certificate not trusted: {exc.verify_message}",
                        "if the server uses a private CA, set `ca_file`")
        except (ssl.SSLError, OSError) as exc:
            yield Check(label + "TLS", False, f"handshake failed: {exc}",
                        'is this port IMAPS? for port 143 set security = "starttls"')
    else:
        raw.close()


def check_account(account: Account) -> Iterator[Check]:
    if account.oauth2 is not None:
        yield from check_oauth2_account(account, _network_checks(account), _mailbox_checks)
        return
    label = f"{account.name}: "
    try:
        password = get_password(account)
    except FollowthroughError as exc:
        yield Check(label + "password", False, str(exc),
                    f"run `followthrough login {account.name}` or set password_command")
        return
    source = "password_command" if account.password_command else "keyring"
    yield Check(label + "password", True, f"found ({source})")
    network = list(_network_checks(account))
    yield from network
    if not all(c.ok for c in network):
        return
    try:
        client = connect(account, password)
    except FollowthroughError as exc:
        yield Check(label + "login", False, str(exc),
                    f"check `username`; `followthrough login {account.name}` stores a new "
                    "password")
        return
    yield Check(label + "login", True, f"logged in as {account.username}")
    with contextlib.closing(ImapSource(client)) as imap:
        try:
            yield from _mailbox_checks(account, imap)
        except (OSError, IMAPClientError) as exc:
            yield Check(label + "mailbox", False, f"server error: {exc}", "try again later")


def _mailbox_checks(account: Account, imap: ImapSource) -> Iterator[Check]:
    label = f"{account.name}: "
    have = {c.decode() for c in imap.client.capabilities()}
    missing = [c for c in WANTED_CAPABILITIES if c not in have]
    yield Check(label + "capabilities", not missing or missing == ["CONDSTORE"],
                "has " + ", ".join(c for c in WANTED_CAPABILITIES if c in have)
                + (f"; lacks {', '.join(missing)}" if missing else ""),
                "without IDLE new mail waits for the periodic sync; without UIDPLUS or "
                "SPECIAL-USE set `folders` explicitly" if missing else "")
    listing = imap.folders()
    try:
        chosen = choose_folders(listing, account.folders, account.review_folder)
    except FolderChoiceError as exc:
        yield Check(label + "folders", False, str(exc), "fix `folders` in the config")
        return
    sent = [f for f in chosen if f.upper() != "INBOX"]
    yield Check(label + "folders", bool(sent), "reads " + ", ".join(chosen),
                "" if sent else 'no Sent folder found: set folders = ["INBOX", "<your Sent>"]')
    problem = review_folder_problem(
        account.review_folder or drafts_folder(listing) or DEFAULT_DRAFTS, listing)
    if problem:
        yield Check(label + "review folder", False, problem.split(":")[0],
                    problem.split("; ", 1)[-1])
        return
    yield review_folder_check(label, account.review_folder, listing)


def review_folder_check(label: str, configured: str | None,
                        listing: list[FolderInfo]) -> Check:
    """Where drafts go, and what that means in the user's mail client."""
    drafts = drafts_folder(listing)
    name = configured or drafts or DEFAULT_DRAFTS
    where = f"{name!r} " + ("exists" if any(f.name == name for f in listing)
                            else "will be created by the first run")
    if name == drafts or configured is None:
        return Check(label + "review folder", True,
                     f"drafts go to your Drafts folder ({where}): Thunderbird, Apple Mail, "
                     "iOS, Gmail, Outlook and mutt (postponed) open them as editable drafts "
                     "and send them natively")
    return Check(label + "review folder", True,
                 f"drafts go to a folder of their own ({where}), apart from your Drafts: "
                 "Thunderbird and Apple Mail open them read-only (use Edit as New; the "
                 "edited copy in Drafts is followed too), mutt needs postponed set to it; "
                 "remove review_folder to use Drafts, where every client edits them")


def run_checks(path: Path) -> list[Check]:
    checks, config = check_config(path)
    if config is None:
        return checks
    checks.append(check_state(config))
    identity = check_own_addresses(config)
    if identity is not None:
        checks.append(identity)
    for account in config.accounts:
        checks.extend(check_account(account))
    return checks
