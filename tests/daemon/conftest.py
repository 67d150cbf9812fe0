"""Fixtures for the reminder daemon's end-to-end tests: a private D-Bus session bus, a recording
notification server on it, a libfaketime wall clock, a NOTIFY_SOCKET listener, the daemon
itself in a process of its own with an isolated home, and a real desktop's parts: an X
screen (Xvfb) with dunst or xfce4-notifyd on the private bus.

See ``tests/support/harness.py``, ``tests/support/daemon.py`` and ``tests/support/desktop.py``
for the parts, and ``tests/support/user_manager.py`` for a real systemd user manager.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.daemon import DaemonProcess
from tests.support.desktop import Dunst, Xfce4Notifyd, Xvfb
from tests.support.harness import (
    NotifySocket,
    PrivateBus,
)
from tests.support.user_manager import UserManager


@pytest.fixture
def notify_socket() -> Iterator[NotifySocket]:
    with NotifySocket() as sock:
        yield sock


@pytest.fixture
def daemon(make_daemon: Callable[..., DaemonProcess]) -> DaemonProcess:
    """A daemon on the test bus and clock, not started yet: record interviews, then start."""
    return make_daemon()


@pytest.fixture
def xvfb(tmp_path: Path) -> Iterator[Xvfb]:
    """A virtual X screen for the real notification servers to draw on."""
    with Xvfb(tmp_path / "xvfb") as screen:
        yield screen


@pytest.fixture
def dunst(bus: PrivateBus, xvfb: Xvfb, tmp_path: Path) -> Iterator[Dunst]:
    """dunst on the test bus and screen, its context menu's chooser scripted."""
    with Dunst(tmp_path / "dunst", bus.address, xvfb) as server:
        server.wait_until_ready()
        yield server


@pytest.fixture
def dunst_plain(bus: PrivateBus, xvfb: Xvfb, tmp_path: Path) -> Iterator[Dunst]:
    """dunst configured without markup (``markup = no``): it does not list ``body-markup``."""
    with Dunst(tmp_path / "dunst", bus.address, xvfb, markup="no") as server:
        server.wait_until_ready()
        yield server


@pytest.fixture
def xfce4_notifyd(bus: PrivateBus, xvfb: Xvfb, tmp_path: Path) -> Iterator[Xfce4Notifyd]:
    """xfce4-notifyd on the test bus and screen."""
    with Xfce4Notifyd(tmp_path / "xfce4-notifyd", bus.address, xvfb) as server:
        server.wait_until_ready()
        yield server


#: What a user manager passes on to its services from the daemon's environment.
MANAGER_VARIABLES = (
    "PATH",
    "HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
    "DBUS_SESSION_BUS_ADDRESS",
    "LANG",
    "TZ",
)


@pytest.fixture
def make_user_manager(tmp_path: Path) -> Iterator[Callable[..., UserManager]]:
    """Start a real ``systemd --user`` for a daemon's isolated home (its HOME, XDG folders,
    runtime folder and bus), plus ``extra`` variables (such as DISPLAY) for its services.
    Every one is stopped, and its cgroups removed, after the test."""
    made: list[UserManager] = []

    def make(daemon: DaemonProcess, **extra: str) -> UserManager:
        env = {k: daemon.env[k] for k in MANAGER_VARIABLES if k in daemon.env}
        env.update(extra)
        manager = UserManager(env, tmp_path / f"systemd-user-{len(made)}.log")
        made.append(manager)
        return manager

    yield make
    for manager in made:
        manager.stop()
