"""Drafts as mail clients expect them: format=flowed text, ids that do not name the tool,
what the user changed, which folder is the Drafts folder, which saved copy is the user's."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email.policy import default as default_policy

import pytest

from followthrough.checkins.draft_changes import compare, paragraphs, summary
from followthrough.checkins.draft_message import build_draft, draft_message_id
from followthrough.checkins.flowed import from_flowed, to_flowed
from followthrough.checkins.follow_up import replaces
from followthrough.checkins.review_folder import FolderDraft, newest, plain_text
from followthrough.doctor import review_folder_check
from followthrough.mail.folders import FolderInfo, choose_folders, drafts_folder
from followthrough.state.checkin_store import DraftRecord

NOW = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)
LONG = ("Last time you mentioned you're swamped with the annual meeting prep and the board "
        "review — how are things going with that? I'd love to hear how it went.")


def test_flowed_wraps_at_72_with_soft_breaks_and_round_trips() -> None:
    text = f"Hi Zoë,\n\n{LONG}\n\n> not a quote\nFrom the start\n -leading\n-- \nSam\n"
    flowed = to_flowed(text)
    lines = flowed.split("\n")
    assert all(len(line) <= 72 for line in lines)
    wrapped = [line for line in lines if line.endswith(" ") and line != "-- "]
    assert len(wrapped) >= 2  # the long paragraph became soft-broken lines
    assert " > not a quote" in lines and " From the start" in lines  # space-stuffed
    assert "  -leading" in lines and "-- " in lines
    assert from_flowed(flowed) == text.replace(" -leading", " -leading")
    assert from_flowed(flowed).split("\n")[2] == LONG


def test_flowed_keeps_a_long_word_whole_and_drops_trailing_spaces() -> None:
    word = "https://example.com/" + "x" * 90
    flowed = to_flowed(f"see {word} now   \nnext")
    assert flowed.split("\n") == ["see ", word + " ", "now", "next"]
    assert from_flowed("one \ntwo", delsp=True) == "onetwo"
    assert from_flowed("> quoted \n> more\nplain") == "> quoted more\nplain"


def test_draft_is_utf8_flowed_and_names_no_tool() -> None:
    raw = build_draft(checkin_id="0123456789abcdef0123456789abcdef",
                      from_address="me@bücher.example", to_address="zoe@example.com",
                      to_name="Zoë Ünal", subject="Grüße aus Köln", body=f"Hi Zoë,\n\n{LONG}\n",
                      when=NOW)
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
    assert b"followthrough" not in raw.lower()
    message = email.message_from_bytes(raw, policy=default_policy)
    assert message["Message-ID"] == ("<01234567-89ab-cdef-0123-456789abcdef"
                                     "@xn--bcher-kva.example>")
    assert message["Subject"] == "Grüße aus Köln" and b"=?utf-8?" in raw
    assert message.get_param("format") == "flowed"
    assert message.get_content_charset() == "utf-8"
    assert plain_text(raw) == f"Hi Zoë,\n\n{LONG}\n"
    assert draft_message_id("0123456789abcdef0123456789abcdef", "me@example.com") == (
        draft_message_id("0123456789abcdef0123456789abcdef", "me@example.com"))


def test_changes_kept_rewritten_deleted_added() -> None:
    ours = ("Hi Alice,\n\nHow did the permit hearing go?\n\nI haven't forgotten that I "
            "promised to send you the notes — I'm on it.\n\nCheers,\nSam\n")
    theirs = ("Hi Alice,\n\nHow did the permit hearing go on Tuesday?\n\nAlso: lunch next "
              "week?\n\nCheers,\nSam\n\n> quoted old mail\n-- \nSam Me, Example Corp\n")
    changes = compare(ours, theirs)
    kinds = [(c.kind, c.before[:12], c.after[:12]) for c in changes]
    assert ("kept", "Hi Alice,", "Hi Alice,") in kinds
    assert ("rewritten", "How did the ", "How did the ") in kinds
    assert ("deleted", "I haven't fo", "") in kinds
    assert ("added", "", "Also: lunch ") in kinds
    assert summary(changes) == {"kept": 2, "rewritten": 1, "deleted": 1, "added": 1}
    # However the client wrapped it, a paragraph is one paragraph.
    assert paragraphs("one two\nthree\n\nfour") == ["one two three", "four"]
    assert summary(compare(ours, ours)) == {"kept": 4, "rewritten": 0, "deleted": 0,
                                            "added": 0}


@pytest.mark.parametrize(("listing", "expected"), [
    ([("INBOX", ()), ("Brouillons", ("\\drafts",)), ("Drafts", ())], "Brouillons"),
    ([("INBOX", ()), ("INBOX.Drafts", ())], "INBOX.Drafts"),
    ([("INBOX", ()), ("[Gmail]", ("\\noselect",)), ("[Gmail]/Drafts", ("\\drafts",))],
     "[Gmail]/Drafts"),
    ([("INBOX", ()), ("Sent", ("\\sent",))], None),
])
def test_the_drafts_folder(listing: list[tuple[str, tuple[str, ...]]],
                           expected: str | None) -> None:
    infos = [FolderInfo(name, frozenset(flags)) for name, flags in listing]
    assert drafts_folder(infos) == expected
    assert not set(choose_folders(infos, None, None)) & {"Brouillons", "INBOX.Drafts",
                                                         "[Gmail]/Drafts"}


def _draft(parent: str | None, subject: str = "Re: Permit") -> DraftRecord:
    return DraftRecord("d1", "test", "alice@example.com", "Alice", "cadence", subject,
                       "<x@example.com>", None, (), b"", "pending", NOW, None, parent=parent)


def _saved(uid: int, *, to: str = "alice@example.com", in_reply_to: str | None = "<p@x>",
           subject: str = "Re: Permit", deleted: bool = False,
           arrived: datetime | None = None) -> FolderDraft:
    return FolderDraft("Drafts", uid, f"<tb{uid}@example.com>", in_reply_to,
                       (in_reply_to,) if in_reply_to else (), frozenset({to}), subject, None,
                       deleted, arrived or NOW, 100)


def test_which_saved_copy_is_the_users_version() -> None:
    reply = _draft("<p@x>")
    assert replaces(_saved(1), reply)
    assert not replaces(_saved(2, to="bob@example.com"), reply)  # someone else's draft
    assert not replaces(_saved(3, in_reply_to="<other@x>"), reply)  # another thread
    assert not replaces(_saved(4, deleted=True), reply)  # flagged \Deleted: gone
    fresh = _draft(None, "Catching up")
    assert replaces(_saved(5, in_reply_to=None, subject="Catching up"), fresh)
    assert not replaces(_saved(6, in_reply_to=None, subject="Lunch?"), fresh)
    later = datetime(2026, 5, 14, 10, 0, tzinfo=UTC)
    latest = newest([_saved(9), _saved(7, arrived=later)])
    assert latest is not None and latest.uid == 7


def test_doctor_explains_where_drafts_go() -> None:
    listing = [FolderInfo("INBOX", frozenset()),
               FolderInfo("[Gmail]/Drafts", frozenset({"\\drafts"}))]
    default = review_folder_check("work: ", None, listing)
    assert "'[Gmail]/Drafts' exists" in default.detail and "editable drafts" in default.detail
    apart = review_folder_check("work: ", "Follow-ups", listing)
    assert "will be created" in apart.detail and "read-only" in apart.detail
    assert "Edit as New" in apart.detail and "remove review_folder" in apart.detail
