"""The daemon under faults it can outlive: a NUL byte in a stored name, a reload that fails
(through SIGHUP and ``followup status``), a store locked longer than one wait, and kill -9 at
every moment of the show/ledger window. (A reminder the server refuses, and the other ways a
reload fails: tests/daemon/test_daemon_logic.py, in process.)

Real daemon process, private bus, the recording notification server (told to refuse some
texts, or to answer late), the D-Bus backend, a libfaketime wall clock.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from followup.daemon.delivery import MAYBE_REPEATED
from tests.support.daemon import CONFIG, DaemonProcess
from tests.support.harness import FakeClock, NotificationServer, PrivateBus, poll_until

DBUS_CONFIG = CONFIG.replace('backend = "plyer"', 'backend = "dbus"')
WED_2030_01_02 = date(2030, 1, 2)  # its email reminder: Mon 2030-01-07 09:00 UTC
MON_10_00 = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)  # an hour after it came due
DUE = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def email_keys(*ids: int) -> list[tuple[int, str, datetime]]:
    return [(i, "email", DUE) for i in ids]


@pytest.fixture
def server_with(bus: PrivateBus, tmp_path: Path) -> Iterator[Callable[..., NotificationServer]]:
    """A recording server started with the options given (``refuse=``, ``reply_delay=``)."""
    started: list[NotificationServer] = []

    def start(**options: object) -> NotificationServer:
        record = tmp_path / f"notifications{len(started)}.jsonl"
        server = NotificationServer(bus.address, record, **options)  # type: ignore[arg-type]
        started.append(server)
        server.wait_until_ready(timeout=10.0)
        return server

    yield start
    for server in started:
        server.stop()


def dbus_daemon(make_daemon: Callable[..., DaemonProcess], fake_clock: FakeClock) -> DaemonProcess:
    fake_clock.set(MON_10_00)
    return make_daemon(config=DBUS_CONFIG)


def test_a_nul_byte_in_a_stored_name_reaches_the_bus_without_it_and_blocks_nothing(
    make_daemon: Callable[..., DaemonProcess],
    fake_clock: FakeClock,
    server_with: Callable[..., NotificationServer],
) -> None:
    server = server_with()
    daemon = dbus_daemon(make_daemon, fake_clock)
    for company in ("Acme", "Beta", "Gamma", "Delta"):
        daemon.add(company, WED_2030_01_02)
    # A row written before names were checked on the way in (the CLI refuses it now).
    with closing(sqlite3.connect(daemon.db_path)) as conn, conn:
        conn.execute("UPDATE interviews SET company = 'Be' || char(0) || 'ta' WHERE id = 2")
    daemon.start().wait_ready()

    [note] = server.wait_for(1, timeout=10)
    assert note["summary"] == "4 follow-up reminders"
    assert "Email Beta: followup draft 2" in note["body"].split("\n")
    assert poll_until(lambda: daemon.ledger() == email_keys(1, 2, 3, 4), 5)


# The SIGHUP and `followup status` path; every other way a reload fails is in
# tests/daemon/test_daemon_logic.py, in process.
@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            ("[notify]", '[store]\nurl = "sqlite:////proc/followup-none/followup.db"\n\n[notify]'),
            "cannot create the database /proc/followup-none/followup.db",
        ),
    ],
    ids=["store cannot open"],
)
def test_a_reload_that_fails_keeps_the_old_config_store_and_jobs_and_says_so(
    make_daemon: Callable[..., DaemonProcess],
    fake_clock: FakeClock,
    server_with: Callable[..., NotificationServer],
    change: tuple[str, str],
    why: str,
) -> None:
    server = server_with()
    fake_clock.set(datetime(2030, 1, 7, 8, 30, tzinfo=UTC))
    daemon = make_daemon(config=DBUS_CONFIG)
    daemon.add("Acme", WED_2030_01_02)
    daemon.start().wait_ready()

    daemon.config_path.write_text(DBUS_CONFIG.replace(*change))
    daemon.send(signal.SIGHUP)
    line = daemon.wait_log("config not reloaded, keeping the previous one: ")
    assert why in line
    assert poll_until(lambda: bool(daemon.state().get("reload_error")), 5), daemon.state()
    daemon.config_path.write_text(DBUS_CONFIG)  # status reads the config too
    status = json.loads(daemon.cli_ok("status", "--json"))
    assert status["running"] is True
    assert why in status["reload_error"]

    daemon.set_clock(datetime(2030, 1, 7, 9, 0, 1, tzinfo=UTC))  # the old job still fires
    [note] = server.wait_for(1, timeout=10)
    assert note["summary"] == "Time to email Acme"
    assert poll_until(lambda: daemon.ledger() == email_keys(1), 5)
    assert daemon.process is not None and daemon.process.poll() is None
    assert daemon.log().count("ERROR") == 1


def test_status_with_a_config_the_daemon_refused_still_says_the_daemon_runs_on_the_old_one(
    make_daemon: Callable[..., DaemonProcess], fake_clock: FakeClock
) -> None:
    fake_clock.set(datetime(2030, 1, 7, 8, 30, tzinfo=UTC))
    daemon = make_daemon(config=DBUS_CONFIG)
    daemon.start().wait_ready()
    daemon.config_path.write_text(DBUS_CONFIG + "\n[bogus]\n")
    daemon.send(signal.SIGHUP)
    daemon.wait_log("config not reloaded, keeping the previous one: ")
    assert poll_until(lambda: bool(daemon.state().get("reload_error")), 5), daemon.state()

    done = daemon.cli("status")

    assert done.returncode == 1
    lines = done.stdout.splitlines()
    # The fake clock runs on from its start: the daemon's start is read, not assumed.
    assert lines[0].startswith(f"daemon:         running (pid {daemon.pid}, since Mon 7 Jan 2030 ")
    assert lines[1].startswith("reload failed:  ") and "unknown section [bogus]" in lines[1]
    assert lines[1].endswith("; running with the previous config")
    assert done.stderr == f"error: {daemon.config_path}: unknown section [bogus]\n"


def test_a_store_locked_longer_than_one_wait_is_waited_out_and_shows_the_reminder_once(
    make_daemon: Callable[..., DaemonProcess],
    fake_clock: FakeClock,
    server_with: Callable[..., NotificationServer],
) -> None:
    server = server_with()
    fake_clock.set(datetime(2030, 1, 7, 8, 59, 50, tzinfo=UTC))
    daemon = make_daemon(config=DBUS_CONFIG)
    daemon.add("Acme", WED_2030_01_02)
    daemon.start().wait_ready()

    blocker = sqlite3.connect(daemon.db_path, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
        daemon.set_clock(datetime(2030, 1, 7, 9, 0, 1, tzinfo=UTC))
        line = daemon.wait_log("the store cannot be used: ", timeout=20)
        assert "is locked: another program holds its write lock; gave up after waiting 5 s" in line
        time.sleep(4.0)  # past the first retry: still locked, still running
        assert daemon.process is not None and daemon.process.poll() is None
        assert server.notifications() == []  # no intent could be written: nothing shown
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    [note] = server.wait_for(1, timeout=30)
    assert note["summary"] == "Time to email Acme"
    daemon.wait_log("the store can be used again", timeout=30)
    assert poll_until(lambda: daemon.ledger() == email_keys(1), 5)
    assert not poll_until(lambda: len(server.notifications()) > 1, 2.0)


def test_a_store_locked_at_start_is_waited_for_and_the_daemon_starts_once_it_is_free(
    make_daemon: Callable[..., DaemonProcess],
    fake_clock: FakeClock,
    server_with: Callable[..., NotificationServer],
) -> None:
    """A new version's schema upgrade needs the write lock that another program holds:
    the daemon says so once and waits, then starts and shows the reminder."""
    from alembic import command

    from followup.store import migrate

    server = server_with()
    fake_clock.set(datetime(2030, 1, 7, 9, 0, 5, tzinfo=UTC))
    daemon = make_daemon(config=DBUS_CONFIG)
    daemon.add("Acme", WED_2030_01_02)
    with closing(sqlite3.connect(daemon.db_path, isolation_level=None)) as conn:
        previous = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    url = f"sqlite:///{daemon.db_path}"
    cfg = migrate.alembic_config(url)
    command.downgrade(cfg, str(int(previous) - 1).zfill(4))  # an older schema: upgrade due

    blocker = sqlite3.connect(daemon.db_path, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
        daemon.start()
        line = daemon.wait_log("the store cannot be used yet: ", timeout=30)
        assert "is locked" in line and "waiting for it" in line
        time.sleep(4.0)  # past the first retry: still locked, still waiting, not exited
        assert daemon.process is not None and daemon.process.poll() is None
        assert daemon.log().count("the store cannot be used yet") == 1
        assert server.notifications() == []
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    daemon.wait_ready(timeout=60)
    assert "the store can be used again" in daemon.log()
    [note] = server.wait_for(1, timeout=30)
    assert note["summary"] == "Time to email Acme"


#: Seconds after the server recorded ``Notify`` at which the daemon is killed; the server
#: answers 1 s after recording. Before the answer the ledger holds only the intent.
REPLY_DELAY_S = 1.0
KILL_MOMENTS = [0.0, 0.3, 0.7, 2.5, 4.0]


@pytest.mark.parametrize("moment", KILL_MOMENTS, ids=[f"kill at +{m}s" for m in KILL_MOMENTS])
def test_kill_9_across_the_show_ledger_window_repeats_at_most_once_and_marked(
    make_daemon: Callable[..., DaemonProcess],
    fake_clock: FakeClock,
    server_with: Callable[..., NotificationServer],
    moment: float,
) -> None:
    server = server_with(reply_delay=REPLY_DELAY_S)
    daemon = dbus_daemon(make_daemon, fake_clock)
    daemon.add("Acme", WED_2030_01_02)
    daemon.start().wait_ready()
    server.wait_for(1, timeout=10)
    time.sleep(moment)
    daemon.kill9()
    daemon.start().wait_ready()

    if moment < REPLY_DELAY_S:  # certainly unconfirmed: shown once more, marked
        notes = server.wait_for(2, timeout=15)
        assert [n["summary"] for n in notes] == [
            "Time to email Acme",
            "Time to email Acme" + MAYBE_REPEATED,
        ]
    else:  # confirmed long before the kill: never again
        assert not poll_until(lambda: len(server.notifications()) > 1, 3.0)
    notes = server.notifications()
    assert len(notes) <= 2
    assert all(n["summary"].endswith(MAYBE_REPEATED) for n in notes[1:])
    assert poll_until(lambda: daemon.ledger() == email_keys(1), 5 + REPLY_DELAY_S)
    assert daemon.ledger("intent") == []
