"""Sync benchmark on the largest real Enron mailbox (every folder) in a throwaway Dovecot.

    python bench/sync_bench.py [--user germany-c]

Measures, in one run: the ceiling (bare imapclient BODY.PEEK[] batch fetch + mail-parser
parse), `followthrough sync --once` from empty state (messages/s, peak RSS), and a sync with
nothing new (ms per folder), before and after the mailbox is doubled in size.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import mailparser  # noqa: E402
from tests.mailserver import Dovecot  # noqa: E402
from tests.messages import write_config  # noqa: E402

from bench.corpus import ENRON, largest_user, user_messages  # noqa: E402
from followthrough.config.credentials import get_password  # noqa: E402
from followthrough.config.model import load_config  # noqa: E402
from followthrough.mail.imap_source import ImapSource, connect  # noqa: E402
from followthrough.state.history import History  # noqa: E402
from followthrough.state.store import Store  # noqa: E402
from followthrough.sync.engine import sync_account  # noqa: E402

_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*<", re.IGNORECASE | re.MULTILINE)


def ceiling(server: Dovecot, user: str, folders: list[str]) -> tuple[int, float]:
    started = time.perf_counter()
    count = 0
    with server.client(user) as imap:
        for folder in folders:
            imap.select_folder(folder, readonly=True)
            uids = imap.search("ALL")
            for start in range(0, len(uids), 500):
                for data in imap.fetch(uids[start:start + 500], [b"BODY.PEEK[]"]).values():
                    mailparser.parse_from_bytes(data[b"BODY[]"])
                    count += 1
    return count, time.perf_counter() - started


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines()
                              if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def cli_sync(config_path: Path) -> tuple[float, int, str]:
    """Wall time and peak RSS (KiB, the process and its extraction worker together) of
    `followthrough sync --once` as its own process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([sys.executable, "-m", "followthrough", "--config",
                                    str(config_path), "sync", "--once"],
                                   stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_rss_kib(process.pid))
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"sync failed:\n{stderr}")
    return elapsed, peak, stderr


def no_change_ms(config_path: Path, repeats: int = 21) -> float:
    """Median time of an engine sync with nothing new, on an open connection."""
    config = load_config(config_path)
    account = config.accounts[0]
    times = []
    with Store.open(config.state_dir) as store:
        source = ImapSource(connect(account, get_password(account)))
        for _ in range(repeats):
            started = time.perf_counter()
            report = sync_account(account, source, History(store))
            times.append(time.perf_counter() - started)
            assert report.new == 0, "expected nothing new"
        source.close()
    return sorted(times)[len(times) // 2] * 1000


def owner_address(sent: list[bytes]) -> str:
    """The mailbox owner's address: the most common From: of the sent folders."""
    counts: dict[str, int] = {}
    for raw in sent[:500]:
        found = re.search(rb"^From:[^\r\n]*?([\w.+-]+@[\w.-]+)", raw, re.MULTILINE)
        if found:
            address = found.group(1).decode("ascii", "replace").lower()
            counts[address] = counts.get(address, 0) + 1
    return max(counts, key=lambda a: counts[a])


def bare_status_ms(server: Dovecot, user: str, folders: list[str], repeats: int = 21) -> float:
    """The floor: LIST + one STATUS per folder on a fresh connection, nothing selected."""
    times = []
    with server.client(user) as imap:
        for _ in range(repeats):
            started = time.perf_counter()
            imap.list_folders()
            for folder in folders:
                imap.folder_status(folder, [b"UIDVALIDITY", b"UIDNEXT", b"MESSAGES",
                                            b"HIGHESTMODSEQ"])
            times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2] * 1000


def doubled(raws: list[bytes], tag: bytes) -> list[bytes]:
    return [_MESSAGE_ID.sub(b"Message-ID: <" + tag, raw, count=1) for raw in raws]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--user", help="Enron user folder (default: the largest)")
    args = parser.parse_args()
    user_dir = ENRON / args.user if args.user else largest_user()
    received, sent = user_messages(user_dir)
    print(f"mailbox: {user_dir.name}, {len(received)} received + {len(sent)} sent messages")

    server = Dovecot().start()
    try:
        user = server.new_user("bench")
        server.load_maildir(user, "INBOX", received)
        server.load_maildir(user, "Sent", sent)
        with tempfile.TemporaryDirectory() as work:
            config_path = write_config(
                Path(work) / "config.toml", port=server.port, ca_file=server.ca_file,
                username=user, password=server.users[user],
                addresses=f'["{owner_address(sent)}"]')
            # Warm Dovecot's indexes so neither side pays for the first index build.
            ceiling(server, user, ["INBOX", "Sent"])
            count, ceiling_s = ceiling(server, user, ["INBOX", "Sent"])
            sync_s, peak_kib, _ = cli_sync(config_path)
            quiet_ms = no_change_ms(config_path)
            floor_ms = bare_status_ms(server, user, ["INBOX", "Sent"])
            server.load_maildir(user, "INBOX", doubled(received, b"copy."))
            server.load_maildir(user, "Sent", doubled(sent, b"copy."))
            _, _, _ = cli_sync(config_path)
            quiet2_ms = no_change_ms(config_path)
            floor2_ms = bare_status_ms(server, user, ["INBOX", "Sent"])
    finally:
        server.stop(remove=True)

    ceiling_rate = count / ceiling_s
    sync_rate = count / sync_s
    folders = 2
    rows = [
        ("ceiling: BODY.PEEK[] fetch + mail-parser", f"{ceiling_rate:,.0f} msg/s"),
        ("sync --once from empty, extraction included", f"{sync_rate:,.0f} msg/s "
                                                   f"({sync_rate / ceiling_rate:.0%} of ceiling)"),
        ("sync --once peak RSS (with its worker)", f"{peak_kib / 1024:,.0f} MiB"),
        (f"no-change sync, {count} messages", f"{quiet_ms / folders:.1f} ms per folder "
                                              f"(bare LIST+STATUS: {floor_ms / folders:.1f})"),
        (f"no-change sync, {2 * count} messages", f"{quiet2_ms / folders:.1f} ms per folder "
                                                  f"(bare LIST+STATUS: {floor2_ms / folders:.1f})"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"(this process's peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}"
          " MiB, loading the corpus)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
