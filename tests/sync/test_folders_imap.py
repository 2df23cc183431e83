"""Every folder with conversation is read by default, against the real Dovecot; Trash,
Junk, Drafts and the review folder are not; a message filed twice counts once, whether the
copies share a Message-ID or not (my own sent mail kept in two Sent folders too)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from tests.checkins.test_drafts_imap import LONG_AGO, ME, cli, setup_config
from tests.mailserver import Dovecot
from tests.messages import make_message

JO = "Jo Filer <jo@example.com>"


def test_filed_mail_counts_once_and_trash_junk_drafts_review_do_not(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    question = make_message(sender=ME, to=JO, subject="Budget", message_id="<q1@example.com>",
                            date=LONG_AGO, body="Could you send me the budget?\n")
    dovecot.append(mail_user, "Sent", [question])
    # an old client kept my question in "Sent Items" too, under an id of its own
    dovecot.append(mail_user, "Sent Items", [question.replace(b"<q1@example.com>",
                                                              b"<q1-copy@example.com>")])

    def answer(message_id: str) -> bytes:
        return make_message(sender=JO, to=ME, subject="Re: Budget", message_id=message_id,
                            in_reply_to="<q1@example.com>", date=LONG_AGO + timedelta(days=1),
                            body="Here it is, attached.\n\nJo\n")

    # the answer was filed away, twice: once as it came, once as an archive's copy with an
    # id of its own; and once more under the first id in a second folder
    dovecot.append(mail_user, "Projects/Budget", [answer("<a1@x>")])
    dovecot.append(mail_user, "Archive", [answer("<copy-7@archive>")])
    dovecot.append(mail_user, "Old mail", [answer("<a1@x>")])
    for folder in ("Trash", "Junk", "Drafts", "Follow-ups"):
        dovecot.append(mail_user, folder, [make_message(
            sender=f"Not Read <{folder.lower()}@example.com>", to=ME, subject=folder,
            date=LONG_AGO, body="This folder is never read as conversation.\n")])

    done = cli(config, "sync", "--once", "--json")
    assert done.returncode == 0, done.stderr
    contacts = {c["address"]: c for c in json.loads(cli(config, "contacts", "--all",
                                                        "--json").stdout)}
    assert set(contacts) == {"jo@example.com"}  # nothing from Trash, Junk, Drafts, review
    jo = contacts["jo@example.com"]
    assert (jo["inbound"], jo["outbound"]) == (1, 1)  # the filed answer and my question, once
    # her answer closed my question: no nudge is due, though it sits in a folder
    due = cli(config, "due", "--json", "--now", (LONG_AGO + timedelta(days=8)).isoformat())
    assert json.loads(due.stdout) == []

    again = cli(config, "sync", "--once", "--json")  # nothing new, nothing doubled
    assert again.returncode == 0
    jo = next(c for c in json.loads(cli(config, "contacts", "--json").stdout))
    assert (jo["inbound"], jo["outbound"]) == (1, 1)
