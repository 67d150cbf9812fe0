"""Deleted interviews' tombstones (migration 0003) on a real PostgreSQL server: the
migration goes up, down and up again, and a deletion leaves a tombstone the calendar feed
cancels, as on SQLite.

The cluster is the test session's (``tests/support/postgres.py``); each test gets a fresh
database in it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from icalendar import Calendar
from sqlalchemy import create_engine, inspect

from followup.config import load
from followup.lifecycle.service import TOMBSTONE_DAYS, Tracker
from followup.records import Details
from followup.store import Database
from followup.store.migrate import alembic_config
from followup.transfer.ics import render_feed
from tests.support.postgres import PostgresCluster

#: These tests open, inspect or damage their SQLite file, or pick their own store.
pytestmark = pytest.mark.own_store

ADDED = datetime(2026, 11, 20, 15, tzinfo=UTC)


@pytest.fixture
def url(postgres: PostgresCluster) -> str:
    """A fresh, empty database on the session's PostgreSQL cluster."""
    return postgres.create_database()


def migrate(url: str, target: str, *, down: bool = False) -> None:
    """Alembic's upgrade (or downgrade) to ``target`` on a connection closed afterwards,
    as the application hands one over."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(cfg, target)
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migration_0003_goes_up_down_and_up_on_postgresql(url: str) -> None:
    migrate(url, "0002")
    assert "deleted_interviews" not in tables(url)
    migrate(url, "0003")
    assert "deleted_interviews" in tables(url)
    engine = create_engine(url)
    try:
        found = inspect(engine)
        assert found.get_pk_constraint("deleted_interviews")["name"] == "pk_deleted_interviews"
        assert [u["name"] for u in found.get_unique_constraints("deleted_interviews")] == [
            "uq_deleted_interviews_interview_id_created_at"
        ]
    finally:
        engine.dispose()
    migrate(url, "0002", down=True)
    assert "deleted_interviews" not in tables(url)
    migrate(url, "0003")
    assert "deleted_interviews" in tables(url)


def test_a_deletion_on_postgresql_leaves_a_tombstone_the_feed_cancels(
    url: str, config_file: Path
) -> None:
    migrate(url, "head")
    config_file.write_text(
        f'[calendar]\ncountry = "US"\ntimezone = "America/New_York"\n[store]\nurl = "{url}"\n'
    )
    config = load()
    db = Database(url, upgrade=False)
    try:
        tracker = Tracker(config, db)
        acme = tracker.add(Details(company="Acme", reply_expected_on=date(2026, 11, 23)), ADDED)
        tracker.add(Details(company="Beta", reply_expected_on=date(2026, 11, 23)), ADDED)
        tracker.delete(acme.id, ADDED + timedelta(days=1))
        [stone] = tracker.tombstones()
        assert (stone.interview_id, stone.created_at, stone.sequence) == (acme.id, ADDED, 2)
        events = Calendar.from_ical(render_feed(tracker)).walk("VEVENT")
        cancelled = sorted(
            str(e["UID"]).split("-")[0] for e in events if e.get("STATUS") == "CANCELLED"
        )
        assert cancelled == ["reminder", "reply"]
        # a deletion long after drops tombstones older than TOMBSTONE_DAYS
        later = ADDED + timedelta(days=TOMBSTONE_DAYS + 2)
        beta = tracker.interviews()[0].id
        tracker.delete(beta, later)
        assert [t.interview_id for t in tracker.tombstones()] == [beta]
    finally:
        db.close()
