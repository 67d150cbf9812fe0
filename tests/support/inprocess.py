"""The reminder daemon in the test's own process: :class:`followup.daemon.loop.Daemon` with a
recording notifier and a clock the test sets, its loop's passes run one at a time.

What the daemon decides (what is shown when, in one notification or several, what a button
records, what is closed) is tested here; what only the process shows (signals, the bus, the
scheduler's thread, the wall clock jumping, systemd) is tested with the real process
(``tests/support/daemon.py``).

One pass (:meth:`InProcessDaemon.tick`) is what the real loop does on a wake: the
scheduler's one job is taken as fired when the clock has reached the instant it is armed for
(which is when APScheduler's thread fires it; ``tests/daemon/test_daemon_parts.py`` pins the
arming), then :meth:`Daemon._work` runs at the clock's instant. A command run through the
``cli`` fixture commits to the same store, which the daemon's store watch notices on the
next pass, as the process notices the CLI's commit.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import FrameType, TracebackType
from typing import Self

from followup.config import load
from followup.daemon.loop import Daemon, name_categories_left_out
from followup.daemon.mail import MailWatch
from followup.errors import DeliveryError
from followup.notify.base import BusSignal, Note

#: What the recording notification server of the process tests advertises
#: (``tests/support/notification_server.py``).
SERVER_CAPABILITIES = frozenset({"body", "body-markup", "actions", "persistence"})


@dataclass
class RecordingNotifier:
    """A notifier that keeps what the daemon asked of the desktop: every note shown (with
    the id the server would give it, from 1), every id closed. ``capabilities`` are the
    server's; ``failure``, when set, is the :class:`DeliveryError` message every ``show``
    raises (the server is gone); a note whose title or body holds ``refuse`` is refused,
    as the process tests' server does with ``refuse=``. Every id it gave is its own
    (:meth:`gave`): it never restarts."""

    caps: frozenset[str] = SERVER_CAPABILITIES
    failure: str | None = None
    refuse: str | None = None
    #: whether the server draws buttons (the process tests' server, by its name, does not)
    buttons: bool = False
    shown: list[tuple[int, Note]] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    adopted: set[int] = field(default_factory=set)

    def show(self, note: Note) -> int | None:
        if self.failure is not None:
            raise DeliveryError(self.failure)
        if self.refuse is not None and self.refuse in note.title + note.body:
            raise DeliveryError(f"the notification server refused it: it holds {self.refuse!r}")
        notification_id = len(self.shown) + 1
        self.shown.append((notification_id, note))
        return notification_id

    def capabilities(self) -> frozenset[str]:
        return self.caps

    def close_notification(self, notification_id: int) -> None:
        self.closed.append(notification_id)

    def draws_buttons(self) -> bool:
        return self.buttons

    def gave(self, notification_id: int) -> bool:
        return notification_id in self.adopted or any(i == notification_id for i, _ in self.shown)

    def server_identity(self) -> str | None:
        return "recording"

    def adopt(self, notification_id: int) -> None:
        self.adopted.add(notification_id)

    @property
    def notes(self) -> list[Note]:
        return [note for _id, note in self.shown]


@dataclass
class Clock:
    """The daemon's wall clock: an aware instant the test sets."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


class InProcessDaemon:
    """A :class:`Daemon` on the test's home (its config file, store and state folder, as
    the ``home`` fixture made them), never run as a loop: :meth:`start` does what
    ``Daemon.run`` does before its loop (take the lock, plan everything), and each
    :meth:`tick` or :meth:`at` is one pass of the loop."""

    def __init__(
        self,
        clock: Clock,
        notifier: RecordingNotifier,
        channels: dict[str, RecordingNotifier] | None = None,
    ) -> None:
        self.clock = clock
        self.notifier = notifier
        self.daemon = Daemon(
            load(), env=os.environ, notifier=notifier, channels=channels, clock=clock
        )
        # The CLI pokes the daemon its state file names (this process): as in the daemon,
        # SIGUSR1 only asks the next pass to look at the store.
        self._usr1 = signal.signal(signal.SIGUSR1, self._poked)

    def _poked(self, _signum: int, _frame: FrameType | None) -> None:
        self.daemon.flags.changed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> Self:
        """Take the lock, plan every interview, name the holiday categories left out (as
        :meth:`Daemon.run` does), and run the first pass (a reminder due
        while no daemon ran is shown by it)."""
        self.daemon.lock.acquire()
        self.daemon._sync(everything=True)
        name_categories_left_out(self.daemon.context)
        self.tick()
        return self

    def tick(self) -> None:
        """One pass of the loop at the clock's instant."""
        daemon, now = self.daemon, self.clock()
        jobs = daemon.jobs
        if jobs.armed is not None and jobs.armed <= now:
            jobs.fired.put(jobs.armed)
        if daemon.flags.reload:
            daemon.flags.reload = False
            daemon._reload(now)
        daemon._work(now)
        if daemon.flags.feed:  # the loop's next turn begins with it
            daemon.flags.feed = False
            daemon.feed.write(now)

    def at(self, instant: datetime) -> None:
        """Move the wall clock to ``instant`` and run one pass."""
        self.clock.now = instant
        self.tick()

    def settle(self) -> None:
        """Let the sends under way on the channels besides the desktop (each in its own
        thread) finish, then run one pass, which records what they came to."""
        for part in self.daemon.outbound.parts:
            assert part.wait_idle(30.0), f"{part.name}: a send still under way after 30 s"
        self.tick()

    def reload(self) -> None:
        """What SIGHUP asks for: read the config again, at the next pass."""
        self.daemon.flags.reload = True
        self.tick()

    def press(self, notification_id: int, action: str) -> None:
        """A person pressing a button: ``ActionInvoked``, then ``NotificationClosed``, as
        a desktop sends them, and the pass they wake."""
        self.daemon.buttons.on_bus_signal(BusSignal(notification_id, action))
        self.daemon.buttons.on_bus_signal(BusSignal(notification_id, None))
        self.tick()

    def next_reminder(self) -> str:
        """What the state file (and ``followup status``) says comes next."""
        return str(self.daemon.state["next_reminder"])

    def close(self) -> None:
        daemon = self.daemon
        daemon.outbound.stop()
        if daemon.mail is not None:
            daemon.mail.stop()
        daemon.lock.release()
        daemon._watch.close()
        daemon.db.close()
        daemon._waker.close()
        signal.signal(signal.SIGUSR1, self._usr1)


def discard(daemon: Daemon) -> None:
    """Close what making a :class:`Daemon` opened, for one whose loop never ran: its store,
    the store's watch and its wake sockets."""
    daemon._watch.close()
    daemon.db.close()
    daemon._waker.close()


def mail_watch_of(daemon: Daemon, publish: Callable[[], None] = lambda: None) -> MailWatch:
    """A mail watch on ``daemon``'s config, store, notifier and state, not started: it wakes
    and re-plans nothing, and calls ``publish`` where it would write the state file."""
    return MailWatch(
        daemon.config,
        daemon.tracker,
        daemon.notifier,
        daemon.state,
        wake=lambda: None,
        replan=lambda: None,
        publish=publish,
    )
