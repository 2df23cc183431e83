"""Sync over real mail from ../shared: Enron mailboxes and other projects' malformed messages.

Skips when ../shared is absent (a fresh clone); CI has it.
"""

from __future__ import annotations

import gzip
import mailbox
from pathlib import Path

from followthrough.config.credentials import get_password
from followthrough.config.model import load_config
from followthrough.mail.addresses import OwnAddresses
from followthrough.mail.imap_source import ImapSource, connect
from followthrough.state.history import History
from followthrough.state.store import Store
from followthrough.sync.engine import AccountReport, sync_account
from tests.mailserver import Dovecot
from tests.messages import write_config


def _mbox(path: Path, tmp_path: Path) -> list[bytes]:
    plain = tmp_path / path.name.removesuffix(".gz")
    plain.write_bytes(gzip.decompress(path.read_bytes()))
    box = mailbox.mbox(str(plain), create=False)
    return [box.get_bytes(k).replace(b"\n", b"\r\n") for k in box.iterkeys()]


def _sync(tmp_path: Path, dovecot: Dovecot, user: str, address: str) -> tuple[AccountReport,
                                                                              Path]:
    path = write_config(tmp_path / "config.toml", port=dovecot.port, ca_file=dovecot.ca_file,
                        username=user, password=dovecot.users[user],
                        addresses=f'["{address}"]')
    config = load_config(path)
    account = config.accounts[0]
    with Store.open(config.state_dir) as store:
        source = ImapSource(connect(account, get_password(account)))
        try:
            return sync_account(account, source, History(store), batch_size=200), \
                config.state_dir
        finally:
            source.close()


def test_real_enron_mailbox(shared_dir: Path, tmp_path: Path, dovecot: Dovecot,
                            mail_user: str) -> None:
    user_dir = shared_dir / "corpus" / "enron" / "farmer-d"
    inbox = _mbox(user_dir / "inbox.mbox.gz", tmp_path)
    sent = _mbox(user_dir / "sent.mbox.gz", tmp_path)
    dovecot.load_maildir(mail_user, "INBOX", inbox)
    dovecot.load_maildir(mail_user, "Sent", sent)
    report, state_dir = _sync(tmp_path, dovecot, mail_user, "daren.farmer@enron.com")
    assert report.quarantined == 0
    with Store.open(state_dir, write=False) as store:
        history = History(store)
        stored = history.message_count()
        directions = dict(store.conn.execute(
            "SELECT direction, count(*) FROM message GROUP BY direction").fetchall())
        contacts = history.contacts(OwnAddresses(["daren.farmer@enron.com"]))
    unique_ids = {m.split(b"Message-ID: ", 1)[1].split(b"\r\n", 1)[0] for m in inbox + sent
                  if b"Message-ID: " in m}
    assert stored == len(unique_ids)
    assert directions["out"] >= 0.9 * len(sent)
    two_way = [c for c in contacts if c.inbound and c.outbound and not c.automated]
    assert len(two_way) >= 10
    # A second sync finds nothing new.
    again, _ = _sync(tmp_path, dovecot, mail_user, "daren.farmer@enron.com")
    assert again.new == 0


def test_malformed_mail_is_processed_or_quarantined(shared_dir: Path, tmp_path: Path,
                                                    dovecot: Dovecot, mail_user: str) -> None:
    files = sorted(p for p in (shared_dir / "corpus" / "edge").rglob("*.eml"))
    raws = [p.read_bytes() for p in files]
    raws = [r for r in raws if r.strip()]
    uids = dovecot.append(mail_user, "INBOX", raws)
    report, state_dir = _sync(tmp_path, dovecot, mail_user, "me@example.com")
    (inbox,) = [f for f in report.folders if f.folder == "INBOX"]
    # Each message is stored, quarantined with its UID, repeats a stored Message-ID, or is
    # a copy of a stored message under another Message-ID.
    assert inbox.new + inbox.relocated + inbox.copies + inbox.quarantined == len(uids)
    with Store.open(state_dir, write=False) as store:
        quarantined = {r[0] for r in store.conn.execute("SELECT uid FROM quarantine")}
        cursor = History(store).cursor("test", "INBOX")
    assert quarantined <= set(uids) and len(quarantined) == inbox.quarantined
    assert cursor is not None and cursor.last_uid == max(uids)
