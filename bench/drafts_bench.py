"""Drafts benchmark: the main job on complete Enron mailboxes, judged draft by draft.

    python bench/drafts_bench.py [--users heard-m,corman-s] [--json] [--dump DIR]

Per mailbox: every folder is loaded into a same-named folder of a throwaway Dovecot (the
``sent``, ``sent_items`` and ``_sent_mail`` folders into Sent), followthrough gets the default
config with ``cadence.max_drafts_per_day = 8`` and the user's addresses, and
``followthrough run --once --now T`` runs on three consecutive work days from ten days
after the last mail (with ``--as-of DAY``, the mailbox as it stood on that day: a moment
of its history nobody has read drafts for; ``--at-share F``: when that share of its sent
mail had been written). Reported per mailbox: exit status, drafts
written, the share that mentions something specific (a remembered item or the question
left unanswered), the share replying under a personal thread, under a mass or automated
one, or starting a new message, drafts to the user's own addresses, and greeting names
found vs fallbacks.

The judge here is independent of the product's own rules: a thread is "mass" when its
message had more than five recipients, "automated" when its sender is a machine address,
its subject is an out-of-office or delivery notice, or it forwards a message from a
machine sender; own addresses are those the user sent from plus those written with the
user's display name.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import email.utils
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.mailserver import Dovecot  # noqa: E402
from tests.messages import write_config  # noqa: E402

from bench.corpus import SENT_FOLDERS, mbox_messages, require_corpus  # noqa: E402

TUNING = ("heard-m", "corman-s", "hyvl-d", "lokey-t", "zipper-a")
MASS_RECIPIENTS = 5
_AUTOMATED_SUBJECT = re.compile(
    r"out of (?:the )?office|auto(?:matic)?[- ]?reply|autoreply|away from (?:my|the) |"
    r"vacation|delivery (?:status|failure|notification)|undeliverable|returned mail|"
    r"notification|newsletter|publication|report\b|watch ?list|digest|bulletin|"
    r"announcement|subscription", re.IGNORECASE)
_MACHINE = re.compile(r"^(?:no[-_.]?reply|mailer-daemon|postmaster|bounce|notif|alert|news|"
                      r"announce|admin|system|info|help|owner-|listserv|majordomo)", re.I)
_GREETING = re.compile(r"^(?:(?:Hi|Hello|Dear|Hey|Good morning)\b[ ,]*)?([A-Z][\w.' -]{0,40}?)"
                       r"\s*[,:!]\s*$", re.MULTILINE)


@dataclass
class Message:
    folder: str
    raw: bytes
    message_id: str
    date: datetime | None
    sender: str
    sender_name: str
    recipients: list[str]
    subject: str


@dataclass
class DraftJudgement:
    day: str
    to: str
    subject: str
    reason: str
    specific: bool
    thread: str  # personal | mass | automated | new
    own_address: bool
    greeting: str  # found | fallback
    greeting_name: str
    body: str
    parent_id: str | None


@dataclass
class MailboxResult:
    user: str
    messages: int
    addresses: list[str]
    days: list[str]
    exit_status: list[int]
    drafts: int = 0
    specific: int = 0
    personal: int = 0
    new_thread: int = 0
    mass_or_automated: int = 0
    own_address: int = 0
    names_found: int = 0
    names_fallback: int = 0
    errors: list[str] = field(default_factory=list)
    judged: list[DraftJudgement] = field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.drafts if self.drafts else 0.0


def _addresses(value: str | None) -> list[tuple[str, str]]:
    return [(n, a.lower()) for n, a in email.utils.getaddresses([value or ""]) if "@" in a]


def parse(folder: str, raw: bytes) -> Message:
    head = email.message_from_bytes(raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
    sender = _addresses(str(head.get("From", "")))
    recipients = [a for _, a in _addresses(str(head.get("To", "")))
                  + _addresses(str(head.get("Cc", "")))]
    try:
        when = email.utils.parsedate_to_datetime(str(head.get("Date", "")))
    except (TypeError, ValueError):
        when = None
    return Message(folder, raw, str(head.get("Message-ID", "")).strip(), when,
                   sender[0][1] if sender else "",
                   str(head.get("X-From", "") or (sender[0][0] if sender else "")),
                   recipients, str(head.get("Subject", "")))


def load_user(user_dir: Path) -> dict[str, list[Message]]:
    folders: dict[str, list[Message]] = {}
    for path in sorted(user_dir.glob("*.mbox.gz")):
        name = path.name.removesuffix(".mbox.gz")
        target = ("Sent" if name in SENT_FOLDERS else "INBOX" if name == "inbox"
                  else name.replace(".", "/"))
        if target.startswith("inbox/"):
            target = "INBOX/" + target.removeprefix("inbox/")
        folders.setdefault(target, []).extend(parse(target, raw) for raw in mbox_messages(path))
    return folders


def _name_key(name: str) -> str:
    name = re.sub(r"<[^>]*>|\"", "", name).strip()
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first} {last}"
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", name) if len(w) > 1]
    return " ".join([words[0], words[-1]]) if len(words) >= 2 else ""


def user_identity(folders: dict[str, list[Message]]) -> tuple[list[str], set[str]]:
    """(configured addresses, every address the judge counts as the user's own)."""
    sent = folders.get("Sent", [])
    counts: dict[str, int] = {}
    for message in sent:
        counts[message.sender] = counts.get(message.sender, 0) + 1
    total = sum(counts.values()) or 1
    configured = sorted((a for a, n in counts.items() if n / total >= 0.05),
                        key=lambda a: -counts[a])
    names = {_name_key(m.sender_name) for m in sent if m.sender in configured} - {""}
    own = set(configured)
    for messages in folders.values():
        for message in messages:
            if _name_key(message.sender_name) in names:
                own.add(message.sender)
    return configured, own


def work_days_after(last: datetime, count: int) -> list[date]:
    day = last.date() + timedelta(days=10)
    days: list[date] = []
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def run_cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "followthrough", "--config", str(config),
                           *args], capture_output=True, text=True, check=False)


def _draft_body(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(("plain",))
    return str(body.get_content()) if body is not None else ""


def _stock() -> set[str]:
    """The draft text's stock lines: a draft made of these says nothing specific."""
    from followthrough.checkins.draft_text import CADENCE_LINES

    return set(CADENCE_LINES)


def thread_kind(parent: Message | None, by_id: dict[str, Message]) -> str:
    if parent is None:
        return "new"
    if len(set(parent.recipients)) > MASS_RECIPIENTS:
        return "mass"
    if _MACHINE.match(parent.sender) or _AUTOMATED_SUBJECT.search(parent.subject):
        return "automated"
    text = parent.raw.decode("latin-1")
    forwarded = re.search(r"-{3,} ?Forwarded by|-----Original Message-----", text)
    if forwarded and re.search(r"^(?:To|cc):.*(?:,.*){5,}", text[forwarded.start():],
                               re.MULTILINE | re.IGNORECASE):
        return "mass"  # a forward of a message to many
    return "personal"


def judge(user: str, folders: dict[str, list[Message]], state_dir: Path, own: set[str],
          days: dict[str, str]) -> list[DraftJudgement]:
    by_id = {m.message_id: m for messages in folders.values() for m in messages}
    known_names: dict[str, set[str]] = {}
    for messages in folders.values():
        for m in messages:
            shown = re.sub(r"<[^>]*>|\S*@\S*", " ", m.sender_name)
            for word in re.findall(r"[A-Za-z]+", shown):
                known_names.setdefault(m.sender, set()).add(word.lower())
    conn = sqlite3.connect(f"file:{state_dir / 'state.db'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    out = []
    for row in conn.execute("SELECT * FROM draft ORDER BY created"):
        raw = bytes(row["raw"])
        body = _draft_body(raw)
        head = email.message_from_bytes(raw)
        parent_id = str(head.get("In-Reply-To", "")).strip() or None
        parent = by_id.get(parent_id) if parent_id else None
        greeting = _GREETING.match(body.lstrip())
        name = greeting.group(1).strip() if greeting else ""
        found = bool(name) and name.lower() != "there" and (
            name.lower() in known_names.get(row["address"], set())
            or name.lower() not in row["address"].lower())
        # an item or the quoted question must reach the words, not only a stock line
        text = body.replace("\r\n", "\n")
        paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()][1:]
        content = [p for p in paragraphs if p not in _stock()
                   and ("“" in p or p.endswith("?") or len(p.split()) >= 8)]
        specific = (bool(json.loads(row["items"])) or row["reason"] == "nudge") \
            and bool(content)
        out.append(DraftJudgement(
            days.get(row["created"][:10], row["created"][:10]), row["address"],
            row["subject"], row["reason"], specific, thread_kind(parent, by_id),
            row["address"] in own, "found" if found else "fallback", name, body, parent_id))
    conn.close()
    return out


def dump(result: MailboxResult, folders: dict[str, list[Message]], target: Path) -> None:
    by_id = {m.message_id: m for messages in folders.values() for m in messages}
    everything = sorted((m for messages in folders.values() for m in messages),
                        key=lambda m: m.date.timestamp() if m.date else 0)
    base = target / result.user
    base.mkdir(parents=True, exist_ok=True)
    for number, draft in enumerate(result.judged, 1):
        parts = [f"TO: {draft.to}\nSUBJECT: {draft.subject}\nREASON: {draft.reason}\n"
                 f"SPECIFIC: {draft.specific}  THREAD: {draft.thread}\n\n{draft.body}"]
        parent = by_id.get(draft.parent_id or "")
        if parent:
            parts.append("==== REPLYING TO\n" + parent.raw.decode("latin-1")[:6000])
        seen = [m for m in everything if draft.to in (m.sender, *m.recipients)
                and m is not parent and m.folder != "deleted_items"][-6:]
        for message in seen:
            parts.append(f"==== EARLIER ({message.folder})\n"
                         + message.raw.decode("latin-1")[:3000])
        (base / f"{number:02d}-{draft.to}.txt").write_text("\n\n".join(parts))


def as_of(folders: dict[str, list[Message]], day: date) -> dict[str, list[Message]]:
    """The mailbox as it stood at the start of ``day``: later and undated mail left out."""
    kept = {name: [m for m in messages if m.date and m.date.date() < day]
            for name, messages in folders.items()}
    return {name: messages for name, messages in kept.items() if messages}


def when_sent(folders: dict[str, list[Message]], share: float) -> date:
    """The day by which ``share`` of the user's sent mail had been written."""
    days = sorted(m.date.date() for m in folders.get("Sent", []) if m.date
                  and 1997 <= m.date.year <= 2002)
    if not days:
        raise SystemExit("no dated sent mail to place --at-share in")
    return days[min(len(days) - 1, int(len(days) * share))] + timedelta(days=1)


def bench_user(server: Dovecot, user: str, dump_dir: Path | None,
               all_folders: bool, keep: Path | None = None,
               cutoff: date | None = None, share: float | None = None) -> MailboxResult:
    folders = load_user(require_corpus() / user)
    configured, own = user_identity(folders)  # who the user is does not change with time
    if share is not None:
        cutoff = when_sent(folders, share)
    if cutoff:
        folders = as_of(folders, cutoff)
    dates = [m.date for ms in folders.values() for m in ms
             if m.date and m.date.year <= 2002 and m.date.year >= 1997]
    days = work_days_after(max(dates), 3)
    result = MailboxResult(user, sum(len(m) for m in folders.values()), configured,
                           [d.isoformat() for d in days], [])
    login = server.new_user("bench-" + user.replace("-", ""))
    for folder, messages in folders.items():
        server.load_maildir(login, folder, [m.raw for m in messages])
    with tempfile.TemporaryDirectory() as scratch:
        work = keep / user if keep else Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        listing = json.dumps(sorted(folders)) if all_folders else None
        config = write_config(
            work / "config.toml", port=server.port, ca_file=server.ca_file,
            username=login, password=server.users[login],
            addresses=json.dumps(configured),
            extra_account=f"folders = {listing}\n" if listing else "",
            extra="[cadence]\nmax_drafts_per_day = 8\n")
        for day in days:
            done = run_cli(config, "run", "--once", "--now", f"{day.isoformat()}T09:00")
            result.exit_status.append(done.returncode)
            if done.returncode != 0 or "Traceback" in done.stderr:
                result.errors.append(f"{day}: exit {done.returncode}: "
                                     + done.stderr.strip().splitlines()[-1:][0]
                                     if done.stderr.strip() else f"{day}: exit {done.returncode}")
        result.judged = judge(user, folders, work / "state", own,
                              {d.isoformat(): d.isoformat() for d in days})
    for draft in result.judged:
        result.drafts += 1
        result.specific += draft.specific
        result.personal += draft.thread == "personal"
        result.new_thread += draft.thread == "new"
        result.mass_or_automated += draft.thread in ("mass", "automated")
        result.own_address += draft.own_address
        result.names_found += draft.greeting == "found"
        result.names_fallback += draft.greeting == "fallback"
    if dump_dir:
        dump(result, folders, dump_dir)
    return result


def table(results: Iterable[MailboxResult]) -> str:
    lines = [f"{'mailbox':10} {'msgs':>6} {'exit':>7} {'drafts':>6} {'specific':>9} "
             f"{'personal':>9} {'new':>5} {'mass/auto':>9} {'own':>4} {'names':>9}"]
    for r in results:
        lines.append(
            f"{r.user:10} {r.messages:6d} {','.join(map(str, r.exit_status)):>7} "
            f"{r.drafts:6d} {r.share(r.specific):9.0%} {r.share(r.personal):9.0%} "
            f"{r.share(r.new_thread):5.0%} {r.share(r.mass_or_automated):9.0%} "
            f"{r.own_address:4d} {r.names_found:>4}/{r.names_fallback:<4}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", default=",".join(TUNING),
                        help="comma-separated Enron users (default: the tuning mailboxes)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--dump", type=Path, metavar="DIR",
                        help="write each draft with the conversation it came from here")
    parser.add_argument("--all-folders", action="store_true",
                        help="list every folder in the config instead of the default choice")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep each mailbox's config and state here (the server stops)")
    parser.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="each mailbox as it stood on that day (later mail left out): "
                             "drafts at a moment nobody has read drafts for")
    parser.add_argument("--at-share", type=float, metavar="F",
                        help="each mailbox as it stood when this share (0-1) of its sent "
                             "mail had been written")
    args = parser.parse_args()
    server = Dovecot().start()
    results = []
    try:
        for user in [u.strip() for u in args.users.split(",") if u.strip()]:
            print(f"{user}: loading and running…", file=sys.stderr, flush=True)
            results.append(bench_user(server, user, args.dump, args.all_folders, args.keep,
                                      args.as_of, args.at_share))
    finally:
        server.stop(remove=True)
    if args.json:
        print(json.dumps([{k: v for k, v in asdict(r).items() if k != "judged"}
                          | {"drafts_detail": [{k: v for k, v in asdict(d).items()
                                                if k != "body"} for d in r.judged]}
                          for r in results], indent=2))
    else:
        print(table(results))
        for r in results:
            for error in r.errors:
                print(f"{r.user}: {error}")
    ok = all(not r.errors for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
