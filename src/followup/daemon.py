"""The reminder daemon: turns planned reminders into desktop notifications, each exactly once.

The store is the source of truth. The pending reminders wait in an in-memory heap ordered
by instant, filled from the store at start, on SIGHUP and for each interview the CLI
changes; APScheduler holds ONE date job, armed at the heap's soonest instant and re-armed
whenever that changes. (One job per reminder made APScheduler's ``add_job`` most of the
start with thousands of interviews, and its memory grew with them; a heap entry is a tuple.)
When the job runs it only wakes the main loop; the loop takes every reminder due by then
off the heap, shows it (inside the ``notify.at``..``notify.until`` window), records it in
the ledger, retries a failed delivery with backoff, and re-arms the job. The job never
expires (``misfire_grace_time=None``): a reminder that comes due during a suspend or a busy
moment is late, never dropped.

APScheduler waits with ``threading.Event.wait``, which runs on the monotonic clock and does
not advance while the machine sleeps. The main loop wakes at least every 30 seconds; when
the wall clock has moved away from the monotonic one (a resume, or a clock set), it asks
the scheduler to look again, so a reminder due during a suspend is shown within 30 seconds
of resume. A wall clock set backwards cannot repeat a reminder: the ledger is checked before
every notification.

The loop sleeps in one ``select``: signal handlers only set flags and
``signal.set_wakeup_fd`` wakes it; a fired job writes to a socket; a commit by the CLI wakes
it through the store's inotify watch (SIGUSR1 from the CLI too). Idle, it wakes twice a
minute.

Buttons (the D-Bus backend): the backend's receiving thread only queues ``ActionInvoked`` and
``NotificationClosed`` and wakes the loop; the loop acts through the same tracker calls as the
CLI, re-plans, and replaces the notification with a confirmation. Which reminder a
notification was for lives in memory only (notification id -> reminder): after a restart an
old button is unknown and ignored; an action whose reminder is no longer the interview's
current one records nothing and says so; a notification's first recording action is its
only one.

Notifications that stay true: whenever the daemon re-plans an interview (a CLI command, a
button, a deleted interview, a reload), every notification on screen that shows one of its
reminders is checked against the interview's current reminder; one that is no longer
pending is closed (``CloseNotification``), and a summary that still lists others is
replaced by a summary of those. Showing a reminder closes an older one of the same
interview. The ids live in memory only: after a restart the notifications an earlier run
showed are unknown and stay until the user dismisses them.

Several machines on one store (PostgreSQL): each machine's daemon shows a reminder once,
whichever other machine showed it (the ledger is per machine, :mod:`followup.machine`);
a change made on another machine arrives as the store's change notice and is re-planned
like any other, so acting on any machine closes the reminder on every one.

"Draft email": the draft goes to the mail client as a ``mailto:`` link; where nothing takes
it, it is saved in the data folder and opened as a file, and where nothing opens that either,
the notification names the command and the file. A link is never shown.

The calendar feed (``[export] ics_path``): written once the daemon is ready, after a reload
and after every look at the store that found a change, never on an idle wake; only the
interviews that changed are serialised again, an unchanged feed is not rewritten, and one
that cannot be written is logged while the reminders go on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import heapq
import logging
import os
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from queue import Empty, SimpleQueue
from types import FrameType
from typing import TYPE_CHECKING, Any

from followup.business_days import calendar_for
from followup.config import Config, load
from followup.errors import DeliveryError, FollowupError, StoreError
from followup.lifecycle.service import Tracker
from followup.machine import this_machine
from followup.notify import messages
from followup.notify.base import BusSignal, Note, Notifier, close_notification
from followup.notify.choose import make_notifier
from followup.notify.messages import DueReminder, notes_for
from followup.rules import Kind, Status, local_instant
from followup.runstate import DaemonLock, new_state
from followup.sdnotify import SystemdNotifier
from followup.store import Database
from followup.store.watch import watch_store
from followup.values import Due, InterviewView

if TYPE_CHECKING:
    from followup.daemon_mail import MailWatch
    from followup.transfer.ics import Feed

log = logging.getLogger("followup.daemon")

#: The longest sleep: how soon a resume from suspend is noticed (the wall clock is compared
#: with the monotonic one at every wake). Each wake costs a little CPU even when idle, so it
#: is as long as the promise "within a minute" comfortably allows.
WAKE_S = 30.0
CLOCK_JUMP_S = 2.0
RETRY_FIRST_S = 15.0
RETRY_MAX_S = 300.0
#: How long one store operation waits for another program's write lock; then the daemon
#: carries on and tries again after a backoff from STORE_RETRY_FIRST_S to STORE_RETRY_MAX_S.
STORE_BUSY_S = 5.0
STORE_RETRY_FIRST_S = 2.0
STORE_RETRY_MAX_S = 60.0
#: Added to the title of a reminder that may have been shown before a crash.
MAYBE_REPEATED = " (possibly shown already)"

Key = tuple[int, Kind, datetime]


def _key(due: Due) -> Key:
    return (due.interview_id, due.kind, due.at.astimezone(UTC))


#: The id of the one scheduler job: it fires at the soonest pending reminder's instant.
JOB_ID = "next-reminder"


@dataclass
class Held:
    """A reminder that came due and waits to be shown (window closed, or delivery failed)."""

    key: Key
    next_attempt: datetime
    attempts: int = 0
    #: its delivery failed once as part of a summary: from now on it is shown on its own,
    #: so that it can never hold back the others
    alone: bool = False


@dataclass
class Flags:
    stop: bool = False
    reload: bool = False
    changed: bool = False
    #: the calendar feed is out of date
    feed: bool = False


class Daemon:
    def __init__(
        self,
        config: Config,
        *,
        config_path: str | None = None,
        env: MutableMapping[str, str] | None = None,
        notifier: Notifier | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.env = os.environ if env is None else env
        self.config_path = config_path
        self.clock = clock
        self.signals: SimpleQueue[BusSignal] = SimpleQueue()
        self.notifier = notifier or make_notifier(
            config.notify.backend, self.env, self._on_bus_signal
        )
        #: notification id -> the reminder it shows (only notifications with buttons)
        self.shown: dict[int, Key] = {}
        #: notifications whose recording button was handled: a repeat records nothing
        self.acted: set[int] = set()
        #: notifications re-shown after a button (the draft): their next close is the old one
        self.reshown: set[int] = set()
        #: notification id -> the reminders it shows, while it is on screen (every backend
        #: that learns ids): what is closed once they are no longer pending
        self.displayed: dict[int, tuple[Key, ...]] = {}
        self.systemd = SystemdNotifier(self.env)
        self.lock = DaemonLock(self.env)
        self.flags = Flags()
        #: instants the scheduler's job ran for (the loop then takes what is due)
        self.fired: SimpleQueue[datetime] = SimpleQueue()
        self.held: dict[Key, Held] = {}
        #: the reminder each interview waits for (at most one per interview)
        self.jobs: dict[int, Key] = {}
        #: the same reminders by instant, soonest first: (instant UTC, interview id, key);
        #: an entry whose key is no longer the interview's in ``jobs`` is stale and skipped
        self.queue: list[tuple[datetime, int, Key]] = []
        #: the instant the scheduler's one job is armed for, or None
        self.armed: datetime | None = None
        self.known: dict[int, str] = {}
        self.state = new_state(os.getpid(), clock().isoformat(timespec="seconds"))
        self._last_error: str | None = None
        #: reminders shown whose ledger confirmation could not be written yet
        self.unconfirmed: dict[Key, datetime] = {}
        self._store_failures = 0
        self._store_retry_at: float | None = None
        #: this machine: its ledger is its own (every machine shows each reminder once)
        self.machine = this_machine(self.env)
        self._open(config)
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._scheduler = self._make_scheduler()
        self.mail: MailWatch | None = None

    # -- setup -------------------------------------------------------------------------

    def _open(self, config: Config) -> None:
        self.config = config
        self.db = Database(config.store_url, busy_timeout=STORE_BUSY_S)
        self.tracker = Tracker(config, self.db, self.machine)
        self._feed: Feed | None = None
        self._watch = watch_store(self.db)

    def _start_mail(self) -> None:
        """The ``[mail]`` watch (see :mod:`followup.daemon_mail`), made again on a reload."""
        if self.mail is not None:
            self.mail.stop()
            self.mail = None
        if self.config.mail is None:
            return
        from followup.daemon_mail import MailWatch

        self.mail = MailWatch(
            self.config,
            self.tracker,
            self.notifier,
            self.state,
            clock=self.clock,
            wake=self._wake,
            in_window=self.in_window,
            replan=lambda: self._sync(everything=False),
            publish=self._publish,
        )
        self.mail.start()

    def _make_scheduler(self) -> Any:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        return BackgroundScheduler(
            timezone=UTC,
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    def _install_signals(self) -> None:
        def on_signal(signum: int, _frame: FrameType | None) -> None:
            if signum in (signal.SIGTERM, signal.SIGINT):
                self.flags.stop = True
            elif signum == signal.SIGHUP:
                self.flags.reload = True
            elif signum == signal.SIGUSR1:
                self.flags.changed = True

        signal.set_wakeup_fd(self._wake_w.fileno(), warn_on_full_buffer=False)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1):
            signal.signal(signum, on_signal)

    # -- the loop ----------------------------------------------------------------------

    def run(self) -> int:
        self.lock.acquire()
        self._install_signals()
        try:
            self._scheduler.start()
            try:
                self._sync(everything=True)
            except StoreError as exc:
                self._store_down(exc)
            _settle_memory()
            self._start_mail()
            self.systemd.ready(self._status_text())
            log.info("ready: %s", self._status_text())
            self._loop()
        finally:
            self.systemd.stopping()
            if self.mail is not None:
                self.mail.stop()
            stop = getattr(self.notifier, "stop", None)
            if stop is not None:
                stop()
            self._scheduler.shutdown(wait=False)
            self.lock.release()
            self._watch.close()
            self.db.close()
            log.info("stopped")
        return 0

    def _loop(self) -> None:
        """Sleep until something happens, then do only what it asks: an idle wake checks the
        wall clock and nothing else."""
        offset = time.time() - time.monotonic()
        next_watchdog = time.monotonic()
        while not self.flags.stop:
            if self.flags.feed:
                self._write_feed()
            if self.systemd.watchdog_interval and time.monotonic() >= next_watchdog:
                self.systemd.watchdog()
                next_watchdog = time.monotonic() + self.systemd.watchdog_interval
            wake_fd, watch_fd = self._wake_r.fileno(), self._watch.fileno()
            watched = [wake_fd] if watch_fd is None else [wake_fd, watch_fd]
            readable = select.select(watched, [], [], self._timeout(next_watchdog))[0]
            if wake_fd in readable:
                self._drain_wakeups()
            if self.flags.stop:
                break
            new_offset = time.time() - time.monotonic()
            if abs(new_offset - offset) > CLOCK_JUMP_S:
                log.info(
                    "wall clock moved by %+.0f s (resume from suspend, or clock set); "
                    "checking what came due",
                    new_offset - offset,
                )
                self._scheduler.wakeup()
            offset = new_offset
            if self.flags.reload:
                self.flags.reload = False
                self._reload()
            try:
                self._work()
            except StoreError as exc:
                self._store_down(exc)

    def _work(self) -> None:
        """One wake's work with the store; a StoreError leaves it for :meth:`_store_down`."""
        if self._store_retry_at is not None:
            if time.monotonic() < self._store_retry_at:
                return
            self.flags.changed = True
        if self.unconfirmed:
            self._confirm_pending()
        store_changed = self._watch.changed()
        if self.flags.changed or store_changed:
            self.flags.changed = False
            self._sync(everything=self._store_retry_at is not None and not self.known)
            if self.mail is not None:
                self.mail.store_changed()
        if not self.signals.empty():
            self._handle_signals()
        if self.mail is not None:
            self.mail.work()
        if not self.fired.empty():
            self._collect_fired()
        if self.held:
            self._deliver_ready()
        if self._store_retry_at is not None:
            log.info("the store can be used again")
            self._store_retry_at, self._store_failures = None, 0
            self.state["store_error"] = None
            self._publish()

    def _store_down(self, exc: StoreError) -> None:
        """The store is locked, unreachable or failing: wait it out with backoff (never a
        reason to exit); log the first failure of a kind once."""
        delay = min(STORE_RETRY_FIRST_S * 2**self._store_failures, STORE_RETRY_MAX_S)
        self._store_failures += 1
        self._store_retry_at = time.monotonic() + delay
        if exc.message != self.state["store_error"]:
            log.error("the store cannot be used: %s; trying again in %.0f s", exc.message, delay)
        self.state["store_error"] = exc.message
        self._publish()

    def _timeout(self, next_watchdog: float) -> float:
        """Sleep until something is due: the watchdog, a held reminder's turn, a look again
        at the store, or the next look at the wall clock."""
        timeout = WAKE_S
        recheck = self._watch.recheck_in()
        if recheck is not None:
            timeout = min(timeout, recheck)
        if self.systemd.watchdog_interval:
            timeout = min(timeout, next_watchdog - time.monotonic())
        if self._store_retry_at is not None:
            timeout = min(timeout, self._store_retry_at - time.monotonic())
        elif self.held:
            soonest = min(h.next_attempt for h in self.held.values())
            timeout = min(timeout, (soonest - self.clock()).total_seconds())
        mail = self.mail.timeout() if self.mail is not None else None
        if mail is not None and self._store_retry_at is None:
            timeout = min(timeout, mail)
        return max(0.0, timeout)

    def _drain_wakeups(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except BlockingIOError:
            pass

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError):  # full: the loop is due to wake anyway
            self._wake_w.send(b"\0")

    # -- planning ----------------------------------------------------------------------

    def _sync(self, *, everything: bool) -> None:
        """Re-plan the interviews that changed since the last look (all, at start).

        At start the state file is written even for an empty store: ``followup status``,
        the CLI's poke and a second daemon's refusal all find the running pid there.
        """
        if everything:
            self._watch.changed()  # the baseline: later commits by others bump it
        current = self.tracker.fingerprints()
        if everything:
            changed = set(current)
            for interview_id in list(self.jobs):
                self._unschedule(interview_id)
            self.queue.clear()
        else:
            changed = {i for i, stamp in current.items() if self.known.get(i) != stamp}
            changed |= set(self.known) - set(current)
        if not changed and not everything:
            return
        for interview_id in changed:
            self._unschedule(interview_id)
        self.known = current
        pending = self.tracker.pending(None if everything else sorted(changed & set(current)))
        pending = [due for due in pending if _key(due) not in self.unconfirmed]
        for due in pending:
            self._schedule(due)
        self._rearm()
        log.info(
            "planned %d reminder(s) for %d changed interview(s)%s",
            len(pending),
            len(changed),
            "" if everything else f": {sorted(changed)}",
        )
        self._tidy(None if everything else changed)
        self._publish()
        self.flags.feed = self.config.export.ics_path is not None

    def _write_feed(self) -> None:
        """Keep ``export.ics_path`` current: asked for only when something changed (and at
        start and reload), so idle wakes never build it, and written from the loop once
        reminders are planned, so a large feed never holds back the start. A failure is
        logged and the reminders go on."""
        self.flags.feed = False
        path = self.config.export.ics_path
        if path is None:
            return
        from followup.transfer.files import write_atomic

        if self._feed is None:
            from followup.transfer.ics import Feed

            self._feed = Feed()
        try:
            written = write_atomic(path, self._feed.render(self.tracker))
        except FollowupError as exc:
            log.error("calendar feed not written: %s", exc.message)
            return
        if written:
            log.info("calendar feed written to %s", path)

    def _schedule(self, due: Due) -> None:
        """Put ``due`` on the heap (its interview's only pending reminder); the caller
        re-arms the job once its batch is in (:meth:`_rearm`)."""
        key = _key(due)
        self.jobs[due.interview_id] = key
        heapq.heappush(self.queue, (key[2], key[0], key))

    def _unschedule(self, interview_id: int) -> None:
        """Forget the interview's pending reminder: its heap entry goes stale (skipped when
        it comes up) and the job, if armed for it, runs for nothing and is re-armed."""
        self.jobs.pop(interview_id, None)
        for held in [k for k in self.held if k[0] == interview_id]:
            del self.held[held]

    def _soonest(self) -> Key | None:
        """The pending reminder due first, dropping stale heap entries on the way."""
        queue = self.queue
        while queue and self.jobs.get(queue[0][1]) != queue[0][2]:
            heapq.heappop(queue)
        if len(queue) > 64 and len(queue) > 2 * len(self.jobs):  # mostly stale: rebuild
            self.queue = queue = [(k[2], k[0], k) for k in self.jobs.values()]
            heapq.heapify(queue)
        return queue[0][2] if queue else None

    def _rearm(self) -> None:
        """Arm the one scheduler job at the soonest pending instant (or remove it when
        nothing is pending); nothing is done when it is armed there already."""
        soonest = self._soonest()
        at = soonest[2] if soonest is not None else None
        if at == self.armed:
            return
        if at is None:
            from apscheduler.jobstores.base import JobLookupError

            with contextlib.suppress(JobLookupError):  # it has run already
                self._scheduler.remove_job(JOB_ID)
        else:
            from apscheduler.triggers.date import DateTrigger

            self._scheduler.add_job(
                self._fire, DateTrigger(run_date=at), args=[at], id=JOB_ID, replace_existing=True
            )
        self.armed = at

    def _fire(self, at: datetime) -> None:
        """Runs in the scheduler's thread: say the armed instant came and wake the loop."""
        self.fired.put(at)
        self._wake()

    def _reload(self) -> None:
        """Read the config again and re-plan. Every step that can fail (reading the file,
        its calendar, opening its store, re-planning) is done before anything is replaced:
        a reload that fails keeps the previous config, store and jobs, logs one line and
        says so in ``followup status``."""
        self.systemd.reloading()
        db: Database | None = None
        try:
            config = load(self.config_path, self.env)
            calendar_for(config.calendar.place, cache=config.cache_dir)
            db = Database(config.store_url, busy_timeout=STORE_BUSY_S)
            tracker = Tracker(config, db, self.machine)
            refreshed = tracker.refresh_plans()
            watch = watch_store(db)
        except Exception as exc:
            if db is not None:
                db.close()
            why = exc.message if isinstance(exc, FollowupError) else f"{type(exc).__name__}: {exc}"
            log.error("config not reloaded, keeping the previous one: %s", why)
            self.state["reload_error"] = why
            self.state["reload_error_at"] = self.clock().isoformat(timespec="seconds")
            self._publish()
            self.systemd.ready(self._status_text())
            return
        self._watch.close()
        self.db.close()
        self.config, self.db, self.tracker, self._watch = config, db, tracker, watch
        self._feed = None
        self.state["reload_error"] = self.state["reload_error_at"] = None
        log.info("config reloaded from %s (%d interview(s) re-planned)", config.path, refreshed)
        self.held.clear()
        try:
            self._sync(everything=True)
        except StoreError as exc:
            self._store_down(exc)
        self._start_mail()
        self.systemd.ready(self._status_text())

    # -- showing -----------------------------------------------------------------------

    def _collect_fired(self) -> None:
        """Hold the reminders whose jobs ran, and every other one due by now.

        The scheduler's single worker runs jobs due at the same instant one after another,
        and the first one wakes this loop: taking only what has fired would show reminders
        due together one by one instead of as one summary. A job that runs after its
        reminder was taken here (or re-planned) is stale and ignored. The planned reminders
        are looked through only when a job has fired, so an idle tick costs nothing.
        """
        ran: set[datetime] = set()
        while True:
            try:
                ran.add(self.fired.get_nowait())
            except Empty:
                break
        if not ran:
            return
        if self.armed in ran:
            self.armed = None  # a date job is gone once it has run
        now = self.clock()
        while (key := self._soonest()) is not None and key[2] <= now:
            heapq.heappop(self.queue)
            del self.jobs[key[0]]
            self.held.setdefault(key, Held(key, now))
        self._rearm()

    def in_window(self, now: datetime) -> bool:
        local = now.astimezone(self.config.calendar.zone).time()
        return self.config.notify.at <= local < self.config.notify.until

    def next_window(self, now: datetime) -> datetime:
        zone = self.config.calendar.zone
        local = now.astimezone(zone)
        day = local.date() if local.time() < self.config.notify.at else local.date() + timedelta(1)
        return local_instant(day, self.config.notify.at, zone).astimezone(UTC)

    def _deliver_ready(self) -> None:
        now = self.clock()
        ready = [h for h in self.held.values() if h.next_attempt <= now]
        if not ready:
            return
        if not self.in_window(now):
            opens = self.next_window(now)
            log.info(
                "%d reminder(s) due outside %s-%s; holding them until %s",
                len(ready),
                f"{self.config.notify.at:%H:%M}",
                f"{self.config.notify.until:%H:%M}",
                opens.astimezone(self.config.calendar.zone).isoformat(timespec="minutes"),
            )
            for h in ready:
                h.next_attempt = opens
            return
        current = {
            _key(d): DueReminder(d, v)
            for d, v in self.tracker.pending_for(sorted({h.key[0] for h in ready}))
        }
        items = []
        for h in ready:
            if h.key in current:
                items.append(current[h.key])
            else:
                log.info(
                    "reminder %s for interview %d no longer pending; dropped",
                    h.key[1].value,
                    h.key[0],
                )
                del self.held[h.key]
        items.sort(key=lambda r: (r.due.at, r.due.interview_id))
        try:
            buttons = "actions" in self.notifier.capabilities()
        except DeliveryError as exc:
            self._failed([_key(r.due) for r in items], exc.message, now)
            self._publish()
            return
        app_name = self.config.notify.app_name
        alone = [r for r in items if self.held[_key(r.due)].alone]
        together = [r for r in items if not self.held[_key(r.due)].alone]
        notes = notes_for(together, self.config.rules, app_name, buttons=buttons)
        for item in alone:
            notes += notes_for([item], self.config.rules, app_name, buttons=buttons)
        for note, group in notes:
            self._show(note, group, now)
        self._plan_repeats({r.due.interview_id for r in items if _key(r.due) not in self.held})
        self._publish()

    def _plan_repeats(self, interview_ids: set[int]) -> None:
        """A reminder shown stays due until the user acts: schedule its repeat (showing it
        changed the ledger only, which the store's change times do not see). A showing not
        yet confirmed in the ledger is never scheduled again by this daemon."""
        if not interview_ids:
            return
        for due in self.tracker.pending(sorted(interview_ids)):
            if due.interview_id not in self.jobs and _key(due) not in self.unconfirmed:
                self._schedule(due)
        self._rearm()

    def _show(self, note: Note, group: Sequence[DueReminder], now: datetime) -> None:
        """Show one notification for ``group``: the ledger gets the intent first, and the
        confirmation once the server has accepted it, so that after a crash in between the
        reminder is known to be "maybe shown" (and is shown once more, marked so).

        A failure concerns this notification only: a summary that fails is split, and each
        of its reminders is then retried on its own with backoff. A StoreError while
        writing the intent is raised before anything is shown.
        """
        keys = [_key(r.due) for r in group]
        if any(r.due.maybe_shown for r in group):
            note = replace(note, title=note.title + MAYBE_REPEATED)
        self.tracker.record_intent(keys, now)
        try:
            notification_id = self.notifier.show(note)
        except DeliveryError as exc:
            if not exc.maybe_shown:
                with contextlib.suppress(StoreError):  # left as an intent: shown as "maybe"
                    self.tracker.forget_intent(keys)
            self._failed(keys, exc.message, now, split=len(keys) > 1)
            return
        if notification_id is not None:
            self._close_older(keys, notification_id)
            self.displayed[notification_id] = tuple(keys)
        if notification_id is not None and note.actions:
            self.shown[notification_id] = keys[0]
            self.acted.discard(notification_id)
        for key in keys:
            self.held.pop(key, None)
            self.unconfirmed[key] = self.clock()
        log.info(
            "shown: %s (interview%s %s)",
            note.title,
            "s" if len(keys) > 1 else "",
            ", ".join(str(k[0]) for k in keys),
        )
        if self._last_error is not None:
            log.info("delivery works again")
            self._last_error = None
        self.state["last_shown"] = f"{note.title} at {self.clock().isoformat(timespec='seconds')}"
        self._confirm_pending()

    def _confirm_pending(self) -> None:
        """Confirm in the ledger the reminders shown; on a StoreError they stay in memory
        (never scheduled again by this daemon) and are confirmed at the next try."""
        by_time: dict[datetime, list[Key]] = {}
        for key, at in self.unconfirmed.items():
            by_time.setdefault(at, []).append(key)
        for at, keys in by_time.items():
            self.tracker.confirm_shown(keys, at)
            for key in keys:
                del self.unconfirmed[key]

    def _failed(
        self, keys: Iterable[Key], cause: str, now: datetime, *, split: bool = False
    ) -> None:
        """Hold ``keys`` for another try with backoff; ``split``: they failed together as a
        summary, and are retried at once, each on its own."""
        delay = RETRY_FIRST_S
        for key in keys:
            held = self.held[key]
            if split:
                held.alone = True
                continue
            held.attempts += 1
            delay = min(RETRY_FIRST_S * 2 ** (held.attempts - 1), RETRY_MAX_S)
            held.next_attempt = now + timedelta(seconds=delay)
        if split:
            log.error("could not show a summary: %s; showing its reminders one by one", cause)
        elif cause != self._last_error:
            log.error(
                "could not show a notification: %s; keeping it, retrying in %.0f s "
                "(and at most every %.0f s)",
                cause,
                delay,
                RETRY_MAX_S,
            )
        self._last_error = cause
        self.state["last_error"] = cause
        self.state["last_error_at"] = now.isoformat(timespec="seconds")

    # -- notifications that stay true --------------------------------------------------

    def _tidy(self, interview_ids: set[int] | None) -> None:
        """Close what is on screen for reminders that stopped being pending (only for
        ``interview_ids``, or for all). A summary that still lists pending ones is replaced
        by a summary of those."""
        on_screen = [
            (nid, keys)
            for nid, keys in self.displayed.items()
            if interview_ids is None or any(k[0] in interview_ids for k in keys)
        ]
        if not on_screen:
            return
        ids = sorted({k[0] for _nid, keys in on_screen for k in keys})
        current: dict[int, tuple[Key, InterviewView]] = {}
        for interview_id in ids:
            try:
                view = self.tracker.get(interview_id, with_explanation=False)
            except FollowupError:
                continue  # deleted
            r = view.next_reminder
            if view.status.is_open and r is not None:
                current[interview_id] = ((interview_id, r.kind, r.at_utc), view)
        for nid, keys in on_screen:
            still = [k for k in keys if k[0] in current and current[k[0]][0] == k]
            if len(still) == len(keys):
                continue
            if not still:
                self._close(nid, "no longer pending")
                continue
            items = []
            for k in still:
                view = current[k[0]][1]
                items.append(DueReminder(Due(k[0], view.company, k[1], k[2]), view))
            note = messages.summary_note(items, self.config.notify.app_name)
            note = dataclasses.replace(note, replaces_id=nid)
            new_id = self._confirm(note)
            del self.displayed[nid]
            if new_id is not None:
                self.displayed[new_id] = tuple(still)
            log.info("summary %d now lists %d reminder(s)", nid, len(still))

    def _close_older(self, keys: list[Key], new_id: int) -> None:
        """Showing a reminder retires any other notification of the same interview that
        shows one reminder only (an older reminder of it)."""
        interviews = {k[0] for k in keys}
        for nid, shown_keys in list(self.displayed.items()):
            if nid != new_id and len(shown_keys) == 1 and shown_keys[0][0] in interviews:
                self._close(nid, "another reminder for the interview is shown")

    def _close(self, notification_id: int, why: str) -> None:
        self.displayed.pop(notification_id, None)
        self.shown.pop(notification_id, None)
        close_notification(self.notifier, notification_id, why)

    # -- buttons -----------------------------------------------------------------------

    def _on_bus_signal(self, signal_: BusSignal) -> None:
        """Runs in the D-Bus receiving thread: hand the signal over and wake the loop."""
        self.signals.put(signal_)
        self._wake()

    def _handle_signals(self) -> None:
        while True:
            try:
                sig = self.signals.get_nowait()
            except Empty:
                return
            if self.mail is not None and self.mail.on_signal(sig):
                continue
            if sig.action is None:
                if sig.notification_id in self.reshown:
                    self.reshown.discard(sig.notification_id)
                else:
                    self.shown.pop(sig.notification_id, None)
                    self.displayed.pop(sig.notification_id, None)
                continue
            if sig.notification_id in self.acted:
                log.info(
                    "ignored action %r on notification %d: already handled",
                    sig.action,
                    sig.notification_id,
                )
                continue
            key = self.shown.get(sig.notification_id)
            if key is None:
                log.info(
                    "ignored action %r on notification %d: not one of this daemon's reminders",
                    sig.action,
                    sig.notification_id,
                )
                continue
            self._act(sig.notification_id, sig.action, key)

    def _act(self, notification_id: int, action: str, key: Key) -> None:
        """Do what the button says through the CLI's own core calls, then confirm."""
        interview_id, kind, _due = key
        app_name = self.config.notify.app_name
        if action not in {a for a, _label in messages.ACTIONS_FOR[kind]}:
            log.info("ignored unknown action %r on notification %d", action, notification_id)
            return
        now = self.clock()
        if action != messages.DRAFT:
            self.acted.add(notification_id)
        self.displayed.pop(notification_id, None)  # an answer replaces it
        try:
            view = self.tracker.get(interview_id, with_explanation=False)
        except FollowupError as exc:
            log.info("action %r for interview %d not done: %s", action, interview_id, exc.message)
            self._confirm(
                messages.not_recorded(
                    f"interview {interview_id}", exc.message, app_name, notification_id
                )
            )
            return
        current = view.next_reminder
        if not view.status.is_open or current is None or not view.shows(kind, key[2]):
            why = (
                f"{view.company} changed since this reminder ({_state(view)}); "
                f"see: followup show {interview_id}"
            )
            log.info(
                "action %r on a stale reminder for interview %d: %s", action, interview_id, why
            )
            self._confirm(messages.not_recorded(view.company, why, app_name, notification_id))
            return
        if action == messages.DRAFT:
            self._reshow(notification_id, self._confirm(self._draft(view, notification_id)), key)
            return
        try:
            view = self._record(action, view, now)
        except FollowupError as exc:
            log.info("action %r for interview %d not done: %s", action, interview_id, exc.message)
            self._confirm(
                messages.not_recorded(view.company, exc.message, app_name, notification_id)
            )
            return
        log.info("action %r recorded for interview %d", action, interview_id)
        self._sync(everything=False)
        self._confirm(messages.confirmation(action, view, app_name, notification_id))

    def _reshow(self, old_id: int, new_id: int | None, key: Key) -> None:
        """The notification was replaced by one with buttons for the same reminder. A server
        that closed the old one on the click (no ``resident``) sends its close after this:
        that close must not forget the new one when the server kept the id."""
        self.displayed.pop(old_id, None)
        if new_id is None:
            return
        self.shown[new_id] = key
        self.displayed[new_id] = (key,)
        if new_id == old_id:
            self.reshown.add(new_id)

    def _draft(self, view: InterviewView, replaces_id: int) -> Note:
        """ "Draft email": the mail client gets the draft as a ``mailto:`` link; where none
        takes it, the draft is saved in the data folder and opened as a file; where nothing
        opens that either, the answer names ``followup draft ID`` and the file. Records
        nothing; the answer keeps the other buttons."""
        from followup.mail import drafting

        app_name = self.config.notify.app_name
        try:
            draft = drafting.compose(
                view,
                self.config.you,
                other_offers=False,
                template=drafting.load_template(None, self.env),
            )
        except FollowupError as exc:
            log.info("no draft for interview %d: %s", view.id, exc.message)
            return messages.draft_failed(view, exc.message, app_name, replaces_id)
        reason = drafting.open_mail_client(draft, self.env)
        if reason is None:
            log.info("draft for interview %d handed to the mail client", view.id)
            return messages.confirmation(messages.DRAFT, view, app_name, replaces_id)
        log.info("no mail client took the draft for interview %d: %s", view.id, reason[:200])
        try:
            path = drafting.save(draft, view.id, self.env)
        except FollowupError as exc:
            log.error("draft for interview %d not saved: %s", view.id, exc.message)
            return messages.draft_failed(view, exc.message, app_name, replaces_id)
        opened = drafting.open_file(path, self.env)
        if opened is None:
            log.info("draft for interview %d saved to %s and opened", view.id, path)
        else:
            log.info("draft for interview %d saved to %s; not opened: %s", view.id, path, opened)
        return messages.draft_saved(view, str(path), app_name, replaces_id, opened=opened is None)

    def _record(self, action: str, view: InterviewView, now: datetime) -> InterviewView:
        interview_id = view.id
        if action == messages.EMAILED:
            today = now.astimezone(self.config.calendar.zone).date()
            return self.tracker.emailed(interview_id, today, now)
        if action == messages.SNOOZE:
            return self.tracker.snooze(interview_id, 1, now)
        if action == messages.MOVED_ON:
            return self.tracker.close(interview_id, Status.MOVED_ON, now)
        return self.tracker.heard(interview_id, "other", None, now)

    def _confirm(self, note: Note) -> int | None:
        try:
            return self.notifier.show(note)
        except DeliveryError as exc:
            log.error("could not show the confirmation %r: %s", note.title, exc.message)
            return None

    # -- status ------------------------------------------------------------------------

    def _status_text(self) -> str:
        nxt = self._soonest()
        held = f"{len(self.held)} due, waiting to be shown; " if self.held else ""
        if nxt is None:
            return held + "no reminder planned"
        interview_id, kind, at = nxt
        local = at.astimezone(self.config.calendar.zone)
        return held + (
            f"next: {kind.value.replace('_', ' ')} reminder for interview {interview_id} at "
            f"{local:%a %d %b %H:%M %Z}"
        )

    def _publish(self) -> None:
        status = self._status_text()
        self.state["next_reminder"] = status
        self.systemd.status(status)
        try:
            self.lock.write(self.state)
        except OSError as exc:
            log.error("cannot write the state file in %s: %s", self.lock.folder, exc.strerror)


def _state(view: InterviewView) -> str:
    if not view.status.is_open:
        return f"it is {view.status.value.replace('_', ' ')}"
    r = view.next_reminder
    if r is None:
        return "no reminder is planned"
    what = "email" if r.kind is Kind.EMAIL else "move-on"
    return f"its {what} reminder is now on {r.day:%a} {r.day.day} {r.day:%b}"


def _settle_memory() -> None:
    """Move what start-up built (modules, thousands of planned reminders) out of the
    collector's sight.

    They live as long as the daemon; without this, each full collection walks all of them
    again, which is most of what an idle daemon would spend its CPU on.
    """
    gc.collect()
    gc.freeze()


def run(config_path: str | None) -> int:
    """``followup daemon``: run in the foreground until SIGTERM or SIGINT, with the cycle
    collector on (the ``followup`` program runs its commands without it)."""
    gc.enable()
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    config = load(config_path)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for warning in config.warnings:
        log.warning("%s", warning)
    try:
        from followup.notify.base import session_bus_address

        session_bus_address(os.environ)
    except DeliveryError as exc:
        log.warning("%s; notifications will be retried until one appears", exc.message)
    _wait_for_store(config, SystemdNotifier(os.environ))
    return Daemon(config, config_path=config_path).run()


def _wait_for_store(config: Config, systemd: SystemdNotifier) -> None:
    """Open the store once before starting: a store that is locked by another program (a
    schema upgrade waits for its write lock) or a database server that is not up yet is
    waited out with backoff, never a reason to exit. Any other StoreError is raised.

    Waits on an Event rather than ``time.sleep`` (which libfaketime breaks); SIGTERM ends
    the wait as it would end the daemon.
    """
    pause = threading.Event()
    delay, said = STORE_RETRY_FIRST_S, None
    while True:
        try:
            Database(config.store_url, busy_timeout=STORE_BUSY_S).close()
        except StoreError as exc:
            if not exc.transient:
                raise
            if exc.message != said:
                log.error(
                    "the store cannot be used yet: %s; waiting for it (trying again in "
                    "%.0f s, then at most every %.0f s)",
                    exc.message,
                    delay,
                    STORE_RETRY_MAX_S,
                )
                said = exc.message
            systemd.status(f"waiting for the store: {exc.message}")
            pause.wait(delay)
            delay = min(delay * 2, STORE_RETRY_MAX_S)
            continue
        if said is not None:
            log.info("the store can be used again")
        return
