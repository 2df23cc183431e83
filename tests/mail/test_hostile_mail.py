"""Hostile and malformed mail, generated here: each message is stored or quarantined within
a bounded time, and the messages after it are still processed.

Bounds (stated, and checked below): at most 256 KB of header and 128 KB of body are fetched
per message; extraction reads at most 20 KB of the sender's text; so each message costs a
bounded time (under 2 s here) and memory (the whole run stays under 300 MB).
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from followthrough.config.credentials import get_password
from followthrough.config.model import load_config
from followthrough.extraction import Extractor
from followthrough.extraction.analysis import InlineAnalyser
from followthrough.extraction.analysis_worker import ProcessAnalyser
from followthrough.mail.imap_source import ImapSource, connect
from followthrough.state.history import History
from followthrough.state.store import Store
from followthrough.sync.engine import sync_account
from tests.analysis_doubles import DIE_EXIT_CODE, load_troublesome
from tests.mailserver import Dovecot
from tests.messages import make_message, write_config


def hostile_messages() -> dict[str, bytes]:
    many = ", ".join(f"person{i}@example.com" for i in range(20_000))
    nested = b"Content-Type: text/plain\r\n\r\ndeep\r\n"
    for depth in range(200):
        nested = (f"Content-Type: multipart/mixed; boundary=b{depth}\r\n\r\n--b{depth}\r\n"
                  .encode() + nested + f"\r\n--b{depth}--\r\n".encode())
    base = make_message(subject="base").split(b"\r\n\r\n", 1)[0]
    return {
        "encoded-word bomb": make_message(
            subject=" ".join(["=?utf-8?b?" + "QUFB" * 50 + "?="] * 2000)),
        "20,000 recipients": make_message(to=many),
        "20 MB on one line": make_message(body="I will send it " + "x" * 20_000_000),
        "deep MIME nesting": base.replace(b"Content-Type: text/plain; charset=utf-8", b"")
        + b"\r\n" + nested,
        "unknown charset": make_message(body="Caf\u00e9 I'll call you tomorrow.").replace(
            b"charset=utf-8", b"charset=x-no-such-charset"),
        "raw 8-bit header": make_message(subject="Caf\u00e9 \u00fcber").replace(
            "Caf\u00e9 \u00fcber".encode(), b"Caf\xe9 \xfcber \xff\xfe"),
        "no Message-ID": make_message(message_id=None, subject="no id"),
        "NUL bytes": make_message(body="I will send\x00 the\x00 file tomorrow.\x00"),
        "binary junk": bytes(range(256)) * 400,
        "spoofed name": make_message(sender='"boss@company.example" <mallory@evil.example>'),
    }


@pytest.mark.parametrize("name", sorted(hostile_messages()))
def test_hostile_message_between_good_ones(name: str, tmp_path: Path, dovecot: Dovecot) -> None:
    user = dovecot.new_user("hostile-" + name.replace(" ", "-").replace(",", ""))
    raws = [make_message(subject="before"), hostile_messages()[name],
            make_message(subject="after", body="Congratulations on the launch!")]
    uids = dovecot.append(user, "INBOX", raws)
    config = load_config(write_config(tmp_path / "c.toml", port=dovecot.port,
                                      ca_file=dovecot.ca_file, username=user,
                                      password=dovecot.users[user]))
    account = config.accounts[0]
    started = time.monotonic()
    with Store.open(config.state_dir) as store:
        source = ImapSource(connect(account, get_password(account)))
        try:
            report = sync_account(account, source, History(store),
                                  analyser=InlineAnalyser(_extractor().analyse))
        finally:
            source.close()
        stored = {r[0]: r[1] for r in store.conn.execute("SELECT uid, subject FROM message")}
        quarantined = {r[0] for r in store.conn.execute("SELECT uid FROM quarantine")}
        items = store.conn.execute("SELECT count(*) FROM item i JOIN message m ON "
                                   "m.id = i.message WHERE m.uid = ?", (uids[2],)).fetchone()
    elapsed = time.monotonic() - started
    assert elapsed < 15, f"{name} took {elapsed:.1f} s"
    assert uids[0] in stored and uids[2] in stored  # the good neighbours are processed
    assert uids[1] in stored or uids[1] in quarantined  # the hostile one is accounted for
    assert items[0] == 1  # and the message after it is analysed normally
    inbox = next(f for f in report.folders if f.folder == "INBOX")
    assert inbox.new == len(stored)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_mib < 600, peak_mib  # the test process itself, Dovecot fixture included


def test_analysis_that_hangs_or_kills_its_worker_is_quarantined(tmp_path: Path,
                                                                  dovecot: Dovecot) -> None:
    """The time budget: a message whose analysis never ends, or kills the worker, is stored
    with its facts and quarantined; the messages around it are analysed as usual."""
    user = dovecot.new_user("hostile-analysis")
    bodies = ["before", "HANG forever", "DIE now", "after"]
    uids = dovecot.append(user, "INBOX", [make_message(subject=b, body=b + "\n") for b in bodies])
    config = load_config(write_config(tmp_path / "c.toml", port=dovecot.port,
                                      ca_file=dovecot.ca_file, username=user,
                                      password=dovecot.users[user]))
    account = config.accounts[0]
    started = time.monotonic()
    with Store.open(config.state_dir) as store, \
            ProcessAnalyser(budget=2.0, load=load_troublesome) as analyser:
        source = ImapSource(connect(account, get_password(account)))
        try:
            report = sync_account(account, source, History(store), analyser=analyser)
        finally:
            source.close()
        reasons = dict(store.conn.execute("SELECT uid, reason FROM quarantine").fetchall())
        items = dict(store.conn.execute("SELECT m.subject, count(i.id) FROM message m LEFT "
                                        "JOIN item i ON i.message = m.id GROUP BY m.id"))
    assert time.monotonic() - started < 60
    assert report.new == 4 and items == {"before": 1, "HANG forever": 0, "DIE now": 0,
                                         "after": 1}
    assert reasons == {uids[1]: "analysis took longer than 2 s",
                       uids[2]: f"the extraction worker stopped (exit code {DIE_EXIT_CODE})"}


def test_spoofed_display_name_is_never_a_relationship(tmp_path: Path, dovecot: Dovecot) -> None:
    user = dovecot.new_user("spoofed")
    dovecot.append(user, "INBOX", [hostile_messages()["spoofed name"]])
    config = load_config(write_config(tmp_path / "c.toml", port=dovecot.port,
                                      ca_file=dovecot.ca_file, username=user,
                                      password=dovecot.users[user]))
    account = config.accounts[0]
    with Store.open(config.state_dir) as store:
        source = ImapSource(connect(account, get_password(account)))
        sync_account(account, source, History(store))
        source.close()
        (reason,) = store.conn.execute("SELECT automated FROM message").fetchone()
    assert "possible spoofing" in reason and "boss@company.example" in reason


_EXTRACTOR: list[Extractor] = []


def _extractor() -> Extractor:
    if not _EXTRACTOR:
        _EXTRACTOR.append(Extractor())
    return _EXTRACTOR[0]
