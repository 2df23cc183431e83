"""UIDVALIDITY changes with renumbered UIDs, against the real Dovecot: the server forgets its
UID list (as after a restore or a rebuilt index) and gives every message a new UID, in a
different order. No message, item or draft may be duplicated, and no stored UID may point
at another message than the one it was stored for."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from followthrough.config.model import Config
from followthrough.state.store import Store
from tests.checkins.test_drafts_imap import ME, review, run_once, setup_config
from tests.mailserver import Dovecot
from tests.messages import make_message

LONG_AGO = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
UID_FILES = ("dovecot-uidlist", "dovecot.index", "dovecot.index.cache", "dovecot.index.log")

# (who, Message-ID or None, what they wrote, what I answered)
PEOPLE = [
    ("Alice Example <alice@example.com>", "<a1@example.com>",
     "We're stuck on the permit, which is stressful.", "I'll send you the notes tomorrow."),
    ("Bob Builder <bob@example.com>", "<b1@example.com>",
     "We finally closed our seed round last week!", "Congratulations, that is great news."),
    ("Carol Jones <carol@example.com>", "<c1@example.com>",
     "I'll send you the signed contract by Friday.", "Thanks Carol, talk soon."),
    ("Dan Smith <dan@example.com>", None,  # no Message-ID: known by its header hash
     "The move to Denver has been really hard on the kids.", "Sorry to hear it, Dan."),
]


def load_people(dovecot: Dovecot, user: str) -> None:
    inbox, sent = [], []
    for n, (who, message_id, theirs, mine) in enumerate(PEOPLE):
        when = LONG_AGO + timedelta(hours=3 * n)
        name = who.split()[0]
        inbox.append(make_message(sender=who, subject=f"News from {name}", date=when,
                                  message_id=message_id, body=f"Hi Sam,\n\n{theirs}\n\n{name}\n"))
        sent.append(make_message(sender=ME, to=who, subject=f"Re: News from {name}",
                                 date=when + timedelta(hours=1), body=f"Hi {name},\n\n{mine}\n"))
    dovecot.load_maildir(user, "INBOX", inbox)
    dovecot.load_maildir(user, "Sent", sent)


def renumber(dovecot: Dovecot, user: str, folder: str, delete: bytes | None = None) -> None:
    """Make Dovecot forget the folder's UIDs: reverse the order of its Maildir files, drop
    one message if asked, and remove the UID list and index. Dovecot then numbers every
    message again, from 1, under a new UIDVALIDITY."""
    cur = dovecot.maildir(user, folder) / "cur"
    files = sorted(cur.iterdir(), key=lambda p: int(p.name.split(".", 1)[0]))
    for position, path in enumerate(files):
        if delete is not None and delete in path.read_bytes():
            path.unlink()
            continue
        stamp = 1_900_000_000 - 100 * position  # the first file now sorts last
        path.rename(path.with_name(f"{stamp}.{path.name.split('.', 1)[1]}"))
    for name in UID_FILES:
        (dovecot.maildir(user, folder) / name).unlink(missing_ok=True)


def server_messages(dovecot: Dovecot, user: str, folder: str) -> dict[int, bytes]:
    """UID → full message, as the server numbers them now."""
    with dovecot.client(user) as imap:
        imap.select_folder(folder, readonly=True)
        uids = imap.search(["ALL"])
        fetched = imap.fetch(uids, [b"BODY.PEEK[]"]) if uids else {}
    return {uid: bytes(data[b"BODY[]"]) for uid, data in fetched.items()}


def stored_messages(config: Config) -> list[tuple[str, str, str, int, int]]:
    with Store.open(config.state_dir, write=False) as store:
        return [tuple(r) for r in store.conn.execute(
            "SELECT message_key, folder, subject, uid, uidvalidity FROM message ORDER BY 1")]


def stored_items(config: Config) -> list[tuple[str, str, int, str, str]]:
    with Store.open(config.state_dir, write=False) as store:
        return [tuple(r) for r in store.conn.execute(
            "SELECT m.message_key, m.folder, m.uid, i.kind, i.evidence FROM item i "
            "JOIN message m ON m.id = i.message ORDER BY 1, 4, 5")]


def flat(text: bytes | str) -> str:
    return re.sub(r"\s+", " ", text.decode() if isinstance(text, bytes) else text)


def test_renumbered_uids_duplicate_nothing_and_misplace_nothing(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    load_people(dovecot, mail_user)
    first = run_once(config)
    assert first.returncode == 0, first.stderr
    drafted = sorted(d["address"] for d in json.loads(first.stdout)["drafts"])
    assert drafted == ["alice@example.com", "bob@example.com", "carol@example.com",
                       "dan@example.com"]
    messages_before = stored_messages(config)
    items_before = stored_items(config)
    assert len(messages_before) == 8 and len(items_before) >= 4
    old = {folder: dovecot.status(mail_user, folder)["uidvalidity"] for folder in ("INBOX", "Sent")}
    old_inbox = server_messages(dovecot, mail_user, "INBOX")

    # The server renumbers both folders; Bob's message went away meanwhile; Erin wrote.
    renumber(dovecot, mail_user, "INBOX", delete=b"<b1@example.com>")
    renumber(dovecot, mail_user, "Sent")
    erin = make_message(sender="Erin Stone <erin@example.com>", subject="Hello from Erin",
                        message_id="<e1@example.com>", date=datetime(2026, 5, 13, tzinfo=UTC),
                        body="Hi Sam,\n\nOur new office opened on Monday!\n\nErin\n")
    dovecot.append(mail_user, "INBOX", [erin])
    inbox = server_messages(dovecot, mail_user, "INBOX")
    for folder in ("INBOX", "Sent"):
        assert dovecot.status(mail_user, folder)["uidvalidity"] != old[folder]
    moved = [uid for uid in old_inbox if uid in inbox and old_inbox[uid] != inbox[uid]]
    assert len(moved) >= 2, "the server did not renumber: the test would prove nothing"

    second = run_once(config)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["drafts"] == []

    # No duplicated message: the eight known ones plus Erin's, each once.
    after = stored_messages(config)
    assert len({row[0] for row in after}) == len(after) == 9
    assert {row[0] for row in messages_before} <= {row[0] for row in after}

    # Every stored location names the message stored there, under today's UIDVALIDITY.
    servers = {"INBOX": inbox, "Sent": server_messages(dovecot, mail_user, "Sent")}
    for key, folder, subject, uid, uidvalidity in after:
        if subject == "News from Bob":
            assert uid == 0, "Bob's message left the server: its old UID names another"
            continue
        assert uidvalidity == dovecot.status(mail_user, folder)["uidvalidity"]
        assert f"Subject: {subject}" in flat(servers[folder][uid]), (key, folder, uid)

    # No item duplicated or lost, and each one is found in the message its row points to.
    items = stored_items(config)
    known = {row[0] for row in messages_before}
    assert [i for i in items if i[0] in known] == _relocated(items_before, after)
    for key, folder, uid, _, evidence in items:
        if uid:
            assert flat(evidence) in flat(servers[folder][uid]), (key, evidence)

    # No duplicated draft: the four from the first run, one per person.
    recipients = [str(message["To"]) for _, message, _ in review(dovecot, mail_user)]
    assert len(recipients) == 4 and len(set(recipients)) == 4
    third = run_once(config, now="2026-05-15T09:00:00+00:00")
    assert json.loads(third.stdout)["drafts"] == []
    assert len(review(dovecot, mail_user)) == 4


def _relocated(items: list[tuple[str, str, int, str, str]],
               messages: list[tuple[str, str, str, int, int]],
               ) -> list[tuple[str, str, int, str, str]]:
    """The items as they should read after the rescan: same message, its new UID."""
    uid_of = {key: uid for key, _, _, uid, _ in messages}
    return sorted((key, folder, uid_of[key], kind, evidence)
                  for key, folder, _, kind, evidence in items)
