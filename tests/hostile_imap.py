"""A scripted IMAPS server that misbehaves in ways a real one won't on demand: literal
sizes that lie, FETCH data for UIDs not asked for, UIDs that go backwards, UIDVALIDITY 0,
50,000 folders or names with ``../`` and line breaks, or silence after the greeting.

It speaks just enough IMAP4rev1 for followthrough's sync (CAPABILITY, LOGIN, LIST, STATUS,
EXAMINE, UID SEARCH, UID FETCH, NOOP, LOGOUT), over TLS with the test CA's certificate."""

from __future__ import annotations

import contextlib
import re
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Folder:
    flags: str = ""
    uidvalidity: int = 7
    messages: dict[int, bytes] = field(default_factory=dict)  # UID → raw message
    uidnext: int | None = None  # None: one above the highest UID


# A FETCH answer: (the UIDs asked, the folder) → raw bytes of the untagged responses
FetchWriter = Callable[[list[int], Folder], bytes]


def fetch_item(uid: int, raw: bytes, header_size: int | None = None) -> bytes:
    """One honest FETCH response (the header literal's size may be made to lie)."""
    header, _, body = raw.partition(b"\r\n\r\n")
    header += b"\r\n\r\n"
    size = len(header) if header_size is None else header_size
    return (f"* {uid} FETCH (UID {uid} BODY[HEADER.FIELDS (FROM)]<0> {{{size}}}\r\n".encode()
            + header + f" BODY[TEXT]<0> {{{len(body)}}}\r\n".encode() + body
            + b' INTERNALDATE "02-Mar-2026 09:30:00 +0000")\r\n')


def honest_fetch(uids: list[int], folder: Folder) -> bytes:
    return b"".join(fetch_item(u, folder.messages[u]) for u in uids if u in folder.messages)


class HostileServer:
    def __init__(self, tls_dir: Path, folders: dict[str, Folder],
                 fetch: FetchWriter = honest_fetch, silent: bool = False,
                 list_lines: list[bytes] | None = None) -> None:
        self.folders = folders
        self.fetch = fetch
        self.silent = silent  # greet, then never answer
        self.list_lines = list_lines  # LIST answer lines instead of those from ``folders``
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(tls_dir / "server.pem", tls_dir / "server.key")
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port: int = self.listener.getsockname()[1]
        self._closing = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(raw,), daemon=True).start()

    def _session(self, raw: socket.socket) -> None:
        with contextlib.suppress(OSError, ssl.SSLError):
            conn = self.context.wrap_socket(raw, server_side=True)
            with conn:
                conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hostile ready\r\n")
                if self.silent:
                    self._closing.wait()
                    return
                reader = conn.makefile("rb")
                selected: Folder | None = None
                for line in reader:
                    tag, _, rest = line.decode("utf-8", "replace").strip().partition(" ")
                    verb, _, args = rest.partition(" ")
                    verb = verb.upper()
                    if verb == "UID":
                        verb, _, args = args.partition(" ")
                        verb = "UID " + verb.upper()
                    out, selected, done = self._answer(verb, args, selected)
                    conn.sendall(out + f"{tag} {done}\r\n".encode())
                    if verb == "LOGOUT":
                        return

    def _answer(self, verb: str, args: str, selected: Folder | None
                ) -> tuple[bytes, Folder | None, str]:
        if verb == "CAPABILITY":
            return b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n", selected, "OK done"
        if verb in ("LOGIN", "NOOP"):
            return b"", selected, "OK done"
        if verb == "LOGOUT":
            return b"* BYE bye\r\n", selected, "OK bye"
        if verb == "LIST":
            lines = self.list_lines if self.list_lines is not None else [
                f'* LIST ({f.flags}) "/" "{name}"\r\n'.encode()
                for name, f in self.folders.items()]
            return b"".join(lines), selected, "OK done"
        name = _folder_name(args)
        folder = self.folders.get(name)
        if verb in ("STATUS", "EXAMINE", "SELECT"):
            if folder is None:
                return b"", selected, "NO no such folder"
            uidnext = folder.uidnext or max(folder.messages, default=0) + 1
            if verb == "STATUS":
                return (f'* STATUS "{name}" (UIDVALIDITY {folder.uidvalidity} UIDNEXT {uidnext} '
                        f"MESSAGES {len(folder.messages)})\r\n").encode(), selected, "OK done"
            return (f"* {len(folder.messages)} EXISTS\r\n* OK [UIDVALIDITY {folder.uidvalidity}]"
                    f"\r\n* OK [UIDNEXT {uidnext}]\r\n").encode(), folder, "OK [READ-ONLY] done"
        if verb == "UID SEARCH" and selected is not None:
            low = int(re.search(r"(\d+):\*", args)[1])  # type: ignore[index]
            found = [u for u in sorted(selected.messages) if u >= low]
            return f"* SEARCH {' '.join(map(str, found))}\r\n".encode(), selected, "OK done"
        if verb == "UID FETCH" and selected is not None:
            uids = [int(u) for u in args.split(" ", 1)[0].split(",") if u.isdigit()]
            return self.fetch(uids, selected), selected, "OK done"
        return b"", selected, "BAD unexpected"

    def close(self) -> None:
        self._closing.set()
        self.listener.close()


def _folder_name(args: str) -> str:
    if args.startswith('"'):
        return args[1:].split('"', 1)[0]
    return args.split(" ", 1)[0]
