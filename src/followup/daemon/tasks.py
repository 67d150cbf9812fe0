"""A task channel kept in step by the daemon (``caldav`` in ``notify.channels``): every
pending reminder is a task with an alarm on the user's server, written as soon as it is
planned, rewritten when it moves and removed when it stops being pending; a task ticked off
there is recorded here as what it means.

The server is spoken to in a thread of its own, so a slow or unreachable one never holds
back the loop or the other channels. The loop hands it the tasks as they should be
(:meth:`TaskSync.request`, after every change to the store, every ``check_every_minutes``
and at every wake from sleep) and takes back what it found (:meth:`TaskSync.work`).

A tick means "emailed" on an email reminder and "moved on" on a move-on reminder, on the
day it was ticked in the user's zone (the task's ``COMPLETED`` instant, else the moment the
tick is learnt), however much later it is learnt; it is recorded
through the tracker, as the CLI would record it, and confirmed on the desktop. A failure is
one log line (once per cause), a line in ``followup status``, and a retry with backoff.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from followup.channels import todo
from followup.daemon.context import Context, Part
from followup.daemon.state import ChannelState
from followup.errors import DeliveryError, FollowupError
from followup.notify.base import Note
from followup.rules import Kind, Status

if TYPE_CHECKING:
    from followup.channels.tasklist import TaskList, Tick
    from followup.daemon.screen import Screen
    from followup.values import InterviewView

log = logging.getLogger("followup.daemon")

#: After a failed sync, the next try waits RETRY_FIRST_S, doubling up to RETRY_MAX_S.
RETRY_FIRST_S = 15.0
RETRY_MAX_S = 900.0


def retry_delay(failures: int) -> float:
    """Seconds before the next try after ``failures`` failed syncs in a row."""
    return float(min(RETRY_MAX_S, RETRY_FIRST_S * 2 ** max(0, failures - 1)))


class _Outcome(NamedTuple):
    ticks: list[Tick] | None
    error: str | None
    at: datetime


class TaskSync(Part):
    """One task channel (``name``) and its thread."""

    def __init__(
        self, context: Context, screen: Screen, name: str, task_list: TaskList, every_s: float
    ) -> None:
        super().__init__(context)
        self.name = name
        self.screen = screen
        self.task_list = task_list
        self.every_s = every_s
        self._wanted: list[todo.Task] | None = None
        self._lock = threading.Lock()
        self._go = threading.Event()
        self._stop = threading.Event()
        self._outcomes: queue.SimpleQueue[_Outcome] = queue.SimpleQueue()
        self._failures = 0
        self._next_at = time.monotonic()
        self._busy = False
        self._thread = threading.Thread(target=self._run, name=f"tasks-{name}", daemon=True)
        self.state["channels"][name] = ChannelState(
            state="starting", synced_at=None, error=None, error_at=None
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._go.set()
        self._thread.join(timeout=5)
        self.task_list.close()

    def request(self) -> None:
        """Sync soon with the pending reminders as they are now (read in this thread, the
        loop's, from the store)."""
        wanted = self.tasks()
        with self._lock:
            self._wanted = wanted
        if self._failures == 0:
            self._next_at = time.monotonic()

    def timeout(self) -> float:
        """Seconds until the next sync is due (0: now)."""
        return max(0.0, self._next_at - time.monotonic())

    def work(self, now: datetime) -> None:
        """Start a sync that is due, and record what finished syncs found."""
        while True:
            try:
                outcome = self._outcomes.get_nowait()
            except queue.Empty:
                break
            self._busy = False
            self._finished(outcome, now)
        if not self._busy and time.monotonic() >= self._next_at:
            if self._wanted is None:
                self.request()
            self._busy = True
            self._next_at = time.monotonic() + self.every_s
            self._go.set()

    def tasks(self) -> list[todo.Task]:
        """Every pending reminder as its task."""
        found = []
        for due, view in self.tracker.pending_for(include_done=True):
            since = view.reply_expected_on if due.kind is Kind.EMAIL else view.emailed_on
            found.append(
                todo.Task(
                    todo.task_uid(view.id, due.kind),
                    view.id,
                    due.kind,
                    todo.summary(due.kind, view.company, since),
                    self._description(view, due.kind),
                    (due.since or due.at).astimezone(UTC),
                )
            )
        return found

    def _description(self, view: InterviewView, kind: Kind) -> str:
        """The task's body: the drafted email for an email reminder (the built-in template
        or the user's), what the reminder says for a move-on one."""
        from followup.notify import messages

        if kind is Kind.EMAIL:
            from followup.mail import drafting

            try:
                draft = drafting.compose(
                    view,
                    self.config.you,
                    other_offers=False,
                    template=drafting.load_template(None, self.context.env),
                )
            except FollowupError:
                pass
            else:
                return draft.text()
        return messages.reminder_body(view, kind, self.config.rules, commands=True)

    # -- the thread ------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            self._go.wait()
            self._go.clear()
            if self._stop.is_set():
                return
            with self._lock:
                wanted = list(self._wanted or [])
            at = datetime.now(UTC)
            try:
                ticks = self.task_list.sync(wanted, at)
            except DeliveryError as exc:
                self._outcomes.put(_Outcome(None, exc.message, at))
            except Exception as exc:
                log.exception("%s: the sync failed unexpectedly", self.name)
                self._outcomes.put(_Outcome(None, f"unexpected failure: {exc}", at))
            else:
                self._outcomes.put(_Outcome(ticks, None, at))
            self.context.wake()

    # -- back in the loop ------------------------------------------------------------------

    def _finished(self, outcome: _Outcome, now: datetime) -> None:
        channel = self.state["channels"][self.name]
        stamp = outcome.at.isoformat(timespec="seconds")
        if outcome.error is not None:
            self._failures += 1
            delay = retry_delay(self._failures)
            self._next_at = time.monotonic() + delay
            if outcome.error != channel["error"]:
                log.error("%s: %s; trying again in %.0f s", self.name, outcome.error, delay)
                channel["error_at"] = stamp
            channel["state"], channel["error"] = "failing", outcome.error
            self.context.publish()
            return
        if self._failures:
            log.info("%s: the server answers again", self.name)
        self._failures = 0
        channel["state"], channel["synced_at"] = "ok", stamp
        channel["error"] = channel["error_at"] = None
        self.context.publish()
        if outcome.ticks:
            self.record(outcome.ticks, now)

    def record(self, ticks: list[Tick], now: datetime) -> None:
        """Record each tick as the CLI would, once, on the day it was ticked in the user's
        zone: the task's ``COMPLETED`` instant, else ``now`` (the moment it is learnt), and
        never after today (a phone's clock ahead of this one). An interview whose reminder
        is no longer of the tick's kind was acted on already (here, or by the CLI
        meanwhile)."""
        zone = self.config.calendar.zone
        for tick in ticks:
            try:
                view = self.tracker.get(tick.interview_id, with_explanation=False)
            except FollowupError:
                continue
            reminder = view.next_reminder
            if reminder is None or reminder.kind is not tick.kind:
                continue
            day = min((tick.completed or now).astimezone(zone).date(), now.astimezone(zone).date())
            try:
                if tick.kind is Kind.EMAIL:
                    view = self.tracker.emailed(view.id, day, now)
                else:
                    view = self.tracker.close(view.id, Status.MOVED_ON, now, day)
            except FollowupError as exc:
                log.error(
                    "%s: the tick on %r not recorded: %s", self.name, view.company, exc.message
                )
                continue
            log.info(
                "%s: ticked off on %s: %s recorded for %r",
                self.name,
                day,
                tick.kind.value,
                view.company,
            )
            self.screen.confirm(self._confirmation(tick, view))
        self.request()

    def _confirmation(self, tick: Tick, view: InterviewView) -> Note:
        from followup.notify import messages

        action = messages.EMAILED if tick.kind is Kind.EMAIL else messages.MOVED_ON
        return messages.confirmation(action, view, self.config.notify.app_name, 0)


class TaskChannels:
    """A :class:`TaskSync` for each task channel ``notify.channels`` names, handled as
    one by the loop."""

    def __init__(self, context: Context, screen: Screen) -> None:
        from followup.channels import registry

        self.parts: list[TaskSync] = []
        for name in context.config.notify.channels:
            channel = registry.load(name)
            if channel.task_list is None:
                continue
            settings: Any = registry.settings(context.config, name)
            every = 60.0 * settings.check_every_minutes
            task_list = channel.task_list(settings)
            self.parts.append(TaskSync(context, screen, name, task_list, every))

    def start(self) -> None:
        """Start each channel's thread, once the modules it runs are imported here, on the
        loop's thread (:attr:`followup.channels.base.Channel.thread_modules`)."""
        from followup.channels import registry

        for part in self.parts:
            registry.import_thread_modules(part.name)
            part.start()

    def stop(self) -> None:
        for part in self.parts:
            part.stop()

    def reloaded(self, context: Context, screen: Screen) -> TaskChannels:
        """The task channels of a reloaded config, started, in place of these (stopped):
        a channel added, removed or pointed elsewhere takes effect without a restart."""
        self.stop()
        context.state["channels"] = {}
        fresh = TaskChannels(context, screen)
        fresh.start()
        return fresh

    def request(self) -> None:
        """Each channel syncs soon with the pending reminders as they are now."""
        for part in self.parts:
            part.request()

    def work(self, now: datetime) -> None:
        for part in self.parts:
            part.work(now)

    def timeout(self, longest: float) -> float:
        """Seconds until some channel's next sync is due, at most ``longest``."""
        return min([longest, *(part.timeout() for part in self.parts)])
