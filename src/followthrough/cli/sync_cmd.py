"""``followthrough sync [--once]``: read new mail from every account into the history."""

from __future__ import annotations

import argparse
import logging
import time

import schedule

from followthrough.cli.base import add_command, add_json_flag, load, print_json
from followthrough.extraction.analysis_worker import ProcessAnalyser
from followthrough.progress import Progress
from followthrough.state.history import History
from followthrough.state.store import Store
from followthrough.sync.service import AccountOutcome, sync_all

log = logging.getLogger("followthrough.sync")


def _outcome_json(outcome: AccountOutcome) -> dict[str, object]:
    if outcome.report is None:
        return {"account": outcome.account, "error": outcome.error}
    return {"account": outcome.account, "new": outcome.report.new,
            "quarantined": outcome.report.quarantined,
            "folders": [vars(f) for f in outcome.report.folders]}


def _run(args: argparse.Namespace) -> int:
    config = load(args)
    with Store.open(config.state_dir) as store, ProcessAnalyser() as analyse:
        history = History(store)
        if args.once:
            outcomes = sync_all(config, history, analyse, progress=Progress())
            if args.json:
                print_json([_outcome_json(o) for o in outcomes])
            return 1 if any(o.error for o in outcomes) else 0
        every = int(config.schedule.sync_every.total_seconds())
        log.info("syncing every %d s; stop with Ctrl-C", every)
        schedule.clear("sync")
        schedule.every(every).seconds.do(sync_all, config, history, analyse,
                                         progress=Progress()).tag("sync")
        sync_all(config, history, analyse, progress=Progress())
        while True:
            schedule.run_pending()
            time.sleep(1)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        subparsers, "sync", _run, "read new mail into the contact history",
        "Read new mail from every configured account (read-only: EXAMINE and "
        "BODY.PEEK; your mail is never changed) into the local history. Without "
        "--once, keep syncing every schedule.sync_every.")
    parser.add_argument("--once", action="store_true", help="sync once and exit")
    add_json_flag(parser)
