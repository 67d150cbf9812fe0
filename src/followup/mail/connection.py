"""An IMAP connection whose whole life obeys one deadline, from the TCP connect on.

A per-read socket timeout bounds only the wait for the *next* bytes: a server sending one
byte every 20 s never trips a 30 s timeout, and can hold a greeting, a ``CAPABILITY``, a
``STARTTLS`` or a ``LOGIN`` answer open for ever. So the session's
:class:`~followup.deadline.Deadline` (the one the channels' operations obey too) watches the
socket itself from the moment it exists (before the greeting is read, before a TLS
handshake): when it passes, the socket is shut down, and a read blocked on it anywhere in
imaplib or the TLS layer returns at once.

Not covered: the name lookup (``getaddrinfo``) before the socket exists, which the system
resolver bounds (a few seconds per server in ``resolv.conf``).
"""

from __future__ import annotations

import socket
import ssl
from typing import Any

from imapclient import IMAPClient
from imapclient.imap4 import IMAP4WithTimeout
from imapclient.tls import IMAP4_TLS

from followup.deadline import Deadline

__all__ = ["Deadline", "connect"]


def connect(
    host: str,
    port: int,
    *,
    tls: bool,
    context: ssl.SSLContext,
    timeout: float,
    deadline: Deadline,
) -> Any:
    """An IMAPClient connected to ``host:port`` (over TLS from the first byte when ``tls``),
    its greeting read, whose socket ``deadline`` watches from the moment it exists.
    ``timeout``: seconds one read (and the TCP connect, cut to what is left of the
    deadline) may wait. Raises what the socket, TLS and imaplib raise."""
    return _Client(host, port, ssl=tls, ssl_context=context, timeout=timeout, deadline=deadline)


class _Client(IMAPClient):  # type: ignore[misc]  # IMAPClient has no type hints
    """IMAPClient whose imaplib connection hands its socket to a :class:`Deadline`."""

    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        self._deadline = deadline
        super().__init__(*args, **kwargs)

    def _create_IMAP4(self) -> Any:
        timeout = self._timeout.connect
        if self.ssl:
            return _Tls(self.host, self.port, self.ssl_context, timeout, self._deadline)
        return _Plain(self.host, self.port, timeout, self._deadline)


class _Plain(IMAP4WithTimeout):  # type: ignore[misc]
    def __init__(self, host: str, port: int, timeout: float, deadline: Deadline) -> None:
        self._deadline = deadline
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        sock = socket.create_connection(
            (self.host, self.port), self._deadline.left(timeout or self._timeout)
        )
        self._deadline.watch(sock)
        return sock


class _Tls(IMAP4_TLS):  # type: ignore[misc]
    def __init__(
        self, host: str, port: int, context: ssl.SSLContext, timeout: float, deadline: Deadline
    ) -> None:
        self._deadline = deadline
        super().__init__(host, port, context, timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        sock = socket.create_connection(
            (self.host, self.port), self._deadline.left(timeout or self._timeout)
        )
        self._deadline.watch(sock)  # before the handshake, which a server can drip too
        context: ssl.SSLContext = self.ssl_context
        return context.wrap_socket(sock, server_hostname=self.host)
