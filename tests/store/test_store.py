"""The store: SQLite's settings, what deleting removes, write transactions that take the write
lock before their first read, and the ledger of reminders already shown."""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from followup.config import load
from followup.lifecycle.service import Tracker
from followup.records import Details
from followup.rules import Kind, Status
from followup.store import Database, Interview

#: These tests open, inspect or damage their SQLite file, or pick their own store.
pytestmark = pytest.mark.own_store

NY = ZoneInfo("America/New_York")
#: Fri 2026-11-20 15:00 New York: the interviews below are added then.
ADDED = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
#: Fri 2026-11-27 09:05: just after the first email reminder was shown.
AFTER_SHOWN = datetime(2026, 11, 27, 9, 5, tzinfo=NY)
#: The email reminder of an interview expected Mon 2026-11-23 (US): Tue 24, Wed 25 pass,
#: Thu 26 is Thanksgiving, so Fri 2026-11-27 09:00 EST.
EMAIL_DUE = datetime(2026, 11, 27, 9, 0, tzinfo=NY)
MON_23 = date(2026, 11, 23)


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{db_path}")
    yield database
    database.close()


@pytest.fixture
def tracker(db: Database) -> Tracker:
    return Tracker(load(), db)


@pytest.fixture
def add(tracker: Tracker) -> Callable[[str], int]:
    """Add an interview expected Mon 2026-11-23 on Fri 2026-11-20; returns its id."""

    def run(company: str) -> int:
        return tracker.add(Details(company=company, reply_expected_on=MON_23), ADDED).id

    return run


def raw(path: Path, timeout: float = 30) -> sqlite3.Connection:
    """A plain sqlite3 connection that issues no BEGIN of its own: another process's view."""
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def insert_sql(company: str) -> str:
    return (
        "INSERT INTO interviews (company, reply_expected_on, status, created_at, updated_at) "
        f"VALUES ('{company}', '2026-11-23', 'waiting', "
        "'2026-11-20 20:00:00.000000', '2026-11-20 20:00:00.000000')"
    )


def new_row(company: str) -> Interview:
    now = ADDED.astimezone(UTC)
    return Interview(
        company=company,
        reply_expected_on=MON_23,
        status=Status.WAITING.value,
        created_at=now,
        updated_at=now,
    )


def companies(path: Path) -> list[str]:
    with closing(raw(path)) as conn:
        return [c for (c,) in conn.execute("SELECT company FROM interviews ORDER BY id")]


def count(path: Path, sql: str) -> int:
    with closing(raw(path)) as conn:
        return int(conn.execute(sql).fetchone()[0])


# -- SQLite's settings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),  # readers run beside the daemon's or another command's write
        ("busy_timeout", 30_000),  # a locked database is waited for (ms), not failed on
        ("foreign_keys", 1),  # deleting an interview cascades to its rows
    ],
)
def test_every_connection_has_the_store_settings(
    db: Database, pragma: str, expected: object
) -> None:
    with db.reading() as reading:
        assert reading.connection().exec_driver_sql(f"PRAGMA {pragma}").scalar() == expected
    with db.writing() as writing:
        assert writing.connection().exec_driver_sql(f"PRAGMA {pragma}").scalar() == expected


def test_the_file_itself_is_in_wal_mode_for_every_other_connection(
    db: Database, db_path: Path
) -> None:
    with closing(raw(db_path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_database_file_and_its_folder_are_private(db: Database, db_path: Path) -> None:
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700


def test_deleting_an_interview_removes_its_events_and_ledger_rows(
    tracker: Tracker, add: Callable[[str], int], db_path: Path
) -> None:
    acme, globex = add("Acme"), add("Globex")
    tracker.emailed(acme, date(2026, 11, 27), AFTER_SHOWN)
    tracker.record_shown([(acme, Kind.EMAIL, EMAIL_DUE), (globex, Kind.EMAIL, EMAIL_DUE)], ADDED)

    tracker.delete(acme, AFTER_SHOWN)

    assert companies(db_path) == ["Globex"]
    for table, acme_rows, globex_rows in [("events", 0, 1), ("shown_reminders", 0, 1)]:
        sql = f"SELECT count(*) FROM {table} WHERE interview_id = "
        assert (count(db_path, f"{sql}{acme}"), count(db_path, f"{sql}{globex}")) == (
            acme_rows,
            globex_rows,
        ), table


# -- BEGIN IMMEDIATE ---------------------------------------------------------------------------


def test_the_trap_a_deferred_read_then_write_fails_when_another_commits_in_between(
    db: Database, db_path: Path
) -> None:
    """Why writes start with BEGIN IMMEDIATE: the busy timeout does not help a deferred
    transaction whose snapshot went stale; SQLite fails its first write at once."""
    deferred, other = raw(db_path), raw(db_path)
    deferred.execute("BEGIN")  # deferred: only a read snapshot, no write lock yet
    assert deferred.execute("SELECT count(*) FROM interviews").fetchone() == (0,)
    other.execute("BEGIN IMMEDIATE")
    other.execute(insert_sql("Other"))
    other.execute("COMMIT")

    with pytest.raises(sqlite3.OperationalError, match=r"^database is locked$"):
        deferred.execute(insert_sql("Deferred"))

    deferred.execute("ROLLBACK")
    deferred.close()
    other.close()
    assert companies(db_path) == ["Other"]


def test_writing_takes_the_write_lock_before_its_first_read(db: Database, db_path: Path) -> None:
    """The same interleaving inside ``Database.writing()``: the other writer is the one kept
    out (here without waiting, timeout 0), and nothing fails."""
    other = raw(db_path, timeout=0)
    with db.writing() as s:
        assert s.scalar(select(func.count()).select_from(Interview)) == 0
        with pytest.raises(sqlite3.OperationalError, match=r"^database is locked$"):
            other.execute("BEGIN IMMEDIATE")
        s.add(new_row("Writing"))

    other.execute("BEGIN IMMEDIATE")
    other.execute(insert_sql("Other"))
    other.execute("COMMIT")
    other.close()
    assert companies(db_path) == ["Writing", "Other"]


def test_writing_waits_for_another_writer_then_reads_its_row_and_writes(
    db: Database, db_path: Path
) -> None:
    """Another connection holds the write lock; a ``writing()`` that reads then writes waits
    for it (busy timeout) instead of failing, and sees what the other one committed."""
    other = raw(db_path)
    other.execute("BEGIN IMMEDIATE")
    other.execute(insert_sql("Other"))

    seen: list[int] = []
    failures: list[BaseException] = []

    def read_then_write() -> None:
        try:
            with db.writing() as s:
                seen.append(s.scalar(select(func.count()).select_from(Interview)) or 0)
                s.add(new_row("Writing"))
        except BaseException as exc:
            failures.append(exc)

    writer = threading.Thread(target=read_then_write)
    writer.start()
    writer.join(timeout=0.5)
    assert writer.is_alive(), "writing() went ahead while another connection held the lock"
    other.execute("COMMIT")
    other.close()
    writer.join()

    assert failures == []
    assert seen == [1]  # it began after the other commit, so its read saw that row
    assert companies(db_path) == ["Other", "Writing"]


# -- the ledger of shown reminders ---------------------------------------------------------------


def test_recording_the_same_reminder_twice_keeps_one_row(
    tracker: Tracker, add: Callable[[str], int], db_path: Path
) -> None:
    acme = add("Acme")
    tracker.record_shown([(acme, Kind.EMAIL, EMAIL_DUE)], AFTER_SHOWN)
    # The same instant again, given in UTC (Fri 2026-11-27 14:00Z), a minute later.
    tracker.record_shown(
        [(acme, Kind.EMAIL, EMAIL_DUE.astimezone(UTC))],
        datetime(2026, 11, 27, 9, 6, tzinfo=NY),
    )

    with closing(raw(db_path)) as conn:
        rows = conn.execute("SELECT interview_id, kind, due_at, shown_at FROM shown_reminders")
        assert rows.fetchall() == [
            (acme, "email", "2026-11-27 14:00:00.000000", "2026-11-27 14:05:00.000000")
        ]


def test_a_reminder_of_an_interview_that_is_gone_is_not_recorded(
    tracker: Tracker, add: Callable[[str], int], db_path: Path
) -> None:
    acme = add("Acme")
    tracker.delete(acme, AFTER_SHOWN)
    tracker.record_shown([(acme, Kind.EMAIL, EMAIL_DUE)], AFTER_SHOWN)
    assert count(db_path, "SELECT count(*) FROM shown_reminders") == 0


@pytest.mark.parametrize(
    ("kind", "due", "shown"),
    [
        pytest.param(Kind.EMAIL, EMAIL_DUE, True, id="email Fri 2026-11-27 09:00 EST: shown"),
        pytest.param(
            Kind.EMAIL, EMAIL_DUE.astimezone(UTC), True, id="the same instant in UTC: shown"
        ),
        pytest.param(
            Kind.EMAIL,
            datetime(2026, 12, 1, 9, 0, tzinfo=NY),
            False,
            id="email Tue 2026-12-01 09:00 EST: another due time",
        ),
        pytest.param(Kind.MOVE_ON, EMAIL_DUE, False, id="move-on at the same time: another kind"),
    ],
)
def test_was_shown_matches_interview_kind_and_due_instant(
    tracker: Tracker, add: Callable[[str], int], kind: Kind, due: datetime, shown: bool
) -> None:
    acme = add("Acme")
    tracker.record_shown([(acme, Kind.EMAIL, EMAIL_DUE)], AFTER_SHOWN)
    assert tracker.was_shown(acme, kind, due) is shown
    assert tracker.was_shown(acme + 1, Kind.EMAIL, EMAIL_DUE) is False


def test_pending_for_lists_unshown_reminders_of_open_interviews(
    tracker: Tracker, add: Callable[[str], int]
) -> None:
    acme, globex = add("Acme"), add("Globex")
    pending = tracker.pending_for()
    assert [(d.interview_id, d.company, d.kind, d.at) for d, _ in pending] == [
        (acme, "Acme", Kind.EMAIL, EMAIL_DUE),
        (globex, "Globex", Kind.EMAIL, EMAIL_DUE),
    ]
    assert [view.id for _, view in pending] == [acme, globex]


def test_pending_for_only_the_ids_asked_for(tracker: Tracker, add: Callable[[str], int]) -> None:
    add("Acme")
    globex = add("Globex")
    assert [d.interview_id for d, _ in tracker.pending_for([globex])] == [globex]


def test_pending_for_gives_a_shown_reminder_at_its_repeat_not_again_at_its_instant(
    tracker: Tracker, add: Callable[[str], int]
) -> None:
    acme, globex = add("Acme"), add("Globex")
    tracker.record_shown([(acme, Kind.EMAIL, EMAIL_DUE)], AFTER_SHOWN)
    [(due, _view)] = tracker.pending_for([acme])
    # shown Fri 27 Nov 09:05; the weekend passes: again Mon 30 Nov 09:00
    assert (due.at, due.since, due.shown_at) == (
        datetime(2026, 11, 30, 9, 0, tzinfo=NY),
        EMAIL_DUE,
        AFTER_SHOWN,
    )
    [(other, _view)] = tracker.pending_for([globex])
    assert (other.at, other.since) == (EMAIL_DUE, None)


@pytest.mark.parametrize(
    "close",
    [
        pytest.param(lambda t, i: t.close(i, Status.MOVED_ON, ADDED), id="moved on"),
        pytest.param(lambda t, i: t.close(i, Status.WITHDRAWN, ADDED), id="withdrawn"),
        pytest.param(lambda t, i: t.heard(i, "offer", None, ADDED), id="heard back: offer"),
    ],
)
def test_pending_for_excludes_closed_interviews(
    tracker: Tracker,
    add: Callable[[str], int],
    close: Callable[[Tracker, int], object],
) -> None:
    acme, globex = add("Acme"), add("Globex")
    close(tracker, acme)
    assert [d.interview_id for d, _ in tracker.pending_for()] == [globex]
    assert tracker.pending_for([acme]) == []


def test_a_snoozed_reminder_is_due_again_at_its_new_time(
    tracker: Tracker, add: Callable[[str], int]
) -> None:
    """Shown Fri 2026-11-27 09:00, then snoozed 2 business days on that Friday: Mon 30,
    Tue 2026-12-01 -> a new reminder Tue 2026-12-01 09:00 EST, not yet shown."""
    acme = add("Acme")
    tracker.record_shown([(acme, Kind.EMAIL, EMAIL_DUE)], AFTER_SHOWN)
    tracker.snooze(acme, 2, AFTER_SHOWN)

    tue_dec_1 = datetime(2026, 12, 1, 9, 0, tzinfo=NY)
    assert [(d.interview_id, d.kind, d.at) for d, _ in tracker.pending_for()] == [
        (acme, Kind.EMAIL, tue_dec_1)
    ]
    assert tracker.was_shown(acme, Kind.EMAIL, tue_dec_1) is False
    assert tracker.was_shown(acme, Kind.EMAIL, EMAIL_DUE) is True


def test_an_email_sent_after_the_reminder_brings_a_move_on_reminder(
    tracker: Tracker, add: Callable[[str], int]
) -> None:
    """Emailed Fri 2026-11-27: Mon 30 .. Fri Dec 4 pass (5 business days) -> move on
    Mon 2026-12-07 09:00 EST, a reminder of another kind, pending."""
    acme = add("Acme")
    tracker.record_shown([(acme, Kind.EMAIL, EMAIL_DUE)], AFTER_SHOWN)
    tracker.emailed(acme, date(2026, 11, 27), AFTER_SHOWN)
    assert [(d.interview_id, d.kind, d.at) for d, _ in tracker.pending_for()] == [
        (acme, Kind.MOVE_ON, datetime(2026, 12, 7, 9, 0, tzinfo=NY))
    ]
