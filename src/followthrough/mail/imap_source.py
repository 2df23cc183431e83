"""The IMAP edge: a verified TLS connection, and read-only access to source folders.

Source folders are opened with EXAMINE and read with ``BODY.PEEK``, so no flag and no
HIGHESTMODSEQ changes. Nothing here stores, expunges, moves or copies mail.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from followthrough.config.model import Account
from followthrough.errors import AccountError, LoginRefusedError
from followthrough.mail.folders import FolderInfo
from followthrough.sync.plan import FolderStatus

log = logging.getLogger("followthrough.imap")

CONNECT_TIMEOUT = 20.0
MAX_LITERAL = 4 * 1024 * 1024  # no answer to what followthrough asks is bigger than this
TEMPORARY_CODES = ("[UNAVAILABLE]", "[LIMIT]", "[INUSE]", "[SERVERBUG]")
HEADER_BYTES = 256 * 1024  # at most this much of a header block is fetched
BODY_BYTES = 128 * 1024  # and this much of the body: the text part, not attachments
# Only the header fields followthrough reads: less to transfer and far less to parse
# (Received chains and vendor headers are most of a header block).
HEADER_FIELDS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To",
                 "References", "List-Id", "List-Unsubscribe", "Precedence", "Auto-Submitted",
                 "Return-Path", "X-Autoreply", "X-Autorespond", "MIME-Version",
                 "Content-Type", "Content-Transfer-Encoding", "X-Followthrough-Id")
_HEADER_ITEM = (f"BODY.PEEK[HEADER.FIELDS ({' '.join(f.upper() for f in HEADER_FIELDS)})]"
                f"<0.{HEADER_BYTES}>").encode()
_BODY_ITEM = f"BODY.PEEK[TEXT]<0.{BODY_BYTES}>".encode()


@dataclass(frozen=True)
class FetchedMessage:
    header: bytes
    body: bytes
    internal_date: datetime | None


def tls_context(account: Account) -> ssl.SSLContext:
    """The default context (certificate and hostname checked), plus a private CA if given."""
    context = ssl.create_default_context()
    if account.ca_file:
        context.load_verify_locations(cafile=str(account.ca_file))
    return context


def _describe_connect_error(account: Account, exc: BaseException) -> str:
    where = f"{account.host}:{account.port}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"the certificate of {where} is not trusted ({exc.verify_message}); if the "
                "server uses a private CA, set ca_file")
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {where} failed ({exc.reason or exc}); check port and security"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve {account.host!r} ({exc.strerror})"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"{where} did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return f"{where} refused the connection; check host and port"
    if isinstance(exc, OSError):
        return f"cannot connect to {where} ({exc.strerror or exc})"
    return f"{where}: {exc}"


def open_connection(account: Account) -> imapclient.IMAPClient:
    """A verified TLS connection, not logged in yet, or AccountError naming the cause."""
    context = tls_context(account)
    seconds = account.timeout.total_seconds()
    timeout = imapclient.SocketTimeout(connect=min(CONNECT_TIMEOUT, seconds), read=seconds)
    try:
        client = imapclient.IMAPClient(account.host, port=account.port,
                                       ssl=account.security == "tls", ssl_context=context,
                                       timeout=timeout)
    except (OSError, IMAPClientError) as exc:
        raise AccountError(account.name, _describe_connect_error(account, exc)) from None
    _bound_literals(client)
    try:
        if account.security == "starttls":
            if b"STARTTLS" not in client.capabilities():
                raise AccountError(account.name, f"{account.host}:{account.port} does not offer "
                                                 "STARTTLS; refusing to log in without TLS")
            client.starttls(context)
    except AccountError:
        _abandon(client)
        raise
    except (OSError, IMAPClientError) as exc:
        _abandon(client)
        raise AccountError(account.name, _describe_connect_error(account, exc)) from None
    return client


def authenticate(client: imapclient.IMAPClient, account: Account,
                 log_in: Callable[[], object], secret: str) -> None:
    """Run ``log_in`` on ``client``; a refusal becomes LoginRefusedError (or AccountError for
    a temporary one, RFC 5530), with ``secret`` masked. The client is closed on failure."""
    try:
        log_in()
    except LoginError as exc:
        _abandon(client)
        said = str(exc).replace(secret, "***") if secret else str(exc)
        if any(code in said.upper() for code in TEMPORARY_CODES):
            # RFC 5530: the server is busy or limiting, the credentials may be fine.
            raise AccountError(account.name, f"the server cannot log in {account.username!r} "
                                             f"right now: {said[:200]}") from None
        raise LoginRefusedError(account.name,
                                f"login as {account.username!r} failed: {said[:200]}") from None
    except (OSError, IMAPClientError) as exc:
        _abandon(client)
        raise AccountError(account.name, _describe_connect_error(account, exc)) from None
    except UnicodeError:
        # The message of a UnicodeError quotes the character and its position: never shown.
        _abandon(client)
        raise AccountError(account.name, "the user name or password could not be sent to the "
                                         "server (an encoding failure); check both") from None


def connect(account: Account, password: str) -> imapclient.IMAPClient:
    """A client logged in with a password, or AccountError naming the account and cause."""
    client = open_connection(account)
    try:
        authenticate(client, account, lambda: _log_in(client, account, password), password)
    except AccountError:
        _abandon(client)
        raise
    return client


def _bound_literals(client: imapclient.IMAPClient) -> None:
    """Refuse a literal bigger than anything asked for: imaplib would otherwise allocate
    and wait for whatever size a server announces ({99999999999999})."""
    connection = client._imap  # imapclient keeps its imaplib connection here
    read = connection.read

    def bounded(size: int) -> bytes:
        if size > MAX_LITERAL:
            raise imaplib.IMAP4.abort(f"the server announced a {size}-byte answer, more than "
                                      f"the {MAX_LITERAL} bytes followthrough ever asks for")
        data: bytes = read(size)
        return data

    connection.read = bounded


def _log_in(client: imapclient.IMAPClient, account: Account, password: str) -> None:
    """LOGIN for ASCII credentials; AUTHENTICATE PLAIN (UTF-8, RFC 4616) otherwise, since
    IMAP's LOGIN command cannot carry other characters."""
    if password.isascii() and account.username.isascii():
        client.login(account.username, password)
        return
    if b"AUTH=PLAIN" not in client.capabilities():
        raise AccountError(account.name, "the password or user name has non-ASCII characters "
                                         f"and {account.host} does not offer AUTH=PLAIN to send "
                                         "them; use an ASCII password or an app password")
    client.plain_login(account.username, password)


def _abandon(client: imapclient.IMAPClient) -> None:
    # Already failing: the first error is the one reported.
    with contextlib.suppress(Exception):
        client.shutdown()


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | bytes | str) and str(value).isdigit() else None


def folder_listing(client: imapclient.IMAPClient) -> list[FolderInfo]:
    """Every folder the server lists, with its flags in lower case. A name with control
    characters (a line break would forge log lines) is left out, and said so once."""
    listing = []
    for flags, _, name in client.list_folders():
        text = str(name)
        if any(ord(c) < 32 or ord(c) == 127 for c in text):
            log.warning("the server lists a folder whose name has control characters (%r); "
                        "it is never read", text[:100])
            continue
        decoded = {f.decode("ascii", "replace").lower() if isinstance(f, bytes) else
                   str(f).lower() for f in flags}
        listing.append(FolderInfo(text, frozenset(decoded)))
    return listing


class ServerProtocolError(Exception):
    """The server broke the IMAP protocol in a way that makes its answers unusable."""


def _uidvalidity(folder: str, value: Any) -> int:
    """UIDVALIDITY is a positive number (RFC 3501 2.3.1.1); without one, no stored UID
    could be trusted, so the folder is not read at all."""
    number = _int(value)
    if not number:
        raise ServerProtocolError(f"the server gives folder {folder!r} no valid UIDVALIDITY "
                                  f"({number if number is not None else 'none'}), which IMAP "
                                  "requires")
    return number


class ImapSource:
    """Read-only access to one logged-in account, for the sync engine."""

    def __init__(self, client: imapclient.IMAPClient) -> None:
        self.client = client
        self.client.normalise_times = False  # keep INTERNALDATE's own time zone
        self.condstore = b"CONDSTORE" in client.capabilities()

    def folders(self) -> list[FolderInfo]:
        return folder_listing(self.client)

    def status(self, folder: str) -> FolderStatus:
        wanted = [b"UIDVALIDITY", b"UIDNEXT", b"MESSAGES"]
        if self.condstore:
            wanted.append(b"HIGHESTMODSEQ")
        reply = self.client.folder_status(folder, wanted)
        return FolderStatus(uidvalidity=_uidvalidity(folder, reply.get(b"UIDVALIDITY")),
                            uidnext=_int(reply.get(b"UIDNEXT")) or 0,
                            messages=_int(reply.get(b"MESSAGES")) or 0,
                            highestmodseq=_int(reply.get(b"HIGHESTMODSEQ")))

    def examine(self, folder: str) -> FolderStatus:
        """Open ``folder`` read-only (EXAMINE)."""
        reply = self.client.select_folder(folder, readonly=True)
        return FolderStatus(uidvalidity=_uidvalidity(folder, reply.get(b"UIDVALIDITY")),
                            uidnext=_int(reply.get(b"UIDNEXT")) or 0,
                            messages=_int(reply.get(b"EXISTS")) or 0,
                            highestmodseq=_int(reply.get(b"HIGHESTMODSEQ")))

    def uids_after(self, uid: int) -> list[int]:
        """UIDs above ``uid`` in the examined folder, ascending."""
        found = self.client.search([b"UID", f"{uid + 1}:*".encode()])
        # "n:*" always matches the highest UID, even when it is below n.
        return sorted(u for u in found if u > uid)

    def fetch(self, uids: Sequence[int]) -> dict[int, FetchedMessage]:
        reply = self.client.fetch(list(uids), [_HEADER_ITEM, _BODY_ITEM, b"INTERNALDATE"])
        out: dict[int, FetchedMessage] = {}
        for uid, data in reply.items():
            header = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER")), b"")
            body = data.get(b"BODY[TEXT]<0>", data.get(b"BODY[TEXT]")) or b""
            when = data.get(b"INTERNALDATE")
            if isinstance(when, datetime):
                when = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
            else:
                when = None
            out[int(uid)] = FetchedMessage(bytes(header), bytes(body), when)
        return out

    def close(self) -> None:
        try:
            self.client.logout()
        except Exception:
            _abandon(self.client)
