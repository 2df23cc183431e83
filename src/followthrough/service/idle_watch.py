"""Watching an account's INBOX with IMAP IDLE, so new mail is synced within seconds.

One thread per account. It only listens (the folder is opened read-only) and, when the
server announces new mail, calls ``on_new_mail(account)``. IDLE is re-issued every
``RENEW`` seconds, before servers' 29-minute limit; a dropped connection is re-made with
backoff. A server without IDLE is left to the periodic sync.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

import imapclient
from imapclient.exceptions import IMAPClientError

from followthrough.config.model import Account
from followthrough.errors import AccountError, LoginRefusedError
from followthrough.mail.login import log_in
from followthrough.service.backoff import Backoff

log = logging.getLogger("followthrough.idle")
RENEW = 25 * 60.0
POLL = 2.0  # how often the thread looks up from IDLE to see whether it must stop


class IdleWatcher(threading.Thread):
    def __init__(self, account: Account, on_new_mail: Callable[[str], None]) -> None:
        super().__init__(name=f"idle-{account.name}", daemon=True)
        self.account = account
        self.on_new_mail = on_new_mail
        self.stopping = threading.Event()
        self.backoff = Backoff()

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                client = log_in(self.account)
            except AccountError as exc:
                delay = self.backoff.failed(auth=isinstance(exc, LoginRefusedError))
                log.warning("%s; IDLE retries in %.0f s", exc, delay)
                self.stopping.wait(delay)
                continue
            try:
                if b"IDLE" not in client.capabilities():
                    log.info("%s: the server has no IDLE; new mail waits for the periodic "
                             "sync", self.account.name)
                    return
                self._listen(client)
            except (OSError, IMAPClientError) as exc:
                delay = self.backoff.failed()
                log.warning("%s: IDLE connection lost (%s); reconnecting in %.0f s",
                            self.account.name, exc, delay)
                self.stopping.wait(delay)
            finally:
                with contextlib.suppress(Exception):
                    client.logout()

    def _listen(self, client: imapclient.IMAPClient) -> None:
        client.select_folder("INBOX", readonly=True)
        log.info("%s: watching INBOX with IDLE", self.account.name)
        if self.backoff.failures:
            # Mail that came while we were away is never announced: catch up now.
            self.on_new_mail(self.account.name)
        self.backoff.succeeded()
        while not self.stopping.is_set():
            client.idle()
            new_mail = self._wait(client)
            client.idle_done()
            if new_mail:
                log.debug("%s: new mail announced", self.account.name)
                self.on_new_mail(self.account.name)

    def _wait(self, client: imapclient.IMAPClient) -> bool:
        """Until new mail is announced (True), or it is time to renew IDLE or stop."""
        deadline = time.monotonic() + RENEW
        while not self.stopping.is_set() and time.monotonic() < deadline:
            for response in client.idle_check(timeout=POLL):
                if isinstance(response, tuple) and response[:1] == (b"BYE",):
                    # After BYE the server closes the connection; IDLE would hear nothing.
                    raise ConnectionResetError("the server said BYE: " + " ".join(
                        part.decode("ascii", "replace") for part in response[1:]
                        if isinstance(part, bytes)))
                if isinstance(response, tuple) and len(response) > 1 \
                        and response[1] in (b"EXISTS", b"RECENT"):
                    return True
        return False
