"""The draft as an RFC 5322 message, every header built from sanitised strings.

Display names, subjects and message ids come from mail other people wrote: CR, LF, NUL,
bidi controls and invisible characters are removed and values are encoded, so no header can
be injected (Python 3.11 does not guard reused parsed header objects; we never reuse them).
From and To are written by :mod:`followthrough.mail.address_syntax` (quoted local parts, IDNA
domains, UTF-8 only where RFC 6532 needs it), since the email package refuses or mangles
addresses real mail carries; an address nothing can write raises ``UnwritableAddress``.

Nothing in the message names the tool: no custom header (clients drop them on send anyway,
and the contact would see them), and a Message-ID like any client's. followthrough knows
its drafts by the Message-IDs it recorded. The text is UTF-8 ``format=flowed``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from followthrough.checkins.flowed import to_flowed
from followthrough.mail.address_syntax import UnwritableAddress, mailbox
from followthrough.mail.addresses import INVISIBLE, clean_text, normalize

ID_HEADER = "X-Followthrough-Id"  # written by earlier versions; still recognised in Sent
_MESSAGE_ID = re.compile(r"^<[!-;=?-~]{1,250}>$")  # printable ASCII, no "<", ">" or space
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|fw|fwd)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def safe_message_id(value: str | None) -> str | None:
    if value and _MESSAGE_ID.match(value):
        return value
    return None


def reply_subject(subject: str) -> str:
    cleaned = clean_text(subject, 250)
    base = _REPLY_PREFIX.sub("", cleaned).strip()
    return f"Re: {base}" if base else ""


def _ascii_domain(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "localhost"


def draft_message_id(checkin_id: str, from_address: str) -> str:
    """A Message-ID shaped like a mail client's (``<uuid@domain>``), derived from the
    draft's id so a planned draft always carries the same one; IDN domains as IDNA."""
    try:
        token = str(uuid.UUID(checkin_id))
    except ValueError:
        token = re.sub(r"[^0-9A-Za-z.-]", "", checkin_id)[:64] or "draft"
    return f"<{token}@{_ascii_domain(from_address.partition('@')[2]) or 'localhost'}>"


def build_draft(*, checkin_id: str, from_address: str, to_address: str, to_name: str,
                subject: str, body: str, when: datetime, in_reply_to: str | None = None,
                references: Sequence[str] = ()) -> bytes:
    """The draft's bytes, ready to APPEND (CRLF line ends, UTF-8 text).

    Raises ``UnwritableAddress`` (a ValueError) when From or To cannot be written."""
    sender = normalize(from_address)
    recipient = normalize(to_address)
    if not sender:
        raise UnwritableAddress(from_address, "it is not an address")
    if not recipient:
        raise UnwritableAddress(to_address, "it is not an address")
    addresses = (b"From: " + mailbox("", sender).text.encode() + b"\r\n"
                 + b"To: " + mailbox(to_name, recipient).text.encode() + b"\r\n")
    message = EmailMessage(policy=SMTP)
    message["Subject"] = clean_text(subject, 250) or "Catching up"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = draft_message_id(checkin_id, sender)
    parent = safe_message_id(in_reply_to)
    if parent:
        message["In-Reply-To"] = parent
        chain = [r for r in (safe_message_id(x) for x in references) if r][-10:]
        if parent not in chain:
            chain.append(parent)
        message["References"] = " ".join(chain)
    text = to_flowed(clean_body(body))
    message.set_content(text, charset="utf-8", params={"format": "flowed"},
                        cte="7bit" if text.isascii() else "quoted-printable")
    return addresses + message.as_bytes()


def clean_body(text: str) -> str:
    """Plain text without control characters (tabs and newlines kept)."""
    return INVISIBLE.sub("", re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text))

