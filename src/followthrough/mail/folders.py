"""Which folders are read as conversation.

By default every folder but Trash, Junk, Drafts, the review folder and the like: mail the
user filed away is still their history. SPECIAL-USE flags (RFC 6154) decide first, then the
usual names. Where the server has an "all mail" folder (Gmail's ``\\All``), the labels are
only views of it: INBOX, Sent and All Mail are read, and each message counts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from followthrough.config.model import SENT_FOLDER_NAMES

SENT_FALLBACKS = SENT_FOLDER_NAMES
# Folders whose mail is conversation (or all of it): never a place for drafts.
CONVERSATION_FLAGS = {"\\sent", "\\all", "\\archive", "\\flagged", "\\important"}
NEVER_READ_FLAGS = {"\\trash", "\\junk", "\\drafts", "\\noselect", "\\nonexistent",
                    "\\flagged", "\\important"}  # the last two: views of other folders
DEFAULT_DRAFTS = "Drafts"  # created when the server has no Drafts folder at all
DRAFTS_FALLBACKS = ("Drafts", "INBOX.Drafts", "INBOX/Drafts", "[Gmail]/Drafts", "Draft",
                    "Draft Messages")
NEVER_READ_NAMES = {"trash", "junk", "spam", "drafts", "deleted items", "deleted messages",
                    "junk e-mail", "junk email", "bulk mail", "outbox", "templates", "draft",
                    "draft messages",
                    "[gmail]/trash", "[gmail]/spam", "[gmail]/drafts", "[gmail]/starred",
                    "[gmail]/important", "[gmail]/bin"}
ALL_MAIL_NAMES = {"[gmail]/all mail", "[google mail]/all mail"}


@dataclass(frozen=True)
class FolderInfo:
    name: str
    flags: frozenset[str]  # lower-case, e.g. "\\sent"


class FolderChoiceError(ValueError):
    """A configured folder does not exist or must not be read."""


def drafts_folder(listing: Sequence[FolderInfo]) -> str | None:
    """The user's own Drafts folder: the one marked \\Drafts (RFC 6154), else the usual
    names; None when the server has none (followthrough then creates "Drafts")."""
    marked = [f.name for f in listing if "\\drafts" in f.flags]
    if marked:
        return marked[0]
    lower = {f.name.lower(): f.name for f in listing if "\\noselect" not in f.flags}
    return next((lower[n.lower()] for n in DRAFTS_FALLBACKS if n.lower() in lower), None)


def _excluded(info: FolderInfo, review_folder: str | None) -> str | None:
    if review_folder is not None and info.name == review_folder:
        return "it is the review folder"
    if info.flags & NEVER_READ_FLAGS:
        return "it is a " + "/".join(sorted(info.flags & NEVER_READ_FLAGS)) + " folder"
    if _plain_name(info.name) in NEVER_READ_NAMES:
        return "it holds no conversation (trash, junk or drafts)"
    return None


def _plain_name(name: str) -> str:
    """Lower case, without an "INBOX." or "INBOX/" parent ("INBOX.Trash" is Trash)."""
    lower = name.lower()
    for parent in ("inbox.", "inbox/"):
        if lower.startswith(parent):
            return lower[len(parent):]
    return lower


def _is_all_mail(info: FolderInfo) -> bool:
    return "\\all" in info.flags or info.name.lower() in ALL_MAIL_NAMES


def is_sent_folder(info: FolderInfo) -> bool:
    """Whether ``info`` holds the user's sent mail: marked \\Sent, or named as Sent usually is."""
    return "\\sent" in info.flags or info.name.lower() in {n.lower() for n in SENT_FALLBACKS}


def review_folder_problem(name: str, listing: Sequence[FolderInfo]) -> str | None:
    """Why ``name`` must not receive drafts (it is read as conversation), or None."""
    info = next((f for f in listing if f.name == name), None)
    marked = sorted(info.flags & CONVERSATION_FLAGS) if info else []
    if name.upper() == "INBOX" or marked or (info is not None and is_sent_folder(info)):
        what = "INBOX" if name.upper() == "INBOX" else "/".join(marked) or "Sent"
        return (f"review_folder {name!r} is the server's {what} folder, read as conversation: "
                "drafts there would count as mail you sent or received; remove review_folder "
                '(drafts then go to your Drafts folder) or set it to a folder of its own, e.g. '
                '"Follow-ups"')
    return None


def choose_folders(listing: Sequence[FolderInfo], configured: Sequence[str] | None,
                   review_folder: str | None) -> list[str]:
    """The folders to read: ``configured``, else INBOX, the Sent folder and every other
    folder holding conversation (only All Mail besides those when the server has one).
    ``review_folder`` None: drafts go to the user's Drafts folder, which is never read."""
    if review_folder is None:
        review_folder = drafts_folder(listing)
    by_name = {f.name: f for f in listing}
    if configured is not None:
        chosen = []
        for name in configured:
            info = by_name.get(name) or (by_name.get("INBOX") if name.upper() == "INBOX" else None)
            if info is None:
                names = sorted(by_name)
                known = ", ".join(names[:20]) + (f" and {len(names) - 20} more"
                                                 if len(names) > 20 else "") or "none"
                raise FolderChoiceError(f"folder {name!r} does not exist (the server has: {known})")
            reason = _excluded(info, review_folder)
            if reason:
                raise FolderChoiceError(f"folder {name!r} is not read as conversation: {reason}")
            chosen.append(info.name)
        return chosen
    chosen = [f.name for f in listing if f.name.upper() == "INBOX"][:1]
    sent = [f.name for f in listing if "\\sent" in f.flags and not _excluded(f, review_folder)]
    if not sent:
        lower = {f.name.lower(): f.name for f in listing}
        sent = [lower[n.lower()] for n in SENT_FALLBACKS if n.lower() in lower][:1]
    chosen += [s for s in sent[:1] if s not in chosen]
    readable = [f for f in listing if f.name not in chosen and not _excluded(f, review_folder)]
    all_mail = [f.name for f in readable if _is_all_mail(f)]
    if all_mail:
        return chosen + all_mail[:1]
    return chosen + [f.name for f in readable]
