"""The review folder: the one place followthrough writes to, and only by APPEND."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesHeaderParser
from email.utils import getaddresses

import imapclient

from followthrough.checkins.draft_message import ID_HEADER
from followthrough.mail.addresses import normalize

_FIELDS = f"BODY.PEEK[HEADER.FIELDS ({ID_HEADER.upper()} TO)]".encode()


@dataclass
class ReviewListing:
    """What is in the review folder now: draft ids, and whom its messages are to."""

    ids: set[str] = field(default_factory=set)
    recipients: set[str] = field(default_factory=set)


class ReviewFolder:
    def __init__(self, client: imapclient.IMAPClient, name: str) -> None:
        self.client = client
        self.name = name

    def ensure(self) -> None:
        """Create the folder (and subscribe to it) when it does not exist yet."""
        if not self.client.folder_exists(self.name):
            self.client.create_folder(self.name)
            self.client.subscribe_folder(self.name)

    def listing(self) -> ReviewListing:
        found = ReviewListing()
        self.client.select_folder(self.name, readonly=True)
        uids = self.client.search(["ALL"])
        if not uids:
            return found
        parser = BytesHeaderParser()
        for data in self.client.fetch(uids, [_FIELDS]).values():
            block = next((v for k, v in data.items() if k.startswith(b"BODY[")), b"")
            headers = parser.parsebytes(bytes(block))
            if headers.get(ID_HEADER):
                found.ids.add(str(headers[ID_HEADER]).strip())
            for _, address in getaddresses([str(v) for v in headers.get_all("To", [])]):
                if normalize(address):
                    found.recipients.add(normalize(address))
        return found

    def contains(self, draft_id: str) -> bool:
        """Whether a draft with this id is in the folder (looked up before every APPEND)."""
        self.client.select_folder(self.name, readonly=True)
        return bool(self.client.search(["HEADER", ID_HEADER, draft_id]))

    def append(self, raw: bytes, when: datetime) -> None:
        self.client.append(self.name, raw, flags=[imapclient.DRAFT], msg_time=when)
