"""What a signal asks of the daemon's loop: each handler only sets a flag, and the signal's
byte on the wake socket (``signal.set_wakeup_fd``) ends the loop's ``select``."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from dataclasses import dataclass
from types import FrameType


@dataclass
class Flags:
    """What the signal handlers (and the loop itself) ask of the next pass."""

    stop: bool = False
    reload: bool = False
    changed: bool = False
    #: the calendar feed is out of date
    feed: bool = False


def install_signals(flags: Flags, wake_fd: int) -> None:
    """SIGTERM and SIGINT ask the loop to stop, SIGHUP to reload, SIGUSR1 to look at the
    store; each only sets its flag, and the signal's byte on ``wake_fd`` wakes the loop."""

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if signum in (signal.SIGTERM, signal.SIGINT):
            flags.stop = True
        elif signum == signal.SIGHUP:
            flags.reload = True
        elif signum == signal.SIGUSR1:
            flags.changed = True

    signal.set_wakeup_fd(wake_fd, warn_on_full_buffer=False)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1):
        signal.signal(signum, on_signal)


class Waker:
    """A socket pair that ends the loop's ``select`` from a signal handler or another
    thread: :meth:`wake` writes a byte to it, :meth:`drain` reads them all again."""

    def __init__(self) -> None:
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self.read_fd = self._read.fileno()
        self.write_fd = self._write.fileno()

    def wake(self) -> None:
        # full: the loop is due to wake anyway; closed: the loop is gone
        with contextlib.suppress(BlockingIOError, OSError):
            self._write.send(b"\0")

    def drain(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while self._read.recv(4096):
                pass

    def close(self) -> None:
        """Let the pair go, first taking it back from the signal machinery when it was
        given to it (only the main thread may)."""
        if threading.current_thread() is threading.main_thread():
            other = signal.set_wakeup_fd(-1)
            if other not in (-1, self.write_fd):
                signal.set_wakeup_fd(other)
        self._read.close()
        self._write.close()
