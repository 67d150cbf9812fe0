"""The read side of ``followup list``, ``upcoming`` and ``status``: quick when it can be.

An SQLite store whose plans are current is read with the standard library's ``sqlite3``
(:mod:`followup.store.reading`), so that these commands import neither SQLAlchemy nor, once
the user's non-business days are cached, ``holidays``; every other store, and a stale plan,
goes through the :class:`~followup.lifecycle.service.Tracker` (SQLAlchemy). Both build their
output with the same functions of :mod:`followup.lifecycle.planning`, and the tests compare
them byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from followup.business_days import BusinessCalendar, calendar_for
from followup.config import Config
from followup.errors import ConfigError
from followup.lifecycle.planning import (
    ledger_place,
    listed_views,
    pending_dues,
    stored_plan,
    upcoming_order,
)
from followup.rules import Reminder, Showing, Status
from followup.store import reading
from followup.values import Due, InterviewView, LastShown, MachineShown

if TYPE_CHECKING:
    from followup.lifecycle.service import Tracker


class Listing:
    """Answers what the listing commands show, as the tracker would; ``tracker`` is
    called only when the quick path cannot answer. ``machine_id`` is the id of the machine
    whose ledger counts (the tracker's; None for a machine that never showed a reminder)."""

    def __init__(
        self, config: Config, tracker: Callable[[], Tracker], machine_id: str | None = None
    ) -> None:
        self.config = config
        self._tracker = tracker
        self.machine_id = machine_id

    def interviews(
        self,
        *,
        include_closed: bool = False,
        status: Status | None = None,
        company: str | None = None,
    ) -> list[InterviewView]:
        """See :meth:`followup.lifecycle.reading.Reader.interviews`."""
        snap = self._snapshot(
            include_closed=include_closed, status=status.value if status else None
        )
        if snap is None:
            return self._tracker().interviews(
                include_closed=include_closed, status=status, company=company
            )
        return listed_views(snap.rows, snap.held, snap.ledger, self._plan, self._place, company)

    def upcoming(self) -> list[Due]:
        """See :meth:`followup.lifecycle.reading.Reader.upcoming`."""
        snap = self._snapshot()
        if snap is None:
            return self._tracker().upcoming()
        return self._upcoming(snap)

    def status(self) -> tuple[list[Due], LastShown | None, list[MachineShown]]:
        """What ``followup status`` shows: :meth:`upcoming`, the last showing, and each
        machine's last showing (:meth:`followup.lifecycle.reading.Reader.machines_shown`)."""
        snap = self._snapshot(shown_on=True)
        if snap is None:
            tracker = self._tracker()
            return tracker.upcoming(), tracker.last_shown(), tracker.machines_shown()
        last = LastShown(*snap.last) if snap.last else None
        return self._upcoming(snap), last, [MachineShown(*m) for m in snap.shown_on]

    def _upcoming(self, snap: reading.Snapshot) -> list[Due]:
        pending = pending_dues(
            snap.rows,
            snap.held,
            snap.ledger,
            snap.intents,
            self._plan,
            self._place,
            self.config.calendar.zone,
            include_done=True,
        )
        return upcoming_order([d for d, _view in pending])

    def _snapshot(
        self, *, include_closed: bool = False, status: str | None = None, shown_on: bool = False
    ) -> reading.Snapshot | None:
        return reading.snapshot(
            self.config.store_url,
            self.config.plan_key,
            machine_id=self.machine_id,
            include_closed=include_closed,
            status=status,
            shown_on=shown_on,
        )

    def _plan(self, row: reading.Row) -> Reminder | None:
        """The stored plan, as the tracker reads it: every open row's is current (else
        there is no snapshot), and a closed interview planned under other settings has
        none (:meth:`followup.lifecycle.planning.Planner.plan`)."""
        if row.plan_key != self.config.plan_key:
            return None
        return stored_plan(row, self.config.calendar.zone)

    def _place(self, reminder: Reminder, shown: Mapping[datetime, datetime] | None) -> Showing:
        config = self.config
        return ledger_place(
            reminder,
            shown,
            config.notify.repeat_after_business_days,
            self._home,
            config.timing,
        )

    def _home(self) -> BusinessCalendar:
        """The user's own calendar, with the tracker's message when it cannot be made."""
        try:
            return calendar_for(self.config.calendar.place, cache=self.config.cache_dir)
        except ConfigError as exc:
            raise ConfigError(f"{self.config.path}: {exc.message}") from None
