"""Behind a pooler that breaks ``LISTEN`` (pgbouncer in transaction mode), the store watch
finds out at start with a ``NOTIFY`` round trip, says so in one log line and polls; straight
to PostgreSQL (or through pgbouncer in session mode) it listens. Real PostgreSQL, real
pgbouncer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from followup.store import Database
from followup.store import watch as store_watch
from followup.store.watch import NoticeWatch
from tests.support.pgbouncer import PgBouncer
from tests.support.postgres import PostgresCluster

pytestmark = [pytest.mark.system, pytest.mark.own_store]


@pytest.fixture
def pooled(postgres: PostgresCluster) -> Iterator[tuple[PostgresCluster, PgBouncer, str]]:
    url = postgres.create_database()
    name = url.rsplit("/", 1)[1]
    bouncer = PgBouncer(postgres)
    yield postgres, bouncer, name
    bouncer.stop()


@pytest.mark.parametrize(("through", "polls"), [("server", False), ("pgbouncer", True)])
def test_the_watch_polls_only_where_notices_do_not_come_through(
    pooled: tuple[PostgresCluster, PgBouncer, str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    through: str,
    polls: bool,
) -> None:
    monkeypatch.setattr(store_watch, "PROBE_S", 1.0)
    postgres, bouncer, name = pooled
    url = bouncer.url(name) if through == "pgbouncer" else postgres.url(name)
    db = Database(url)
    try:
        watch = NoticeWatch(db)
        try:
            assert watch.polling is polls
            said = [r.getMessage() for r in caplog.records if "change notices" in r.getMessage()]
            assert len(said) == (1 if polls else 0)
            if polls:
                assert "pgbouncer" in said[0] and "comparing the store every 30 s" in said[0]
                assert watch.fileno() is None
                assert watch.recheck_in() is not None
            else:
                assert watch.fileno() is not None
        finally:
            watch.close()
    finally:
        db.close()


def test_a_polling_watch_says_changed_once_a_period(
    pooled: tuple[PostgresCluster, PgBouncer, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_watch, "PROBE_S", 1.0)
    monkeypatch.setattr(store_watch, "POLL_S", 0.0)
    _postgres, bouncer, name = pooled
    db = Database(bouncer.url(name))
    try:
        watch = NoticeWatch(db)
        assert watch.polling
        assert watch.changed() is True
        monkeypatch.setattr(store_watch, "POLL_S", 3600.0)
        assert watch.changed() is True  # the period asked for before runs out now
        assert watch.changed() is False
        watch.close()
    finally:
        db.close()
