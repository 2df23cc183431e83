"""Writing an address into a header exactly as the standards allow.

The email package refuses, or writes wrongly, many addresses real mail carries:
``w..white@enron.com``, ``.alice@x``, ``bob.@x`` (not a dot-atom: RFC 5322 wants the local
part quoted), ``jürgen@example.de`` (needs RFC 6532 UTF-8, which it turns into an encoded
word instead) and ``bob@bücher.example`` (an IDN domain, which must be written in its
IDNA "xn--" form). Here each mailbox is written by hand: a quoted-string local part when it
is not a dot-atom, the IDNA form of the domain, UTF-8 only where nothing else can say it,
and the display name as a quoted-string or RFC 2047 encoded words. An address that no
standard lets us write raises :class:`UnwritableAddress` naming it and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.header import Header

from followthrough.mail.addresses import clean_text

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_DOT_ATOM = re.compile(rf"^{_ATEXT}+(?:\.{_ATEXT}+)*$")
_UTF8_DOT_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+"
                            r"(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_DOMAIN_LITERAL = re.compile(r"^\[[!-Z^-~]{1,253}\]$")
_QUOTABLE = re.compile(r"^[\x20-\x7e\u0080-\U0010ffff]+$")
_PHRASE_SAFE = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$")


class UnwritableAddress(ValueError):
    """No standard lets this address be written into a header."""

    def __init__(self, address: str, why: str) -> None:
        super().__init__(f"address {address!r} cannot be written into a draft: {why}")
        self.address = address
        self.why = why


@dataclass(frozen=True)
class WrittenMailbox:
    text: str  # the header value, e.g. '"Zöller, J." <"w..white"@enron.com>'
    needs_utf8: bool  # RFC 6532: a UTF-8 local part (the sender's server needs SMTPUTF8)


def _local_part(address: str, local: str) -> tuple[str, bool]:
    if not local:
        raise UnwritableAddress(address, "it has no local part")
    if len(local.encode()) > 64:
        raise UnwritableAddress(address, "its local part is longer than 64 octets (RFC 5321)")
    if _DOT_ATOM.match(local):
        return local, False
    if local.isascii():
        if not _QUOTABLE.match(local):
            raise UnwritableAddress(address, "its local part holds control characters")
        return '"' + local.replace("\\", "\\\\").replace('"', '\\"') + '"', False
    if _UTF8_DOT_ATOM.match(local):
        return local, True  # RFC 6532 allows UTF-8 here; the email package does not
    if not _QUOTABLE.match(local):
        raise UnwritableAddress(address, "its local part holds control characters")
    return '"' + local.replace("\\", "\\\\").replace('"', '\\"') + '"', True


def ascii_domain(domain: str) -> str:
    """The domain as DNS knows it: IDNA ("xn--") labels, lower case; raises ValueError."""
    if _DOMAIN_LITERAL.match(domain):
        return domain
    labels = domain.rstrip(".").split(".")
    out = []
    for label in labels:
        if not label:
            raise ValueError("it has an empty domain label")
        if label.isascii():
            ascii_label = label.lower()
        else:
            try:
                ascii_label = label.encode("idna").decode("ascii")
            except UnicodeError:
                raise ValueError(f"domain label {label!r} has no IDNA form") from None
        if not _LABEL.match(ascii_label):
            raise ValueError(f"domain label {label!r} is not a host name label")
        out.append(ascii_label)
    written = ".".join(out)
    if len(written) > 253:
        raise ValueError("its domain is longer than 253 characters")
    return written


def addr_spec(address: str) -> tuple[str, bool]:
    """``local@domain`` as a header may carry it, and whether it needs UTF-8 (RFC 6532)."""
    local, at, domain = address.rpartition("@")
    if not at or not domain:
        raise UnwritableAddress(address, "it has no domain")
    written_local, needs_utf8 = _local_part(address, local)
    try:
        written_domain = ascii_domain(domain)
    except ValueError as exc:
        raise UnwritableAddress(address, str(exc)) from None
    return f"{written_local}@{written_domain}", needs_utf8


def _phrase(name: str) -> str:
    """A display name as a header phrase: as is, quoted, or RFC 2047 encoded words."""
    if _PHRASE_SAFE.match(name):
        return name
    if name.isascii():
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return Header(name, "utf-8").encode(linesep="\r\n")


def mailbox(name: str, address: str) -> WrittenMailbox:
    """``name <address>`` (or the bare address without a name), ready for a header."""
    spec, needs_utf8 = addr_spec(address)
    shown = clean_text(name, 100).strip("'\" ")
    if not shown or shown.lower() == address.lower():
        return WrittenMailbox(spec, needs_utf8)
    return WrittenMailbox(f"{_phrase(shown)} <{spec}>", needs_utf8)
