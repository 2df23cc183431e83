"""Telling systemd how the service is doing (sd_notify protocol), with no dependency.

When ``NOTIFY_SOCKET`` is set (Type=notify units), messages such as ``READY=1``,
``STATUS=...`` and ``WATCHDOG=1`` go to it as datagrams; otherwise nothing happens.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger("followthrough.systemd")


class Notifier:
    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.address = env.get("NOTIFY_SOCKET", "")
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        mine = not pid or pid == str(os.getpid())
        # Ping at half the watchdog interval, as systemd recommends.
        self.watchdog_interval = int(usec) / 2e6 if usec.isdigit() and mine else None
        self._last_status = ""

    def send(self, *fields: str) -> None:
        if not self.address:
            return
        target = self.address
        if target.startswith("@"):  # abstract namespace
            target = "\0" + target[1:]
        message = "\n".join(f.replace("\n", " ") for f in fields).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                # Never wait: a full queue must not stall the service; drop the message.
                sock.setblocking(False)
                sock.connect(target)
                sock.send(message)
        except OSError as exc:
            log.debug("cannot notify systemd: %s", exc)

    def ready(self, status: str) -> None:
        self._last_status = status
        self.send("READY=1", f"STATUS={status}")

    def status(self, status: str) -> None:
        if status != self._last_status:
            self._last_status = status
            self.send(f"STATUS={status}")

    def watchdog(self) -> None:
        self.send("WATCHDOG=1")

    def stopping(self) -> None:
        self.send("STOPPING=1", "STATUS=stopping")

    def reloading(self) -> None:
        self.send("RELOADING=1")
