"""Migration 0005 and the mail findings on a real PostgreSQL server: upgrade, downgrade and
upgrade again; findings stored once, dismissed, resolved; the hold on a reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect

from followup.config import load
from followup.lifecycle.service import Tracker
from followup.records import Details
from followup.store import Database, migrate
from followup.store.findings import NewFinding
from tests.support.postgres import PostgresCluster

#: These tests open, inspect or damage their SQLite file, or pick their own store.
pytestmark = pytest.mark.own_store

NOW = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)


@pytest.fixture
def url(postgres: PostgresCluster) -> str:
    """A fresh, empty database on the session's PostgreSQL cluster."""
    return postgres.create_database()


def alembic(url: str, action: str, target: str) -> None:
    """Run the project's migrations with Alembic itself, on their own connection."""
    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = migrate.alembic_config(url)
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, target)
    engine.dispose()


def tables(url: str) -> set[str]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_migration_0005_upgrades_downgrades_and_upgrades_again(url: str) -> None:
    alembic(url, "upgrade", "head")
    assert "mail_findings" in tables(url)
    alembic(url, "downgrade", "0002")
    assert tables(url) == {"alembic_version", "interviews", "events", "shown_reminders"}
    alembic(url, "upgrade", "head")
    db = Database(url)
    names = {c["name"] for c in inspect(db.engine).get_unique_constraints("mail_findings")}
    assert names == {"uq_mail_findings_interview_kind_message"}
    db.close()


def test_findings_are_stored_once_held_and_resolved_on_postgresql(
    url: str, config_file: Path
) -> None:
    config_file.write_text(f'[store]\nurl = "{url}"\n')
    alembic(url, "upgrade", "head")
    tracker = Tracker(load(), Database(url))
    view = tracker.add(
        Details(
            company="Acme",
            contact_email="dana@acme.example",
            interviewed_on=date(2026, 10, 30),
            reply_expected_on=date(2026, 11, 4),
        ),
        NOW,
    )
    tracker.emailed(view.id, date(2026, 11, 10), NOW)
    reply = NewFinding(
        view.id, "reply", "<r@acme.example>", "INBOX", date(2026, 11, 12),
        "dana@acme.example", ("jo@jo.example",), "Re: Following up",
    )  # fmt: skip
    assert [f.kind for f in tracker.record_findings([reply], NOW)] == ["reply"]
    assert tracker.record_findings([reply], NOW) == []
    assert tracker.upcoming() == []
    tracker.heard(view.id, "offer", None, NOW, date(2026, 11, 12))
    assert tracker.pending_findings() == []
    tracker.db.close()
