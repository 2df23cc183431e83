"""Deciding, from a folder's stored cursor and its STATUS, what a sync must do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class FolderCursor:
    """How far a folder has been read: UIDs up to ``last_uid`` under ``uidvalidity``."""

    uidvalidity: int
    last_uid: int
    highestmodseq: int | None = None


@dataclass(frozen=True)
class FolderStatus:
    """What one STATUS command tells about a folder."""

    uidvalidity: int
    uidnext: int
    messages: int
    highestmodseq: int | None = None


class Action(Enum):
    NOTHING = "nothing new"
    FETCH = "fetch new messages"
    RESCAN = "rescan: UIDVALIDITY changed"


@dataclass(frozen=True)
class FolderPlan:
    folder: str
    action: Action
    after_uid: int  # fetch messages with a UID greater than this
    uidvalidity: int


def plan_folder(folder: str, cursor: FolderCursor | None, status: FolderStatus) -> FolderPlan:
    if cursor is None:
        return FolderPlan(folder, Action.FETCH, 0, status.uidvalidity)
    if cursor.uidvalidity != status.uidvalidity or 0 < status.uidnext <= cursor.last_uid:
        # A changed UIDVALIDITY, or UIDs that went backwards under the same one (a server
        # bug): stored UIDs no longer name the same messages; read it all again, matching
        # by Message-ID.
        return FolderPlan(folder, Action.RESCAN, 0, status.uidvalidity)
    if status.uidnext > cursor.last_uid + 1:  # new UIDs, even if since expunged
        return FolderPlan(folder, Action.FETCH, cursor.last_uid, status.uidvalidity)
    return FolderPlan(folder, Action.NOTHING, cursor.last_uid, status.uidvalidity)
