"""The reminders the daemon waits for, kept in step with the store, and the one scheduler
job that wakes the loop when the soonest of them comes due.

The pending reminders wait in an in-memory heap ordered by instant, filled from the store at
start, on SIGHUP and for each interview the CLI changes; APScheduler holds ONE date job,
armed at the heap's soonest instant and re-armed whenever that changes. (One job per
reminder made APScheduler's ``add_job`` most of the start with thousands of interviews, and
its memory grew with them; a heap entry is a tuple.) When the job runs it only wakes the
main loop; the loop takes every reminder due by then off the heap and holds it for delivery
(:mod:`followup.daemon.delivery`). The job never expires (``misfire_grace_time=None``): a
reminder that comes due during a suspend or a busy moment is late, never dropped.

APScheduler is imported only here, when the daemon runs.
"""

from __future__ import annotations

import contextlib
import heapq
import logging
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from queue import Empty, SimpleQueue
from typing import Any

from followup.business_days import calendar_for
from followup.config import Config, load
from followup.daemon.context import Context, Key, Part, key_of
from followup.lifecycle.service import Tracker
from followup.machine import Machine
from followup.store import Database
from followup.store.watch import Watch, watch_store
from followup.values import Due

log = logging.getLogger("followup.daemon")

#: The id of the one scheduler job: it fires at the soonest pending reminder's instant.
JOB_ID = "next-reminder"
#: How long one store operation waits for another program's write lock; then the daemon
#: carries on and tries again after a backoff.
STORE_BUSY_S = 5.0


@dataclass
class Held:
    """A reminder that came due and waits to be shown (window closed, or delivery failed)."""

    key: Key
    next_attempt: datetime
    attempts: int = 0


def make_scheduler() -> Any:
    """A background scheduler in UTC with one worker, whose jobs never expire and run once
    however late (a suspend makes them late, never dropped)."""
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


class Jobs(Part):
    """The reminder each interview waits for, the heap of them by instant, and the one job.

    ``held`` (reminders due and waiting to be shown) and ``unconfirmed`` (shown, not yet
    confirmed in the ledger) are shared with delivery: re-planning an interview drops its
    held reminders, and a reminder shown but unconfirmed is never planned again.
    """

    def __init__(
        self,
        context: Context,
        held: dict[Key, Held],
        unconfirmed: dict[Key, datetime],
    ) -> None:
        super().__init__(context)
        self.held = held
        self.unconfirmed = unconfirmed
        #: instants the scheduler's job ran for (the loop then takes what is due)
        self.fired: SimpleQueue[datetime] = SimpleQueue()
        #: the reminder each interview waits for (at most one per interview)
        self.jobs: dict[int, Key] = {}
        #: the same reminders by instant, soonest first: (instant UTC, interview id, key);
        #: an entry whose key is no longer the interview's in ``jobs`` is stale and skipped
        self.queue: list[tuple[datetime, int, Key]] = []
        #: the instant the scheduler's one job is armed for, or None
        self.armed: datetime | None = None
        #: interview id -> its fingerprint at the last look at the store
        self.known: dict[int, str] = {}
        self._scheduler = make_scheduler()

    def start(self) -> None:
        """Start the scheduler's thread (the job armed before this runs once it starts)."""
        self._scheduler.start()

    def shutdown(self) -> None:
        """Stop the scheduler without waiting for a job under way (it only wakes the loop)."""
        self._scheduler.shutdown(wait=False)

    def wakeup(self) -> None:
        """Ask the scheduler to look at its job again (the wall clock jumped)."""
        self._scheduler.wakeup()

    def sync(self, *, everything: bool) -> set[int] | None:
        """Re-plan the interviews that changed since the last look (all, at start); the
        interview ids looked at, or None when nothing changed."""
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
            return None
        for interview_id in changed:
            self._unschedule(interview_id)
        self.known = current
        pending = self.tracker.pending(None if everything else sorted(changed & set(current)))
        pending = [due for due in pending if key_of(due) not in self.unconfirmed]
        for due in pending:
            self.schedule(due)
        self.rearm()
        log.info(
            "planned %d reminder(s) for %d changed interview(s)%s",
            len(pending),
            len(changed),
            "" if everything else f": {sorted(changed)}",
        )
        return changed

    def schedule(self, due: Due) -> None:
        """Put ``due`` on the heap (its interview's only pending reminder); the caller
        re-arms the job once its batch is in (:meth:`rearm`)."""
        key = key_of(due)
        self.jobs[due.interview_id] = key
        heapq.heappush(self.queue, (key[2], key[0], key))

    def _unschedule(self, interview_id: int) -> None:
        """Forget the interview's pending reminder: its heap entry goes stale (skipped when
        it comes up) and the job, if armed for it, runs for nothing and is re-armed."""
        self.jobs.pop(interview_id, None)
        for held in [k for k in self.held if k[0] == interview_id]:
            del self.held[held]

    def soonest(self) -> Key | None:
        """The pending reminder due first, dropping stale heap entries on the way."""
        queue = self.queue
        while queue and self.jobs.get(queue[0][1]) != queue[0][2]:
            heapq.heappop(queue)
        if len(queue) > 64 and len(queue) > 2 * len(self.jobs):  # mostly stale: rebuild
            self.queue = queue = [(k[2], k[0], k) for k in self.jobs.values()]
            heapq.heapify(queue)
        return queue[0][2] if queue else None

    def rearm(self) -> None:
        """Arm the one scheduler job at the soonest pending instant (or remove it when
        nothing is pending); nothing is done when it is armed there already."""
        soonest = self.soonest()
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
        self.context.wake()

    def status_text(self) -> str:
        """What the daemon says of itself to systemd and in the state file: the reminders
        held (due, waiting to be shown), then the next one planned, in the user's zone."""
        nxt = self.soonest()
        held = f"{len(self.held)} due, waiting to be shown; " if self.held else ""
        if nxt is None:
            return held + "no reminder planned"
        interview_id, kind, at = nxt
        local = at.astimezone(self.config.calendar.zone)
        return held + (
            f"next: {kind.value.replace('_', ' ')} reminder for interview {interview_id} at "
            f"{local:%a %d %b %H:%M %Z}"
        )

    def collect_fired(self, now: datetime) -> None:
        """Hold the reminders whose jobs ran, and every other one due by ``now``.

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
        while (key := self.soonest()) is not None and key[2] <= now:
            heapq.heappop(self.queue)
            del self.jobs[key[0]]
            self.held.setdefault(key, Held(key, now))
        self.rearm()


def open_store(
    config: Config, machine: Machine, clock: Callable[[], datetime]
) -> tuple[Database, Tracker, Watch]:
    """The store of ``config`` opened again (its file may be a new one), with a tracker
    and a watch on it. Raises StoreError (nothing left open)."""
    db = Database(config.store_url, busy_timeout=STORE_BUSY_S, clock=clock)
    try:
        return db, Tracker(config, db, machine), watch_store(db)
    except Exception:
        db.close()
        raise


def reopen(
    config_path: str | None,
    env: MutableMapping[str, str],
    machine: Machine,
    clock: Callable[[], datetime],
) -> tuple[Config, Database, Tracker, Watch, int]:
    """Everything a reload needs, made before anything is replaced: the config read again,
    its calendar, its store opened, every interview re-planned (how many) and a watch on
    the store. Raises whatever the first failing step raised (the store closed again)."""
    db: Database | None = None
    try:
        config = load(config_path, env)
        calendar_for(config.calendar.place, cache=config.cache_dir)
        db = Database(config.store_url, busy_timeout=STORE_BUSY_S, clock=clock)
        tracker = Tracker(config, db, machine)
        refreshed = tracker.refresh_plans()
        watch = watch_store(db)
    except Exception:
        if db is not None:
            db.close()
        raise
    return config, db, tracker, watch, refreshed
