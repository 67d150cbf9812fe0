"""The reminder daemon: turns planned reminders into desktop notifications, each exactly once.

The store is the source of truth. APScheduler holds one in-memory date job per pending
reminder, rebuilt from the store at start, on SIGHUP and for each interview the CLI
changes. A job only hands its reminder to the main loop; the main loop shows it (inside the
``notify.at``..``notify.until`` window), records it in the ledger, and retries a failed
delivery with backoff. Jobs never expire (``misfire_grace_time=None``): a reminder that comes
due during a suspend or a busy moment is late, never dropped.

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

The calendar feed (``[export] ics_path``): written once the daemon is ready, after a reload
and after every look at the store that found a change, never on an idle wake; only the
interviews that changed are serialised again, an unchanged feed is not rewritten, and one
that cannot be written is logged while the reminders go on.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import select
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from queue import Empty, SimpleQueue
from types import FrameType
from typing import TYPE_CHECKING, Any

from followup import messages
from followup.config import Config, load
from followup.errors import DeliveryError, FollowupError
from followup.messages import DueReminder, notes_for
from followup.notifier import BusSignal, Note, Notifier, make_notifier
from followup.rules import Kind, Status, local_instant
from followup.runstate import DaemonLock, DaemonState
from followup.sdnotify import SystemdNotifier
from followup.store import Database
from followup.store.watch import watch_store
from followup.tracker import Due, InterviewView, Tracker

if TYPE_CHECKING:
    from followup.transfer.ics import Feed

log = logging.getLogger("followup.daemon")

#: The longest sleep: how soon a resume from suspend is noticed (the wall clock is compared
#: with the monotonic one at every wake). Each wake costs a little CPU even when idle, so it
#: is as long as the promise "within a minute" comfortably allows.
WAKE_S = 30.0
CLOCK_JUMP_S = 2.0
RETRY_FIRST_S = 15.0
RETRY_MAX_S = 300.0

Key = tuple[int, Kind, datetime]


def _key(due: Due) -> Key:
    return (due.interview_id, due.kind, due.at.astimezone(UTC))


def _job_id(key: Key) -> str:
    return f"{key[0]}/{key[1].value}/{key[2].isoformat()}"


@dataclass
class Held:
    """A reminder that came due and waits to be shown (window closed, or delivery failed)."""

    key: Key
    next_attempt: datetime
    attempts: int = 0


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
        self.systemd = SystemdNotifier(self.env)
        self.lock = DaemonLock(self.env)
        self.flags = Flags()
        self.fired: SimpleQueue[Key] = SimpleQueue()
        self.held: dict[Key, Held] = {}
        #: the reminder each interview has a job for (at most one per interview)
        self.jobs: dict[int, Key] = {}
        self.known: dict[int, str] = {}
        self.state = DaemonState(os.getpid(), clock().isoformat(timespec="seconds"))
        self._last_error: str | None = None
        self._open(config)
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._scheduler = self._make_scheduler()

    # -- setup -------------------------------------------------------------------------

    def _open(self, config: Config) -> None:
        self.config = config
        self.db = Database(config.store_url)
        self.tracker = Tracker(config, self.db)
        self._feed: Feed | None = None
        self._watch = watch_store(self.db)

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
            self._sync(everything=True)
            _settle_memory()
            self.systemd.ready(self._status_text())
            log.info("ready: %s", self._status_text())
            self._loop()
        finally:
            self.systemd.stopping()
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
            store_changed = self._watch.changed()
            if self.flags.changed or store_changed:
                self.flags.changed = False
                self._sync(everything=False)
            if not self.signals.empty():
                self._handle_signals()
            if not self.fired.empty():
                self._collect_fired()
            if self.held:
                self._deliver_ready()

    def _timeout(self, next_watchdog: float) -> float:
        """Sleep until something is due: the watchdog, a held reminder's turn, a look again
        at the store, or the next look at the wall clock."""
        timeout = WAKE_S
        recheck = self._watch.recheck_in()
        if recheck is not None:
            timeout = min(timeout, recheck)
        if self.systemd.watchdog_interval:
            timeout = min(timeout, next_watchdog - time.monotonic())
        if self.held:
            soonest = min(h.next_attempt for h in self.held.values())
            timeout = min(timeout, (soonest - self.clock()).total_seconds())
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
        else:
            changed = {i for i, stamp in current.items() if self.known.get(i) != stamp}
            changed |= set(self.known) - set(current)
        if not changed and not everything:
            return
        for interview_id in changed:
            self._unschedule(interview_id)
        self.known = current
        pending = self.tracker.pending_for(None if everything else sorted(changed & set(current)))
        for due, _view in pending:
            self._schedule(due)
        log.info(
            "planned %d reminder(s) for %d changed interview(s)%s",
            len(pending),
            len(changed),
            "" if everything else f": {sorted(changed)}",
        )
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
        from apscheduler.triggers.date import DateTrigger

        key = _key(due)
        self._scheduler.add_job(
            self._fire,
            DateTrigger(run_date=key[2]),
            args=[key],
            id=_job_id(key),
            replace_existing=True,
        )
        self.jobs[due.interview_id] = key

    def _unschedule(self, interview_id: int) -> None:
        key = self.jobs.pop(interview_id, None)
        if key is not None:
            self._remove_job(key)
        for held in [k for k in self.held if k[0] == interview_id]:
            del self.held[held]

    def _remove_job(self, key: Key) -> None:
        from apscheduler.jobstores.base import JobLookupError

        with contextlib.suppress(JobLookupError):  # it has run already
            self._scheduler.remove_job(_job_id(key))

    def _fire(self, key: Key) -> None:
        """Runs in the scheduler's thread: hand the reminder over and wake the loop."""
        self.fired.put(key)
        self._wake()

    def _reload(self) -> None:
        self.systemd.reloading()
        try:
            config = load(self.config_path, self.env)
        except FollowupError as exc:
            log.error("config not reloaded, keeping the previous one: %s", exc.message)
            self.systemd.ready(self._status_text())
            return
        self._watch.close()
        self.db.close()
        self._open(config)
        refreshed = self.tracker.refresh_plans()
        log.info("config reloaded from %s (%d interview(s) re-planned)", config.path, refreshed)
        self.held.clear()
        self._sync(everything=True)
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
        keys: set[Key] = set()
        while True:
            try:
                keys.add(self.fired.get_nowait())
            except Empty:
                break
        if not keys:
            return
        now = self.clock()
        keys |= {key for key in self.jobs.values() if key[2] <= now}
        for key in keys:
            if self.jobs.get(key[0]) != key:
                continue
            del self.jobs[key[0]]
            self._remove_job(key)
            self.held.setdefault(key, Held(key, now))

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
        notes = notes_for(items, self.config.rules, self.config.notify.app_name, buttons=buttons)
        for note, group in notes:
            keys = [_key(r.due) for r in group]
            try:
                notification_id = self.notifier.show(note)
            except DeliveryError as exc:
                self._failed(keys, exc.message, now)
                continue
            if notification_id is not None and note.actions:
                self.shown[notification_id] = keys[0]
                self.acted.discard(notification_id)
            self.tracker.record_shown(keys, self.clock())
            for key in keys:
                self.held.pop(key, None)
            log.info(
                "shown: %s (interview%s %s)",
                note.title,
                "s" if len(keys) > 1 else "",
                ", ".join(str(k[0]) for k in keys),
            )
            if self._last_error is not None:
                log.info("delivery works again")
                self._last_error = None
            self.state.last_shown = f"{note.title} at {self.clock().isoformat(timespec='seconds')}"
        self._publish()

    def _failed(self, keys: Iterable[Key], cause: str, now: datetime) -> None:
        delay = RETRY_FIRST_S
        for key in keys:
            held = self.held[key]
            held.attempts += 1
            delay = min(RETRY_FIRST_S * 2 ** (held.attempts - 1), RETRY_MAX_S)
            held.next_attempt = now + timedelta(seconds=delay)
        if cause != self._last_error:
            log.error(
                "could not show a notification: %s; keeping it, retrying in %.0f s "
                "(and at most every %.0f s)",
                cause,
                delay,
                RETRY_MAX_S,
            )
        self._last_error = cause
        self.state.last_error = cause
        self.state.last_error_at = now.isoformat(timespec="seconds")

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
            if sig.action is None:
                if sig.notification_id in self.reshown:
                    self.reshown.discard(sig.notification_id)
                else:
                    self.shown.pop(sig.notification_id, None)
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
        if (
            not view.status.is_open
            or current is None
            or (current.kind, current.at_utc) != (kind, key[2])
        ):
            why = (
                f"{view.company} changed since this reminder ({_state(view)}); "
                f"see: followup show {interview_id}"
            )
            log.info(
                "action %r on a stale reminder for interview %d: %s", action, interview_id, why
            )
            self._confirm(messages.not_recorded(view.company, why, app_name, notification_id))
            return
        try:
            view = self._record(action, view, now)
        except _DraftFailed as exc:
            log.info("action 'default' for interview %d: %s", interview_id, exc.message)
            note = messages.draft_failed(view, exc.message, app_name, notification_id)
            self._reshow(notification_id, self._confirm(note), key)
            return
        except FollowupError as exc:
            log.info("action %r for interview %d not done: %s", action, interview_id, exc.message)
            self._confirm(
                messages.not_recorded(view.company, exc.message, app_name, notification_id)
            )
            return
        log.info("action %r recorded for interview %d", action, interview_id)
        self._sync(everything=False)
        new_id = self._confirm(messages.confirmation(action, view, app_name, notification_id))
        if action == messages.DRAFT:
            self._reshow(notification_id, new_id, key)

    def _reshow(self, old_id: int, new_id: int | None, key: Key) -> None:
        """The notification was replaced by one with buttons for the same reminder. A server
        that closed the old one on the click (no ``resident``) sends its close after this:
        that close must not forget the new one when the server kept the id."""
        if new_id is None:
            return
        self.shown[new_id] = key
        if new_id == old_id:
            self.reshown.add(new_id)

    def _record(self, action: str, view: InterviewView, now: datetime) -> InterviewView:
        interview_id = view.id
        if action == messages.DRAFT:
            from followup import drafting

            draft = drafting.compose(
                view,
                self.config.you,
                other_offers=False,
                template=drafting.load_template(None, self.env),
            )
            reason = drafting.open_mail_client(draft, self.env)
            if reason is not None:
                raise _DraftFailed(reason)
            return view
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
        nxt = self._next_job()
        held = f"{len(self.held)} due, waiting to be shown; " if self.held else ""
        if nxt is None:
            return held + "no reminder planned"
        at, job_id = nxt
        local = at.astimezone(self.config.calendar.zone)
        interview_id, kind = job_id.split("/")[:2]
        return held + (
            f"next: {kind.replace('_', ' ')} reminder for interview {interview_id} at "
            f"{local:%a %d %b %H:%M %Z}"
        )

    def _next_job(self) -> tuple[datetime, str] | None:
        jobs = [j for j in self._scheduler.get_jobs() if j.next_run_time is not None]
        if not jobs:
            return None
        job = min(jobs, key=lambda j: j.next_run_time)
        return job.next_run_time, job.id

    def _publish(self) -> None:
        status = self._status_text()
        self.state.next_reminder = status
        self.systemd.status(status)
        self.lock.write(self.state)


class _DraftFailed(FollowupError):
    """The Draft button found no mail client to hand the draft to."""


def _state(view: InterviewView) -> str:
    if not view.status.is_open:
        return f"it is {view.status.value.replace('_', ' ')}"
    r = view.next_reminder
    if r is None:
        return "no reminder is planned"
    what = "email" if r.kind is Kind.EMAIL else "move-on"
    return f"its {what} reminder is now on {r.day:%a} {r.day.day} {r.day:%b}"


def _settle_memory() -> None:
    """Move what start-up built (modules, thousands of jobs) out of the collector's sight.

    They live as long as the daemon; without this, each full collection walks all of them
    again, which is most of what an idle daemon would spend its CPU on.
    """
    gc.collect()
    gc.freeze()


def run(config_path: str | None) -> int:
    """``followup daemon``: run in the foreground until SIGTERM or SIGINT."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    config = load(config_path)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for warning in config.warnings:
        log.warning("%s", warning)
    try:
        from followup.notifier import session_bus_address

        session_bus_address(os.environ)
    except DeliveryError as exc:
        log.warning("%s; notifications will be retried until one appears", exc.message)
    return Daemon(config, config_path=config_path).run()
