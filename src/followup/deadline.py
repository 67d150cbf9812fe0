"""A whole network operation's time limit, enforced on its sockets however deep in a library
they are made.

A per-read socket timeout bounds only the wait for the *next* bytes: a server sending one
byte every 0.5 s never trips a 30 s timeout, and holds an HTTP answer (niquests, requests:
``timeout=`` and urllib3's ``Timeout(total=...)`` both bound each read, not the request) or
an IMAP greeting open for ever. A :class:`Deadline` watches the sockets of one operation
instead: when its limit passes, each is shut down (``shutdown(SHUT_RDWR)``), and a read
blocked on it anywhere, in the HTTP library, imaplib or the TLS layer, returns at once. A
socket is watched through a duplicate of its file descriptor, because a TLS layer detaches
the original object when it wraps it; ``shutdown`` acts on the connection itself,
whichever descriptor names it.

The sockets are found two ways, both ending in :meth:`Deadline.watch`: a caller that makes
its socket itself (the mail reader) names it; for a library that does not expose its
sockets (caldav, Apprise's plugins), :meth:`Deadline.covering` makes the deadline the
current thread's, and every network (IPv4, IPv6) socket the thread connects meanwhile is
watched, found through the ``socket.connect`` audit event (PEP 578; one hook for the
process, installed at the first use, costing one string comparison per audit event when no
deadline is active). Such a socket's connect timeout is cut to what is left, and once the
limit has passed no new connection is opened (the connect raises TimeoutError). A local
socket (a log's, the bus's) connected meanwhile is left alone.

Not covered: the name lookup (``getaddrinfo``) before a socket exists, which the system
resolver bounds (a few seconds per server in ``resolv.conf``); a socket a library connects
in a thread of its own.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any


def cut_line(where: str, seconds: float | None) -> str:
    """The one line saying an operation with ``where`` (``"HOST:PORT"``) was cut at a
    deadline of ``seconds``."""
    return f"{where} did not answer in full within {seconds or 0:g} s; gave up"


class Deadline:
    """An operation's time limit, in seconds on the monotonic clock; None is no limit (a
    connection meant to wait, such as IDLE, once it is set up).

    :meth:`watch` names a socket of the operation; when the limit passes, every socket
    watched is shut down and :attr:`expired` is set. :meth:`arm` starts a new limit (a
    renewed IDLE), :meth:`cancel` lifts it, :meth:`close` lifts it and lets the sockets go
    (their connections are their owners' to close). :attr:`where` names the server of the
    last socket connected under :meth:`covering`.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.expired = threading.Event()
        #: ``"HOST:PORT"`` of the last socket connected under :meth:`covering` (HOST the
        #: name the thread looked up last, else the address), None before one is
        self.where: str | None = None
        self._looked_up: str | None = None
        self._lock = threading.Lock()
        self._handles: list[socket.socket] = []
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
        """Whether the limit has passed: the sockets were shut, or a timeout cut to what was
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
            handle = sock.dup()
            self._handles.append(handle)
            if self.expired.is_set():
                _shut(handle)

    def close(self) -> None:
        """Lift the limit and let go of the watched sockets."""
        self.cancel()
        with self._lock:
            handles, self._handles = self._handles, []
        for handle in handles:
            handle.close()

    @contextlib.contextmanager
    def covering(self) -> Iterator[Deadline]:
        """Make this the current thread's deadline for the block: every socket the thread
        connects in it is watched (see the module's note). The sockets stay watched after
        the block, until :meth:`close`."""
        _install()
        before = getattr(_current, "deadline", None)
        _current.deadline = self
        try:
            yield self
        finally:
            _current.deadline = before

    def _connecting(self, sock: socket.socket, address: Any) -> None:
        """Audit hook, in the connecting thread: watch ``sock`` before it connects, if it
        is a network socket (a local one, such as a log's or the bus's, is left alone)."""
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return
        if self.passed():
            raise TimeoutError("the operation's deadline passed")
        if isinstance(address, tuple) and len(address) >= 2:
            host = self._looked_up or str(address[0])
            self.where = f"[{host}]:{address[1]}" if ":" in host else f"{host}:{address[1]}"
        timeout = sock.gettimeout()
        if timeout != 0.0:  # a non-blocking socket (an event loop's) keeps its mode
            sock.settimeout(self.left(timeout if timeout is not None else float("inf")))
        self.watch(sock)

    def _expire(self) -> None:
        """Timer thread: the limit passed."""
        with self._lock:
            self.expired.set()
            for handle in self._handles:
                _shut(handle)


def _shut(handle: socket.socket) -> None:
    with contextlib.suppress(OSError):
        handle.shutdown(socket.SHUT_RDWR)


#: The deadline of each thread under :meth:`Deadline.covering`.
_current = threading.local()
_installed = threading.Lock()
_hooked = False


def _install() -> None:
    """Add the audit hook, once for the process (a hook cannot be removed)."""
    global _hooked
    with _installed:
        if not _hooked:
            sys.addaudithook(_audit)
            _hooked = True


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect":
        deadline: Deadline | None = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline._connecting(args[0], args[1])
    elif event == "socket.getaddrinfo":
        deadline = getattr(_current, "deadline", None)
        if deadline is not None and isinstance(args[0], str):
            deadline._looked_up = args[0]
