"""What Thunderbird does with a draft, reproduced against the real Dovecot (Thunderbird
itself cannot run here), each followed by the next ``run --once``.

Thunderbird's documented behaviour, as reproduced by :class:`Thunderbird`:
- sending a draft writes a new Message-ID, keeps In-Reply-To/References, drops headers it
  does not know, stores the sent copy in Sent and deletes the draft (\\Deleted + EXPUNGE);
- saving a draft APPENDs a new copy (new Message-ID, \\Draft \\Seen) and deletes the old;
- in a folder that is not its Drafts folder a draft opens read-only: "Edit as New" leaves
  the original where it is and saves the edited copy into Drafts;
- deleting moves the message to Trash.
"""

from __future__ import annotations

import email
import json
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

from followthrough.checkins.flowed import from_flowed, to_flowed
from followthrough.config.model import Config, load_config
from followthrough.crashpoints import CRASH_EXIT_CODE
from tests.checkins.test_drafts_imap import (
    ME,
    alice_conversation,
    cli,
    drafts,
    run_once,
)
from tests.mailserver import Dovecot
from tests.messages import make_message, write_config

LATER = "2026-05-14T12:00:00+00:00"
NEXT_DAY = "2026-05-15T09:00:00+00:00"


def default_config(tmp_path: Path, dovecot: Dovecot, user: str, extra_account: str = ""
                   ) -> Config:
    """No review_folder: drafts go to the user's own Drafts folder. Every two-way contact
    gets a check-in (Alice's one conversation is not a relationship by default)."""
    return load_config(write_config(
        tmp_path / "config.toml", port=dovecot.port, ca_file=dovecot.ca_file, username=user,
        password=dovecot.users[user], extra_account=extra_account,
        extra='[draft]\nsignature = "Sam"\n[cadence]\ntrack = "two-way-always"\n'))


class Thunderbird:
    """The IMAP side of what Thunderbird does (see the module docstring)."""

    def __init__(self, dovecot: Dovecot, user: str) -> None:
        self.dovecot = dovecot
        self.user = user

    def messages(self, folder: str) -> list[tuple[int, EmailMessage, tuple[bytes, ...]]]:
        with self.dovecot.client(self.user) as imap:
            if not imap.folder_exists(folder):
                return []
            imap.select_folder(folder, readonly=True)
            uids = imap.search(["ALL"])
            data = imap.fetch(uids, [b"BODY.PEEK[]", b"FLAGS"]) if uids else {}
        found = []
        for uid in uids:
            message = email.message_from_bytes(data[uid][b"BODY[]"], policy=default_policy)
            assert isinstance(message, EmailMessage)
            found.append((uid, message, data[uid][b"FLAGS"]))
        return found

    def rewrite(self, original: EmailMessage, text: str, when: datetime) -> bytes:
        """A new message as Thunderbird composes it from ``original``: new Message-ID,
        threading and addresses kept, every other header dropped, flowed text."""
        message = EmailMessage(policy=default_policy)
        for name in ("From", "To", "Subject", "In-Reply-To", "References"):
            if original[name]:
                message[name] = str(original[name])
        message["Date"] = email.utils.format_datetime(when)
        message["Message-ID"] = f"<{uuid.uuid4()}@example.com>"
        message["User-Agent"] = "Mozilla Thunderbird"
        message.set_content(to_flowed(text), charset="utf-8", params={"format": "flowed"})
        return message.as_bytes()

    def delete(self, folder: str, uid: int, to_trash: bool = False) -> None:
        with self.dovecot.client(self.user) as imap:
            imap.select_folder(folder)
            if to_trash:
                imap.copy([uid], "Trash")
            imap.delete_messages([uid])
            imap.expunge()

    def save(self, folder: str, original: EmailMessage, text: str,
             replace_uid: int | None) -> None:
        """Save (File > Save / autosave): a new copy in ``folder``; the old one goes."""
        raw = self.rewrite(original, text, datetime(2026, 5, 14, 10, 0, tzinfo=UTC))
        self.dovecot.append(self.user, folder, [raw], flags=(b"\\Draft", b"\\Seen"))
        if replace_uid is not None:
            self.delete(folder, replace_uid)

    def send(self, folder: str, uid: int, text: str) -> EmailMessage:
        """Send the draft at ``uid``: the copy in Sent, the draft deleted."""
        ((_, original, _),) = [m for m in self.messages(folder) if m[0] == uid]
        raw = self.rewrite(original, text, datetime(2026, 5, 14, 11, 0, tzinfo=UTC))
        self.dovecot.append(self.user, "Sent", [raw], flags=(b"\\Seen",))
        self.delete(folder, uid)
        sent = email.message_from_bytes(raw, policy=default_policy)
        assert isinstance(sent, EmailMessage)
        return sent


def text_of(message: EmailMessage) -> str:
    return from_flowed(str(message.get_content()))


def state(config: Config) -> list[str]:
    return [d["state"] for d in drafts(config)]


def test_default_review_folder_is_drafts_and_a_sent_draft_is_recognised(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = default_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    assert run_once(config).returncode == 0
    client = Thunderbird(dovecot, mail_user)
    ((uid, draft, flags),) = client.messages("Drafts")  # the \Drafts folder, not Follow-ups
    assert set(flags) >= {b"\\Draft", b"\\Seen"}
    with dovecot.client(mail_user) as imap:
        assert not imap.folder_exists("Follow-ups")
    edited = text_of(draft).replace("Hi Alice,", "Dear Alice,")
    sent = client.send("Drafts", uid, edited)
    assert sent["Message-ID"] != draft["Message-ID"]  # as Thunderbird does
    done = json.loads(run_once(config, now=LATER).stdout)
    assert done["sent"] == 1 and done["drafts"] == []
    (listed,) = drafts(config)
    assert listed["state"] == "sent"
    assert listed["changes"]["rewritten"] == 1 and listed["changes"]["deleted"] == 0
    # The Drafts folder is never read as conversation: nothing of it was stored.
    shown = json.loads(cli(config, "show", "alice@example.com", "--json").stdout)
    assert "Drafts" not in json.dumps(shown)


def test_resaved_draft_is_edited_and_shows_the_current_text(tmp_path: Path, dovecot: Dovecot,
                                                            mail_user: str) -> None:
    config = default_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    assert run_once(config).returncode == 0
    client = Thunderbird(dovecot, mail_user)
    ((uid, draft, _),) = client.messages("Drafts")
    client.save("Drafts", draft, "Hi Alice,\n\nShort and sweet: how was the hearing?\n\nSam\n",
                replace_uid=uid)
    done = json.loads(run_once(config, now=LATER).stdout)
    assert done["edited"] == 1 and done["drafts"] == []
    assert state(config) == ["edited"]
    shown = cli(config, "drafts", "--show").stdout
    assert "Short and sweet" in shown and "stuck on the permit" not in shown
    # Saved again (another new Message-ID): still edited, the newest text shown.
    ((uid, copy, _),) = client.messages("Drafts")
    client.save("Drafts", copy, "Hi Alice,\n\nHow was the hearing, in the end?\n\nSam\n",
                replace_uid=uid)
    assert run_once(config, now=LATER).returncode == 0
    assert state(config) == ["edited"]
    assert "in the end?" in cli(config, "drafts", "--show").stdout
    due = json.loads(cli(config, "due", "--json", "--now", NEXT_DAY).stdout)
    assert due == []  # an edited draft is still waiting: no second draft
    ((uid, _, _),) = client.messages("Drafts")
    client.send("Drafts", uid, "Hi Alice,\n\nHow was the hearing, in the end?\n\nSam\n")
    assert json.loads(run_once(config, now=NEXT_DAY).stdout)["sent"] == 1
    assert state(config) == ["sent"]


def test_edit_as_new_from_a_separate_review_folder(tmp_path: Path, dovecot: Dovecot,
                                                   mail_user: str) -> None:
    """Thunderbird with its defaults and review_folder = "Follow-ups": the draft opens
    read-only; Edit as New saves the copy in Drafts; the original stays in Follow-ups."""
    config = default_config(tmp_path, dovecot, mail_user, 'review_folder = "Follow-ups"\n')
    alice_conversation(dovecot, mail_user)
    assert run_once(config).returncode == 0
    client = Thunderbird(dovecot, mail_user)
    ((original_uid, original, _),) = client.messages("Follow-ups")
    assert client.messages("Drafts") == []
    client.save("Drafts", original, "Hi Alice,\n\nAny news on the permit?\n\nSam\n",
                replace_uid=None)
    assert json.loads(run_once(config, now=LATER).stdout)["edited"] == 1
    assert "Any news on the permit?" in cli(config, "drafts", "--show").stdout
    ((copy_uid, _, _),) = client.messages("Drafts")
    client.send("Drafts", copy_uid, "Hi Alice,\n\nAny news on the permit?\n\nSam\n")
    client.delete("Follow-ups", original_uid, to_trash=True)  # tidying up the original
    done = json.loads(run_once(config, now=NEXT_DAY).stdout)
    assert done["sent"] == 1 and done["dismissed"] == 0
    assert state(config) == ["sent"]


def test_deleted_to_trash_is_dismissed_after_the_grace_period(tmp_path: Path, dovecot: Dovecot,
                                                              mail_user: str) -> None:
    config = default_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    assert run_once(config).returncode == 0
    client = Thunderbird(dovecot, mail_user)
    ((uid, _, _),) = client.messages("Drafts")
    client.delete("Drafts", uid, to_trash=True)
    assert len(client.messages("Trash")) == 1
    assert json.loads(run_once(config, now=LATER).stdout)["dismissed"] == 0
    assert state(config) == ["pending"]  # gone, but mail to her may still follow
    assert json.loads(run_once(config, now=NEXT_DAY).stdout)["dismissed"] == 1
    assert state(config) == ["dismissed"]


def test_deleted_then_written_fresh_within_the_grace_period_is_sent(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    config = default_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    assert run_once(config).returncode == 0
    client = Thunderbird(dovecot, mail_user)
    ((uid, _, _),) = client.messages("Drafts")
    client.delete("Drafts", uid, to_trash=True)
    assert run_once(config, now=LATER).returncode == 0
    dovecot.append(mail_user, "Sent", [make_message(
        sender=ME, to="alice@example.com", subject="Lunch?", body="Lunch on Friday?\n",
        date=datetime(2026, 5, 14, 15, 0, tzinfo=UTC))])
    assert json.loads(run_once(config, now=NEXT_DAY).stdout)["sent"] == 1
    assert state(config) == ["sent"]


def test_user_drafts_beside_ours_are_left_alone_and_a_crash_makes_no_copy(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    """The Drafts folder also holds the user's own drafts: they are neither taken for ours
    nor for edits of ours; a crash right after the APPEND still leaves one copy."""
    config = default_config(tmp_path, dovecot, mail_user)
    alice_conversation(dovecot, mail_user)
    own = make_message(sender=ME, to="alice@example.com", subject="Birthday plans",
                       body="Half-written.\n", date=datetime(2026, 5, 1, tzinfo=UTC))
    dovecot.append(mail_user, "Drafts", [own], flags=(b"\\Draft",))
    # Steps: INBOX batch, Sent batch, draft planned, APPEND (4th): crash right after it.
    assert run_once(config, env={"FOLLOWTHROUGH_CRASH_AT": "4"}).returncode == CRASH_EXIT_CODE
    assert json.loads(run_once(config).stdout)["recovered"] == 1
    assert run_once(config, now=LATER).returncode == 0
    subjects = sorted(str(m["Subject"]) for _, m, _ in Thunderbird(dovecot, mail_user)
                      .messages("Drafts"))
    assert subjects == ["Birthday plans", "Re: Permit hearing"]
    assert state(config) == ["pending"]
