"""The daemon's watch on the store: woken by other processes' commits, not by reads."""

from __future__ import annotations

import select
import sqlite3
from pathlib import Path

from followup.store import Database
from followup.store.watch import StoreWatch


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


def test_a_database_that_is_no_sqlite_file_is_always_compared() -> None:
    watch = StoreWatch(None)
    assert watch.fileno() is None
    assert watch.changed() is True
    watch.close()
