"""The store is the store the user sees: a running daemon follows its store file when a
backup is moved over it, when it is deleted, and through ``followup restore``; it plans from
the file at the path now and never writes to the old one.

Real daemon process, private bus, the recording notification server, a libfaketime clock.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.support.daemon import CONFIG, DaemonProcess
from tests.support.harness import FakeClock, NotificationServer, PrivateBus, poll_until

pytestmark = pytest.mark.system

DBUS_CONFIG = CONFIG.replace('backend = "plyer"', 'backend = "dbus"')
WED_2030_01_02 = date(2030, 1, 2)  # its email reminder: Mon 2030-01-07 09:00 UTC
MON_08_30 = datetime(2030, 1, 7, 8, 30, tzinfo=UTC)
MON_09_00_01 = datetime(2030, 1, 7, 9, 0, 1, tzinfo=UTC)
DUE = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
REOPENED = "was replaced or deleted; opening it again"


@pytest.fixture
def server(bus: PrivateBus, tmp_path: Path) -> Iterator[NotificationServer]:
    found = NotificationServer(bus.address, tmp_path / "notifications.jsonl")
    found.wait_until_ready(timeout=10.0)
    yield found
    found.stop()


def copy_store(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite file (what a user's backup is)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def companies(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [r[0] for r in conn.execute("SELECT company FROM interviews ORDER BY id")]


@pytest.fixture
def running(
    make_daemon: Callable[..., DaemonProcess], fake_clock: FakeClock, tmp_path: Path
) -> tuple[DaemonProcess, Path]:
    """A daemon planning Acme, Beta and Gamma (all due Mon 7 Jan 2030 09:00), and a backup
    taken when the store held only Acme and Beta."""
    fake_clock.set(MON_08_30)
    daemon = make_daemon(config=DBUS_CONFIG)
    daemon.add("Acme", WED_2030_01_02)
    daemon.add("Beta", WED_2030_01_02)
    backup = tmp_path / "backup.db"
    copy_store(daemon.db_path, backup)
    daemon.add("Gamma", WED_2030_01_02)
    daemon.start().wait_ready()
    daemon.wait_log("planned 3 reminder(s)")
    return daemon, backup


def test_a_backup_moved_over_the_store_is_followed_and_the_old_file_never_written(
    running: tuple[DaemonProcess, Path], server: NotificationServer
) -> None:
    daemon, backup = running
    old = daemon.db_path.with_name("old.db")
    os.link(daemon.db_path, old)  # keeps the replaced file, to see it is not written
    os.replace(backup, daemon.db_path)
    daemon.wait_log(REOPENED)
    daemon.wait_log("planned 2 reminder(s)")
    daemon.cli_ok("emailed", "1", "--on", "2030-01-07")

    daemon.set_clock(MON_09_00_01)
    [note] = server.wait_for(1, timeout=10)
    assert note["summary"] == "Time to email Beta"
    assert poll_until(lambda: daemon.ledger() == [(2, "email", DUE)], 5)
    with closing(sqlite3.connect(old)) as conn:
        assert conn.execute("SELECT count(*) FROM shown_reminders").fetchone() == (0,)
    assert companies(daemon.db_path) == ["Acme", "Beta"]


def test_a_deleted_store_shows_no_reminder_of_the_interviews_deleted_with_it(
    running: tuple[DaemonProcess, Path], server: NotificationServer
) -> None:
    daemon, _backup = running
    for suffix in ("", "-wal", "-shm"):
        Path(f"{daemon.db_path}{suffix}").unlink(missing_ok=True)
    daemon.wait_log(REOPENED)
    daemon.wait_log("planned 0 reminder(s)")
    daemon.cli_ok("add", "Delta", "--expect", "2030-01-02")

    daemon.set_clock(MON_09_00_01)
    [note] = server.wait_for(1, timeout=10)
    assert note["summary"] == "Time to email Delta"


def test_followup_restore_under_the_running_daemon_replans_from_the_backup(
    running: tuple[DaemonProcess, Path], server: NotificationServer
) -> None:
    daemon, backup = running
    said = daemon.cli_ok("restore", str(backup))
    assert said.startswith("Restored 2 interviews from ")
    saved = Path(said.split("saved as ", 1)[1].split(";", 1)[0])
    assert companies(saved) == ["Acme", "Beta", "Gamma"]
    daemon.wait_log("planned 0 reminder(s) for 1 changed interview(s): [3]")

    daemon.set_clock(MON_09_00_01)
    notes = server.wait_for(2, timeout=10)
    assert sorted(n["summary"] for n in notes) == ["Time to email Acme", "Time to email Beta"]
    assert poll_until(lambda: daemon.ledger() == [(1, "email", DUE), (2, "email", DUE)], 5)
    assert companies(daemon.db_path) == ["Acme", "Beta"]


def test_a_restore_shows_again_only_the_reminders_never_shown_even_after_a_restart(
    make_daemon: Callable[..., DaemonProcess],
    fake_clock: FakeClock,
    tmp_path: Path,
    server: NotificationServer,
) -> None:
    """The backup holds Acme, Beta and Delta; Delta is deleted and Gamma given its freed
    id 3 before the daemon shows Acme's, Beta's and Gamma's reminders. The restore brings
    back Delta, never shown: it is shown, and nothing else, then or after a restart."""
    fake_clock.set(MON_08_30)
    daemon = make_daemon(config=DBUS_CONFIG)
    for company in ("Acme", "Beta", "Delta"):
        daemon.add(company, WED_2030_01_02)
    backup = tmp_path / "backup.db"
    copy_store(daemon.db_path, backup)
    daemon.cli_ok("delete", "3", "--yes")
    assert daemon.add("Gamma", WED_2030_01_02) == 3
    daemon.start().wait_ready()
    daemon.wait_log("planned 3 reminder(s)")
    daemon.set_clock(MON_09_00_01)
    server.wait_for(3, timeout=10)
    assert poll_until(lambda: len(daemon.ledger()) == 3, 5)

    assert daemon.cli_ok("restore", str(backup)).startswith("Restored 3 interviews from ")
    notes = server.wait_for(4, timeout=10)
    assert [n["summary"] for n in notes[3:]] == ["Time to email Delta"]
    assert poll_until(lambda: daemon.ledger() == [(i, "email", DUE) for i in (1, 2, 3)], 5)

    daemon.stop()
    daemon.start().wait_ready()
    daemon.wait_log("planned 3 reminder(s)")
    daemon.cli_ok("add", "Epsilon", "--expect", "2030-01-02")
    notes = server.wait_for(5, timeout=10)
    assert [n["summary"] for n in notes[4:]] == ["Time to email Epsilon"]
