"""Addresses the email package refuses or mangles are written as the standards say."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email.policy import default as default_policy

import pytest

from followthrough.checkins.draft_message import build_draft
from followthrough.mail.address_syntax import UnwritableAddress, addr_spec, mailbox

WHEN = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("address", "written", "utf8"), [
    ("jane@example.com", "jane@example.com", False),
    ("w..white@enron.com", '"w..white"@enron.com', False),
    (".alice@enron.com", '".alice"@enron.com', False),
    ("bob.@example.com", '"bob."@example.com', False),
    ('a"b@example.com', '"a\\"b"@example.com', False),
    ("jürgen@example.de", "jürgen@example.de", True),
    ("bob@bücher.example", "bob@xn--bcher-kva.example", False),
    ("BOB@Example.COM", "BOB@example.com", False),
    ("x@[192.0.2.1]", "x@[192.0.2.1]", False),
])
def test_addresses_are_written_as_the_standards_allow(address: str, written: str,
                                                      utf8: bool) -> None:
    assert addr_spec(address) == (written, utf8)


@pytest.mark.parametrize(("address", "why"), [
    ("bob@under_score.example", "not a host name label"),
    ("bob@-dash.example", "not a host name label"),
    ("bob@a..example", "empty domain label"),
    ("x" * 65 + "@example.com", "64 octets"),
    ("nodomain@", "no domain"),
])
def test_addresses_no_standard_allows_are_refused_by_name(address: str, why: str) -> None:
    with pytest.raises(UnwritableAddress) as caught:
        addr_spec(address)
    assert why in str(caught.value) and repr(address) in str(caught.value)


def test_display_names_are_quoted_or_encoded_and_invisible_characters_go() -> None:
    assert mailbox("Dasovich, Jeff", "jeff@x.com").text == '"Dasovich, Jeff" <jeff@x.com>'
    assert mailbox("Jeff Dasovich", "jeff@x.com").text == "Jeff Dasovich <jeff@x.com>"
    assert mailbox("", "jeff@x.com").text == "jeff@x.com"
    assert mailbox("jeff@x.com", "jeff@x.com").text == "jeff@x.com"
    hidden = mailbox("Bo\u200bb \u061cS\ufeffmith\u202e", "bob@x.com").text
    assert hidden == "Bob Smith <bob@x.com>"
    encoded = mailbox("Jürgen Zöller", "j@x.de").text
    assert encoded.startswith("=?utf-8?") and encoded.endswith(" <j@x.de>")


@pytest.mark.parametrize("address", ["w..white@enron.com", ".alice@enron.com",
                                     "bob.@example.com", "jürgen@example.de",
                                     "bob@bücher.example"])
def test_a_draft_to_any_of_them_parses_back_to_the_same_mailbox(address: str) -> None:
    raw = build_draft(checkin_id="c1", from_address="me@example.com", to_address=address,
                      to_name="Zöller, J\u200b.", subject="Hello", body="Hi,\n", when=WHEN)
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"=?utf-8?q?b" not in head.split(b"To:", 1)[1].split(b"\r\n")[0].split(b"<")[1]
    # RFC 6532: header text is UTF-8
    message = email.message_from_string(raw.decode("utf-8"), policy=default_policy)
    (parsed,) = message["To"].addresses
    local, _, domain = address.rpartition("@")
    expected_domain = "xn--bcher-kva.example" if "ü" in domain else domain
    assert (parsed.username, parsed.domain) == (local, expected_domain)
    assert parsed.display_name == "Zöller, J."
    assert "\u200b" not in message["To"]


def test_an_unwritable_recipient_raises_a_named_error_not_a_header_defect() -> None:
    with pytest.raises(UnwritableAddress, match=r"bob@under_score\.example"):
        build_draft(checkin_id="c1", from_address="me@example.com",
                    to_address="bob@under_score.example", to_name="", subject="x",
                    body="x", when=WHEN)
