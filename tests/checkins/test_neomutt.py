"""A real mail client: neomutt, driven through tmux, recalls followthrough's draft from
Drafts, edits it, sends it through a local SMTP sink with a copy to Sent, against the real
Dovecot; then ``run --once`` must know it was sent and what the user changed.

Needs Debian's ``neomutt`` and ``tmux`` (the README's test command installs them); like
Dovecot, their absence fails the test with the install command rather than skipping it.
"""

from __future__ import annotations

import email
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest

from followthrough.config.model import Config
from tests.checkins.test_drafts_imap import ME, cli, drafts, run_once
from tests.checkins.test_thunderbird_behaviour import Thunderbird, default_config
from tests.mailserver import Dovecot
from tests.messages import make_message
from tests.smtp_sink import SmtpSink

INSTALL = "sudo apt-get install -y neomutt tmux (the README's test command does)"
LONG_AGO = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
ZOE = "Zoë Ünal <zoe@example.com>"

# The editor neomutt runs: changes the greeting, adds a paragraph, keeps the rest (and
# does nothing when run again on its own result).
EDITOR = textwrap.dedent("""\
    import sys
    path = sys.argv[1]
    text = open(path, encoding="utf-8").read()
    text = text.replace("Hi Zoë,\\n\\n",
                        "Dear Zoë,\\n\\nAre we still on for lunch next week?\\n\\n", 1)
    open(path, "w", encoding="utf-8").write(text)
    """)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()


def muttrc(home: Path, dovecot: Dovecot, user: str, smtp_port: int) -> Path:
    editor = home / "edit.py"
    editor.write_text(EDITOR)
    # Plain IMAP on 127.0.0.1 (Dovecot counts a local connection as secure): neomutt's own
    # certificate prompts are not what is tested here.
    rc = home / "muttrc"
    rc.write_text(textwrap.dedent(f"""\
        set folder = "imap://{user}@127.0.0.1:{dovecot.plain_port}/"
        set imap_user = "{user}"
        set imap_pass = "{dovecot.users[user]}"
        set ssl_starttls = no
        set ssl_force_tls = no
        set spoolfile = "+INBOX"
        set postponed = "+Drafts"
        set record = "+Sent"
        set smtp_url = "smtp://127.0.0.1:{smtp_port}/"
        set from = "me@example.com"
        set real_name = "Sam Me"
        set use_from = yes
        set editor = "{sys.executable} {editor}"
        set edit_headers = no
        set copy = yes
        set delete = yes
        set quit = yes
        set postpone = ask-no
        set recall = no
        set abort_unmodified = no
        set mail_check = 1
        set timeout = 1
        set sleep_time = 0
        set wait_key = no
        set send_charset = "utf-8"
        set text_flowed = yes
        set crypt_autosign = no
        set crypt_opportunistic_encrypt = no
        set header_cache = ""
        set message_cachedir = ""
        """))
    return rc


class Tmux:
    def __init__(self, session: str, home: Path) -> None:
        self.session = session
        self.env = {**os.environ, "HOME": str(home), "TERM": "xterm-256color",
                    "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TMUX_TMPDIR": str(home)}

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", *args], capture_output=True, text=True, env=self.env,
                              timeout=30, check=False)
        return done.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", self.session, "-x", "160", "-y", "48", command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def wait(self, seen: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if seen(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"neomutt never showed {what}; the screen:\n{screen}")

    def stop(self) -> None:
        self.run("kill-server")


def zoe_conversation(dovecot: Dovecot, user: str) -> None:
    dovecot.append(user, "INBOX", [make_message(
        sender=ZOE, subject="Der Umzug", message_id="<z1@example.com>", date=LONG_AGO,
        body="Hi Sam,\n\nWe finally closed on the new flat!\n\nZoë\n")])
    dovecot.append(user, "Sent", [make_message(
        sender=ME, to=ZOE, subject="Re: Der Umzug", message_id="<z2@example.com>",
        in_reply_to="<z1@example.com>", references="<z1@example.com>",
        date=LONG_AGO + timedelta(hours=3), body="Wonderful news, congratulations!\n")])


def sent_by(sink: SmtpSink) -> EmailMessage:
    (received,) = sink.wait_for(1, timeout=30)
    assert received.recipients == ["<zoe@example.com>"]
    message = email.message_from_bytes(received.data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def neomutt(tmp_path: Path, dovecot: Dovecot, user: str, smtp_port: int) -> Tmux:
    for tool in ("neomutt", "tmux"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed: {INSTALL}", pytrace=False)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    rc = muttrc(home, dovecot, user, smtp_port)
    tmux = Tmux(f"neomutt-{user}", home)
    tmux.start(f"neomutt -n -F {rc}")
    tmux.wait(lambda s: "INBOX" in s or "Mailbox is empty" in s, "its index")
    return tmux


def recall_and(tmux: Tmux, key: str, edit: bool = True) -> None:
    """Recall the postponed draft (R), edit it (e), then send (y) or postpone (P)."""
    tmux.keys("R")
    tmux.wait(lambda s: "Compose" in s and "zoe@example.com" in s, "the compose menu")
    if edit:
        tmux.keys("e")  # the editor script makes the changes
        tmux.wait(lambda s: "Compose" in s, "the compose menu after editing")
    tmux.keys(key)


def quit_and_wait(tmux: Tmux, done: Callable[[], bool]) -> None:
    tmux.wait(lambda s: "Compose" not in s, "the index")
    tmux.keys("q")  # closing the mailboxes expunges the recalled draft
    deadline = time.monotonic() + 20
    while not done() and time.monotonic() < deadline:
        time.sleep(0.3)


def test_neomutt_recalls_edits_and_sends_the_draft(tmp_path: Path, dovecot: Dovecot,
                                                   mail_user: str, smtp_sink: SmtpSink
                                                   ) -> None:
    config: Config = default_config(tmp_path, dovecot, mail_user)
    zoe_conversation(dovecot, mail_user)
    assert run_once(config).returncode == 0
    mailbox = Thunderbird(dovecot, mail_user)  # only to look at the folders
    ((_, draft, _),) = mailbox.messages("Drafts")
    tmux = neomutt(tmp_path, dovecot, mail_user, smtp_sink.port)
    try:
        recall_and(tmux, "y")
        sent = sent_by(smtp_sink)
        quit_and_wait(tmux, lambda: not mailbox.messages("Drafts"))
    finally:
        tmux.stop()

    # What Zoë receives: nothing of the tool, the thread kept, text as edited.
    raw = sent.as_bytes()
    assert b"followthrough" not in raw.lower()
    assert not [name for name in sent if name.lower().startswith("x-followthrough")]
    assert sent["In-Reply-To"] == "<z2@example.com>"
    assert sent["To"].addresses[0].display_name == "Zoë Ünal"
    body = str(sent.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "Dear Zoë," in body and body.count("lunch next week") == 1
    assert mailbox.messages("Drafts") == []  # neomutt removed the recalled draft
    # neomutt keeps the draft's Message-ID when it sends: that is what Zoë sees, so it must
    # not name the tool (it does not), and it is how the sent copy is recognised.
    assert sent["Message-ID"] == draft["Message-ID"]
    assert [m["Message-ID"] for _, m, _ in mailbox.messages("Sent")].count(
        draft["Message-ID"]) == 1  # the copy in Sent (record)

    done = json.loads(run_once(config, now="2026-05-14T12:00:00+00:00").stdout)
    assert done["sent"] == 1
    (listed,) = drafts(config)
    assert listed["state"] == "sent"
    assert listed["changes"]["rewritten"] >= 1 and listed["changes"]["added"] == 1
    due = json.loads(cli(config, "due", "--json", "--now", "2026-05-15T09:00:00+00:00").stdout)
    assert due == []


def test_neomutt_postpones_an_edited_draft_then_sends_it(tmp_path: Path, dovecot: Dovecot,
                                                         mail_user: str, smtp_sink: SmtpSink
                                                         ) -> None:
    """neomutt re-saves an edited draft under the same Message-ID: still "edited", and
    ``drafts --show`` prints the user's text; sent later, it is "sent"."""
    config: Config = default_config(tmp_path, dovecot, mail_user)
    zoe_conversation(dovecot, mail_user)
    assert run_once(config).returncode == 0
    mailbox = Thunderbird(dovecot, mail_user)
    ((_, draft, _),) = mailbox.messages("Drafts")
    tmux = neomutt(tmp_path, dovecot, mail_user, smtp_sink.port)
    try:
        recall_and(tmux, "P")
        quit_and_wait(tmux, lambda: len(mailbox.messages("Drafts")) == 1 and "Dear" in str(
            mailbox.messages("Drafts")[0][1].get_body(("plain",))))
    finally:
        tmux.stop()
    ((_, saved, _),) = mailbox.messages("Drafts")
    assert saved["Message-ID"] == draft["Message-ID"]  # mutt keeps it
    done = json.loads(run_once(config, now="2026-05-14T12:00:00+00:00").stdout)
    assert done["edited"] == 1
    assert [d["state"] for d in drafts(config)] == ["edited"]
    shown = cli(config, "drafts", "--show").stdout
    assert "Dear Zoë," in shown and "lunch next week" in shown and "Hi Zoë" not in shown
    assert run_once(config, now="2026-05-14T13:00:00+00:00").returncode == 0
    assert [d["state"] for d in drafts(config)] == ["edited"]  # nothing new: unchanged

    tmux = neomutt(tmp_path, dovecot, mail_user, smtp_sink.port)
    try:
        recall_and(tmux, "y", edit=False)
        sent_by(smtp_sink)
        quit_and_wait(tmux, lambda: not mailbox.messages("Drafts"))
    finally:
        tmux.stop()
    assert json.loads(run_once(config, now="2026-05-14T15:00:00+00:00").stdout)["sent"] == 1
    (listed,) = drafts(config)
    assert listed["state"] == "sent" and listed["changes"]["added"] == 1
