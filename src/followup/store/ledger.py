"""Every query on the ledger of reminders shown: which ones a channel on a machine delivered
(or is about to deliver), entering, confirming and forgetting them, and the last ones shown.

A daemon writes an ``intent`` just before it asks the notification server to show a
reminder and turns it into ``shown`` once the server accepted it, so that a crash in between
leaves a trace (the reminder is then pending, "maybe shown"). Each row names the machine that
showed it; which rows count for a machine is :func:`followup.store.machines.seen_by`'s
answer. Each row names the channel that delivered it too (``desktop``, ``apprise``, ...):
each channel delivers a reminder once, whichever other channel did; the desktop's rows are
what the listing, the repeats and "maybe shown" read. The functions take the caller's
session; :class:`MachineLedger` opens its own transactions, for the daemon.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from followup.rules import Kind
from followup.store import machines as machine_rows
from followup.store.database import Database
from followup.store.interviews import OPEN
from followup.store.models import Interview, ShownReminder
from followup.values import DESKTOP, LastShown, MachineShown

if TYPE_CHECKING:
    from followup.machine import Machine

#: One showing of a reminder: (interview id, kind, due instant in aware UTC).
Showing = tuple[int, Kind, datetime]


def confirmed(
    s: Session,
    machine_id: str | None,
    ids: Sequence[int] | None = None,
    channel: str = DESKTOP,
) -> dict[tuple[int, str], dict[datetime, datetime]]:
    """The confirmed ledger of ``channel`` of open interviews (all, or ``ids``) as
    ``machine_id`` sees it (see :func:`followup.store.machines.seen_by`): (interview id,
    kind) -> due instant -> shown instant (aware UTC)."""
    ledger: dict[tuple[int, str], dict[datetime, datetime]] = {}
    for interview_id, kind, due_at, shown_at in _rows(s, machine_id, ids, "shown", channel):
        ledger.setdefault((interview_id, kind), {})[due_at] = shown_at
    return ledger


def intents(
    s: Session,
    machine_id: str | None,
    ids: Sequence[int] | None = None,
    channel: str = DESKTOP,
) -> set[tuple[int, str, datetime]]:
    """The unconfirmed intents of ``channel`` of open interviews (all, or ``ids``) as
    ``machine_id`` sees them: (interview id, kind, due instant in aware UTC) of each showing
    that may or may not have reached the user."""
    rows = _rows(s, machine_id, ids, "intent", channel)
    return {(i, kind, due) for i, kind, due, _shown in rows}


def _rows(
    s: Session, machine_id: str | None, ids: Sequence[int] | None, state: str, channel: str
) -> list[tuple[int, str, datetime, datetime]]:
    """(interview id, kind, due instant, shown instant) of ``channel``'s ledger rows in
    ``state`` of open interviews (all, or ``ids``) that count for ``machine_id``."""
    query = (
        select(
            ShownReminder.interview_id,
            ShownReminder.kind,
            ShownReminder.due_at,
            ShownReminder.shown_at,
        )
        .join(Interview, Interview.id == ShownReminder.interview_id)
        .where(
            Interview.status.in_(OPEN),
            ShownReminder.state == state,
            ShownReminder.channel == channel,
            machine_rows.seen_by(machine_id),
        )
    )
    if ids is not None:
        query = query.where(Interview.id.in_(ids))
    return [(i, kind, due, shown) for i, kind, due, shown in s.execute(query)]


def find(
    s: Session,
    machine_id: str | None,
    interview_id: int,
    kind: Kind,
    due_at: datetime,
    channel: str = DESKTOP,
) -> ShownReminder | None:
    """The ledger row of ``channel``'s showing that counts for ``machine_id`` (its own, or
    one from before machines were told apart), or None."""
    return s.scalars(
        select(ShownReminder).where(
            ShownReminder.interview_id == interview_id,
            ShownReminder.kind == kind.value,
            ShownReminder.due_at == due_at,
            ShownReminder.channel == channel,
            machine_rows.seen_by(machine_id),
        )
    ).first()


def shown_at(
    s: Session, machine_id: str | None, interview_id: int, kind: Kind, due_at: datetime
) -> datetime | None:
    """When a showing was entered in the ledger for ``machine_id`` (aware UTC), or None."""
    found = find(s, machine_id, interview_id, kind, due_at)
    return found.shown_at if found else None


def newest(s: Session) -> LastShown | None:
    """The reminder entered in the desktop's ledger last (an intent too, any machine), or
    None."""
    found = s.execute(
        select(
            ShownReminder.interview_id,
            ShownReminder.kind,
            ShownReminder.shown_at,
            Interview.company,
        )
        .join(Interview, Interview.id == ShownReminder.interview_id)
        .where(ShownReminder.channel == DESKTOP)
        .order_by(ShownReminder.shown_at.desc(), ShownReminder.id.desc())
        .limit(1)
    ).first()
    return LastShown(found[0], found[1], found[2], found[3]) if found else None


class MachineLedger:
    """The ledger as one channel on one machine reads and writes it, each call its own
    transaction.

    ``machine``: the machine whose rows are read and written (see :mod:`followup.machine`);
    each machine shows a reminder once. ``None``: a machine that has shown nothing under an
    id, which sees only the rows from before machines were told apart (and writes such
    rows). ``channel``: the registry's name of the channel whose rows these are (each
    channel delivers a reminder once). Every call raises StoreError when the store cannot be
    read or written.
    """

    def __init__(
        self, db: Database, machine: Machine | None = None, channel: str = DESKTOP
    ) -> None:
        self.db = db
        self.machine = machine
        self.machine_id = machine.id if machine is not None else None
        self.channel = channel

    def for_channel(self, channel: str) -> MachineLedger:
        """The same machine's ledger of ``channel``."""
        return MachineLedger(self.db, self.machine, channel)

    def was_shown(self, interview_id: int, kind: Kind, due_at: datetime) -> bool:
        """Whether this machine's ledger holds the showing, in any state."""
        with self.db.reading() as s:
            return find(s, self.machine_id, interview_id, kind, due_at, self.channel) is not None

    def state_of(self, interview_id: int, kind: Kind, due_at: datetime) -> str | None:
        """The state of the showing in this channel's ledger on this machine: ``"intent"``,
        ``"shown"``, or None when it is not there."""
        with self.db.reading() as s:
            found = find(s, self.machine_id, interview_id, kind, due_at, self.channel)
            return found.state if found is not None else None

    def confirmed(
        self, ids: Sequence[int] | None = None
    ) -> dict[tuple[int, str], dict[datetime, datetime]]:
        """This channel's confirmed showings on this machine of open interviews (all, or
        ``ids``): (interview id, kind) -> due instant -> shown instant (aware UTC)."""
        with self.db.reading() as s:
            return confirmed(s, self.machine_id, ids, self.channel)

    def record_shown(self, reminders: Iterable[Showing], now: datetime) -> None:
        """Enter reminders in the ledger as shown; ones already there are left as they are."""
        self._enter(reminders, now, "shown")

    def record_intent(self, reminders: Iterable[Showing], now: datetime) -> None:
        """Enter reminders in the ledger as about to be shown (``intent``), just before
        ``Notify``; rows already there are left as they are. Raises StoreError."""
        self._enter(reminders, now, "intent")

    def confirm_shown(self, reminders: Iterable[Showing], now: datetime) -> None:
        """The notification server accepted these reminders: their ledger rows become
        ``shown`` (rows that are missing are entered so). Raises StoreError."""
        with self.db.writing() as s:
            machine_rows.register(s, self.machine)
            for interview_id, kind, due_at in reminders:
                row = find(s, self.machine_id, interview_id, kind, due_at, self.channel)
                if row is not None:
                    row.state, row.shown_at = "shown", now
                elif s.get(Interview, interview_id) is not None:
                    s.add(self._row(interview_id, kind, due_at, now, "shown"))

    def forget_intent(self, reminders: Iterable[Showing]) -> None:
        """The server certainly did not show these (it answered with an error): their
        intents are removed, so they are retried as never shown. Raises StoreError."""
        with self.db.writing() as s:
            for interview_id, kind, due_at in reminders:
                s.execute(
                    delete(ShownReminder).where(
                        ShownReminder.interview_id == interview_id,
                        ShownReminder.kind == kind.value,
                        ShownReminder.due_at == due_at,
                        ShownReminder.state == "intent",
                        ShownReminder.channel == self.channel,
                        machine_rows.seen_by(self.machine_id),
                    )
                )

    def last_shown(self) -> LastShown | None:
        """The reminder entered in the ledger last (an intent too), or None."""
        with self.db.reading() as s:
            return newest(s)

    def machines_shown(self) -> list[MachineShown]:
        """Each machine that showed a reminder, with the one it showed last, newest first
        (see :func:`followup.store.machines.newest_showings`)."""
        with self.db.reading() as s:
            return machine_rows.newest_showings(s)

    def _enter(self, reminders: Iterable[Showing], now: datetime, state: str) -> None:
        with self.db.writing() as s:
            machine_rows.register(s, self.machine)
            for interview_id, kind, due_at in reminders:
                if s.get(Interview, interview_id) is None:
                    continue
                if find(s, self.machine_id, interview_id, kind, due_at, self.channel) is None:
                    s.add(self._row(interview_id, kind, due_at, now, state))

    def _row(
        self, interview_id: int, kind: Kind, due_at: datetime, now: datetime, state: str
    ) -> ShownReminder:
        return ShownReminder(
            interview_id=interview_id,
            kind=kind.value,
            due_at=due_at,
            shown_at=now,
            state=state,
            machine_id=self.machine_id,
            channel=self.channel,
        )
