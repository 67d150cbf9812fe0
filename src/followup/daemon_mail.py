"""The daemon's mailbox watch: looks at the user's mailbox on a period and when the server
announces new mail, and asks each finding's question as a notification with buttons.

Nothing here blocks the daemon's loop. The mailbox is read by a thread of its own (the
password command, the login, the searches), which touches neither the store nor the
screen: it hands what it read to the loop through a queue and wakes it (the daemon's wake
socket). The loop stores the findings, shows the questions and answers the buttons through
the same tracker calls as the CLI:

- "Yes, I emailed" is ``followup emailed ID --on DAY`` (the message's day);
- "They replied" is ``followup heard ID --on DAY --outcome other``;
- "Not it" and "Not a reply" are ``followup mail dismiss FINDING_ID``.

A second connection waits in ``IDLE`` (RFC 2177) on the first reply folder, in a second
thread, when the server offers it; an ``EXISTS`` there starts a check at once. It is opened
only after a check worked, so a refused login is never retried by it on its own.

A look that fails (the password command, a refused login or certificate, an unreachable
server, a folder that does not exist) is logged once per cause (what failed: a connection
refused and then reset is one cause), shown by ``followup
status`` (the state file) and tried again with backoff, from ``RETRY_FIRST_S`` doubling up
to ``RETRY_MAX_S``; reminders go on meanwhile. The password lives in the reading thread for
one login only and is never logged.

Questions are asked once per run of the daemon: the findings it stores, and at start the
ones still pending (found by ``followup mail check``, or by an earlier run), so that a
reply whose interview's reminders are held is always asked about. Like reminders, they wait
for the ``notify.at``..``notify.until`` window; more than three at once become one summary
(without buttons). A question answered elsewhere is taken off the screen.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from queue import Empty, SimpleQueue

from followup.config import Config, MailSettings
from followup.errors import DeliveryError, FollowupError, MailError
from followup.lifecycle.service import Tracker
from followup.mail.matching import Candidate, OpenInterview
from followup.notify import messages
from followup.notify.base import BusSignal, Note, Notifier, close_notification
from followup.runstate import DaemonState
from followup.store.findings import Finding

log = logging.getLogger("followup.daemon.mail")

#: The first retry after a failed look, doubling on each failure up to RETRY_MAX_S.
RETRY_FIRST_S = 10.0
RETRY_MAX_S = 30 * 60.0
#: The first retry of an IDLE connection that failed, doubling up to IDLE_RETRY_MAX_S.
IDLE_RETRY_FIRST_S = 15.0
IDLE_RETRY_MAX_S = 15 * 60.0
#: How long one wait in IDLE lasts before the thread looks whether it should stop.
IDLE_SLICE_S = 10.0
#: A question that could not be shown is tried again after this long.
SHOW_RETRY_S = 60.0


@dataclass(frozen=True)
class Outcome:
    """What a reading thread hands to the loop. ``what``: ``checked`` (with ``found``),
    ``failed`` (with ``why``), ``new-mail``, ``idle-up``, ``idle-lost`` (with ``why``) or
    ``no-idle``."""

    what: str
    found: Sequence[Candidate] = ()
    why: str = ""


@dataclass
class _Idle:
    """The IDLE connection as the loop knows it: ``down``, ``connecting``, ``up`` or
    ``unsupported`` (a Maildir, or a server without IDLE)."""

    state: str = "down"
    failures: int = 0
    retry_at: float = 0.0
    up_since: float = 0.0


@dataclass
class _Asking:
    """Questions: the pending findings known at the last look at the store (by id), the
    ones still to show (in order), the ones shown in this run, and notification id ->
    finding for those on screen with buttons."""

    pending: dict[int, Finding] = field(default_factory=dict)
    to_show: list[int] = field(default_factory=list)
    asked: set[int] = field(default_factory=set)
    on_screen: dict[int, Finding] = field(default_factory=dict)
    answered: set[int] = field(default_factory=set)
    retry_at: float = 0.0
    last_error: str | None = None


class MailWatch:
    """The ``[mail]`` watch of one daemon run (made again on a reload).

    ``tracker``, ``notifier`` and ``state`` are the daemon's; ``clock`` gives aware UTC
    instants; ``wake`` wakes the daemon's loop from another thread; ``in_window(now)`` says
    whether notifications may be shown now; ``replan()`` makes the daemon re-plan after a
    button recorded something; ``publish()`` writes the state file. Time between checks is
    measured on the monotonic clock, in seconds.
    """

    def __init__(
        self,
        config: Config,
        tracker: Tracker,
        notifier: Notifier,
        state: DaemonState,
        *,
        clock: Callable[[], datetime],
        wake: Callable[[], None],
        in_window: Callable[[datetime], bool],
        replan: Callable[[], None],
        publish: Callable[[], None],
    ) -> None:
        assert config.mail is not None
        self.settings: MailSettings = config.mail
        self.zone = config.calendar.zone
        self.app_name = config.notify.app_name
        self.tracker = tracker
        self.notifier = notifier
        self.state = state
        self.clock = clock
        self._wake = wake
        self._in_window = in_window
        self._replan = replan
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
        self._idle = _Idle("unsupported" if self.settings.maildir is not None else "down")
        self._ask = _Asking()
        self._look_at_store = True
        self._threads: list[threading.Thread] = []

    # -- the daemon's hooks ------------------------------------------------------------

    def start(self) -> None:
        """Start the reading thread(s); the first look happens at the loop's next wake."""
        logging.getLogger("imapclient").setLevel(logging.WARNING)
        targets = [self._reader]
        if self._idle.state != "unsupported":
            targets.append(self._idler)
        for target in targets:
            thread = threading.Thread(target=target, name=f"mail-{target.__name__}", daemon=True)
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
        self._look_at_store = True

    def work(self) -> None:
        """The loop's turn: take what the threads read, start a look that is due, show the
        questions waiting. Raises StoreError (the daemon retries with backoff)."""
        self._take_outcomes()
        now = time.monotonic()
        if self._next_check is not None and now >= self._next_check:
            self._start_check()
        self._connect_idle(now)
        if self._look_at_store:
            self._look_at_store = False
            self._refresh_questions()
        if self._ask.to_show and now >= self._ask.retry_at and self._in_window(self.clock()):
            self._show_questions()

    def on_signal(self, sig: BusSignal) -> bool:
        """A button or a close from the notification server: True when it was for one of
        this watch's questions (and was handled here)."""
        finding = self._ask.on_screen.get(sig.notification_id)
        if finding is None:
            return False
        if sig.action is None:
            del self._ask.on_screen[sig.notification_id]
            return True
        if sig.notification_id in self._ask.answered:
            log.info(
                "ignored action %r on notification %d: already handled",
                sig.action,
                sig.notification_id,
            )
            return True
        if sig.action not in {key for key, _label in messages.FINDING_ACTIONS[finding.kind]}:
            log.info(
                "ignored unknown action %r on notification %d", sig.action, sig.notification_id
            )
            return True
        self._ask.answered.add(sig.notification_id)
        self._answer(sig.notification_id, sig.action, finding)
        return True

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

    def _take_outcomes(self) -> None:
        while True:
            try:
                outcome = self._results.get_nowait()
            except Empty:
                return
            if outcome.what == "checked":
                self._checked(outcome.found)
            elif outcome.what == "failed":
                self._check_failed(outcome.why)
            elif outcome.what == "new-mail":
                log.info("new mail in %s; checking", self.settings.reply_folders[0])
                self._check_soon()
            elif outcome.what == "idle-up":
                self._idle.state, self._idle.up_since = "up", time.monotonic()
                self.state["mail_idle"] = self.settings.reply_folders[0]
                log.info("listening for new mail in %s (IDLE)", self.state["mail_idle"])
                self._publish()
            elif outcome.what == "idle-lost":
                self._idle_lost(outcome.why)
            elif outcome.what == "no-idle":
                self._idle.state = "unsupported"
                log.info(
                    "%s does not offer IDLE: new mail is found by the checks every %d minute(s)",
                    self.settings.imap_host,
                    self.settings.check_every_minutes,
                )

    def _check_soon(self) -> None:
        if self._next_check is None:
            self._again = True  # a look is under way: one more right after it
        else:
            self._next_check = min(self._next_check, time.monotonic())

    def _checked(self, found: Sequence[Candidate]) -> None:
        from followup.mail.check import record

        self._next_check = time.monotonic() + (0.0 if self._again else self.period_s)
        try:
            new = record(self.tracker, found, self.clock())
        except FollowupError:
            self._next_check = time.monotonic() + RETRY_FIRST_S  # read again once it works
            raise
        if self._error is not None:
            log.info("the mailbox can be read again")
        self._error, self._failures = None, 0
        self.state["mail_error"] = self.state["mail_error_at"] = None
        self.state["mail_failures"] = 0
        self.state["mail_checked_at"] = self.clock().isoformat(timespec="seconds")
        if new:
            log.info(
                "mailbox checked: %d new finding(s) for interview(s) %s",
                len(new),
                ", ".join(str(i) for i in sorted({f.interview_id for f in new})),
            )
            self._look_at_store = True
        self._publish()

    def _check_failed(self, why: str) -> None:
        self._failures += 1
        delay = min(RETRY_FIRST_S * 2 ** (self._failures - 1), RETRY_MAX_S)
        self._next_check = time.monotonic() + delay
        if self._error is None or _cause(why) != _cause(self._error):
            log.error(
                "cannot check the mailbox: %s; trying again in %.0f s, then less and less "
                "often (at most every %.0f minutes)",
                why,
                delay,
                RETRY_MAX_S / 60,
            )
            self.state["mail_error_at"] = self.clock().isoformat(timespec="seconds")
        self._error = why
        self.state["mail_error"] = why
        self.state["mail_failures"] = self._failures
        self._publish()

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

    # -- the threads -------------------------------------------------------------------

    def _post(self, outcome: Outcome) -> None:
        self._results.put(outcome)
        self._wake()

    def _reader(self) -> None:
        """Thread: one look per request, never touching the store or the screen."""
        from followup.mail.check import read

        while True:
            interviews = self._requests.get()
            if interviews is None or self._stopping.is_set():
                return
            try:
                found = read(self.settings, interviews, self.zone)
            except MailError as exc:
                self._post(Outcome("failed", why=exc.message))
            except Exception as exc:  # the thread must live on; the loop logs it once
                self._post(Outcome("failed", why=f"{type(exc).__name__}: {exc}"))
            else:
                self._post(Outcome("checked", found=found))

    def _idler(self) -> None:
        """Thread: keep a connection in IDLE on the first reply folder while asked to."""
        from followup.mail.idle import ImapIdle, NoIdle

        folder = self.settings.reply_folders[0]
        while self._idle_requests.get() and not self._stopping.is_set():
            try:
                idle = ImapIdle(self.settings, folder)
            except NoIdle:
                self._post(Outcome("no-idle"))
                return
            except MailError as exc:
                self._post(Outcome("idle-lost", why=exc.message))
                continue
            except Exception as exc:
                self._post(Outcome("idle-lost", why=f"{type(exc).__name__}: {exc}"))
                continue
            self._post(Outcome("idle-up"))
            try:
                while not self._stopping.is_set():
                    if idle.wait(IDLE_SLICE_S):
                        self._post(Outcome("new-mail"))
            except MailError as exc:
                self._post(Outcome("idle-lost", why=exc.message))
            except Exception as exc:
                self._post(Outcome("idle-lost", why=f"{type(exc).__name__}: {exc}"))
            finally:
                with contextlib.suppress(Exception):
                    idle.close()

    # -- asking ------------------------------------------------------------------------

    def _refresh_questions(self) -> None:
        """Queue the pending findings not asked yet; take answered ones off the screen."""
        pending = {f.id: f for f in self.tracker.pending_findings()}
        self._ask.pending = pending
        self._ask.to_show = [i for i in self._ask.to_show if i in pending]
        for f in pending.values():
            if f.id not in self._ask.asked and f.id not in self._ask.to_show:
                self._ask.to_show.append(f.id)
        for nid, f in list(self._ask.on_screen.items()):
            if f.id not in pending and nid not in self._ask.answered:
                self._close(nid)

    def _show_questions(self) -> None:
        ask = self._ask
        found = [ask.pending[i] for i in ask.to_show]
        try:
            buttons = "actions" in self.notifier.capabilities()
            if len(found) > messages.SUMMARY_AFTER:
                notes: list[tuple[Note, list[Finding]]] = [
                    (messages.findings_summary(found, self.app_name), found)
                ]
            else:
                notes = [
                    (messages.finding_note(f, self.app_name, buttons=buttons), [f]) for f in found
                ]
            for note, group in notes:
                nid = self.notifier.show(note)
                for f in group:
                    ask.to_show.remove(f.id)
                    ask.asked.add(f.id)
                if nid is not None and note.actions:
                    ask.on_screen[nid] = group[0]
                    ask.answered.discard(nid)
                log.info(
                    "asked: %s (finding%s %s)",
                    note.title,
                    "s" if len(group) > 1 else "",
                    ", ".join(str(f.id) for f in group),
                )
        except DeliveryError as exc:
            ask.retry_at = time.monotonic() + SHOW_RETRY_S
            if exc.message != ask.last_error:
                log.error(
                    "could not ask about a mail finding: %s; trying again in %.0f s",
                    exc.message,
                    SHOW_RETRY_S,
                )
            ask.last_error = exc.message
            return
        ask.last_error = None

    def _answer(self, notification_id: int, action: str, f: Finding) -> None:
        """Record what the button says, through the CLI's own calls, and confirm it."""
        now = self.clock()
        app_name = self.app_name
        try:
            pending = {p.id for p in self.tracker.pending_findings(f.interview_id)}
            if f.id not in pending:
                why = f"this was answered already; see: followup show {f.interview_id}"
                note = messages.not_recorded(f.company, why, app_name, notification_id)
            elif action == messages.MAIL_EMAILED:
                view = self.tracker.emailed(f.interview_id, f.on, now)
                note = messages.confirmation(messages.EMAILED, view, app_name, notification_id)
            elif action == messages.MAIL_REPLIED:
                view = self.tracker.heard(f.interview_id, "other", None, now, f.on)
                note = messages.confirmation(messages.REPLIED, view, app_name, notification_id)
            else:
                self.tracker.dismiss_finding(f.id, now)
                view = self.tracker.get(f.interview_id, with_explanation=False)
                note = messages.finding_dismissed(f, view, app_name, notification_id)
        except FollowupError as exc:
            log.info("action %r on finding %d not done: %s", action, f.id, exc.message)
            note = messages.not_recorded(f.company, exc.message, app_name, notification_id)
        else:
            if f.id in pending:
                log.info(
                    "action %r recorded for finding %d (interview %d)",
                    action,
                    f.id,
                    f.interview_id,
                )
                self._replan()
        self._look_at_store = True
        try:
            self.notifier.show(note)
        except DeliveryError as exc:
            log.error("could not show the confirmation %r: %s", note.title, exc.message)

    def _close(self, notification_id: int) -> None:
        self._ask.on_screen.pop(notification_id, None)
        close_notification(self.notifier, notification_id, "its mail finding was answered")


def _cause(why: str) -> str:
    """What failed, without the system's wording of why: "cannot reach HOST:PORT" for both
    a refused and a reset connection, so that a server going down is logged once."""
    return why.split(": ", 1)[0]
