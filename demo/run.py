"""followthrough in two minutes: a throwaway Dovecot, a small mailbox, one cycle, the drafts.

    python demo/run.py

Needs Dovecot installed (`sudo apt-get install -y dovecot-imapd`); it starts its own
private instance on 127.0.0.1 and stops it afterwards. Nothing leaves this machine.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.mailserver import DOVECOT, INSTALL_HINT, Dovecot  # noqa: E402

from demo.mailbox import CONFIG, mailbox  # noqa: E402

NOW = "2026-05-14T09:00"


def followthrough(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config),
                           *args], text=True, capture_output=True, check=False)


def show_drafts(server: Dovecot, user: str) -> int:
    with server.client(user) as imap:
        imap.select_folder("Follow-ups", readonly=True)
        uids = imap.search(["ALL"])
        fetched = imap.fetch(uids, [b"BODY.PEEK[]", b"FLAGS"]) if uids else {}
    for uid in uids:
        message = message_from_bytes(fetched[uid][b"BODY[]"], policy=default_policy)
        flags = " ".join(f.decode() for f in fetched[uid][b"FLAGS"])
        print("─" * 72)
        for name in ("From", "To", "Subject", "In-Reply-To", "X-Followthrough-Id"):
            if message[name]:
                print(f"{name}: {message[name]}")
        print(f"(flags: {flags})\n")
        body = message.get_body()
        print(body.get_content().rstrip() if body is not None else "")
    print("─" * 72)
    return len(uids)


def main() -> int:
    if not Path(DOVECOT).exists():
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    inbox, sent = mailbox()
    server = Dovecot().start()
    try:
        user = server.new_user("sam")
        server.load_maildir(user, "INBOX", inbox, flags="")
        server.load_maildir(user, "Sent", sent)
        with tempfile.TemporaryDirectory(prefix="followthrough-demo-") as work:
            password = Path(work) / "password"
            password.write_text(server.users[user] + "\n")
            password.chmod(0o600)
            config = Path(work) / "config.toml"
            config.write_text(CONFIG.format(port=server.port, ca_file=server.ca_file,
                                            password_file=password))
            print(f"A throwaway Dovecot on 127.0.0.1:{server.port} holds Sam's mailbox: "
                  f"{len(inbox)} received, {len(sent)} sent messages.")
            print(f"Running: followthrough run --once --now {NOW}\n")
            done = followthrough(config, "--log-level", "warning", "run", "--once",
                                 "--now", NOW)
            if done.returncode != 0:
                print(done.stdout + done.stderr, file=sys.stderr)
                return done.returncode
            print(done.stdout)
            count = show_drafts(server, user)
            print(f"\n{count} drafts are waiting in the Follow-ups folder; nothing was sent.")
            why = followthrough(config, "explain", "marco@bianchi-builders.example",
                                "--now", NOW)
            print("\nEvery draft can say why — followthrough explain "
                  "marco@bianchi-builders.example:\n")
            print(why.stdout)
            again = followthrough(config, "--log-level", "warning", "run", "--once",
                                  "--now", NOW)
            print("A second run at the same moment writes nothing new:",
                  again.stdout.strip() or "no new drafts.")
    finally:
        server.stop(remove=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
