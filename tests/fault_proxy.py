"""A TCP proxy for faults a real server won't produce on demand: it forwards bytes between
the client and the server, and can cut the connection, or stall it, after N bytes from
the server. TLS passes through untouched (it is a byte pipe)."""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass


@dataclass
class Fault:
    after_bytes: int | None = None  # server→client bytes before the fault; None: no fault
    kind: str = "cut"  # "cut": close both sides; "stall": stop forwarding, keep it open


class FaultProxy:
    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port: int = self.listener.getsockname()[1]
        self.fault = Fault()
        self.bytes_from_server = 0  # over the proxy's life, for choosing offsets
        self._closing = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self._sockets += [client, server]
            fault = Fault(self.fault.after_bytes, self.fault.kind)
            threading.Thread(target=self._pipe, args=(client, server, None), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, fault), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, fault: Fault | None) -> None:
        sent = 0
        try:
            while True:
                data = source.recv(4096)
                if not data:
                    break
                if fault is not None and fault.after_bytes is not None:
                    room = fault.after_bytes - sent
                    if room <= len(data):
                        sink.sendall(data[:max(room, 0)])
                        self.bytes_from_server += max(room, 0)
                        if fault.kind == "stall":
                            self._closing.wait()  # hold the connection open, silent
                        break
                sink.sendall(data)
                sent += len(data)
                if fault is not None:
                    self.bytes_from_server += len(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def close(self) -> None:
        self._closing.set()
        self.listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()
