"""Likely own addresses found in the history (who is me)."""

from __future__ import annotations

import sqlite3

from followthrough.mail.addresses import OwnAddresses
from followthrough.state.own_identity import likely_own_addresses, names_before_at


def _history(rows: list[tuple[str, str, str, str]]) -> sqlite3.Connection:
    """(direction, from name, participant address, participant name) per message."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE message (id INTEGER PRIMARY KEY, direction TEXT, from_name TEXT)")
    conn.execute("CREATE TABLE participant (message INTEGER, address TEXT, name TEXT)")
    for i, (direction, from_name, address, name) in enumerate(rows):
        conn.execute("INSERT INTO message VALUES (?, ?, ?)", (i, direction, from_name))
        conn.execute("INSERT INTO participant VALUES (?, ?, ?)", (i, address, name))
    return conn


def test_names_before_the_at() -> None:
    assert names_before_at("chris_germany61@hotmail.com") == {"chris germany", "germany chris"}
    assert "sam lee" in names_before_at("lee.sam@example.org")
    assert names_before_at("8775551234@skytel.com") == set()
    assert names_before_at("c@example.com") == set()


def test_an_address_spelling_the_users_name_is_likely_theirs() -> None:
    conn = _history([
        ("out", "Chris Germany", "chris.germany@enron.com", "Chris Germany"),
        ("out", "Chris Germany", "chris_germany61@hotmail.com", ""),
        ("out", "Chris Germany", "chris.smith@example.com", ""),
        ("in", "Germaine Christie", "germaine.christie@example.com", "Germaine Christie"),
    ])
    found = likely_own_addresses(conn, OwnAddresses(["chris.germany@enron.com"]))
    assert [(f.address, f.why) for f in found] == [
        ("chris_germany61@hotmail.com", "your first and last name before the @")]
