"""The fixtures of every test that runs the daemon as a process (the daemon's own tests and
the channels'): a private D-Bus session bus, a recording notification server on it, a
libfaketime wall clock from :data:`FAKE_START`, and :func:`make_daemon`, which builds
daemons on that bus and clock. ``tests/conftest.py`` loads them as a plugin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.daemon import DaemonProcess
from tests.support.harness import FakeClock, NotificationServer, PrivateBus

#: Where the daemon's fake wall clock starts: Monday 7 Jan 2030, 09:00 UTC.
FAKE_START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def bus() -> Iterator[PrivateBus]:
    with PrivateBus() as private_bus:
        yield private_bus


@pytest.fixture
def notification_server(bus: PrivateBus, tmp_path: Path) -> Iterator[NotificationServer]:
    with NotificationServer(bus.address, tmp_path / "notifications.jsonl") as server:
        server.wait_until_ready(timeout=10.0)
        yield server


@pytest.fixture
def fake_clock(tmp_path: Path) -> FakeClock:
    return FakeClock(tmp_path / "faketime", FAKE_START)


@pytest.fixture
def make_daemon(
    tmp_path: Path, fake_clock: FakeClock, bus: PrivateBus
) -> Iterator[Callable[..., DaemonProcess]]:
    """Build (not start) daemons on the test bus and clock; keyword arguments go to
    :class:`DaemonProcess`. Every one of them is ended after the test."""
    made: list[DaemonProcess] = []

    def make(**options: Any) -> DaemonProcess:
        options.setdefault("bus_address", bus.address)
        daemon = DaemonProcess(tmp_path / f"daemon{len(made)}", fake_clock, **options)
        made.append(daemon)
        return daemon

    yield make
    for daemon in made:
        daemon.close()
