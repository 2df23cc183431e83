"""The pure parts of sync: planning, folder choice, threading, automation, parsing, progress."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from followthrough.mail.addresses import OwnAddresses, clean_text, looks_like_machine, normalize
from followthrough.mail.automated import automated_reason
from followthrough.mail.folders import FolderChoiceError, FolderInfo, choose_folders
from followthrough.mail.html_text import html_to_text
from followthrough.mail.message_parse import MessageParseError, parse_message
from followthrough.mail.threads import (
    linked_ids,
    normalize_subject,
    subject_key,
    thread_key,
    thread_keys,
)
from followthrough.progress import Progress
from followthrough.sync.plan import Action, FolderCursor, FolderStatus, plan_folder


# ---- planning
def test_first_sync_fetches_everything() -> None:
    plan = plan_folder("INBOX", None, FolderStatus(7, 50, 49))
    assert (plan.action, plan.after_uid, plan.uidvalidity) == (Action.FETCH, 0, 7)


def test_nothing_new_when_uidnext_has_not_moved() -> None:
    plan = plan_folder("INBOX", FolderCursor(7, 49), FolderStatus(7, 50, 40, 900))
    assert plan.action is Action.NOTHING


def test_new_uids_are_fetched_after_the_cursor() -> None:
    plan = plan_folder("INBOX", FolderCursor(7, 49), FolderStatus(7, 53, 52))
    assert (plan.action, plan.after_uid) == (Action.FETCH, 49)


def test_uidvalidity_change_rescans() -> None:
    plan = plan_folder("INBOX", FolderCursor(7, 49), FolderStatus(8, 10, 9))
    assert (plan.action, plan.after_uid, plan.uidvalidity) == (Action.RESCAN, 0, 8)


def test_new_uids_all_expunged_are_still_looked_at() -> None:
    # Once: the pass that finds nothing moves the cursor to UIDNEXT - 1 (tested in the
    # state machine), and the folder is then "nothing new" again.
    assert plan_folder("INBOX", FolderCursor(7, 49), FolderStatus(7, 60, 0)).action \
        is Action.FETCH
    assert plan_folder("INBOX", FolderCursor(7, 59), FolderStatus(7, 60, 0)).action \
        is Action.NOTHING


# ---- folders
def info(name: str, *flags: str) -> FolderInfo:
    return FolderInfo(name, frozenset(f.lower() for f in flags))


LISTING = [info("INBOX"), info("Archive", "\\Archive"), info("Sent Items", "\\Sent"),
           info("Trash", "\\Trash"), info("Drafts", "\\Drafts"), info("Follow-ups"),
           info("Spam", "\\Junk")]


def test_default_is_inbox_special_use_sent_then_every_folder_with_conversation() -> None:
    assert choose_folders(LISTING, None, "Follow-ups") == ["INBOX", "Sent Items", "Archive"]


@pytest.mark.parametrize("name", ["Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail"])
def test_sent_fallback_names_without_special_use(name: str) -> None:
    assert choose_folders([info("INBOX"), info(name)], None, "R") == ["INBOX", name]


def test_without_special_use_the_usual_names_are_left_out() -> None:
    listing = [info("Projects/2001"), info("INBOX"), info("INBOX.Trash"), info("Deleted Items"),
               info("Junk E-mail"), info("Drafts"), info("Outbox"), info("Sent"),
               info("discussion_threads"), info("Follow-ups"), info("Old", "\\Noselect")]
    assert choose_folders(listing, None, "Follow-ups") == [
        "INBOX", "Sent", "Projects/2001", "discussion_threads"]


def test_gmail_labels_are_views_of_all_mail_which_is_read_once() -> None:
    listing = [info("INBOX"), info("[Gmail]/All Mail", "\\All"), info("Work"),
               info("[Gmail]/Sent Mail", "\\Sent"), info("[Gmail]/Starred", "\\Flagged"),
               info("[Gmail]/Important", "\\Important"), info("[Gmail]/Trash", "\\Trash"),
               info("[Gmail]/Spam", "\\Junk"), info("[Gmail]/Drafts", "\\Drafts")]
    assert choose_folders(listing, None, "Follow-ups") == [
        "INBOX", "[Gmail]/Sent Mail", "[Gmail]/All Mail"]


def test_configured_folders_are_checked() -> None:
    assert choose_folders(LISTING, ["INBOX", "Archive"], "Follow-ups") == ["INBOX", "Archive"]
    for bad in ("Trash", "Drafts", "Follow-ups", "Spam"):
        with pytest.raises(FolderChoiceError, match="not read as conversation"):
            choose_folders(LISTING, [bad], "Follow-ups")
    with pytest.raises(FolderChoiceError, match="does not exist"):
        choose_folders(LISTING, ["Nope"], "Follow-ups")


# ---- threading
def test_subject_normalisation() -> None:
    assert normalize_subject("Re: FW: [dev-list] Budget   Plan") == "budget plan"
    assert normalize_subject("AW: Re[2]: Fwd: Lunch") == "lunch"
    assert normalize_subject("Re:") == ""


def test_thread_key_follows_references_to_known_messages() -> None:
    known = {"<root@x>": "s:abc"}
    key = thread_key("<c@x>", "<b@x>", ["<root@x>", "<b@x>"], "Re: hi", ["a@x"], known.get)
    assert key == "s:abc"


def test_thread_key_for_unknown_parent_uses_root_reference() -> None:
    nothing: dict[str, str] = {}
    assert thread_key("<c@x>", "<b@x>", ["<root@x>"], "Re", ["a@x"], nothing.get) == "r:<root@x>"
    assert thread_key("<c@x>", "<b@x>", [], "Re", ["a@x"], nothing.get) == "r:<b@x>"


def test_root_arriving_after_its_reply_joins_it() -> None:
    known = {"<root@x>": "r:<root@x>"}
    assert thread_key("<root@x>", None, [], "Hi", ["a@x"], known.get) == "r:<root@x>"


def test_parent_that_answers_an_older_message_joins_its_stored_reply() -> None:
    """The reply (keyed by its parent, unknown then) was read first; the parent answers
    a stored message of another thread: the two threads are one."""
    known = {"<first@x>": "s:first", "<parent@x>": "r:<parent@x>"}
    key, joined = thread_keys("<parent@x>", "<first@x>", ["<first@x>"], "Re: hi", ["a@x"],
                              known.get)
    assert (key, joined) == ("s:first", ["r:<parent@x>"])


def test_unknown_chain_with_a_stored_reply_takes_the_reply_thread() -> None:
    known = {"<b@x>": "r:<b@x>"}
    assert thread_keys("<b@x>", "<a@x>", ["<a@x>"], "Re", ["a@x"], known.get) == (
        "r:<b@x>", [])


def test_linked_ids_are_the_chain_then_the_message() -> None:
    assert linked_ids("<c@x>", "<b@x>", ["<a@x>"]) == ["<a@x>", "<b@x>", "<c@x>"]
    assert linked_ids(None, "<b@x>", ["<a@x>", "<b@x>"]) == ["<a@x>", "<b@x>"]


def test_subject_key_depends_on_people_not_order() -> None:
    assert subject_key("Re: Plan", ["b@x", "a@x"]) == subject_key("plan", ["a@x", "b@x"])
    assert subject_key("Plan", ["a@x"]) != subject_key("Plan", ["c@x"])


# ---- automated senders and addresses
@pytest.mark.parametrize(("headers", "sender", "expected"), [
    ({"list-id": "<x>"}, "a@x.com", "mailing list"),
    ({"list-unsubscribe": "<mailto:u@x>"}, "a@x.com", "bulk mail"),
    ({"precedence": "Bulk"}, "a@x.com", "Precedence: bulk"),
    ({"auto-submitted": "auto-replied"}, "a@x.com", "Auto-Submitted: auto-replied"),
    ({"return-path": "<>"}, "a@x.com", "null Return-Path"),
    ({"content-type": "multipart/report; report-type=delivery-status"}, "a@x.com", "delivery"),
    ({}, "noreply@x.com", "machine sender"),
    ({}, "MAILER-DAEMON@x.com", "machine sender"),
    ({}, "bounces+123@x.com", "machine sender"),
    ({}, "", "no sender"),
])
def test_automated_reasons(headers: dict[str, str], sender: str, expected: str) -> None:
    reason = automated_reason(headers, sender)
    assert reason is not None and expected in reason


@pytest.mark.parametrize("headers", [{}, {"auto-submitted": "no"}, {"precedence": "first-class"}])
def test_people_are_not_automated(headers: dict[str, str]) -> None:
    assert automated_reason(headers, "alice@example.com") is None


def test_machine_addresses() -> None:
    assert looks_like_machine("do-not-reply@x.com") and looks_like_machine("dev-owner@x.com")
    assert not looks_like_machine("noreen@x.com") and not looks_like_machine("newton@x.com")


def test_own_addresses_ignore_case_and_plus_tags() -> None:
    own = OwnAddresses(["Me@Example.com"])
    assert "me+lists@example.com" in own and "ME@example.com" in own
    assert "you@example.com" not in own


def test_normalize_and_clean() -> None:
    assert normalize(" <Alice@Example.COM> ") == "alice@example.com"
    assert normalize("not an address") == ""
    assert clean_text("a\r\nBcc: x\u202e\x00b", 100) == "a Bcc: x b"


# ---- parsing
HEADER = (b"From: =?utf-8?q?J=C3=B6rg?= <Joerg@Example.com>\r\n"
          b"To: me@example.com, \"Bob, Jr\" <bob@example.org>\r\nSubject: Re: hi\r\n"
          b"Date: Mon, 02 Mar 2026 10:00:00 -0500\r\nMessage-ID: <abc@x>\r\n"
          b"References: <r1@x>\r\n <r2@x>\r\nIn-Reply-To: <r2@x>\r\n\r\n")


def test_parse_message_fields() -> None:
    message = parse_message(HEADER, b"Hello there\r\n")
    assert message.sender is not None and message.sender.address == "joerg@example.com"
    assert message.sender.name == "Jörg"
    assert [m.address for m in message.to] == ["me@example.com", "bob@example.org"]
    assert message.to[1].name == "Bob, Jr"
    assert message.date == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    assert message.references == ("<r1@x>", "<r2@x>") and message.in_reply_to == "<r2@x>"
    assert message.key == "<abc@x>" and message.text.strip() == "Hello there"


def test_parse_without_message_id_keys_by_header_hash() -> None:
    header = HEADER.replace(b"Message-ID: <abc@x>\r\n", b"")
    first, again = parse_message(header), parse_message(header, b"other body")
    assert first.key.startswith("sha256:") and first.key == again.key
    assert parse_message(header.replace(b"hi", b"ho")).key != first.key


def test_parse_falls_back_to_internal_date() -> None:
    when = datetime(2025, 1, 1, tzinfo=UTC)
    header = HEADER.replace(b"Date: Mon, 02 Mar 2026 10:00:00 -0500\r\n", b"")
    assert parse_message(header, internal_date=when).date == when


def test_html_only_mail_becomes_text() -> None:
    header = HEADER.replace(b"\r\n\r\n", b"\r\nContent-Type: text/html\r\n\r\n")
    body = b"<html><style>p{}</style><p>Great news:&nbsp;we <b>closed</b>!</p><script>x</script>"
    assert parse_message(header, body).text == "Great news: we closed!"


def test_empty_header_is_unreadable() -> None:
    with pytest.raises(MessageParseError):
        parse_message(b"\r\n", b"body")


def test_html_quotes_are_marked() -> None:
    assert html_to_text("<div>New</div><blockquote>old line</blockquote>") == "New\n\n> old line"


# ---- progress
class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal() -> None:
    stream = FakeTTY()
    progress = Progress(stream)
    progress.start("sync work", 200)
    progress._drawn = -1.0
    progress.advance(50)
    progress.finish()
    out = stream.getvalue()
    assert "[#######" in out and "50/200 messages (25%)" in out and "ETA" in out
    assert out.endswith("\n")


def test_progress_logs_lines_off_a_terminal(caplog: pytest.LogCaptureFixture) -> None:
    progress = Progress(io.StringIO(), log_every=0.0)
    with caplog.at_level("INFO", logger="followthrough.progress"):
        progress.start("sync work", 10)
        progress.advance(4)
        progress.finish()
    assert any("sync work: 4/10 messages" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(("text", "asks"), [
    ("Could you share the new version?", True),
    ("Please send the deck when you can.", True),
    ("Any news on the permit", True),
    ("Thanks, looks good.", False),
    ("Thanks!\n\n> Could you send it?\n", False),  # the question is theirs, quoted
])
def test_asks_for_answer(text: str, asks: bool) -> None:
    from followthrough.mail.questions import asks_for_answer
    assert asks_for_answer(text) is asks


def test_sync_process_does_not_load_spacy() -> None:
    """spaCy belongs in the extraction worker; the main sync process stays small."""
    import subprocess
    import sys

    code = ("import sys, followthrough.cli.main, followthrough.sync.engine,"
            " followthrough.mail.questions, followthrough.extraction.analysis_worker,"
            " followthrough.cli.sync_cmd;"
            "followthrough.mail.questions.asks_for_answer('any news?');"
            "print('spacy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(("value", "addresses"), [
    (b"=?utf-8?q?Eve=0D=0ABcc:_attacker@evil.example?= <eve@example.com>",
     ["eve@example.com"]),
    (b"=?utf-8?q?J=C3=B6rg?= <j@x.com>, \"Bob, Jr\" <bob@c.com>, plain@d.com",
     ["j@x.com", "bob@c.com", "plain@d.com"]),
    (b"\"boss@company.example\" <mallory@evil.example>", ["mallory@evil.example"]),
])
def test_addresses_are_read_from_hostile_headers(value: bytes, addresses: list[str]) -> None:
    message = parse_message(b"From: " + value + b"\r\nTo: " + value + b"\r\nSubject: x\r\n\r\n")
    assert message.sender is not None and message.sender.address == addresses[0]
    assert [m.address for m in message.to] == addresses
