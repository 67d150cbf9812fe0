"""Fixtures for the reminder daemon's end-to-end tests: a private D-Bus session bus, a recording
notification server on it, a libfaketime wall clock and a NOTIFY_SOCKET listener.

Nothing here knows about the daemon itself; see ``tests/support/harness.py`` for the parts.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

# `tests.support` lives at the repository root, which plain `pytest` (unlike `python -m
# pytest`) does not put on sys.path.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.support.harness import (  # noqa: E402
    FakeClock,
    NotificationServer,
    NotifySocket,
    PrivateBus,
)

FAKE_START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)  # a Monday morning


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
def notify_socket() -> Iterator[NotifySocket]:
    with NotifySocket() as sock:
        yield sock
