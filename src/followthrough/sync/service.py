"""Sync every configured account: credentials → IMAP connection → engine → state store."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from imapclient.exceptions import IMAPClientError

from followthrough.config.model import Account, Config
from followthrough.errors import (
    AccountError,
    AnalysisWorkerError,
    LoginRefusedError,
    StateError,
)
from followthrough.extraction.analysis import BatchAnalyser
from followthrough.mail.folders import FolderChoiceError
from followthrough.mail.imap_source import ImapSource, ServerProtocolError
from followthrough.mail.login import log_in
from followthrough.progress import ProgressSink
from followthrough.state.history import History
from followthrough.sync.engine import AccountReport, sync_account

log = logging.getLogger("followthrough.sync")


@dataclass
class AccountOutcome:
    account: str
    report: AccountReport | None = None
    error: str | None = None
    login_refused: bool = False


def sync_one(account: Account, history: History, analyser: BatchAnalyser | None,
             progress: ProgressSink | None,
             should_stop: Callable[[], bool] | None = None) -> AccountReport:
    source = ImapSource(log_in(account))
    try:
        return sync_account(account, source, history, analyser=analyser, progress=progress,
                            should_stop=should_stop)
    except FolderChoiceError as exc:
        raise AccountError(account.name, f"{exc}; fix `folders` in the config") from None
    except AnalysisWorkerError as exc:
        raise AccountError(account.name, f"{exc}; nothing was lost, the next sync tries "
                                         "again") from None
    except ServerProtocolError as exc:
        raise AccountError(account.name, f"{exc}; nothing was read from it: report this to "
                                         "your mail provider") from None
    except (OSError, IMAPClientError) as exc:
        raise AccountError(account.name, f"sync interrupted ({type(exc).__name__}: {exc}); "
                                         "the next sync resumes where this one stopped") from None
    finally:
        source.close()


def sync_all(config: Config, history: History, analyser: BatchAnalyser | None = None,
             progress: ProgressSink | None = None,
             accounts: Sequence[Account] | None = None,
             should_stop: Callable[[], bool] | None = None) -> list[AccountOutcome]:
    """Sync each account; one account's failure is reported and the others go on."""
    outcomes = []
    for account in config.accounts if accounts is None else accounts:
        if should_stop is not None and should_stop():
            break
        try:
            report = sync_one(account, history, analyser, progress, should_stop)
        except StateError as exc:
            # Say so in the status if the store still takes a small write; stop either way.
            with contextlib.suppress(StateError):
                history.record_sync(account.name, error=str(exc))
            raise
        except AccountError as exc:
            log.error("%s", exc)
            history.record_sync(account.name, error=exc.cause)
            outcomes.append(AccountOutcome(account.name, error=str(exc),
                                           login_refused=isinstance(exc, LoginRefusedError)))
            continue
        history.record_sync(account.name)
        if report.stopped:
            log.info("%s: stopped before the end; the next sync resumes there", account.name)
        log.info("%s: %d new messages, %d quarantined (%s)", account.name, report.new,
                 report.quarantined,
                 ", ".join(f"{f.folder}: {f.action}" for f in report.folders))
        outcomes.append(AccountOutcome(account.name, report=report))
    return outcomes
