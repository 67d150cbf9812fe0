"""The daemon's loop: how it waits, and what each wake hands to the parts that act.

The loop sleeps in one ``select``: signal handlers only set flags and
``signal.set_wakeup_fd`` wakes it; a fired scheduler job (:mod:`followup.daemon.jobs`)
writes to a socket; a commit by the CLI wakes it through the store's inotify watch (SIGUSR1
from the CLI too). Idle, it wakes twice a minute. The wall clock is read once per wake and
that instant handed to the parts: re-planning (:mod:`.jobs`), the buttons (:mod:`.buttons`),
the mailbox (:mod:`.mail`) and delivery (:mod:`.delivery`).

APScheduler waits with ``threading.Event.wait``, which runs on the monotonic clock and does
not advance while the machine sleeps. The main loop wakes at least every 30 seconds; when
the wall clock has moved away from the monotonic one (a resume, or a clock set), it asks
the scheduler to look again, so a reminder due during a suspend is shown within 30 seconds
of resume.

A store that cannot be used (locked, unreachable) is waited out with backoff, never a
reason to exit. An unexpected exception in a part (the jobs, delivery, the buttons, the
mail watch, the feed, the store's watch) is logged with its traceback and named in the
state file, and the other parts go on; one in the loop itself ends the daemon with a
non-zero status, after logging it the same way, so that the service manager starts it
again. Several machines on one store (PostgreSQL): each machine's daemon shows a
reminder once, whichever other machine showed it (the ledger is per machine,
:mod:`followup.machine`); a change made on another machine arrives as the store's change
notice and is re-planned like any other, so acting on any machine closes the reminder on
every one.
"""

from __future__ import annotations

import gc
import logging
import os
import select
import threading
import time
from collections.abc import Callable, Mapping, MutableMapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from followup.channels import registry
from followup.config import Config, load
from followup.daemon.buttons import Buttons
from followup.daemon.context import Context, Key
from followup.daemon.delivery import Delivery
from followup.daemon.failures import Failures, log_to_file, thread_failed
from followup.daemon.feed import CalendarFeed
from followup.daemon.jobs import STORE_BUSY_S, Held, Jobs, open_store, reopen
from followup.daemon.outbound import OutboundChannels
from followup.daemon.screen import Screen
from followup.daemon.signals import Flags, Waker, install_signals
from followup.daemon.state import DaemonLock, DaemonState, first_state
from followup.daemon.storewait import StoreBackoff, wait_for_store
from followup.daemon.systemd import SystemdNotifier
from followup.daemon.tasks import TaskChannels
from followup.errors import DeliveryError, FollowupError, StoreError, StoreReplaced
from followup.lifecycle.service import Tracker
from followup.machine import this_machine
from followup.notify.base import BusSignal, Notifier
from followup.store import Database
from followup.store.watch import Watch, watch_store

if TYPE_CHECKING:
    from followup.daemon.mail import MailWatch

log = logging.getLogger("followup.daemon")

#: The longest sleep: how soon a resume from suspend is noticed (the wall clock is compared
#: with the monotonic one at every wake). Each wake costs a little CPU even when idle, so it
#: is as long as the promise "within a minute" comfortably allows.
WAKE_S = 30.0
CLOCK_JUMP_S = 2.0


class Daemon:
    """One run of the daemon: the loop that waits, and the parts it hands each wake to
    (:class:`Jobs`, :class:`Delivery`, :class:`Screen`, :class:`Buttons`, the mail watch).

    ``clock`` gives aware UTC instants; it is read once per pass of the loop and the
    instant handed down.
    """

    def __init__(
        self,
        config: Config,
        *,
        config_path: str | None = None,
        env: MutableMapping[str, str] | None = None,
        notifier: Notifier | None = None,
        channels: Mapping[str, Notifier] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.env = os.environ if env is None else env
        self.config_path = config_path
        self.clock = clock
        self.systemd = SystemdNotifier(self.env)
        self.lock = DaemonLock(self.env)
        self.flags = Flags()
        self.state = first_state(self.env, self.lock.folder, clock().isoformat(timespec="seconds"))
        self._waker = Waker()
        self.failures = Failures(self.state, clock, lambda: self._publish(), self._waker.wake)
        self._guard = self.failures.guard
        self._backoff = StoreBackoff()
        #: this machine: its ledger is its own (every machine shows each reminder once)
        self.machine = this_machine(self.env)
        self.db = Database(config.store_url, busy_timeout=STORE_BUSY_S, clock=clock)
        tracker = Tracker(config, self.db, self.machine)
        self._watch = watch_store(self.db)
        self.notifier = notifier or _open_desktop(
            config, self.env, lambda sig: self.buttons.on_bus_signal(sig)
        )
        self.context = Context(
            config, tracker, self.notifier, self.state, self.env, self._publish, self._waker.wake
        )
        self.screen = Screen(self.context, self.lock.folder)
        self.buttons = Buttons(self.context, self.screen, lambda: self._sync(everything=False))
        self.feed = CalendarFeed(self.context)
        self.held: dict[Key, Held] = {}
        self.jobs = Jobs(self.context, self.held, {})
        self.delivery = Delivery(self.context, self.jobs, self.screen)
        self.tasks = TaskChannels(self.context, self.screen)
        self.outbound = OutboundChannels(self.context, channels)
        self.mail: MailWatch | None = None

    @property
    def config(self) -> Config:
        """The config in force (a reload replaces it)."""
        return self.context.config

    @property
    def tracker(self) -> Tracker:
        """The tracker on the store in force (a reload replaces it)."""
        return self.context.tracker

    def _start_mail(self) -> None:
        """The ``[mail]`` watch (see :mod:`followup.daemon.mail`), made again on a reload."""
        self.mail = _mail_watch(self.mail, self.context, lambda: self._sync(everything=False))

    # -- the loop ----------------------------------------------------------------------

    def run(self) -> int:
        """Plan, say ready, and loop until SIGTERM or SIGINT; 0. Raises FollowupError when
        another daemon holds the lock or the state folder cannot be used."""
        self.lock.acquire()
        install_signals(self.flags, self._waker.write_fd)
        died = False
        try:
            self.jobs.start()
            try:
                self._sync(everything=True)
                self.screen.restore()
                name_categories_left_out(self.context)
            except StoreError as exc:
                self._store_down(exc)
            _settle_memory()
            self._start_mail()
            self.tasks.start()
            self.systemd.ready(self.jobs.status_text())
            log.info("ready: %s", self.jobs.status_text())
            self._loop()
        except Exception as exc:
            died = True
            self.failures.died(exc)
            raise
        finally:
            self.systemd.stopping()
            if self.mail is not None:
                self.mail.stop()
            self.tasks.stop()
            self.outbound.stop()
            stop = getattr(self.notifier, "stop", None)
            if stop is not None:
                stop()
            self.jobs.shutdown()
            self.lock.release(self.state if died else None)
            for opened in (self._watch, self._waker, self.db):
                opened.close()
            log.info("stopped")
        return 0

    def _loop(self) -> None:
        """Sleep until something happens, then do only what it asks: an idle wake checks the
        wall clock and nothing else."""
        offset = time.time() - time.monotonic()
        next_watchdog = time.monotonic()
        while not self.flags.stop:
            if self.flags.feed:
                self.flags.feed = False
                self._guard("feed", lambda: self.feed.write(self.clock()))
            if self.systemd.watchdog_interval and time.monotonic() >= next_watchdog:
                self.systemd.watchdog()
                next_watchdog = time.monotonic() + self.systemd.watchdog_interval
            wake_fd, watch_fd = self._waker.read_fd, self._watch.fileno()
            watched = [wake_fd] if watch_fd is None else [wake_fd, watch_fd]
            readable = select.select(watched, [], [], self._timeout(next_watchdog))[0]
            if wake_fd in readable:
                self._waker.drain()
            if self.flags.stop:
                break
            new_offset = time.time() - time.monotonic()
            if abs(new_offset - offset) > CLOCK_JUMP_S:
                log.info(
                    "wall clock moved by %+.0f s (resume from suspend, or clock set); "
                    "checking what came due",
                    new_offset - offset,
                )
                self.jobs.wakeup()
                self.tasks.request()
            offset = new_offset
            now = self.clock()
            self.failures.publish_pending()
            if self.flags.reload:
                self.flags.reload = False
                self._reload(now)
            try:
                self._work(now)
            except StoreError as exc:
                self._store_down(exc)

    def _work(self, now: datetime) -> None:
        """One wake's work with the store, at ``now``; a StoreError leaves it for
        :meth:`_store_down`."""
        if self._backoff.retry_at is not None:
            if self._backoff.waiting():
                return
            self.flags.changed = True
        self._follow_store_file()
        if self.delivery.unconfirmed:
            self._guard("delivery", self.delivery.confirm_pending)
        store_changed = self._guard("store watch", self._watch.changed)
        if self.flags.changed or store_changed:
            self.flags.changed = False
            everything = self._backoff.retry_at is not None and not self.jobs.known
            self._guard("jobs", lambda: self._sync(everything=everything))
            if self.mail is not None:
                self._guard("mail watch", self.mail.store_changed)
        if not (self.buttons.signals.empty() and self.buttons.drafted.empty()):
            self._guard("buttons", lambda: self.buttons.handle_signals(now, self.mail))
        if self.mail is not None:
            self._guard("mail watch", lambda: self.mail.work(now) if self.mail else None)
        self._guard("task channels", lambda: self.tasks.work(now))
        if not self.jobs.fired.empty():
            self._guard("jobs", lambda: self.jobs.collect_fired(now))
        self._guard("channels", lambda: self.outbound.work(now, list(self.held)))
        if self.held:
            self._guard("delivery", lambda: self.delivery.deliver_ready(now))
        self._guard("screen", self.screen.retry_lost_and_save)
        if self._backoff.retry_at is not None:
            log.info("the store can be used again")
            self._backoff.recovered()
            self.state["store_error"] = None
            self._publish()

    def _store_down(self, exc: StoreError) -> None:
        """The store is locked, unreachable or failing: wait it out with backoff (never a
        reason to exit); log the first failure of a kind once. A store whose file was
        replaced is opened again at once."""
        if isinstance(exc, StoreReplaced):
            try:
                self._follow_store_file()
                return
            except StoreError as again:
                exc = again
        delay = self._backoff.failed()
        if exc.message != self.state["store_error"]:
            log.error("the store cannot be used: %s; trying again in %.0f s", exc.message, delay)
        self.state["store_error"] = exc.message
        self._publish()

    def _timeout(self, next_watchdog: float) -> float:
        """Sleep until something is due: the watchdog, a look again at the store (while it
        is down, nothing else), else a held reminder's turn or one a new server refused, the
        mail watch's and the task channels' next look; at most until the wall clock's."""
        now = time.monotonic()
        waits = [WAKE_S, self._watch.recheck_in(), self.screen.lost_retry_in()]
        if self.systemd.watchdog_interval:
            waits.append(next_watchdog - now)
        retry_at = self._backoff.retry_at
        if retry_at is not None:
            return max(0.0, min(w for w in [*waits, retry_at - now] if w is not None))
        if self.held:
            soonest = min(h.next_attempt for h in self.held.values())
            waits.append((soonest - self.clock()).total_seconds())
        waits.append(self.mail.timeout() if self.mail is not None else None)
        waits.append(self.outbound.timeout(self.clock()))
        return max(0.0, self.tasks.timeout(min(w for w in waits if w is not None)))

    # -- planning ----------------------------------------------------------------------

    def _sync(self, *, everything: bool) -> None:
        """Re-plan the interviews that changed since the last look (all, at start), close
        what stopped being true on screen, and mark the calendar feed out of date.

        At start the state file is written even for an empty store: ``followup status``,
        the CLI's poke and a second daemon's refusal all find the running pid there.
        """
        if everything:
            self._watch.changed()  # the baseline: later commits by others bump it
        changed = self.jobs.sync(everything=everything)
        if changed is None:
            return
        self.screen.tidy(None if everything else changed)
        self.tasks.request()
        self._publish()
        self.flags.feed = self.config.export.ics_path is not None

    def _reload(self, now: datetime) -> None:
        """Read the config again and re-plan. Every step that can fail (the file, its
        calendar, its store, re-planning) is done before anything is replaced: a reload
        that fails keeps the old config, store and jobs, logs it; ``followup status`` says so."""
        self.systemd.reloading()
        try:
            config, db, tracker, watch, refreshed = reopen(
                self.config_path, self.env, self.machine, self.clock
            )
        except Exception as exc:
            expected = exc if isinstance(exc, FollowupError) else None
            why = expected.message if expected else f"{type(exc).__name__}: {exc}"
            log.error(
                "config not reloaded, keeping the previous one: %s",
                why,
                exc_info=None if expected else exc,
            )
            self.state["reload_error"] = why
            self.state["reload_error_at"] = now.isoformat(timespec="seconds")
            self._publish()
            self.systemd.ready(self.jobs.status_text())
            return
        self.context.config = config
        self.state["reload_error"] = self.state["reload_error_at"] = None
        log.info("config reloaded from %s (%d interview(s) re-planned)", config.path, refreshed)
        self._use_store(db, tracker, watch)
        self._guard("categories", lambda: name_categories_left_out(self.context))
        self.systemd.ready(self.jobs.status_text())

    def _use_store(self, db: Database, tracker: Tracker, watch: Watch) -> None:
        """Put a newly opened store in place of the old one, and plan everything again
        from it; the old one's connections are closed."""
        self._watch.close()
        self.db.close()
        self.db, self._watch = db, watch
        self.context.tracker = tracker
        self.feed.reset()
        self.tasks = self.tasks.reloaded(self.context, self.screen)
        self.outbound = self.outbound.reloaded(self.context)
        self.held.clear()
        try:
            self.delivery.keep_unconfirmed(set(tracker.fingerprints()))
            self._sync(everything=True)
        except StoreError as exc:
            self._store_down(exc)
        self._start_mail()

    def _follow_store_file(self) -> None:
        """When the store's file was replaced (a backup moved over it, ``followup
        restore``) or deleted, open the file at its path now and plan from it: the old
        file, which nobody else sees any more, is never written to again. Raises
        StoreError when the new file cannot be opened (then tried again with backoff)."""
        if self.db.is_current():
            return
        log.warning("the store %s was replaced or deleted; opening it again", self.db.where)
        db, tracker, watch = open_store(self.config, self.machine, self.clock)
        self._use_store(db, tracker, watch)

    # -- status ------------------------------------------------------------------------

    def _publish(self) -> None:
        status = self.jobs.status_text()
        self.state["next_reminder"] = status
        self.systemd.status(status)
        try:
            self.lock.write(self.state)
        except OSError as exc:
            log.error("cannot write the state file in %s: %s", self.lock.folder, exc.strerror)


def _settle_memory() -> None:
    """Move what start-up built (modules, thousands of planned reminders) out of the
    collector's sight.

    They live as long as the daemon; without this, each full collection walks all of them
    again, which is most of what an idle daemon would spend its CPU on. The collector is
    off until here (as for every command): its passes during the start would walk the
    same objects while they are being built, to free next to nothing.
    """
    gc.collect()
    gc.freeze()
    gc.enable()


def _open_desktop(
    config: Config, env: MutableMapping[str, str], on_signal: Callable[[BusSignal], None]
) -> Notifier:
    """The desktop channel's notifier, as the config sets it."""
    desktop = registry.load("desktop")
    assert desktop.open is not None
    return desktop.open(registry.settings(config, "desktop"), env, on_signal)


def _mail_watch(
    old: MailWatch | None, context: Context, sync: Callable[[], None]
) -> MailWatch | None:
    """The ``[mail]`` watch of ``context``'s config, started, in place of ``old`` (stopped);
    None without ``[mail]``. ``sync`` re-plans what changed."""
    if old is not None:
        old.stop()
    if context.config.mail is None:
        return None
    from followup.daemon.mail import started_watch

    return started_watch(context, sync)


def note_session_bus(state: DaemonState, env: MutableMapping[str, str], now: datetime) -> None:
    """Without a D-Bus session bus no notification can be shown until one appears: say so
    in ``state``'s ``last_error`` from the start, at ``now`` (aware UTC), so that ``followup
    status`` shows it, not only the log; the first notification shown clears it."""
    from followup.notify.base import session_bus_address

    try:
        session_bus_address(env)
    except DeliveryError as exc:
        state["last_error"] = f"{exc.message}; notifications will be retried"
        state["last_error_at"] = now.isoformat(timespec="seconds")


def run(config_path: str | None) -> int:
    """``followup daemon``: run in the foreground until SIGTERM or SIGINT; 0, or 1 when an
    unexpected exception ended it (logged with its traceback: the unit restarts it). The
    cycle collector, off for every command, is turned on once start-up's objects are frozen
    (:func:`_settle_memory`): the daemon runs for days."""
    from followup.daemon import logs

    logs.setup()
    log_to_file(os.environ)
    threading.excepthook = thread_failed
    config = load(config_path)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    DaemonLock(os.environ).check()
    warnings = [str(w) for w in config.warnings]
    try:
        from followup.notify.base import session_bus_address

        session_bus_address(os.environ)
    except DeliveryError as exc:
        warnings.append(f"{exc.message}; notifications will be retried until one appears")
    wait_for_store(config, SystemdNotifier(os.environ), os.environ)
    try:
        daemon = Daemon(config, config_path=config_path)
    except FollowupError:
        raise
    except Exception as exc:
        log.critical("the daemon failed to start; exiting (the service restarts it)", exc_info=exc)
        return 1
    for warning in warnings:  # held until it starts: a refused start is one error line
        log.warning("%s", warning)
    threading.excepthook = daemon.failures.thread_failed
    note_session_bus(daemon.state, daemon.env, daemon.clock())
    try:
        return daemon.run()
    except FollowupError:
        raise  # another daemon runs, or the state folder cannot be used: one error line
    except Exception:
        return 1  # logged with its traceback and named in the state file by Daemon.run


def name_categories_left_out(context: Context) -> None:
    """Log one warning per country, among the config's and the open interviews', that
    lacks a configured holiday category (the line ``show`` and ``config`` print); the
    daemon does it at start and after each reload. Raises StoreError when the store
    cannot be read."""
    from followup.business_days import categories_left_out, left_out_text

    config = context.config
    places = [config.calendar.place]
    if places[0].categories != ("public",):
        views = context.tracker.interviews()
        places += [config.place_for(v.country, v.subdivision) for v in views]
    for country, lacked in categories_left_out(places):
        log.warning("%s", left_out_text(country, None, lacked))
