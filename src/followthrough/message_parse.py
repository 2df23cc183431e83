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

from followthrough.addresses import clean_text, normalize
from followthrough.html_text import html_to_text

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

    @property
    def key(self) -> str:
        """Stable across UIDVALIDITY changes: the Message-ID, else a hash of the header."""
        return self.message_id or "sha256:" + self.header_digest


def _mailboxes(pairs: object, limit: int) -> tuple[Mailbox, ...]:
    out: list[Mailbox] = []
    seen: set[str] = set()
    if not isinstance(pairs, list):
        return ()
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            continue
        address = normalize(str(pair[1]))
        if address and address not in seen:
            seen.add(address)
            out.append(Mailbox(address, clean_text(str(pair[0] or ""), 200).strip("'\" ")))
        if len(out) >= limit:
            break
    return tuple(out)


_ANGLE_ADDRESS = re.compile(r"([^<>,]*)<([^<>\s]+@[^<>\s]+)>|([^\s<>,;:\"]+@[^\s<>,;:\"]+)")


def _fallback_mailboxes(raw_value: str | None, limit: int) -> tuple[Mailbox, ...]:
    """Addresses read straight from the raw header, for values mail-parser gives up on
    (e.g. an encoded display name hiding a line break)."""
    if not raw_value:
        return ()
    found: list[Mailbox] = []
    for name_part, angled, bare in _ANGLE_ADDRESS.findall(raw_value[:100_000]):
        address = normalize(angled or bare)
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


def _addresses(parsed_value: object, raw_value: str | None, limit: int) -> tuple[Mailbox, ...]:
    return _mailboxes(parsed_value, limit) or _fallback_mailboxes(raw_value, limit)


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


def parse_message(header: bytes, body: bytes = b"",
                  internal_date: datetime | None = None) -> ParsedMessage:
    """Parse a header block and (the start of) a body; raise MessageParseError when unreadable."""
    if not header.strip():
        raise MessageParseError("empty header")
    separator = b"" if header.endswith((b"\r\n\r\n", b"\n\n")) else b"\r\n"
    try:
        parsed = mailparser.parse_from_bytes(header + separator + body)
        headers = _headers(parsed)
        raw = parsed.message
        sender = _addresses(parsed.from_, raw.get("From"), 1)
        when = _date(parsed.date, internal_date)
        return ParsedMessage(
            message_id=_first_message_id(headers.get("message-id")),
            date=when,
            sender=sender[0] if sender else None,
            to=_addresses(parsed.to, raw.get("To"), MAX_RECIPIENTS),
            cc=_addresses(parsed.cc, raw.get("Cc"), MAX_RECIPIENTS),
            subject=clean_text(str(parsed.subject or ""), 998),
            in_reply_to=_first_message_id(headers.get("in-reply-to")),
            references=message_ids(headers.get("references")),
            headers=headers,
            text=_body_text(parsed),
            header_digest=hashlib.sha256(header).hexdigest(),
            local_date=_local_date(headers.get("date"), when),
        )
    except MessageParseError:
        raise
    except Exception as exc:  # mail-parser raises many kinds; all mean "unreadable"
        raise MessageParseError(f"{type(exc).__name__}: {clean_text(str(exc), 200)}") from exc
