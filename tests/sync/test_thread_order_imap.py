"""Threads do not depend on the order mail is read in (real Dovecot).

A reply filed in a folder read before the message it answers, or with a lower UID than
it, must end up in the same thread, so the relationship counts the reply.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from followthrough.checkins.relationship import relationship
from followthrough.config.credentials import get_password
from followthrough.config.model import Config
from followthrough.mail.imap_source import ImapSource, connect
from followthrough.state.checkin_store import CheckinStore
from followthrough.state.history import History
from followthrough.state.migrations import MIGRATIONS
from followthrough.state.store import Store
from followthrough.sync.engine import sync_account
from tests.mailserver import Dovecot
from tests.messages import BASE_DATE, make_message

ME = "Sam Me <me@example.com>"
LENA = "Lena Okafor <lena@example.org>"


def lena_conversation() -> dict[str, bytes]:
    """Lena writes, Sam answers, Lena replies, Sam answers, Lena replies. Each reply's
    References name only its parent, as many clients write them."""
    def mail(name: str, hours: int, parent: str | None, sender: str, to: str) -> bytes:
        return make_message(sender=sender, to=to,
                            subject="Big news" if parent is None else "Re: Big news",
                            message_id=f"<{name}@order.example>",
                            in_reply_to=f"<{parent}@order.example>" if parent else None,
                            references=f"<{parent}@order.example>" if parent else None,
                            date=BASE_DATE + timedelta(hours=hours),
                            body=f"Message {name}: how are things?\n")
    return {"c1": mail("c1", 0, None, LENA, ME), "m2": mail("m2", 5, "c1", ME, LENA),
            "c3": mail("c3", 30, "m2", LENA, ME), "m4": mail("m4", 50, "c3", ME, LENA),
            "c5": mail("c5", 70, "m4", LENA, ME)}


# folder → the messages appended to it, in UID order (INBOX and Sent are read first)
LAYOUTS = {
    "in date order": {"INBOX": ["c1", "c3", "c5"], "Sent": ["m2", "m4"]},
    "replies with lower UIDs": {"INBOX": ["c5", "c3", "c1"], "Sent": ["m4", "m2"]},
    "first message filed in a folder read last": {
        "INBOX": ["c5", "c3"], "Sent": ["m4", "m2"], "Archive": ["c1"]},
    "replies filed in a folder read last": {
        "INBOX": ["c1"], "Sent": ["m2", "m4"], "Archive": ["c5", "c3"]},
}


def sync(config: Config, batch_size: int) -> None:
    account = config.accounts[0]
    with Store.open(config.state_dir) as store:
        source = ImapSource(connect(account, get_password(account)))
        try:
            sync_account(account, source, History(store), batch_size=batch_size)
        finally:
            source.close()


@pytest.mark.parametrize("batch_size", [500, 1])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_one_thread_and_every_reply_counted_whatever_the_read_order(
        config: Config, dovecot: Dovecot, mail_user: str, layout: str,
        batch_size: int) -> None:
    mails = lena_conversation()
    for folder, names in LAYOUTS[layout].items():
        dovecot.append(mail_user, folder, [mails[n] for n in names])
    sync(config, batch_size)
    with Store.open(config.state_dir, write=False) as store:
        keys = {r[0] for r in store.conn.execute("SELECT DISTINCT thread_key FROM message")}
        exchanges = CheckinStore(store).exchanges()["lena@example.org"]
        links = {r[0] for r in store.conn.execute("SELECT DISTINCT thread_key FROM thread_link")}
    assert len(exchanges) == 5
    assert len(keys) == 1, layout
    assert links == keys
    found = relationship(exchanges, datetime(2026, 6, 1, tzinfo=UTC))
    assert (found.replies, found.two_way_threads) == (2, 1)


def test_a_reply_read_in_a_later_sync_merges_the_stored_threads(
        config: Config, dovecot: Dovecot, mail_user: str) -> None:
    """Lena's reply is stored first; Sam's message it answers arrives a sync later."""
    mails = lena_conversation()
    dovecot.append(mail_user, "INBOX", [mails["c1"], mails["c3"]])
    sync(config, 500)
    with Store.open(config.state_dir, write=False) as store:
        before = {r[0] for r in store.conn.execute("SELECT DISTINCT thread_key FROM message")}
    assert len(before) == 2  # nothing yet ties Lena's two messages together
    dovecot.append(mail_user, "Sent", [mails["m2"]])
    sync(config, 500)
    with Store.open(config.state_dir, write=False) as store:
        after = {r[0] for r in store.conn.execute("SELECT DISTINCT thread_key FROM message")}
    assert len(after) == 1


def test_migration_merges_threads_split_by_the_read_order(tmp_path: Path) -> None:
    """State written before threads were merged: Lena's reply (read first) was keyed by
    Sam's message it answers, and Sam's message went to Lena's first message's thread."""
    before = [m for m in MIGRATIONS if m.version < MIGRATIONS[-1].version]
    rows = [("c1", None, None, "s:first"), ("c3", "<m2@x>", '["<m2@x>"]', "r:<m2@x>"),
            ("m2", "<c1@x>", '["<c1@x>"]', "s:first"),
            ("c5", "<m4@x>", "not json", "r:<m4@x>"), ("m4", "<c3@x>", None, "r:<m2@x>")]
    with Store.open(tmp_path, migrations=before) as store:
        for number, (name, parent, refs, key) in enumerate(rows, 1):
            store.conn.execute(
                "INSERT INTO message (account, message_key, message_id, folder, uid, "
                "uidvalidity, in_reply_to, refs, thread_key, direction) "
                "VALUES ('a', ?, ?, 'INBOX', ?, 1, ?, ?, ?, 'in')",
                (name, f"<{name}@x>", number, parent, refs, key))
        store.conn.execute(
            "INSERT INTO draft (id, account, address, reason, subject, message_id, thread_key, "
            "items, raw, state, created) VALUES ('d', 'a', 'lena@x', 'nudge', 'Re: Big news', "
            "'<d@x>', 'r:<m4@x>', '[]', x'', 'pending', '2026-01-01')")
    with Store.open(tmp_path) as store:
        keys = {r[0] for r in store.conn.execute("SELECT DISTINCT thread_key FROM message")}
        draft = store.conn.execute("SELECT thread_key FROM draft").fetchone()[0]
        history = History(store)
        assert keys == {"s:first"} and draft == "s:first"
        assert history.thread_of("a", "<m2@x>") == "s:first"
        assert history.thread_of("a", "<m4@x>") == "s:first"
