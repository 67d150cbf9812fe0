"""Ctrl-C during a commit, answered once the commit is done.

Python runs a signal's handler only between two bytecodes, so a Ctrl-C (SIGINT) that comes
while the database's ``COMMIT`` runs (with SQLite, the WAL write and the checkpoint that may
follow it, a second or more for a large import on a busy disk) is raised just after that C
call returns: the change is then saved, but the caller cannot tell that moment from one just
before the commit. While :func:`held` is active, SIGINT is only noted; it is raised as
KeyboardInterrupt when the block ends, after the caller has counted the commit, so that what
is said about the change is known, never "maybe".

Only the main thread with Python's own handler installed is touched (``signal.signal``
works in the main thread alone, and a program with a handler of its own, such as the
daemon, keeps it).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def held() -> Iterator[None]:
    """Hold SIGINT over the block; one that came is raised as KeyboardInterrupt once the
    block has ended without an exception of its own."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    came: list[int] = []

    def note(signum: int, _frame: FrameType | None) -> None:
        came.append(signum)

    signal.signal(signal.SIGINT, note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if came:
        raise KeyboardInterrupt
