"""A local SMTP sink for the tests: accepts every message on 127.0.0.1 and keeps it.

Only what a mail client needs to hand a message over (RFC 5321: EHLO/HELO, MAIL, RCPT,
DATA with dot-unstuffing, RSET, NOOP, QUIT); no relaying, no TLS, no authentication. It
runs an asyncio server in a thread of its own.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class _Envelope:
    sender: str = ""
    recipients: list[str] = field(default_factory=list)


class SmtpSink:
    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._lock = threading.Lock()

    def start(self) -> SmtpSink:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._session, "127.0.0.1", 0), self._loop)
        self._server = future.result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def wait_for(self, count: int, timeout: float) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.1)
        with self._lock:
            return list(self.messages)

    async def _session(self, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        envelope = _Envelope()
        await reply("220 localhost test sink")
        try:
            while True:
                line = (await reader.readline()).decode("utf-8", "replace").rstrip("\r\n")
                if not line:
                    break
                verb = line.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    await reply("250-localhost")
                    await reply("250-8BITMIME")
                    await reply("250 SMTPUTF8")
                elif verb == "HELO":
                    await reply("250 localhost")
                elif verb == "MAIL":
                    envelope = _Envelope(sender=line.split(":", 1)[1].strip())
                    await reply("250 OK")
                elif verb == "RCPT":
                    envelope.recipients.append(line.split(":", 1)[1].strip())
                    await reply("250 OK")
                elif verb == "DATA":
                    await reply("354 end with <CRLF>.<CRLF>")
                    await self._data(reader, envelope)
                    await reply("250 OK queued")
                elif verb in ("RSET", "NOOP"):
                    envelope = _Envelope() if verb == "RSET" else envelope
                    await reply("250 OK")
                elif verb == "QUIT":
                    await reply("221 bye")
                    break
                else:
                    await reply("502 not implemented")
        finally:
            writer.close()

    async def _data(self, reader: asyncio.StreamReader, envelope: _Envelope) -> None:
        lines: list[bytes] = []
        while True:
            line = await reader.readline()
            if line in (b".\r\n", b".\n", b""):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        with self._lock:
            self.messages.append(Received(envelope.sender, envelope.recipients,
                                          b"".join(lines)))
