"""An IMAP connection whose whole life obeys one deadline, from the TCP connect on.

A per-read socket timeout bounds only the wait for the *next* bytes: a server sending one
byte every 20 s never trips a 30 s timeout, and can hold a greeting, a ``CAPABILITY``, a
``STARTTLS`` or a ``LOGIN`` answer open for ever. So the deadline watches the socket itself
from the moment it exists (before the greeting is read, before a TLS handshake): when it
passes, the socket is shut down, and a read blocked on it anywhere in imaplib or the TLS
layer returns at once. The socket is watched through a duplicate of its file descriptor,
because the TLS layer detaches the original object when it wraps it; ``shutdown`` acts on
the connection itself, whichever descriptor names it.

Not covered: the name lookup (``getaddrinfo``) before the socket exists, which the system
resolver bounds (a few seconds per server in ``resolv.conf``).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from typing import Any

from imapclient import IMAPClient
from imapclient.imap4 import IMAP4WithTimeout
from imapclient.tls import IMAP4_TLS


class Deadline:
    """A session's time limit, in seconds on the monotonic clock; None is no limit (a
    connection meant to wait, such as IDLE, once it is set up).

    :meth:`watch` names the connection's socket; when the limit passes, the socket is shut
    down and :attr:`expired` is set. :meth:`arm` starts a new limit (a renewed IDLE),
    :meth:`cancel` lifts it, :meth:`close` lifts it and lets the socket go.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.expired = threading.Event()
        self._lock = threading.Lock()
        self._handle: socket.socket | None = None
        self._timer: threading.Timer | None = None
        self._ends_at: float | None = None
        self.arm(seconds)

    def arm(self, seconds: float | None) -> None:
        """Start a limit of ``seconds`` from now (replacing any other); None lifts it."""
        self.cancel()
        self.seconds = seconds
        if seconds is None:
            return
        self._ends_at = time.monotonic() + seconds
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        """Lift the limit; a connection already shut stays shut."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._ends_at = None

    def passed(self) -> bool:
        """Whether the limit has passed: the socket was shut, or a timeout cut to what was
        left (:meth:`left`) ran out just before the timer fired."""
        ends_at = self._ends_at
        return self.expired.is_set() or (ends_at is not None and time.monotonic() >= ends_at)

    def left(self, at_most: float) -> float:
        """Seconds left, but no more than ``at_most`` (and never below a millisecond)."""
        if self._ends_at is None:
            return at_most
        return max(0.001, min(at_most, self._ends_at - time.monotonic()))

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock``'s connection when the limit passes (at once if it has passed)."""
        with self._lock:
            self._release()
            self._handle = sock.dup()
            if self.expired.is_set():
                self._shut()

    def close(self) -> None:
        """Lift the limit and let go of the watched socket (the connection is the caller's
        to close)."""
        self.cancel()
        with self._lock:
            self._release()

    def _expire(self) -> None:
        """Timer thread: the limit passed."""
        with self._lock:
            self.expired.set()
            self._shut()

    def _shut(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.shutdown(socket.SHUT_RDWR)

    def _release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


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
