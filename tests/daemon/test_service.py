"""Running the daemon as a systemd user service, and the commands around it: the unit file,
``install-service``/``uninstall-service``, ``status`` and ``test-notification``.

There is no systemd user manager on these machines, as on many a minimal desktop: that case
is exercised for real; the successful install goes through a recording stand-in for
``systemctl`` first on PATH. Every command runs as its own process in the daemon's isolated
environment (``DaemonProcess.cli``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from followup.user_service import unit_text
from tests.support.daemon import DaemonProcess
from tests.support.harness import NotificationServer

REPO = Path(__file__).resolve().parents[2]
#: The command the unit starts when installed from this environment: beside the interpreter.
FOLLOWUP = str(Path(sys.executable).parent / "followup")


@pytest.fixture
def daemon(make_daemon: Callable[..., DaemonProcess]) -> DaemonProcess:
    """The daemon's isolated environment, on the real clock: nothing here depends on the
    time, and ``systemctl`` is run with a time limit, whose wait polls with ``time.sleep``
    (which fails under libfaketime)."""
    return make_daemon(fake_time=False)


# -- the unit ------------------------------------------------------------------------------


def test_the_shipped_unit_is_the_template_for_the_usual_install_path() -> None:
    shipped = (REPO / "systemd/followup.service").read_text(encoding="utf-8")

    assert shipped == unit_text("%h/.local/bin/followup")


def _verify(unit: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    (home / ".local/bin").mkdir(parents=True)
    (home / ".local/bin/followup").symlink_to(FOLLOWUP)  # what %h/.local/bin/followup names
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    units = tmp_path / "units"
    units.mkdir()
    (units / "followup.service").write_text(unit, encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        ["systemd-analyze", "--user", "verify", str(units / "followup.service")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "unit",
    [
        (REPO / "systemd/followup.service").read_text(encoding="utf-8"),
        unit_text(FOLLOWUP),
    ],
    ids=["shipped (%h/.local/bin/followup)", f"installed ({FOLLOWUP})"],
)
def test_the_unit_passes_systemd_analyze_verify_without_a_word(unit: str, tmp_path: Path) -> None:
    done = _verify(unit, tmp_path)

    assert (done.returncode, done.stdout + done.stderr) == (0, "")


# -- install-service / uninstall-service ---------------------------------------------------


def test_install_service_without_a_user_manager_says_how_to_run_the_daemon_and_writes_nothing(
    daemon: DaemonProcess,
) -> None:
    done = daemon.cli("install-service")

    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        "error: no systemd user manager is running here; run the daemon by hand: "
        f"{FOLLOWUP} daemon\n",
    )
    assert not (Path(daemon.env["XDG_CONFIG_HOME"]) / "systemd").exists()


class FakeSystemctl:
    """A ``systemctl`` first on PATH that appends its arguments to a file and succeeds."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.calls_file = folder / "calls"
        script = folder / "systemctl"
        script.write_text(f'#!/bin/sh\necho "$*" >> {self.calls_file}\nexit 0\n')
        script.chmod(0o755)
        self.folder = folder

    def env(self, daemon: DaemonProcess) -> dict[str, str]:
        return {**daemon.env, "PATH": f"{self.folder}:{daemon.env['PATH']}"}

    def calls(self) -> list[str]:
        """What was asked, without the probes (``show-environment``) for a user manager."""
        if not self.calls_file.exists():
            return []
        lines = self.calls_file.read_text().splitlines()
        return [line for line in lines if line != "--user show-environment"]

    def forget(self) -> None:
        self.calls_file.unlink(missing_ok=True)


@pytest.fixture
def systemctl(tmp_path: Path) -> FakeSystemctl:
    return FakeSystemctl(tmp_path / "fake-systemctl")


def unit_file(daemon: DaemonProcess) -> Path:
    return Path(daemon.env["XDG_CONFIG_HOME"]) / "systemd/user/followup.service"


def test_install_service_writes_the_unit_reloads_and_enables_it(
    daemon: DaemonProcess, systemctl: FakeSystemctl
) -> None:
    done = daemon.cli("install-service", env=systemctl.env(daemon))

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"followup.service installed and started ({unit_file(daemon)})\n"
    assert unit_file(daemon).read_text(encoding="utf-8") == unit_text(FOLLOWUP)
    assert f"ExecStart={FOLLOWUP} daemon\n" in unit_file(daemon).read_text(encoding="utf-8")
    assert systemctl.calls() == ["--user daemon-reload", "--user enable --now followup.service"]


def test_install_service_again_rewrites_nothing_and_reloads_nothing(
    daemon: DaemonProcess, systemctl: FakeSystemctl
) -> None:
    assert daemon.cli("install-service", env=systemctl.env(daemon)).returncode == 0
    os.utime(unit_file(daemon), ns=(1_000_000_000, 1_000_000_000))  # any rewrite would show
    systemctl.forget()

    done = daemon.cli("install-service", env=systemctl.env(daemon))

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"followup.service already installed; running ({unit_file(daemon)})\n"
    assert unit_file(daemon).stat().st_mtime_ns == 1_000_000_000
    assert systemctl.calls() == ["--user enable --now followup.service"]


def test_uninstall_service_disables_and_removes_the_unit(
    daemon: DaemonProcess, systemctl: FakeSystemctl
) -> None:
    assert daemon.cli("install-service", env=systemctl.env(daemon)).returncode == 0
    systemctl.forget()

    done = daemon.cli("uninstall-service", env=systemctl.env(daemon))

    assert (done.returncode, done.stdout, done.stderr) == (0, f"removed {unit_file(daemon)}\n", "")
    assert not unit_file(daemon).exists()
    assert systemctl.calls() == ["--user disable --now followup.service", "--user daemon-reload"]


# -- status --------------------------------------------------------------------------------


def test_status_without_a_daemon_says_it_is_not_running(
    daemon: DaemonProcess, systemctl: FakeSystemctl
) -> None:
    done = daemon.cli("status", env=systemctl.env(daemon))  # a user manager answers

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[0] == (
        "daemon:         not running (start it: followup install-service)"
    )


def test_status_without_a_daemon_or_a_user_manager_offers_the_daemon(
    daemon: DaemonProcess,
) -> None:
    done = daemon.cli("status")  # this machine: systemctl, but no user manager

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[0] == (
        "daemon:         not running (no systemd user manager here: start it with followup "
        "daemon, e.g. from your desktop's autostart)"
    )


def test_status_with_a_daemon_shows_its_pid(daemon: DaemonProcess) -> None:
    daemon.start().wait_ready()  # on an empty store

    done = daemon.cli("status")

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[0].startswith(
        f"daemon:         running (pid {daemon.pid}, since "
    ), done.stdout


# -- test-notification ---------------------------------------------------------------------


def test_test_notification_is_shown_through_the_daemons_path(
    daemon: DaemonProcess, notification_server: NotificationServer
) -> None:
    done = daemon.cli("test-notification")

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "Notification sent: check your desktop.\n",
        "",
    )
    [note] = notification_server.wait_for(1, timeout=5)
    assert (note["app_name"], note["summary"], note["body"]) == (
        "followup",
        "followup works",
        "Reminders to follow up after your interviews will look like this.",
    )


def _no_bus(daemon: DaemonProcess) -> dict[str, str]:
    env = dict(daemon.env)
    del env["DBUS_SESSION_BUS_ADDRESS"]  # and XDG_RUNTIME_DIR is an empty private folder
    return env


def _no_notify_send(daemon: DaemonProcess) -> dict[str, str]:
    empty = daemon.root / "empty-bin"
    empty.mkdir()
    return {**daemon.env, "PATH": str(empty)}


@pytest.mark.parametrize(
    ("environment", "error"),
    [
        (
            lambda daemon: daemon.env,
            "no notification server on the session bus (nothing owns "
            "org.freedesktop.Notifications); start your desktop's notification daemon "
            "(e.g. dunst)",
        ),
        (
            _no_bus,
            "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset and there is no "
            "$XDG_RUNTIME_DIR/bus (run inside a desktop session)",
        ),
        (
            _no_notify_send,
            "notify-send is not installed; install it with: sudo apt install libnotify-bin",
        ),
    ],
    ids=["no notification server", "no session bus", "no notify-send on PATH"],
)
def test_test_notification_fails_with_the_cause(
    daemon: DaemonProcess, environment: Callable[[DaemonProcess], dict[str, str]], error: str
) -> None:
    done = daemon.cli("test-notification", env=environment(daemon))

    assert (done.returncode, done.stdout, done.stderr) == (1, "", f"error: {error}\n")
