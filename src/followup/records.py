"""The values that go into the store whole and come out of it whole: what a user sets on an
interview, the interview with its history and ledger as backups and statistics need it,
deleted interviews, and what one import writes.

They are kept apart from :mod:`followup.values` (what is shown) because only the commands
that write, export or count need them: ``followup list`` never defines them. Nothing here
imports a database library, reads the clock or prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from followup.values import HistoryEntry


class Details(NamedTuple):
    """What a user can set on an interview; ``None`` means "not given"."""

    company: str | None = None
    role: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    interviewed_on: date | None = None
    reply_expected_on: date | None = None
    country: str | None = None
    subdivision: str | None = None
    notes: str | None = None
    #: The words the promised day was given in ("end of next week"), when it was.
    reply_expected_words: str | None = None

    def given(self) -> dict[str, Any]:
        """The fields given (not None), by name."""
        return {name: value for name, value in self._asdict().items() if value is not None}


class ShownEntry(NamedTuple):
    """One reminder in the ledger: shown once on a machine, never again there. A row
    without a machine (``machine_id`` None, from before machines were told apart) counts
    as shown on every machine; ``machine_name`` is the machine's name, when it has one;
    ``channel`` the registry's name of the channel that delivered it."""

    kind: str
    due_at: datetime
    shown_at: datetime
    machine_id: str | None = None
    machine_name: str | None = None
    channel: str = "desktop"


class Record(NamedTuple):
    """An interview whole, as backups and statistics need it: every stored column except
    the plan cache (which is derived from them and the config), its history and its ledger."""

    columns: Mapping[str, Any]
    events: tuple[HistoryEntry, ...]
    shown: tuple[ShownEntry, ...]


class Tombstone(NamedTuple):
    """A deleted interview, as the calendar feed needs it: what its events' UIDs were made
    of (``interview_id``, ``created_at``, aware UTC), when it was deleted, and the SEQUENCE
    of the cancellation (one more than its number of history entries)."""

    interview_id: int
    created_at: datetime
    deleted_at: datetime
    sequence: int


class Change(NamedTuple):
    """New values for some columns of a stored interview, and the history entry saying so."""

    interview_id: int
    columns: Mapping[str, Any]
    event: HistoryEntry


class Batch(NamedTuple):
    """What one import writes: whole interviews (ids chosen, plan cache left out) and
    changes to stored ones."""

    added: Sequence[Record] = ()
    changed: Sequence[Change] = ()
