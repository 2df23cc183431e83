"""One full cycle: sync every account, follow up earlier drafts, decide, write new drafts."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from datetime import datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from followthrough.checkins.drafting import CycleReport, drafting_day, write_drafts
from followthrough.checkins.follow_up import follow_up
from followthrough.checkins.review_folder import ReviewFolder
from followthrough.config.model import Config
from followthrough.errors import AccountError
from followthrough.extraction.analysis import BatchAnalyser
from followthrough.mail.folders import DEFAULT_DRAFTS, FolderChoiceError, drafts_folder
from followthrough.mail.imap_source import ImapSource
from followthrough.mail.login import log_in
from followthrough.progress import ProgressSink
from followthrough.state.checkin_store import CheckinStore
from followthrough.state.history import History
from followthrough.state.store import Store
from followthrough.sync.service import AccountOutcome, sync_all

log = logging.getLogger("followthrough.cycle")


def open_review_folder(client: IMAPClient, configured: str | None) -> ReviewFolder:
    """The review folder (``configured``, else the user's Drafts folder, created as
    "Drafts" when the server has none), also watching Drafts for edited copies."""
    drafts = drafts_folder(ImapSource(client).folders())
    folder = ReviewFolder(client, configured or drafts or DEFAULT_DRAFTS, drafts)
    folder.ensure()
    return folder


@contextlib.contextmanager
def review_folders(config: Config) -> Iterator[dict[str, ReviewFolder]]:
    """A logged-in review folder per reachable account; the others are logged and skipped."""
    folders: dict[str, ReviewFolder] = {}
    try:
        for account in config.accounts:
            try:
                client = log_in(account)
                folder = open_review_folder(client, account.review_folder)
            except AccountError as exc:
                log.error("%s", exc)
                continue
            except FolderChoiceError as exc:
                log.error("account %r: %s; no drafts written", account.name, exc)
                with contextlib.suppress(Exception):
                    client.logout()
                continue
            except (OSError, IMAPClientError) as exc:
                log.error("account %r: review folder %r: %s", account.name,
                          account.review_folder or "(Drafts)", exc)
                continue
            folders[account.name] = folder
        yield folders
    finally:
        for folder in folders.values():
            with contextlib.suppress(Exception):
                folder.client.logout()


def run_cycle(config: Config, store: Store, now: datetime, analyser: BatchAnalyser | None,
              progress: ProgressSink | None = None, write: bool = True,
              should_stop: Callable[[], bool] | None = None,
              ) -> tuple[list[AccountOutcome], CycleReport]:
    outcomes = sync_all(config, History(store), analyser, progress, should_stop=should_stop)
    checkins = CheckinStore(store)
    report = CycleReport()
    with review_folders(config) as folders:
        for name, folder in folders.items():
            found = follow_up(checkins, folder, name, now)
            report.follow_up.recovered += found.recovered
            report.follow_up.sent += found.sent
            report.follow_up.edited += found.edited
            report.follow_up.dismissed += found.dismissed
        chosen, report.note = drafting_day(config, checkins, now)
        report.due = len(chosen)
        if write:
            report.written = write_drafts(config, checkins, chosen, folders, now)
    return outcomes, report
