"""Sync every configured account: credentials → IMAP connection → engine → state store."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from imapclient.exceptions import IMAPClientError

from followthrough.analysis import BatchAnalyser
from followthrough.config import Account, Config
from followthrough.credentials import get_password
from followthrough.errors import AccountError
from followthrough.folders import FolderChoiceError
from followthrough.history import History
from followthrough.imap_source import ImapSource, connect
from followthrough.progress import ProgressSink
from followthrough.sync_engine import AccountReport, sync_account

log = logging.getLogger("followthrough.sync")


@dataclass
class AccountOutcome:
    account: str
    report: AccountReport | None = None
    error: str | None = None


def sync_one(account: Account, history: History, analyser: BatchAnalyser | None,
             progress: ProgressSink | None) -> AccountReport:
    password = get_password(account)
    source = ImapSource(connect(account, password))
    del password
    try:
        return sync_account(account, source, history, analyser=analyser, progress=progress)
    except FolderChoiceError as exc:
        raise AccountError(account.name, f"{exc}; fix `folders` in the config") from None
    except (OSError, IMAPClientError) as exc:
        raise AccountError(account.name, f"sync interrupted ({type(exc).__name__}: {exc}); "
                                         "the next sync resumes where this one stopped") from None
    finally:
        source.close()


def sync_all(config: Config, history: History, analyser: BatchAnalyser | None = None,
             progress: ProgressSink | None = None) -> list[AccountOutcome]:
    """Sync each account; one account's failure is reported and the others go on."""
    outcomes = []
    for account in config.accounts:
        try:
            report = sync_one(account, history, analyser, progress)
        except AccountError as exc:
            log.error("%s", exc)
            outcomes.append(AccountOutcome(account.name, error=str(exc)))
            continue
        log.info("%s: %d new messages, %d quarantined (%s)", account.name, report.new,
                 report.quarantined,
                 ", ".join(f"{f.folder}: {f.action}" for f in report.folders))
        outcomes.append(AccountOutcome(account.name, report=report))
    return outcomes
