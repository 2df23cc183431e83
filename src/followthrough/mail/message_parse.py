"""One fetched message (header block + the start of its body) → the facts followthrough keeps."""

from __future__ import annotations

import email.errors
import email.header
import email.utils
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import date as calendar_date

import mailparser

from followthrough.mail.addresses import clean_text, normalize
from followthrough.mail.html_text import html_to_text

MAX_RECIPIENTS = 500
MAX_REFERENCES = 50
MAX_TEXT = 100_000
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,500}>")


class MessageParseError(ValueError):
    """The message cannot be read; the reason goes to quarantine."""


@dataclass(frozen=True)
class Mailbox:
    address: str  # normalised, lower-case
    name: str


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str | None
    date: datetime | None  # UTC
    sender: Mailbox | None
    to: tuple[Mailbox, ...]
    cc: tuple[Mailbox, ...]
    subject: str
    in_reply_to: str | None
    references: tuple[str, ...]
    headers: dict[str, str]  # lower-case name → first value
    text: str  # what the body says, as plain text (HTML converted); never stored
    header_digest: str  # identifies a message without a Message-ID
    local_date: calendar_date | None = None  # the calendar day in the sender's own time zone
    # What the message says (sender, recipients, subject, Date header, text): two copies of
    # one message have the same digest, a forgery reusing its Message-ID does not.
    content_digest: str = ""

    @property
    def key(self) -> str:
        """Stable across UIDVALIDITY changes: the Message-ID, else a hash of the header."""
        return self.message_id or "sha256:" + self.header_digest


_ANGLE_ADDRESS = re.compile(r"([^<>,]*)<([^<>\s]+@[^<>\s]+)>|([^\s<>,;:\"]+@[^\s<>,;:\"]+)")


def _fallback_mailboxes(raw_value: str | None, limit: int) -> tuple[Mailbox, ...]:
    """Addresses read straight from the raw header, for values mail-parser gives up on
    (e.g. an encoded display name hiding a line break)."""
    if not raw_value:
        return ()
    found: list[Mailbox] = []
    for name_part, angled, bare in _ANGLE_ADDRESS.findall(raw_value[:100_000]):
        address = normalize(angled or bare)
        if "=?" in address or "?=" in address:
            continue  # a fragment of an encoded word, not an address
        if not address or any(m.address == address for m in found):
            continue
        name = ""
        if angled and name_part.strip():
            try:
                name = str(email.header.make_header(email.header.decode_header(
                    name_part.strip())))
            except (ValueError, LookupError, email.errors.HeaderParseError):
                name = name_part
        found.append(Mailbox(address, clean_text(name, 200).strip("'\" ")))
        if len(found) >= limit:
            break
    return tuple(found)


_ADDRESS_HEADERS = {b"from", b"to", b"cc", b"bcc", b"reply-to", b"sender", b"resent-from",
                    b"resent-to", b"resent-cc", b"delivered-to"}


def split_address_headers(header: bytes) -> tuple[bytes, dict[str, str]]:
    """The header block without its address headers, and those headers' values.

    mail-parser parses every address header with a slow parser of its own; the stdlib's
    ``getaddresses`` reads them many times faster, so they are taken out here.
    """
    kept: list[bytes] = []
    values: dict[str, list[bytes]] = {}
    current: list[bytes] | None = None
    for line in header.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and line.strip():
            if current is not None:
                current.append(line.strip())
            else:
                kept.append(line)
            continue
        name, colon, value = line.partition(b":")
        key = name.strip().lower()
        if colon and key in _ADDRESS_HEADERS:
            current = values.setdefault(key.decode("ascii", "replace"), [])
            if current:  # a repeated header: keep the first, as mail-parser does
                current = []
            else:
                current.append(value.strip())
            continue
        current = None
        kept.append(line)
    return b"".join(kept), {k: b" ".join(v).decode("utf-8", "replace") for k, v in
                            values.items()}


def _decoded_name(name: str) -> str:
    if "=?" not in name:
        return name
    try:
        return str(email.header.make_header(email.header.decode_header(name)))
    except (ValueError, LookupError, email.errors.HeaderParseError):
        return name


def parse_addresses(raw_value: str | None, limit: int) -> tuple[Mailbox, ...]:
    """Mailboxes from an address header's raw value (display names decoded and cleaned)."""
    if not raw_value:
        return ()
    if "=?" in raw_value:
        # Encoded words may hide ":", "," or "<" that getaddresses would take for syntax
        # (and so name an attacker's address as the sender): read angle-addresses instead.
        return _fallback_mailboxes(raw_value, limit)
    found: list[Mailbox] = []
    seen: set[str] = set()
    for name, address in email.utils.getaddresses([raw_value[:100_000]]):
        normal = normalize(address)
        if not normal or normal in seen:
            continue
        seen.add(normal)
        found.append(Mailbox(normal, clean_text(_decoded_name(name), 200).strip("'\" ")))
        if len(found) >= limit:
            break
    return tuple(found) or _fallback_mailboxes(raw_value, limit)


def message_ids(text: str | None, limit: int = MAX_REFERENCES) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(_MESSAGE_ID.findall(clean_text(str(text), 50_000)))[:limit]


def _first_message_id(text: object) -> str | None:
    found = message_ids(str(text) if text else None, 1)
    return found[0] if found else None


def _date(value: object, fallback: datetime | None) -> datetime | None:
    if isinstance(value, datetime):
        when = value if value.tzinfo else value.replace(tzinfo=UTC)
        try:
            return when.astimezone(UTC)
        except (OverflowError, ValueError):
            return fallback
    return fallback


def _no_later_than_received(when: datetime | None,
                            received: datetime | None) -> tuple[datetime | None, bool]:
    """The message's date, but never after it reached the server (INTERNALDATE) or this
    machine: a Date header in the future would put its sender out of reach until then.
    Returns the date and whether it was moved."""
    latest = datetime.now(UTC)
    if received is not None:
        latest = min(latest, received)
    if when is not None and when > latest:
        return latest, True
    return when, False


def _local_date(header_value: str | None,
                fallback: datetime | None) -> calendar_date | None:
    """The day the sender wrote on: "tomorrow" is resolved against this, not UTC."""
    if header_value:
        try:
            return email.utils.parsedate_to_datetime(header_value).date()
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    return fallback.date() if fallback else None


def _headers(parsed: mailparser.MailParser) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in parsed.message.items():
        key = str(name).strip().lower()
        if key not in headers:
            headers[key] = clean_text(str(value), 2000)
    return headers


def _body_text(parsed: mailparser.MailParser) -> str:
    plain = "\n".join(str(p) for p in parsed.text_plain or [])
    if plain.strip():
        return plain[:MAX_TEXT]
    markup = "\n".join(str(p) for p in parsed.text_html or [])
    return html_to_text(markup[: MAX_TEXT * 4])[:MAX_TEXT] if markup.strip() else ""


def _content_digest(sender: tuple[Mailbox, ...], to: tuple[Mailbox, ...],
                    cc: tuple[Mailbox, ...], subject: str, date_header: str | None,
                    text: str) -> str:
    parts = [",".join(m.address for m in sender), ",".join(m.address for m in to),
             ",".join(m.address for m in cc), subject, date_header or "",
             " ".join(text.split())]
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()


def parse_message(header: bytes, body: bytes = b"",
                  internal_date: datetime | None = None) -> ParsedMessage:
    """Parse a header block and (the start of) a body; raise MessageParseError when unreadable."""
    if not header.strip():
        raise MessageParseError("empty header")
    rest, address_values = split_address_headers(header.rstrip(b"\r\n") + b"\r\n")
    try:
        parsed = mailparser.parse_from_bytes(rest + b"\r\n" + body)
        headers = _headers(parsed)
        sender = parse_addresses(address_values.get("from"), 1)
        to = parse_addresses(address_values.get("to"), MAX_RECIPIENTS)
        cc = parse_addresses(address_values.get("cc"), MAX_RECIPIENTS)
        subject = clean_text(str(parsed.subject or ""), 998)
        text = _body_text(parsed)
        when, moved = _no_later_than_received(_date(parsed.date, internal_date),
                                              internal_date)
        return ParsedMessage(
            message_id=_first_message_id(headers.get("message-id")),
            date=when,
            sender=sender[0] if sender else None,
            to=to,
            cc=cc,
            subject=subject,
            in_reply_to=_first_message_id(headers.get("in-reply-to")),
            references=message_ids(headers.get("references")),
            headers=headers,
            text=text,
            header_digest=hashlib.sha256(header).hexdigest(),
            local_date=_local_date(None if moved else headers.get("date"), when),
            content_digest=_content_digest(sender, to, cc, subject, headers.get("date"), text),
        )
    except MessageParseError:
        raise
    except Exception as exc:  # mail-parser raises many kinds; all mean "unreadable"
        raise MessageParseError(f"{type(exc).__name__}: {clean_text(str(exc), 200)}") from exc
