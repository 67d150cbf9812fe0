"""Migration 0007, the words of a promise, up and down on SQLite and on PostgreSQL: an
upgrade keeps every interview and gives it no words; going down drops the words and keeps
the day; going up again works."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from followup.store import HEAD_REVISION
from tests.store.test_migration_machines import downgrade, execute, upgrade
from tests.support.specs import url_rows as rows

pytestmark = pytest.mark.own_store

INTERVIEWS = "SELECT id, company, reply_expected_on FROM interviews ORDER BY id"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.system)])
def at_0006(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store at schema 0006 holding Acme, expected Mon 23 Nov 2026."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres").create_database()
    upgrade(url, "0006")
    execute(
        url,
        "INSERT INTO interviews (id, company, reply_expected_on, status, created_at, "
        "updated_at) VALUES (1, 'Acme', '2026-11-23', 'waiting', :at, :at)",
        [{"at": "2026-11-20 20:00:00.000000"}],
    )
    yield url


def columns(url: str) -> list[str]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        return [c["name"] for c in inspect(engine).get_columns("interviews")]
    finally:
        engine.dispose()


def test_the_upgrade_keeps_every_interview_with_no_words(at_0006: str) -> None:
    before = rows(at_0006, INTERVIEWS)
    upgrade(at_0006)
    assert rows(at_0006, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    assert rows(at_0006, INTERVIEWS) == before
    assert rows(at_0006, "SELECT reply_expected_words FROM interviews") == [(None,)]


def test_going_down_drops_the_words_and_keeps_the_day(at_0006: str) -> None:
    upgrade(at_0006)
    execute(at_0006, "UPDATE interviews SET reply_expected_words = :w", [{"w": "end of next week"}])
    before = rows(at_0006, INTERVIEWS)
    downgrade(at_0006, "0006")
    assert "reply_expected_words" not in columns(at_0006)
    assert rows(at_0006, INTERVIEWS) == before
    upgrade(at_0006)
    assert rows(at_0006, "SELECT reply_expected_words FROM interviews") == [(None,)]
