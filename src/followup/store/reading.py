"""The quick read path: an SQLite store read with the standard library's ``sqlite3``.

``followup list``, ``upcoming`` and ``status`` run often and change nothing; importing
SQLAlchemy would cost them several times what the rest of the command does. For an SQLite
file whose schema is the newest and whose open interviews were planned with today's
settings (each row's ``plan_key``, see :class:`followup.store.models.Interview`), they read
the rows here, in one read transaction, with the same SQL the SQLAlchemy path runs. In every
other case :func:`snapshot` answers ``None`` and the caller takes the SQLAlchemy path, which
also creates, upgrades, checks and explains: a missing file, another database, a schema
that is older or newer, a stale plan, any SQLite error.

Values come back as SQLAlchemy stores them in SQLite: dates as ``YYYY-MM-DD`` and instants
as naive UTC ``YYYY-MM-DD HH:MM:SS[.ffffff]``; they are returned as :class:`~datetime.date`
and aware UTC :class:`~datetime.datetime`.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

from followup.rules import OPEN_STATUSES
from followup.values import DESKTOP

#: The newest migration; a file at another revision is left to the SQLAlchemy path (which
#: upgrades it or refuses it). ``tests/store/test_migrations.py`` keeps it equal to the scripts'.
HEAD_REVISION = "0008"
#: How long a read waits for a lock (WAL readers are not blocked by a writer).
READ_TIMEOUT_S = 30.0
_OPEN = tuple(s.value for s in OPEN_STATUSES)
_COLUMNS = (
    "id, company, role, contact_name, contact_email, interviewed_on, reply_expected_on, "
    "emailed_on, status, outcome, country, subdivision, notes, snoozed_to, plan_key, "
    "next_kind, next_at, reply_expected_words"
)


class Row(NamedTuple):
    """One interview's listed columns (not ``created_at``, ``updated_at``)."""

    id: int
    company: str
    role: str | None
    contact_name: str | None
    contact_email: str | None
    interviewed_on: date | None
    reply_expected_on: date
    emailed_on: date | None
    status: str
    outcome: str | None
    country: str | None
    subdivision: str | None
    notes: str | None
    snoozed_to: date | None
    plan_key: str | None
    next_kind: str | None
    next_at: datetime | None
    reply_expected_words: str | None


class Snapshot(NamedTuple):
    """What the listing commands read, in one transaction.

    ``rows``: interviews in id order (open ones, all, or those of one status); ``held``:
    interviews with a pending reply finding; ``ledger``: confirmed showings of open
    interviews that count for this machine, (id, kind) -> due instant -> shown instant;
    ``intents``: unconfirmed ones, (id, kind, due instant); ``last``: the newest ledger row
    of any state and machine as (interview id, kind, shown instant, company), or None;
    ``shown_on``: when asked for, each machine's newest ledger row as (machine id, machine
    name, interview id, kind, shown instant, company), newest first. Instants are aware UTC.
    """

    rows: list[Row]
    held: set[int]
    ledger: dict[tuple[int, str], dict[datetime, datetime]]
    intents: set[tuple[int, str, datetime]]
    last: tuple[int, str, datetime, str] | None
    shown_on: list[tuple[str, str, int, str, datetime, str]]


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL (``~`` expanded), else None: another
    database, a driver or query options, or anything this reader does not parse exactly
    as SQLAlchemy does is left to the SQLAlchemy path."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url.removeprefix(prefix)
            if not rest or rest == ":memory:" or any(c in rest for c in "?%#"):
                return None
            return Path(rest).expanduser()
    return None


def snapshot(
    url: str,
    plan_key: str,
    *,
    machine_id: str | None = None,
    include_closed: bool = False,
    status: str | None = None,
    shown_on: bool = False,
) -> Snapshot | None:
    """The rows of ``followup list`` (open ones; all with ``include_closed``; only those of
    ``status`` when given) with the held set, the ledger as the machine ``machine_id`` sees
    it (its own rows and those from before machines were told apart; for None only the
    latter), the last showing and, with ``shown_on``, each machine's last showing; ``None``
    whenever the SQLAlchemy path must answer instead (see the module's docstring)."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path, timeout=READ_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")
        return _read(conn, plan_key, machine_id, include_closed, status, shown_on)
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        conn.close()


def _read(
    conn: sqlite3.Connection,
    plan_key: str,
    machine_id: str | None,
    include_closed: bool,
    status: str | None,
    shown_on: bool,
) -> Snapshot | None:
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    if revision != [(HEAD_REVISION,)]:
        return None
    stale = conn.execute(
        "SELECT 1 FROM interviews WHERE status IN (?, ?) "
        "AND (plan_key IS NULL OR plan_key != ?) LIMIT 1",
        (*_OPEN, plan_key),
    ).fetchone()
    if stale is not None:
        return None
    if status is not None:
        found = conn.execute(
            f"SELECT {_COLUMNS} FROM interviews WHERE status = ? ORDER BY id", (status,)
        )
    elif include_closed:
        found = conn.execute(f"SELECT {_COLUMNS} FROM interviews ORDER BY id")
    else:
        found = conn.execute(
            f"SELECT {_COLUMNS} FROM interviews WHERE status IN (?, ?) ORDER BY id", _OPEN
        )
    rows = [_row(values) for values in found]
    held = {
        int(i)
        for (i,) in conn.execute(
            "SELECT interview_id FROM mail_findings WHERE state = 'pending' AND kind = 'reply'"
        )
    }
    ledger: dict[tuple[int, str], dict[datetime, datetime]] = {}
    intents: set[tuple[int, str, datetime]] = set()
    for interview_id, kind, due_at, shown_at, state in conn.execute(
        "SELECT s.interview_id, s.kind, s.due_at, s.shown_at, s.state FROM shown_reminders s "
        "JOIN interviews i ON i.id = s.interview_id WHERE i.status IN (?, ?) "
        "AND (s.machine_id IS NULL OR s.machine_id = ?) AND s.channel = ?",
        (*_OPEN, machine_id, DESKTOP),
    ):
        due = _instant(due_at)
        if state == "shown":
            ledger.setdefault((int(interview_id), str(kind)), {})[due] = _instant(shown_at)
        elif state == "intent":
            intents.add((int(interview_id), str(kind), due))
    newest = conn.execute(
        "SELECT s.interview_id, s.kind, s.shown_at, i.company FROM shown_reminders s "
        "JOIN interviews i ON i.id = s.interview_id WHERE s.channel = ? "
        "ORDER BY s.shown_at DESC, s.id DESC LIMIT 1",
        (DESKTOP,),
    ).fetchone()
    last = None
    if newest is not None:
        last = (int(newest[0]), str(newest[1]), _instant(newest[2]), str(newest[3]))
    machines = []
    if shown_on:
        for m, name, interview_id, kind, shown_at, company in conn.execute(_SHOWN_ON, (DESKTOP,)):
            machines.append(
                (str(m), str(name), int(interview_id), str(kind), _instant(shown_at), str(company))
            )
    return Snapshot(rows, held, ledger, intents, last, machines)


#: Each machine's newest ledger row (see :func:`followup.store.machines.newest_showings`).
_SHOWN_ON = (
    "SELECT machine_id, name, interview_id, kind, shown_at, company FROM ("
    "SELECT s.machine_id AS machine_id, m.name AS name, s.interview_id AS interview_id, "
    "s.kind AS kind, s.shown_at AS shown_at, i.company AS company, row_number() OVER "
    "(PARTITION BY s.machine_id ORDER BY s.shown_at DESC, s.id DESC) AS rank "
    "FROM shown_reminders s JOIN machines m ON m.id = s.machine_id "
    "JOIN interviews i ON i.id = s.interview_id WHERE s.channel = ?) AS ranked "
    "WHERE rank = 1 ORDER BY shown_at DESC, machine_id"
)


def _row(v: tuple[object, ...]) -> Row:
    return Row(
        id=int(v[0]),  # type: ignore[call-overload]
        company=str(v[1]),
        role=_text(v[2]),
        contact_name=_text(v[3]),
        contact_email=_text(v[4]),
        interviewed_on=_day(v[5]),
        reply_expected_on=date.fromisoformat(str(v[6])),
        emailed_on=_day(v[7]),
        status=str(v[8]),
        outcome=_text(v[9]),
        country=_text(v[10]),
        subdivision=_text(v[11]),
        notes=_text(v[12]),
        snoozed_to=_day(v[13]),
        plan_key=_text(v[14]),
        next_kind=_text(v[15]),
        next_at=None if v[16] is None else _instant(v[16]),
        reply_expected_words=_text(v[17]),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _day(value: object) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _instant(value: object) -> datetime:
    """A stored naive UTC instant, aware; a value that is not one raises ValueError."""
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is not None:
        raise ValueError(f"not a naive UTC instant: {value!r}")
    return parsed.replace(tzinfo=UTC)
