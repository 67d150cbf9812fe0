"""A CalDAV server without sync-tokens, made from a real one: an HTTP proxy in front of it
that takes ``DAV:sync-token`` out of every answer (unless ``hide_tokens`` is false: a
server that gives tokens and then refuses to use them) and refuses the ``sync-collection``
REPORT (``403`` with ``DAV:supported-report``, as a server without RFC 6578 answers), and
passes everything else through unchanged, ``getctag`` included (uncompressed). It runs in
a thread of the test's process, on a free port of the loopback, and counts the requests it
passes.
"""

from __future__ import annotations

import http.client
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tests.support.dovecot import free_port

_TOKEN = re.compile(
    rb"<(?:[\w-]+:)?sync-token(?:\s[^>]*)?(?:/>|>.*?</(?:[\w-]+:)?sync-token>)", re.S
)
_REFUSED = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:">'
    b"<D:supported-report/></D:error>"
)


class NoTokens:
    """The proxy: ``url`` the address a client is given in place of ``server_url``'s;
    ``requests`` the ``(method, body)`` of every request since :meth:`reset`."""

    def __init__(self, server_url: str, *, hide_tokens: bool = True) -> None:
        parts = urlsplit(server_url)
        self.hide_tokens = hide_tokens
        self.backend = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{parts.path}"
        self.requests: list[tuple[str, bytes]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.requests.append((self.command, body))
                if self.command == "REPORT" and b"sync-collection" in body:
                    self._answer(403, "Forbidden", {"Content-Type": "application/xml"}, _REFUSED)
                    return
                backend = http.client.HTTPConnection(*proxy.backend, timeout=30)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "accept-encoding")
                }
                headers["Host"] = f"{proxy.backend[0]}:{proxy.backend[1]}"
                backend.request(self.command, self.path, body or None, headers)
                answer = backend.getresponse()
                data = answer.read()
                if proxy.hide_tokens:
                    data = _TOKEN.sub(b"", data)
                keep = {
                    k: v
                    for k, v in answer.getheaders()
                    if k.lower() not in ("content-length", "transfer-encoding", "connection")
                }
                backend.close()
                self._answer(answer.status, answer.reason, keep, data)

            def _answer(
                self, status: int, reason: str, headers: dict[str, str], data: bytes
            ) -> None:
                self.send_response(status, reason)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = _any
            do_MKCALENDAR = do_OPTIONS = do_PROPPATCH = do_MKCOL = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def reset(self) -> None:
        self.requests.clear()

    @property
    def methods(self) -> list[str]:
        return [method for method, _ in self.requests]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
