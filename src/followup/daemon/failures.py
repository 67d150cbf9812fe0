"""What the daemon does with an exception no one expected: the part it came in is logged
with its traceback and named in the state file, and the other parts go on.

Each part's turn of a wake runs through :meth:`Failures.guard`; a StoreError is not a
part's failure (the loop waits the store out) and goes on to the loop. The threads (the
bus's, the scheduler's, the mailbox's) catch what they expect; anything else that ends one
is logged by :func:`thread_failed`. Outside a systemd unit the log is also written to a
file (:func:`log_to_file`), since a desktop session may drop a program's standard error.
"""

from __future__ import annotations

import io
import logging
import os
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from followup.daemon.state import LOOP, DaemonState, log_place, note_failure
from followup.errors import FollowupError, StoreError
from followup.ownfiles import PRIVATE, make_folder

log = logging.getLogger("followup.daemon")

T = TypeVar("T")

#: The log file's size at which it is rotated (one older file is kept beside it).
LOG_FILE_BYTES = 1 << 20


class Failures:
    """The unexpected failures of one daemon run. ``state`` is the daemon's (written by
    ``publish()``); ``clock`` gives aware UTC instants."""

    def __init__(
        self,
        state: DaemonState,
        clock: Callable[[], datetime],
        publish: Callable[[], None],
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.state = state
        self.clock = clock
        self.publish = publish
        self.wake = wake
        #: a thread's failure was named in the state, which the loop is to write (a thread
        #: never writes the state file itself: the loop does, from one thread)
        self.unpublished = False
        #: each part's last failure (its exception's line) and how many times in a row it
        #: came: a repeat is logged in one line, not with its traceback again
        self.last: dict[str, tuple[str, int]] = {}

    def guard(self, part: str, step: Callable[[], T]) -> T | None:
        """``step()``, one turn of ``part``: a StoreError goes on to the loop (the store is
        waited out); any other exception is the part's failure (:meth:`failed`), and None
        is returned so that the other parts go on."""
        try:
            return step()
        except StoreError:
            raise
        except Exception as exc:
            self.failed(part, exc)
            return None

    def died(self, exc: BaseException) -> None:
        """The loop itself failed with ``exc``: logged with its traceback and named in the
        state file; the daemon then exits non-zero, and the service manager restarts it.
        A FollowupError (a config the calendar cannot use, such as an unknown country) is
        the user's to fix, not a bug: one line with its message, no traceback."""
        if isinstance(exc, FollowupError):
            log.critical("cannot go on: %s; exiting (the service restarts it)", exc)
        else:
            log.critical(
                "the daemon's loop failed; exiting (the service restarts it)", exc_info=exc
            )
        note_failure(self.state, LOOP, exc, self.clock().isoformat(timespec="seconds"))

    def failed(self, part: str, exc: BaseException) -> None:
        """Log ``exc``, an unexpected exception in ``part``, with its traceback to standard
        error (the journal, or the log file) and name it in the state file. The same
        failure again in a row is logged in one line, with how many times it came."""
        line = f"{type(exc).__name__}: {exc}"
        last, times = self.last.get(part, ("", 0))
        times = times + 1 if line == last else 1
        self.last[part] = (line, times)
        if times == 1:
            log.error("unexpected failure in the %s; the other parts go on", part, exc_info=exc)
        else:
            log.error(
                "unexpected failure in the %s again (%d times in a row): %s", part, times, line
            )
        note_failure(self.state, part, exc, self.clock().isoformat(timespec="seconds"))
        self.publish()

    def thread_failed(self, args: threading.ExceptHookArgs) -> None:
        """``threading.excepthook`` while the daemon runs: a thread's exception is logged
        (:func:`thread_failed`), named in the state and the loop woken to write it."""
        thread_failed(args)
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "thread"
        note_failure(self.state, name, args.exc_value, self.clock().isoformat(timespec="seconds"))
        self.unpublished = True
        self.wake()

    def publish_pending(self) -> None:
        """The loop's turn: write the state a thread's failure changed."""
        if self.unpublished:
            self.unpublished = False
            self.publish()


def log_to_file(env: Mapping[str, str]) -> None:
    """Outside a systemd unit (the autostart entry, or started by hand) log to the file
    :func:`~followup.daemon.state.log_place` names as well as to standard error: the
    traceback of a failure must be somewhere a user can send it from. The file is rotated
    at :data:`LOG_FILE_BYTES`."""
    place = log_place(env)
    if place.startswith("journalctl"):
        return
    try:
        make_folder(Path(place).parent)
        handler = _private_log(place)
    except OSError as exc:
        log.warning("cannot write the log file %s: %s", place, exc.strerror or exc)
        return
    from followup.daemon.logs import CleanFormatter

    handler.setFormatter(CleanFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)


def _private_log(place: str) -> logging.Handler:
    """A handler writing to ``place``, rotated at :data:`LOG_FILE_BYTES`, each file it makes
    private (0600) whatever the umask: the log names companies and people. Raises OSError."""
    from logging.handlers import RotatingFileHandler

    class PrivateRotatingFileHandler(RotatingFileHandler):
        def _open(self) -> io.TextIOWrapper:
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
            fd = os.open(self.baseFilename, flags, PRIVATE)
            return open(fd, "a", encoding=self.encoding, errors=self.errors)

    return PrivateRotatingFileHandler(place, maxBytes=LOG_FILE_BYTES, backupCount=1)


def thread_failed(args: threading.ExceptHookArgs) -> None:
    """An exception that ended a thread of the daemon is logged with its traceback; the
    loop and the other threads go on (``threading.excepthook``)."""
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread is not None else "a thread"
    log.error(
        "unexpected failure in %s; the other parts go on",
        name,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )
