"""Every query on machines: which ledger rows count for a machine, entering a machine in the
store, and which machines showed reminders last.

Several machines may share one store. Each one's daemon shows a reminder once, whichever
other machine showed it (a person may be at either one), so each ledger row names the
machine that showed it (:mod:`followup.machine` says which machine this is). A row without
a machine comes from before machines were told apart: it counts as shown on every machine,
so that an upgrade never shows a reminder again.

The functions take the caller's session, so that a machine is entered in the same
transaction as its first ledger row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from followup.store.models import Interview, Machine, ShownReminder
from followup.values import DESKTOP, MachineShown

if TYPE_CHECKING:
    from followup import machine


def seen_by(machine_id: str | None) -> ColumnElement[bool]:
    """The ledger rows that count for ``machine_id``: its own and those from before
    machines were told apart; for None (a machine that never showed a reminder under an
    id), only the latter."""
    older = ShownReminder.machine_id.is_(None)
    return older if machine_id is None else or_(older, ShownReminder.machine_id == machine_id)


def register(s: Session, found: machine.Machine | None) -> None:
    """Enter ``found`` in the store, or its new name, before any ledger row names it."""
    if found is None:
        return
    row = s.get(Machine, found.id)
    if row is None:
        s.add(Machine(id=found.id, name=found.name))
        s.flush()
    elif row.name != found.name:
        row.name = found.name


def add_named(s: Session, named: Iterable[tuple[str, str | None]]) -> None:
    """Enter machines (id, name or None) that imported ledger rows name and the store does
    not know yet; one without a name is called by its short id. A machine the store knows
    keeps its name."""
    names: dict[str, str] = {}
    for machine_id, name in named:
        names.setdefault(machine_id, name or machine_id[:8])
    if not names:
        return
    known = set(s.scalars(select(Machine.id).where(Machine.id.in_(list(names)))))
    s.add_all(Machine(id=i, name=name) for i, name in names.items() if i not in known)
    s.flush()


def names(s: Session) -> dict[str, str]:
    """Every machine's name by its id."""
    return {str(i): str(name) for i, name in s.execute(select(Machine.id, Machine.name))}


def newest_showings(s: Session) -> list[MachineShown]:
    """Each machine that showed a reminder still in the store, with the one it entered in
    the desktop's ledger last (an intent too), newest first (``shown_at`` aware UTC). Rows
    from before machines were told apart belong to none and are left out."""
    rank = (
        func.row_number()
        .over(
            partition_by=ShownReminder.machine_id,
            order_by=(ShownReminder.shown_at.desc(), ShownReminder.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(
            ShownReminder.machine_id,
            Machine.name,
            ShownReminder.interview_id,
            ShownReminder.kind,
            ShownReminder.shown_at,
            Interview.company,
            rank,
        )
        .join(Machine, Machine.id == ShownReminder.machine_id)
        .join(Interview, Interview.id == ShownReminder.interview_id)
        .where(ShownReminder.channel == DESKTOP)
        .subquery("ranked")
    )
    c = ranked.c
    query = (
        select(c.machine_id, c.name, c.interview_id, c.kind, c.shown_at, c.company)
        .where(c.rank == 1)
        .order_by(c.shown_at.desc(), c.machine_id)
    )
    return [MachineShown(*row) for row in s.execute(query)]
