"""The daemon's mailbox watch: looks at the user's mailbox on a period and when the server
announces new mail, and asks each finding's question as a notification with buttons.

Nothing here blocks the daemon's loop. The mailbox is read by a thread of its own (the
password command, the login, the searches), which touches neither the store nor the
screen: it hands what it read to the loop through a queue and wakes it (the daemon's wake
socket). The loop stores the findings, and shows the questions and answers their buttons
(:mod:`followup.daemon.questions`).

A second connection waits in ``IDLE`` (RFC 2177) on the first reply folder, in a second
thread, when the server offers it; an ``EXISTS`` there starts a check at once. It is opened
only after a check worked, so a refused login is never retried by it on its own. A server
that ends IDLE by itself (many do after 10 to 29 minutes, with ``BYE`` or by closing) is
normal: the connection is opened again at once and a look runs, so that mail that came
meanwhile is not missed; backoff is only for connections that fail (or that the server
ends within ``IDLE_SHORTEST_S`` of opening, again and again).

A look that fails (the password command, a refused login or certificate, an unreachable
server, a folder that does not exist) is logged once per cause (what failed: a connection
refused and then reset is one cause), shown by ``followup
status`` (the state file) and tried again with backoff, from ``RETRY_FIRST_S`` doubling up
to ``RETRY_MAX_S`` but never sooner than the check period (:func:`retry_delay`); so is a
look whose findings the store refused. Reminders go on meanwhile. The password lives in
the reading thread for one login only and is never logged.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from queue import Empty, SimpleQueue
from zoneinfo import ZoneInfo

from followup.config import Config, MailSettings
from followup.daemon.context import Context
from followup.daemon.questions import Questions
from followup.daemon.state import DaemonState
from followup.errors import FollowupError, MailError
from followup.lifecycle.service import Tracker
from followup.mail.matching import Candidate, OpenInterview
from followup.notify.base import BusSignal, Notifier
from followup.rules import in_window

log = logging.getLogger("followup.daemon.mail")

#: The first retry after a failed look, doubling on each failure up to RETRY_MAX_S.
RETRY_FIRST_S = 10.0
RETRY_MAX_S = 30 * 60.0
#: The first retry of an IDLE connection that failed, doubling up to IDLE_RETRY_MAX_S.
IDLE_RETRY_FIRST_S = 15.0
IDLE_RETRY_MAX_S = 15 * 60.0
#: How long one wait in IDLE lasts before the thread looks whether it should stop.
IDLE_SLICE_S = 10.0
#: An IDLE connection the server ends sooner than this after it opened counts as a failed
#: one (backoff): a server that ends every IDLE at once is not hammered.
IDLE_SHORTEST_S = 2.0


@dataclass(frozen=True)
class Outcome:
    """What a reading thread hands to the loop. ``what``: ``checked`` (with ``found``),
    ``failed`` (with ``why``), ``new-mail``, ``idle-up``, ``idle-ended`` and ``idle-lost``
    (with ``why``) or ``no-idle``. ``problems``: what a look could not do, one line each; an
    unexpected exception comes with its ``trace``."""

    what: str
    found: Sequence[Candidate] = ()
    why: str = ""
    problems: tuple[str, ...] = ()
    #: an exception no one expected: the thread's traceback, which the loop logs
    trace: str = ""


@dataclass
class _Idle:
    """The IDLE connection as the loop knows it: ``down``, ``connecting``, ``up`` or
    ``unsupported`` (a Maildir, or a server without IDLE)."""

    state: str = "down"
    failures: int = 0
    retry_at: float = 0.0
    up_since: float = 0.0


class MailWatch:
    """The ``[mail]`` watch of one daemon run (made again on a reload).

    ``tracker``, ``notifier`` and ``state`` are the daemon's; ``wake`` wakes the daemon's
    loop from another thread; ``replan()`` makes the daemon re-plan after a button recorded
    something; ``publish()`` writes the state file. The questions on the desktop are
    :class:`~followup.daemon.questions.Questions`. Wall-clock instants come in from the loop
    (``now``, aware UTC); time between checks is measured on the monotonic clock, in seconds.
    """

    def __init__(
        self,
        config: Config,
        tracker: Tracker,
        notifier: Notifier,
        state: DaemonState,
        *,
        wake: Callable[[], None],
        replan: Callable[[], None],
        publish: Callable[[], None],
    ) -> None:
        assert config.mail is not None
        self.settings: MailSettings = config.mail
        self.zone = config.calendar.zone
        self.notify = config.notify
        self.tracker = tracker
        self.state = state
        self._wake = wake
        self._publish = publish
        self.period_s = self.settings.check_every_minutes * 60.0
        self._results: SimpleQueue[Outcome] = SimpleQueue()
        self._requests: SimpleQueue[list[OpenInterview] | None] = SimpleQueue()
        self._idle_requests: SimpleQueue[bool] = SimpleQueue()
        self._stopping = threading.Event()
        self._next_check: float | None = time.monotonic()  # None: a look is under way
        self._again = False
        self._failures = 0
        self._error: str | None = None
        #: the unexpected failure whose traceback was logged last
        self._traced: str | None = None
        self._idle = _Idle("unsupported" if self.settings.maildir is not None else "down")
        self._problems: tuple[str, ...] = ()
        self._ask = Questions(tracker, notifier, config.notify.app_name, replan)
        self._threads: list[threading.Thread] = []

    # -- the daemon's hooks ------------------------------------------------------------

    def start(self) -> None:
        """Start the reading thread(s); the first look happens at the loop's next wake.

        The modules the threads run are imported here, on the loop's thread, before any
        thread starts: two threads importing imapclient at once can fail with Python's
        ``_DeadlockError`` (its submodules import each other), which would stop the look
        and the IDLE listener until the next retry."""
        import followup.mail.check

        if self._idle.state != "unsupported":
            import followup.mail.idle  # noqa: F401
        logging.getLogger("imapclient").setLevel(logging.WARNING)
        targets: list[tuple[str, Callable[[], None]]] = [
            (
                "reader",
                lambda: _reader(
                    self.settings, self.zone, self._requests, self._stopping, self._post
                ),
            )
        ]
        if self._idle.state != "unsupported":
            targets.append(
                (
                    "idler",
                    lambda: _idler(self.settings, self._idle_requests, self._stopping, self._post),
                )
            )
        for name, target in targets:
            thread = threading.Thread(target=target, name=f"mail-_{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        where = self.settings.maildir or f"{self.settings.imap_host}:{self.settings.imap_port}"
        log.info(
            "checking the mailbox %s every %d minute(s)", where, self.settings.check_every_minutes
        )

    def stop(self) -> None:
        """Ask the threads to end. They are daemon threads: a look under way is abandoned
        with the process (it only reads)."""
        self._stopping.set()
        self._requests.put(None)
        self._idle_requests.put(False)

    def timeout(self) -> float | None:
        """Seconds until this watch has something to do without being woken, or None."""
        now = time.monotonic()
        soonest = [self._next_check] if self._next_check is not None else []
        if self._ask.to_show and self._ask.retry_at > now:
            soonest.append(self._ask.retry_at)
        if self._idle.state == "down" and self._idle.failures and self._error is None:
            soonest.append(self._idle.retry_at)
        return max(0.0, min(soonest) - now) if soonest else None

    def store_changed(self) -> None:
        """The store changed (a command, a button, a look): see which questions are pending."""
        self._ask.look_at_store = True

    def work(self, now: datetime) -> None:
        """The loop's turn at ``now``: take what the threads read, start a look that is due,
        show the questions waiting (inside the ``notify.at``..``notify.until`` window).
        Raises StoreError (the daemon retries with backoff)."""
        self._take_outcomes(now)
        tick = time.monotonic()
        if self._next_check is not None and tick >= self._next_check:
            self._start_check()
        self._connect_idle(tick)
        notify = self.notify
        self._ask.work(tick, in_window(now, notify.at, notify.until, self.zone))

    def on_signal(self, sig: BusSignal, now: datetime) -> bool:
        """A button or a close from the notification server, at ``now``: True when it was
        for one of this watch's questions (and was handled here)."""
        return self._ask.on_signal(sig, now)

    # -- looking -----------------------------------------------------------------------

    def _start_check(self) -> None:
        interviews = self.tracker.mail_interviews()
        if not interviews:
            # Nothing to look for: no login, no network.
            self._next_check = time.monotonic() + self.period_s
            return
        self._next_check = None
        self._again = False
        self._requests.put(interviews)

    def _take_outcomes(self, now: datetime) -> None:
        while True:
            try:
                outcome = self._results.get_nowait()
            except Empty:
                return
            if outcome.trace:
                self._unexpected(outcome, now)
            if outcome.what == "checked":
                self._note_problems(outcome.problems)
                self._checked(outcome.found, now)
            elif outcome.what == "failed":
                self._check_failed(outcome.why, now)
            elif outcome.what == "new-mail":
                log.info("new mail in %s; checking", self.settings.reply_folders[0])
                self._check_soon()
            elif outcome.what == "idle-up":
                self._idle.state, self._idle.up_since = "up", time.monotonic()
                self.state["mail_idle"] = self.settings.reply_folders[0]
                log.info("listening for new mail in %s (IDLE)", self.state["mail_idle"])
                self._publish()
            elif outcome.what == "idle-ended":
                self._idle_ended(outcome.why)
            elif outcome.what == "idle-lost":
                self._idle_lost(outcome.why)
            elif outcome.what == "no-idle":
                self._idle.state = "unsupported"
                log.info(
                    "%s does not offer IDLE: new mail is found by the checks every %d minute(s)",
                    self.settings.imap_host,
                    self.settings.check_every_minutes,
                )

    def _unexpected(self, outcome: Outcome, now: datetime) -> None:
        """A reading thread met an exception no one expected: its traceback is logged (once
        while the same one repeats: the look is retried with backoff) and it is the last
        failure ``followup status`` names."""
        from followup.daemon.state import note_failure

        if outcome.why != self._traced:
            log.error(
                "unexpected failure in the mail watch; the other parts go on\n%s",
                outcome.trace.rstrip(),
            )
            self._traced = outcome.why
        note_failure(self.state, "mail watch", outcome.why, now.isoformat(timespec="seconds"))
        self._publish()

    def _check_soon(self) -> None:
        if self._next_check is None:
            self._again = True  # a look is under way: one more right after it
        else:
            self._next_check = min(self._next_check, time.monotonic())

    def _checked(self, found: Sequence[Candidate], now: datetime) -> None:
        from followup.mail.check import record

        self._next_check = time.monotonic() + (0.0 if self._again else self.period_s)
        try:
            new = record(self.tracker, found, now)
        except FollowupError as exc:  # e.g. the store refused a finding: back off too
            self._check_failed(exc.message, now)
            return
        if self._error is not None:
            log.info("the mailbox can be read again")
        self._error, self._failures = None, 0
        self.state["mail_error"] = self.state["mail_error_at"] = None
        self.state["mail_failures"] = 0
        self.state["mail_checked_at"] = now.isoformat(timespec="seconds")
        if new:
            log.info(
                "mailbox checked: %d new finding(s) for interview(s) %s",
                len(new),
                ", ".join(str(i) for i in sorted({f.interview_id for f in new})),
            )
            self._ask.look_at_store = True
        self._publish()

    def _note_problems(self, problems: tuple[str, ...]) -> None:
        """Log each part of a look that failed, once until it changes."""
        for problem in problems:
            if problem not in self._problems:
                log.error("part of the mailbox could not be read: %s", problem)
        self._problems = problems

    def _check_failed(self, why: str, now: datetime) -> None:
        self._failures += 1
        delay = retry_delay(self._failures, self.period_s)
        self._next_check = time.monotonic() + delay
        if self._error is None or _cause(why) != _cause(self._error):
            slowest = max(RETRY_MAX_S, self.period_s)
            if delay < slowest:
                log.error(
                    "cannot check the mailbox: %s; trying again in %.0f s, then less and less "
                    "often (down to once every %.0f minutes)",
                    why,
                    delay,
                    slowest / 60,
                )
            else:
                log.error(
                    "cannot check the mailbox: %s; trying again every %.0f minutes",
                    why,
                    slowest / 60,
                )
            self.state["mail_error_at"] = now.isoformat(timespec="seconds")
        self._error = why
        self.state["mail_error"] = why
        self.state["mail_failures"] = self._failures
        self._publish()

    def _post(self, outcome: Outcome) -> None:
        self._results.put(outcome)
        self._wake()

    # -- IDLE --------------------------------------------------------------------------

    def _connect_idle(self, now: float) -> None:
        """Open the IDLE connection once a look has worked (so its login is known good)."""
        idle = self._idle
        if idle.state != "down" or self.state["mail_checked_at"] is None or self._error:
            return
        if now < idle.retry_at:
            return
        idle.state = "connecting"
        self._idle_requests.put(True)

    def _idle_ended(self, why: str) -> None:
        """The server ended IDLE (``BYE``, a finished command, a closed connection): open
        it again at once, and look now for what came meanwhile. A connection ended
        sooner than ``IDLE_SHORTEST_S`` after it opened is a failure (backoff)."""
        idle = self._idle
        now = time.monotonic()
        if idle.state != "up" or now - idle.up_since < IDLE_SHORTEST_S:
            self._idle_lost(why)
            return
        log.info("%s after %.0f s; listening again", why, now - idle.up_since)
        idle.state, idle.failures, idle.retry_at = "down", 0, now
        self.state["mail_idle"] = None
        self._check_soon()
        self._connect_idle(now)
        self._publish()

    def _idle_lost(self, why: str) -> None:
        """The IDLE connection failed or broke: a look right away tells whether the
        server is gone (and logs that, once); it is opened again with backoff, which a
        connection that lived long resets."""
        idle = self._idle
        now = time.monotonic()
        was_up = idle.state == "up"
        if was_up and now - idle.up_since > IDLE_RETRY_MAX_S:
            idle.failures = 0
        idle.state = "down"
        idle.failures += 1
        idle.retry_at = now + min(IDLE_RETRY_FIRST_S * 2 ** (idle.failures - 1), IDLE_RETRY_MAX_S)
        self.state["mail_idle"] = None
        log.debug("IDLE connection: %s", why)  # the look that follows names the cause
        if was_up:
            self._check_soon()
        self._publish()


def started_watch(context: Context, replan: Callable[[], None]) -> MailWatch:
    """The ``[mail]`` watch of the daemon whose shared room is ``context`` (its config, which
    has ``[mail]``, tracker, notifier, state, ``wake`` and ``publish``), started;
    ``replan()`` makes the daemon re-plan after a button recorded something."""
    watch = MailWatch(
        context.config,
        context.tracker,
        context.notifier,
        context.state,
        wake=context.wake,
        replan=replan,
        publish=context.publish,
    )
    watch.start()
    return watch


def _reader(
    settings: MailSettings,
    zone: ZoneInfo,
    requests: SimpleQueue[list[OpenInterview] | None],
    stopping: threading.Event,
    post: Callable[[Outcome], None],
) -> None:
    """Thread: one look per request, never touching the store or the screen."""
    from followup.mail.check import read

    while True:
        interviews = requests.get()
        if interviews is None or stopping.is_set():
            return
        try:
            seen = read(settings, interviews, zone)
        except MailError as exc:
            post(Outcome("failed", why=exc.message))
        except Exception as exc:  # the thread must live on; the loop logs it
            post(Outcome("failed", why=f"{type(exc).__name__}: {exc}", trace=_trace()))
        else:
            post(Outcome("checked", found=seen.candidates, problems=seen.problems))


def _idler(
    settings: MailSettings,
    requests: SimpleQueue[bool],
    stopping: threading.Event,
    post: Callable[[Outcome], None],
) -> None:
    """Thread: keep a connection in IDLE on the first reply folder while asked to."""
    from followup.mail.idle import IdleEnded, ImapIdle, NoIdle

    folder = settings.reply_folders[0]
    while requests.get() and not stopping.is_set():
        try:
            idle = ImapIdle(settings, folder)
        except NoIdle:
            post(Outcome("no-idle"))
            return
        except MailError as exc:
            post(Outcome("idle-lost", why=exc.message))
            continue
        except Exception as exc:
            post(Outcome("idle-lost", why=f"{type(exc).__name__}: {exc}", trace=_trace()))
            continue
        post(Outcome("idle-up"))
        try:
            while not stopping.is_set():
                if idle.wait(IDLE_SLICE_S):
                    post(Outcome("new-mail"))
        except IdleEnded as exc:
            post(Outcome("idle-ended", why=exc.message))
        except MailError as exc:
            post(Outcome("idle-lost", why=exc.message))
        except Exception as exc:
            post(Outcome("idle-lost", why=f"{type(exc).__name__}: {exc}", trace=_trace()))
        finally:
            with contextlib.suppress(Exception):
                idle.close()


def _trace() -> str:
    """The traceback of the exception being handled, as Python prints it."""
    import traceback

    return traceback.format_exc()


def retry_delay(failures: int, period_s: float) -> float:
    """Seconds before the next look after ``failures`` failed ones in a row (1 for the
    first): doubling from :data:`RETRY_FIRST_S` up to :data:`RETRY_MAX_S`, and never
    shorter than the check period ``period_s`` (``mail.check_every_minutes``): a failing
    mailbox is never logged in to, nor its password command run, more often than a
    working one."""
    backoff: float = min(RETRY_FIRST_S * 2.0 ** (failures - 1), RETRY_MAX_S)
    return max(backoff, period_s)


def _cause(why: str) -> str:
    """What failed, without the system's wording of why: "cannot reach HOST:PORT" for both
    a refused and a reset connection, so that a server going down is logged once."""
    return why.split(": ", 1)[0]
