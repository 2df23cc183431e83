"""``followthrough run``: the long-running service.

A single main thread does all the work that writes (syncs, drafting), driven by
``schedule`` (sync every ``schedule.sync_every``, drafts at ``schedule.drafts_at``) and woken
early by IDLE watchers when new mail arrives. Signals: SIGTERM/SIGINT finish the current step
and exit 0; SIGHUP re-reads the config and keeps the old one if the new one is invalid.
An account that fails waits out a capped, jittered backoff; the others go on.
"""

from __future__ import annotations

import faulthandler
import logging
import signal
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import schedule

from followthrough.config.model import Account, Config, load_config
from followthrough.errors import ConfigError
from followthrough.extraction.analysis import BatchAnalyser
from followthrough.service.backoff import Backoff
from followthrough.service.cycle import run_cycle
from followthrough.service.idle_watch import IdleWatcher
from followthrough.service.sd_notify import Notifier
from followthrough.state.history import History
from followthrough.state.store import Store
from followthrough.sync.service import sync_all

log = logging.getLogger("followthrough.daemon")
TICK = 1.0


@dataclass
class AccountHealth:
    backoff: Backoff = field(default_factory=Backoff)
    not_before: float = 0.0  # monotonic time before which the account is not tried again


def next_drafting(config: Config, now: datetime) -> datetime:
    """The next moment drafts will be written: drafts_at on the next work day."""
    local = now.astimezone()
    for days in range(8):
        day = local.date() + timedelta(days=days)
        moment = datetime.combine(day, config.schedule.drafts_at, tzinfo=local.tzinfo)
        if day.weekday() in config.cadence.work_days and moment > local:
            return moment
    return local + timedelta(days=7)


class Daemon:
    def __init__(self, config_path: Path, config: Config, store: Store,
                 analyser: BatchAnalyser, notifier: Notifier | None = None) -> None:
        self.config_path = config_path
        self.config = config
        self.store = store
        self.history = History(store)
        self.analyser = analyser
        self.notifier = notifier or Notifier()
        self.scheduler = schedule.Scheduler()
        self.wake = threading.Event()
        self.stop_requested = threading.Event()
        self.reload_requested = threading.Event()
        self._lock = threading.Lock()
        self._new_mail: set[str] = set()
        self._sync_due = True
        self._drafting_due = False
        self.health: dict[str, AccountHealth] = {}
        self.watchers: dict[str, IdleWatcher] = {}
        self.last_sync: datetime | None = None
        self._last_watchdog = 0.0

    # ---- signals and wake-ups (called from other threads or signal handlers)
    def request_stop(self, *_: object) -> None:
        self.stop_requested.set()
        self.wake.set()

    def request_reload(self, *_: object) -> None:
        self.reload_requested.set()
        self.wake.set()

    def new_mail(self, account: str) -> None:
        with self._lock:
            self._new_mail.add(account)
        self.wake.set()

    def install_signal_handlers(self) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            log.info("received %s: finishing the current step, then stopping",
                     signal.Signals(signum).name)
            self.request_stop()

        def reload(signum: int, frame: FrameType | None) -> None:
            self.request_reload()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, reload)
        # `kill -USR1 <pid>` writes every thread's stack to the log: for stuck services.
        faulthandler.register(signal.SIGUSR1, all_threads=True)

    # ---- set-up
    def _schedule(self) -> None:
        self.scheduler.clear()
        every = int(self.config.schedule.sync_every.total_seconds())
        self.scheduler.every(every).seconds.do(self._mark_sync)
        self.scheduler.every().day.at(self.config.schedule.drafts_at.strftime("%H:%M")).do(
            self._mark_drafting)

    def _mark_sync(self) -> None:
        self._sync_due = True

    def _mark_drafting(self) -> None:
        if datetime.now().weekday() in self.config.cadence.work_days:
            self._drafting_due = True

    def _start_watchers(self) -> None:
        for account in self.config.accounts:
            watcher = IdleWatcher(account, self.new_mail)
            self.watchers[account.name] = watcher
            watcher.start()

    def _stop_watchers(self) -> None:
        for watcher in self.watchers.values():
            watcher.stop()
        for watcher in self.watchers.values():
            watcher.join(timeout=5)
        self.watchers.clear()

    # ---- work
    def _ready_accounts(self, names: set[str] | None = None) -> list[Account]:
        now = time.monotonic()
        return [a for a in self.config.accounts
                if (names is None or a.name in names)
                and self.health.setdefault(a.name, AccountHealth()).not_before <= now]

    def _sync(self, accounts: list[Account]) -> None:
        if not accounts:
            return
        outcomes = sync_all(self.config, self.history, self.analyser, accounts=accounts,
                            should_stop=self.stop_requested.is_set)
        for outcome in outcomes:
            health = self.health.setdefault(outcome.account, AccountHealth())
            if outcome.error:
                delay = health.backoff.failed(auth=outcome.login_refused)
                health.not_before = time.monotonic() + delay
                log.warning("account %r: next try in %.0f s", outcome.account, delay)
            else:
                health.backoff.succeeded()
        if any(not o.error for o in outcomes):
            self.last_sync = datetime.now(UTC)

    def _draft(self) -> None:
        _, report = run_cycle(self.config, self.store, datetime.now(UTC), self.analyser,
                              should_stop=self.stop_requested.is_set)
        log.info("drafting: %d written, %d sent and %d dismissed since last time%s",
                 len(report.written), report.follow_up.sent, report.follow_up.dismissed,
                 f" ({report.note})" if report.note else "")

    def _reload(self) -> None:
        self.reload_requested.clear()
        self.notifier.reloading()
        try:
            fresh = load_config(self.config_path)
        except ConfigError as exc:
            for problem in exc.problems:
                log.error("reload: %s", problem)
            log.error("reload: the new config is invalid; keeping the previous one")
            self.notifier.ready(self._status())
            return
        except Exception as exc:  # never let a config edit stop the service
            log.error("reload: the new config cannot be used (%s: %s); keeping the previous "
                      "one", type(exc).__name__, exc)
            self.notifier.ready(self._status())
            return
        if fresh.state_dir != self.config.state_dir:
            log.warning("reload: state_dir changes only on restart; still using %s",
                        self.config.state_dir)
            fresh = replace(fresh, state_dir=self.config.state_dir)
        self._stop_watchers()
        self.health.clear()  # a fixed password or a new sign-in is tried at once
        self.config = fresh
        self._schedule()
        self._start_watchers()
        self._sync_due = True
        log.info("reload: configuration re-read from %s", self.config_path)
        self.notifier.ready(self._status())

    def _status(self) -> str:
        last = self.last_sync.astimezone().strftime("%H:%M") if self.last_sync else "never"
        upcoming = next_drafting(self.config, datetime.now(UTC)).strftime("%a %H:%M")
        return f"last sync {last}; next drafts {upcoming}"

    def _keep_watchdog(self) -> None:
        interval = self.notifier.watchdog_interval
        if interval and time.monotonic() - self._last_watchdog >= interval:
            self.notifier.watchdog()
            self._last_watchdog = time.monotonic()

    # ---- the loop
    def step(self) -> None:
        """One turn of the loop: whatever is due now."""
        if self.reload_requested.is_set():
            self._reload()
        self.scheduler.run_pending()
        with self._lock:
            announced, self._new_mail = self._new_mail, set()
        if self._sync_due:
            self._sync_due = False
            self._sync(self._ready_accounts())
        elif announced:
            log.debug("new mail in %s: syncing", ", ".join(sorted(announced)))
            self._sync(self._ready_accounts(announced))
        if self._drafting_due and not self.stop_requested.is_set():
            self._drafting_due = False
            self._draft()
        self.notifier.status(self._status())

    def run(self) -> int:
        self._schedule()
        self._start_watchers()
        self.notifier.ready(self._status())
        log.info("running: sync every %s, drafts at %s on work days",
                 self.config.schedule.sync_every, self.config.schedule.drafts_at)
        try:
            while not self.stop_requested.is_set():
                self._keep_watchdog()
                self.step()
                self._keep_watchdog()
                self.wake.wait(TICK)
                self.wake.clear()
        finally:
            self.notifier.stopping()
            self._stop_watchers()
            log.info("stopped")
        return 0
