"""A hostile IMAP server on loopback: speaks just enough IMAP4rev1 for a look at the
mailbox (greeting, CAPABILITY, LOGIN, LIST, EXAMINE, UID SEARCH, UID FETCH, LOGOUT) and
answers one command the way a broken or malicious server would.

``answers`` maps a command name (``"FETCH"``, ``"SEARCH"``, ``"EXAMINE"``, ``"LOGIN"``,
``"CAPABILITY"``, ``"STARTTLS"``) to the raw bytes sent in its place; ``{tag}`` in them is
replaced by the command's tag; ``"GREETING"`` replaces the greeting (``greeting``, sent
whole). ``drip`` sends those
bytes one at a time, ``drip`` seconds apart. ``IDLE`` is answered with a continuation and
ended by ``DONE``, as RFC 2177 says, when the greeting lists it.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time

GREETING = b"* OK [CAPABILITY IMAP4rev1] hostile ready\r\n"


class HostileImap:
    def __init__(
        self, answers: dict[str, bytes], *, drip: float = 0.0, greeting: bytes = GREETING
    ) -> None:
        self.answers = answers
        self.greeting = greeting
        self.drip = drip
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.logins = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self.listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _send(self, conn: socket.socket, data: bytes) -> None:
        if not self.drip:
            conn.sendall(data)
            return
        for byte in data:
            if self._stop.is_set():
                return
            conn.sendall(bytes([byte]))
            time.sleep(self.drip)

    def _session(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            if "GREETING" in self.answers:
                self._send(conn, self.answers["GREETING"])
            else:
                conn.sendall(self.greeting)
            reader = conn.makefile("rb")
            idling = ""
            for line in reader:
                if idling and line.rstrip(b"\r\n").upper() == b"DONE":
                    conn.sendall(f"{idling} OK idle done\r\n".encode())
                    idling = ""
                    continue
                tag, _, rest = line.decode("ascii", "replace").rstrip("\r\n").partition(" ")
                words = rest.split()
                name = words[0].upper() if words else ""
                if name == "UID" and len(words) > 1:
                    name = words[1].upper()
                if name == "LOGIN":
                    self.logins += 1
                if name in self.answers:
                    self._send(conn, self.answers[name].replace(b"{tag}", tag.encode()))
                    continue
                if name == "IDLE":
                    idling = tag
                conn.sendall(_normal(name, tag, self.greeting).encode())
                if name == "LOGOUT":
                    return


def _normal(name: str, tag: str, greeting: bytes) -> str:
    if name == "CAPABILITY":  # what the greeting lists, if it lists any
        listed = re.search(rb"\[CAPABILITY ([^]]*)\]", greeting)
        words = listed[1].decode() if listed else "IMAP4rev1"
        return f"* CAPABILITY {words}\r\n{tag} OK done\r\n"
    if name == "LIST":
        return f'* LIST (\\HasNoChildren) "/" INBOX\r\n{tag} OK done\r\n'
    if name in ("EXAMINE", "SELECT"):
        return f"* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n{tag} OK [READ-ONLY] done\r\n"
    if name == "SEARCH":
        return f"* SEARCH 1\r\n{tag} OK done\r\n"
    if name == "FETCH":
        return f"{tag} OK done\r\n"
    if name == "IDLE":
        return "+ idling\r\n"
    if name == "LOGOUT":
        return f"* BYE bye\r\n{tag} OK done\r\n"
    return f"{tag} OK done\r\n"
