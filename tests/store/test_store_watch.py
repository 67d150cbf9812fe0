"""The daemon's watch on the store: woken by other processes' commits, not by reads."""

from __future__ import annotations

import os
import select
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from followup.store import Database
from followup.store.watch import RECHECK_S, NoticeWatch, StoreWatch, Watch, watch_store
from tests.support.postgres import PostgresCluster

#: These tests open, inspect or damage their SQLite file, or pick their own store.
pytestmark = pytest.mark.own_store


def _readable(watch: StoreWatch) -> bool:
    fd = watch.fileno()
    assert fd is not None, "inotify is available on Linux"
    return bool(select.select([fd], [], [], 0)[0])


def _database(tmp_path: Path) -> Path:
    path = tmp_path / "followup.db"
    Database(f"sqlite:///{path}").close()
    return path


def test_a_new_watch_reports_no_change(tmp_path: Path) -> None:
    watch = StoreWatch(_database(tmp_path))
    assert not _readable(watch)
    assert watch.changed() is False
    watch.close()


def test_a_commit_by_another_connection_wakes_the_watch_and_counts_as_a_change(
    tmp_path: Path,
) -> None:
    path = _database(tmp_path)
    watch = StoreWatch(path)
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE scratch (x INTEGER)")
    assert _readable(watch)
    assert watch.changed() is True
    assert watch.changed() is False, "one commit is one change"
    watch.close()


def test_reads_by_another_connection_are_no_change(tmp_path: Path) -> None:
    path = _database(tmp_path)
    watch = StoreWatch(path)
    with sqlite3.connect(path) as other:
        other.execute("SELECT count(*) FROM interviews").fetchone()
    assert watch.changed() is False
    watch.close()


def test_a_database_that_is_no_own_store_is_always_compared() -> None:
    watch = StoreWatch(None)
    assert watch.fileno() is None
    assert watch.changed() is True
    watch.close()


def test_a_commit_whose_inotify_event_was_already_read_still_counts(tmp_path: Path) -> None:
    """The race the daemon must survive: it read the write's event before the commit was
    visible; the next look (at the latest the next wake) must still see the change."""
    path = _database(tmp_path)
    watch = StoreWatch(path)
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE scratch (x INTEGER)")
    fd = watch.fileno()
    assert fd is not None
    os.read(fd, 65536)
    assert not _readable(watch)
    assert watch.changed() is True
    watch.close()


def test_a_write_seen_before_its_commit_asks_for_another_look_soon(tmp_path: Path) -> None:
    path = _database(tmp_path)
    watch = StoreWatch(path)
    assert watch.recheck_in() is None
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA cache_size = 1")  # pages spill to the log before the commit
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE scratch (x TEXT)")
    other.executemany("INSERT INTO scratch VALUES (?)", [("x" * 500,)] * 200)
    assert _readable(watch)
    assert watch.changed() is False
    assert watch.recheck_in() == RECHECK_S
    other.execute("COMMIT")
    other.close()
    assert watch.changed() is True
    assert watch.recheck_in() is None
    watch.close()


# -- PostgreSQL: LISTEN/NOTIFY ---------------------------------------------------------------


def _wait_readable(watch: Watch, seconds: float = 10.0) -> bool:
    fd = watch.fileno()
    return fd is not None and bool(select.select([fd], [], [], seconds)[0])


def _commit_write(db: Database, rollback: bool = False) -> None:
    try:
        with db.writing() as s:
            s.execute(text("SELECT count(*) FROM interviews"))
            if rollback:
                raise LookupError("roll back")
    except LookupError:
        pass


@pytest.mark.parametrize(
    "what, notices",
    [
        ("a committed write transaction", True),
        ("a write transaction rolled back", False),
        ("a read", False),
    ],
)
def test_postgres_notices_come_from_committed_writes_only(
    postgres: PostgresCluster, what: str, notices: bool
) -> None:
    url = postgres.create_database()
    mine, other = Database(url), Database(url)
    watch = watch_store(mine)
    try:
        assert isinstance(watch, NoticeWatch)
        assert watch.changed() is False
        if what == "a read":
            with other.reading() as s:
                s.execute(text("SELECT count(*) FROM interviews"))
        else:
            _commit_write(other, rollback=what.endswith("rolled back"))
        assert _wait_readable(watch, 10.0 if notices else 0.5) is notices
        assert watch.changed() is notices
        assert watch.changed() is False
    finally:
        watch.close()
        mine.close()
        other.close()


def test_postgres_watch_reconnects_after_a_server_restart(postgres: PostgresCluster) -> None:
    url = postgres.create_database()
    mine, other = Database(url), Database(url)
    watch = watch_store(mine)
    try:
        postgres.restart()
        # Lost notices cannot be known: the first looks after the break report a change.
        assert any(watch.changed() for _ in range(3))
        assert watch.recheck_in() is None, "connected again at once: the server is back"
        _commit_write(other)
        assert _wait_readable(watch)
        assert watch.changed() is True
    finally:
        watch.close()
        mine.close()
        other.close()
