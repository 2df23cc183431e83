"""A minimal IMAPS server that only refuses, for faults a real one won't produce on demand:
BYE at the greeting, NO [UNAVAILABLE] or a throttling NO at login. It speaks TLS with the
test CA's certificate, so the client's verification is the real one."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from pathlib import Path

REPLIES = {
    "bye": None,  # "* BYE" instead of a greeting
    "unavailable": "NO [UNAVAILABLE] Temporary authentication failure",
    "throttled": "NO [LIMIT] Too many login attempts, slow down",
}


class RefusingServer:
    def __init__(self, tls_dir: Path, mode: str) -> None:
        self.mode = mode
        self.connections = 0
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(tls_dir / "server.pem", tls_dir / "server.key")
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port: int = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._session, args=(raw,), daemon=True).start()

    def _session(self, raw: socket.socket) -> None:
        with contextlib.suppress(OSError, ssl.SSLError):
            conn = self.context.wrap_socket(raw, server_side=True)
            with conn:
                if REPLIES[self.mode] is None:
                    conn.sendall(b"* BYE Too many connections, try later\r\n")
                    return
                conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
                reader = conn.makefile("rb")
                for line in reader:
                    tag, _, command = line.decode("ascii", "replace").strip().partition(" ")
                    verb = command.split(" ", 1)[0].upper()
                    if verb == "CAPABILITY":
                        conn.sendall(f"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n"
                                     .encode())
                    elif verb == "LOGIN":
                        conn.sendall(f"{tag} {REPLIES[self.mode]}\r\n".encode())
                    elif verb == "LOGOUT":
                        conn.sendall(f"* BYE\r\n{tag} OK bye\r\n".encode())
                        return
                    else:
                        conn.sendall(f"{tag} BAD unexpected\r\n".encode())

    def close(self) -> None:
        self.listener.close()
