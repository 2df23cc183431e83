"""Addresses that are not a person (pure)."""

from __future__ import annotations

import pytest

from followthrough.mail.non_person import not_a_person


@pytest.mark.parametrize(("address", "why"), [
    ("5551234567@skytel.com", "pager or phone number"),
    ("8778044255@skytel.com", "pager or phone number"),
    ("7135551234@mobile.att.net", "pager or phone number"),
    ("12@example.com", "pager or phone number"),
    ("+447700900123@sms.example", "pager or phone number"),
    ("713-853-1234@example.com", "pager or phone number"),
    ("1.800.555.1234@example.com", "pager or phone number"),
    ("jsmith@skytel.com", "gateway (skytel.com)"),
    ("jsmith@pagenet.net", "gateway (pagenet.net)"),
    ("jsmith@alpha.pagenet.example", "gateway"),
    ("jsmith@pagenetmessage.net", "gateway (pagenetmessage.net)"),
    ("kay@page.metrocall.com", "gateway (page.metrocall.com)"),
    ("mann@mobile.att.net", "gateway (mobile.att.net)"),
    ("x@vtext.com", "gateway"),
    ("info@smallbiz.example", "role address (info@…)"),
    ("customer.service@shop.example", "role address"),
    ("Help-Desk@corp.example", "role address"),
    ("sales+eu@corp.example", "role address"),
    ("no-reply@corp.example", "machine address"),
    ("newsletter@corp.example", "machine address"),
])
def test_not_a_person(address: str, why: str) -> None:
    found = not_a_person(address)
    assert found is not None and why in found and found.endswith("not a person")


@pytest.mark.parametrize("address", [
    "jeff.dasovich@enron.com", "71663.704@compuserve.com",  # a CompuServe member number
    "kay2000@aol.com", "w..white@enron.com", "page@example.com", "j.sms@sms.ed.ac.uk",
    "shockwave@mms.shockwave.com",
    "infoman@example.com", "office.manager@example.com", "bob@example.org", "not-an-address",
])
def test_people(address: str) -> None:
    assert not_a_person(address) is None
