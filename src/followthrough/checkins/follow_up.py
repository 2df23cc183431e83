"""Following each draft through what mail clients actually do with it.

On every run, for each draft still in the user's hands:

- **sent**: synced mail (any folder read) holds a message of the user's that carries one of
  the draft's Message-IDs, or is to the contact replying to the same parent (for a draft
  that starts a thread: with the same subject) — clients write a new Message-ID when they
  send, and drop custom headers. Once the draft is gone, any mail to them after it counts.
- **edited**: a draft of the user's replying to the same parent, to the contact, is in the
  review folder or the Drafts folder (a client re-saving, or "Edit as New"): it stands for
  ours from then on, and its text is what ``drafts --show`` prints.
- **dismissed**: no copy left in either folder, and nothing sent to them within
  ``DISMISS_GRACE`` of noticing.
- otherwise still **pending**.

What the user changed, once edited or sent, is kept paragraph by paragraph: the learning
signal for later drafts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from followthrough.checkins.draft_changes import LineChange, compare
from followthrough.checkins.draft_message import reply_subject
from followthrough.checkins.review_folder import FolderDraft, ReviewFolder, newest, plain_text
from followthrough.crashpoints import durable_step
from followthrough.state.checkin_store import CheckinStore, DraftRecord, SentCopy

log = logging.getLogger("followthrough.drafts")
DISMISS_GRACE = timedelta(hours=12)


@dataclass
class FollowUpReport:
    recovered: int = 0
    sent: int = 0
    edited: int = 0
    dismissed: int = 0


def place(folder: ReviewFolder, store: CheckinStore, draft: DraftRecord) -> None:
    """APPEND a planned draft unless it is already there, then record it as pending."""
    if folder.contains(draft.message_id):
        log.info("draft %s for %s was already in %s; recording it", draft.id, draft.address,
                 folder.name)
    else:
        folder.append(draft.raw, draft.created)
        durable_step(f"APPEND draft {draft.id}")
    store.set_state(draft.id, "pending")
    durable_step(f"draft {draft.id} recorded")


def _same_subject(a: str, b: str) -> bool:
    return reply_subject(a).lower() == reply_subject(b).lower() != ""


def replaces(entry: FolderDraft, draft: DraftRecord) -> bool:
    """Whether a message the user saved is their version of ``draft``."""
    if entry.deleted or draft.address not in entry.recipients:
        return False
    if draft.parent:
        return entry.in_reply_to == draft.parent or draft.parent in entry.references
    return not entry.in_reply_to and _same_subject(entry.subject, draft.subject)


def original_text(draft: DraftRecord) -> str:
    return plain_text(draft.raw) if draft.raw else ""


def _changes(draft: DraftRecord, final: str | None) -> list[LineChange]:
    return compare(original_text(draft), final) if final is not None else []


class FollowUp:
    """One account's follow-up pass over its drafts."""

    def __init__(self, store: CheckinStore, folder: ReviewFolder, now: datetime) -> None:
        self.store = store
        self.folder = folder
        self.now = now
        self.report = FollowUpReport()

    def run(self, account: str) -> FollowUpReport:
        for draft in self.store.drafts(["planned"], account, with_raw=True):
            place(self.folder, self.store, draft)
            self.report.recovered += 1
        waiting = self.store.drafts(["pending", "edited"], account, with_raw=True)
        listing = self.folder.listing()
        ours = {i for d in self.store.drafts(account=account) for i in d.message_ids}
        ours |= {d.id for d in waiting}
        for draft in waiting:
            self.follow(draft, [e for e in listing if not e.deleted], ours)
        return self.report

    def follow(self, draft: DraftRecord, listing: Sequence[FolderDraft],
               ours: set[str]) -> None:
        copy = self.store.sent_copy(draft)
        if copy is not None:
            self.sent(draft, copy)
            return
        mine = [e for e in listing if replaces(e, draft) and (
            (e.message_id not in ours and e.legacy_id not in ours)  # a copy of the user's
            or (e.message_id in draft.message_ids and not self.is_original(e, draft)))]
        latest = newest(mine)
        if latest is not None and latest.message_id:
            if latest.location != draft.current_copy:
                self.edited(draft, latest)
            elif draft.missing_since:
                self.store.set_missing(draft.id, None)
            return
        if any(e.message_id in draft.message_ids or e.legacy_id == draft.id for e in listing):
            if draft.missing_since:
                self.store.set_missing(draft.id, None)
            return  # still waiting for review
        anything = self.store.sent_copy(draft, any_mail=True)
        if anything is not None:
            self.sent(draft, anything)
        elif draft.missing_since is None:
            self.store.set_missing(draft.id, self.now)
            log.info("draft for %s is gone from %s; dismissed unless mail to them follows "
                     "within %s", draft.address, "/".join(self.folder.read), DISMISS_GRACE)
        elif self.now - draft.missing_since >= DISMISS_GRACE:
            self.store.set_state(draft.id, "dismissed", draft.missing_since)
            durable_step(f"draft {draft.id} dismissed")
            log.info("draft for %s was dismissed", draft.address)
            self.report.dismissed += 1

    def is_original(self, entry: FolderDraft, draft: DraftRecord) -> bool:
        """Whether a copy under our own Message-ID is the draft as we wrote it (a client
        such as mutt re-saves an edited draft under the same Message-ID)."""
        if entry.message_id != draft.message_id or entry.location == draft.current_copy:
            return False
        if entry.size == len(draft.raw):
            return True
        text = self.folder.text(entry.folder, entry.uid)  # a server counting size its own way
        return text is None or all(c.kind == "kept" for c in compare(original_text(draft),
                                                                       text))

    def edited(self, draft: DraftRecord, latest: FolderDraft) -> None:
        text = self.folder.text(latest.folder, latest.uid)
        if text is None or latest.message_id is None:
            return  # gone between listing and reading: the next run looks again
        changes = compare(original_text(draft), text)
        self.store.set_edited(draft.id, latest.message_id, text, latest.location, changes)
        durable_step(f"draft {draft.id} edited")
        log.info("draft for %s was edited in %s (%d of %d paragraphs changed)", draft.address,
                 latest.folder, sum(1 for c in changes if c.kind != "kept"), len(changes))
        self.report.edited += 1

    def sent(self, draft: DraftRecord, copy: SentCopy) -> None:
        final = self.folder.text(copy.folder, copy.uid, copy.uidvalidity)
        changes = _changes(draft, final)
        self.store.set_sent(draft.id, self.now, changes)
        durable_step(f"draft {draft.id} sent")
        log.info("draft for %s was sent%s", draft.address,
                 f" ({sum(1 for c in changes if c.kind != 'kept')} paragraph(s) changed)"
                 if final is not None else "")
        self.report.sent += 1


def follow_up(store: CheckinStore, folder: ReviewFolder, account: str,
              now: datetime) -> FollowUpReport:
    """Finish drafts a crash left planned; learn which waiting ones were sent, edited or
    dismissed."""
    return FollowUp(store, folder, now).run(account)
