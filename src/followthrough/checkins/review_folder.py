"""The review folder: the one place followthrough writes to, and only by APPEND.

By default it is the user's own Drafts folder, so every mail client edits and sends the
drafts natively. followthrough's drafts are known by the Message-IDs it recorded, not by a
header of its own. It also reads the Drafts folder when the review folder is another one,
because a client's "Edit as New" saves the edited copy there. Reading is read-only
(EXAMINE + BODY.PEEK).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses

import imapclient

from followthrough.checkins.draft_message import ID_HEADER
from followthrough.checkins.flowed import from_flowed
from followthrough.mail.addresses import normalize
from followthrough.mail.folders import FolderChoiceError, review_folder_problem
from followthrough.mail.imap_source import folder_listing

_HEADERS = ("MESSAGE-ID", "IN-REPLY-TO", "REFERENCES", "TO", "CC", "SUBJECT",
            ID_HEADER.upper())
_FIELDS = f"BODY.PEEK[HEADER.FIELDS ({' '.join(_HEADERS)})]".encode()
_TEXT_LIMIT = 262_144  # the start of a message is enough to read what the user wrote
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class FolderDraft:
    """One message found in the review or Drafts folder, by its headers."""

    folder: str
    uid: int
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    recipients: frozenset[str]
    subject: str
    legacy_id: str | None  # X-Followthrough-Id, written by earlier versions
    deleted: bool  # flagged \Deleted, not yet expunged: as good as gone
    arrived: datetime | None  # INTERNALDATE: when this copy was saved
    size: int  # RFC822.SIZE: a copy re-saved under the same Message-ID differs in size

    @property
    def location(self) -> str:
        return f"{self.folder}/{self.uid}"


def _first_id(value: object) -> str | None:
    found = _MESSAGE_ID.findall(str(value or ""))
    return found[0] if found else None


def _entry(folder: str, uid: int, data: dict[bytes, object]) -> FolderDraft:
    block = next((v for k, v in data.items() if k.startswith(b"BODY[")), b"")
    headers = BytesHeaderParser().parsebytes(bytes(block) if isinstance(block, bytes) else b"")
    recipients = {normalize(a) for _, a in getaddresses(
        [str(v) for v in headers.get_all("To", []) + headers.get_all("Cc", [])])}
    flags = data.get(b"FLAGS")
    flag_set = {bytes(f) for f in flags if isinstance(f, bytes)} if isinstance(
        flags, tuple | list) else set()
    arrived = data.get(b"INTERNALDATE")
    size = data.get(b"RFC822.SIZE")
    return FolderDraft(
        folder=folder, uid=uid, message_id=_first_id(headers.get("Message-ID")),
        in_reply_to=_first_id(headers.get("In-Reply-To")),
        references=tuple(_MESSAGE_ID.findall(str(headers.get("References") or ""))),
        recipients=frozenset(r for r in recipients if r),
        subject=" ".join(str(headers.get("Subject") or "").split()),
        legacy_id=str(headers[ID_HEADER]).strip() if headers.get(ID_HEADER) else None,
        deleted=b"\\Deleted" in flag_set,
        arrived=arrived if isinstance(arrived, datetime) else None,
        size=int(size) if isinstance(size, int) else -1)


def plain_text(raw: bytes) -> str:
    """The text/plain part a person wrote, with flowed lines joined back."""
    message = message_from_bytes(raw, policy=default_policy)
    if not isinstance(message, EmailMessage):
        return ""
    part = message.get_body(("plain",))
    if not isinstance(part, Message):
        return ""
    try:
        text = str(part.get_content())
    except (LookupError, ValueError, AssertionError):
        return ""
    if str(part.get_param("format", "")).lower() == "flowed":
        return from_flowed(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text


class ReviewFolder:
    def __init__(self, client: imapclient.IMAPClient, name: str,
                 drafts: str | None = None) -> None:
        self.client = client
        self.name = name
        self.drafts = drafts if drafts and drafts != name else None

    @property
    def read(self) -> tuple[str, ...]:
        """The folders looked at to follow drafts."""
        return (self.name, self.drafts) if self.drafts else (self.name,)

    def ensure(self) -> None:
        """Create the folder (and subscribe to it) when it does not exist yet; refuse one
        that is read as conversation (INBOX, Sent, All Mail...)."""
        problem = review_folder_problem(self.name, folder_listing(self.client))
        if problem:
            raise FolderChoiceError(problem)
        if not self.client.folder_exists(self.name):
            self.client.create_folder(self.name)
            self.client.subscribe_folder(self.name)

    def listing(self) -> list[FolderDraft]:
        found: list[FolderDraft] = []
        for folder in self.read:
            if folder != self.name and not self.client.folder_exists(folder):
                continue
            self.client.select_folder(folder, readonly=True)
            uids = self.client.search(["ALL"])
            if uids:
                fetched = self.client.fetch(uids, [_FIELDS, b"FLAGS", b"INTERNALDATE",
                                                   b"RFC822.SIZE"])
                found.extend(_entry(folder, uid, data) for uid, data in fetched.items())
        return found

    def contains(self, message_id: str) -> bool:
        """Whether a draft with this Message-ID is in the folder (looked up before every
        APPEND, so a crash between APPEND and its record never makes a second copy)."""
        self.client.select_folder(self.name, readonly=True)
        return bool(self.client.search(["HEADER", "Message-ID", message_id]))

    def append(self, raw: bytes, when: datetime) -> None:
        """Our only write: a draft, already read, so it does not show as new mail."""
        self.client.append(self.name, raw, flags=[imapclient.DRAFT, imapclient.SEEN],
                           msg_time=when)

    def text(self, folder: str, uid: int, uidvalidity: int | None = None) -> str | None:
        """What a message in ``folder`` says (read-only); None when it is gone or the
        folder was renumbered since ``uidvalidity``."""
        if not self.client.folder_exists(folder):
            return None
        selected = self.client.select_folder(folder, readonly=True)
        if uidvalidity is not None and int(selected.get(b"UIDVALIDITY", 0)) != uidvalidity:
            return None
        part = f"BODY.PEEK[]<0.{_TEXT_LIMIT}>".encode()
        data = self.client.fetch([uid], [part]).get(uid, {})
        raw = next((v for k, v in data.items() if k.startswith(b"BODY[")), None)
        return plain_text(bytes(raw)) if isinstance(raw, bytes) else None


def newest(entries: Iterable[FolderDraft]) -> FolderDraft | None:
    """The copy saved last (a client re-saving a draft appends a new one each time)."""
    return max(entries, key=lambda e: (e.arrived.timestamp() if e.arrived else 0.0, e.uid),
               default=None)
