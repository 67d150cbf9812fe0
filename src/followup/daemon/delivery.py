"""Showing the reminders that came due: inside the ``notify.at``..``notify.until`` window,
each exactly once, recorded in the ledger, retried with backoff when the server fails.

The ledger gets the intent first and the confirmation once the server has accepted the
notification, so that after a crash in between the reminder is known to be "maybe shown"
(and is shown once more, marked so). A wall clock set backwards cannot repeat a reminder:
the ledger is checked before every notification. A reminder shown stays due until the user
acts, and is planned again for its repeat.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from followup.daemon.context import Context, Key, Part, confirm_by_instant, key_of
from followup.daemon.jobs import Held, Jobs
from followup.daemon.screen import Screen
from followup.errors import DeliveryError, StoreError
from followup.notify.base import Note
from followup.notify.messages import DueReminder, notes_for, plain_summary
from followup.rules import in_window, next_window

log = logging.getLogger("followup.daemon")

RETRY_FIRST_S = 15.0
RETRY_MAX_S = 300.0
#: Added to the title of a reminder that may have been shown before a crash.
MAYBE_REPEATED = " (possibly shown already)"


def retry_delay(attempts: int) -> float:
    """Seconds before the next try of a notification that failed ``attempts`` times (1 or
    more): RETRY_FIRST_S, doubling, at most RETRY_MAX_S."""
    return min(RETRY_FIRST_S * 2.0 ** (attempts - 1), RETRY_MAX_S)


class Delivery(Part):
    """The reminders held for showing (shared with :class:`Jobs`), those shown but not yet
    confirmed in the ledger, and the last delivery failure (logged once per cause)."""

    def __init__(self, context: Context, jobs: Jobs, screen: Screen) -> None:
        super().__init__(context)
        self.jobs = jobs
        self.screen = screen
        self.held: dict[Key, Held] = jobs.held
        #: reminders shown whose ledger confirmation could not be written yet
        self.unconfirmed: dict[Key, datetime] = jobs.unconfirmed
        self._last_error: str | None = None

    def in_window(self, now: datetime) -> bool:
        """Whether notifications may be shown at ``now`` (the config's window)."""
        notify = self.config.notify
        return in_window(now, notify.at, notify.until, self.config.calendar.zone)

    def deliver_ready(self, now: datetime) -> None:
        """Show the held reminders whose turn has come by ``now``, together where they may
        be; outside the window, hold them until it opens."""
        ready = [h for h in self.held.values() if h.next_attempt <= now]
        if not ready:
            return
        if not self.in_window(now):
            opens = next_window(now, self.config.notify.at, self.config.calendar.zone)
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
            key_of(d): DueReminder(d, v)
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
            drawn = self.notifier.draws_buttons()
        except DeliveryError as exc:
            self._failed([key_of(r.due) for r in items], exc.message, now)
            self.context.publish()
            return
        app_name = self.config.notify.app_name
        notes = notes_for(items, self.config.rules, app_name, buttons=buttons, drawn=drawn)
        for note, group in notes:
            self._show(note, group, now)
        self._plan_repeats({r.due.interview_id for r in items if key_of(r.due) not in self.held})
        self.context.publish()

    def _plan_repeats(self, interview_ids: set[int]) -> None:
        """A reminder shown stays due until the user acts: schedule its repeat (showing it
        changed the ledger only, which the store's change times do not see). A showing not
        yet confirmed in the ledger is never scheduled again by this daemon."""
        if not interview_ids:
            return
        for due in self.tracker.pending(sorted(interview_ids)):
            if due.interview_id not in self.jobs.jobs and key_of(due) not in self.unconfirmed:
                self.jobs.schedule(due)
        self.jobs.rearm()

    def _show(self, note: Note, group: Sequence[DueReminder], now: datetime) -> None:
        """Show one notification for ``group``: the ledger gets the intent first, and the
        confirmation once the server has accepted it, so that after a crash in between the
        reminder is known to be "maybe shown" (and is shown once more, marked so).

        A failure concerns this notification only. A summary the server refuses is shown
        once more as a plain count (:func:`~followup.notify.messages.plain_summary`),
        never as one popup per reminder; if that fails too, its reminders are retried
        together with backoff. A StoreError while writing the intent is raised before
        anything is shown.
        """
        keys = [key_of(r.due) for r in group]
        if any(r.due.maybe_shown for r in group):
            note = replace(note, title=note.title + MAYBE_REPEATED)
        self.tracker.record_intent(keys, now)
        try:
            notification_id = self.notifier.show(note)
        except DeliveryError as exc:
            try:
                if len(keys) == 1 or exc.maybe_shown:
                    raise
                log.error(
                    "could not show a summary: %s; showing a plain count instead", exc.message
                )
                note = plain_summary(len(keys), note.app_name)
                notification_id = self.notifier.show(note)
            except DeliveryError as failed:
                if not failed.maybe_shown:
                    with contextlib.suppress(StoreError):  # left as an intent: "maybe"
                        self.tracker.forget_intent(keys)
                self._failed(keys, failed.message, now)
                return
        screen = self.screen
        if notification_id is not None:
            screen.close_older(keys, notification_id)
            screen.track(notification_id, note, tuple(keys))
        for key in keys:
            self.held.pop(key, None)
            self.unconfirmed[key] = now
        log.info(
            "shown: %s (interview%s %s)",
            note.title,
            "s" if len(keys) > 1 else "",
            ", ".join(str(k[0]) for k in keys),
        )
        if self._last_error is not None:
            log.info("delivery works again")
            self._last_error = None
        self.state["last_error"] = self.state["last_error_at"] = None
        self.state["last_shown"] = f"{note.title} at {now.isoformat(timespec='seconds')}"
        self.confirm_pending()

    def keep_unconfirmed(self, interview_ids: set[int]) -> None:
        """A new store is in use (its file was replaced): forget the showings still to be
        confirmed of interviews it does not hold (the ledger has no place for them)."""
        for key in [k for k in self.unconfirmed if k[0] not in interview_ids]:
            del self.unconfirmed[key]

    def confirm_pending(self) -> None:
        """Confirm in the ledger the reminders shown; on a StoreError they stay in memory
        (never scheduled again by this daemon) and are confirmed at the next try."""
        confirm_by_instant(self.unconfirmed, self.tracker.confirm_shown)

    def _failed(self, keys: Iterable[Key], cause: str, now: datetime) -> None:
        """Hold ``keys`` for another try with backoff."""
        delay = RETRY_FIRST_S
        for key in keys:
            held = self.held[key]
            held.attempts += 1
            delay = retry_delay(held.attempts)
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
        self.state["last_error"] = cause
        self.state["last_error_at"] = now.isoformat(timespec="seconds")
