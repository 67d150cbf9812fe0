"""Running the daemon as a systemd user service, and the commands around it: the unit file,
``install-service``/``uninstall-service`` (and ``--autostart``), ``status`` and
``test-notification``.

systemd is not PID 1 on these machines; a real ``systemd --user`` runs for these tests in a
private mount namespace (``tests/support/user_manager.py``), reached by ``systemctl --user``
through the daemon's own ``XDG_RUNTIME_DIR``. Without it, the "no user manager" case is real
too. Every command runs as its own process in the daemon's isolated environment
(``DaemonProcess.cli``); the service's output goes to a file (there is no journald).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from followup.daemon.install import autostart_entry, desktop_entry, icon_svg, unit_text
from followup.notify.base import DESKTOP_ENTRY, icon_path
from tests.support.daemon import DaemonProcess
from tests.support.desktop import Xvfb
from tests.support.harness import NotificationServer, poll_until
from tests.support.user_manager import UserManager

BOUND_S = 30.0  # the user manager starts units in well under a second; the machine is shared

REPO = Path(__file__).resolve().parents[2]
#: The command the unit starts when installed from this environment: beside the interpreter.
FOLLOWUP = str(Path(sys.executable).parent / "followup")
ICON = "icons/hicolor/scalable/apps/followup.svg"


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


@pytest.mark.system
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


# -- install-service / uninstall-service, on a real systemd user manager ------------------


def test_install_service_without_a_user_manager_names_both_other_ways_and_writes_nothing(
    daemon: DaemonProcess,
) -> None:
    done = daemon.cli("install-service")

    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        "error: no systemd user manager is running here; start the daemon at login with "
        f"'followup install-service --autostart', or by hand: {FOLLOWUP} daemon\n",
    )
    assert not (Path(daemon.env["XDG_CONFIG_HOME"]) / "systemd").exists()


def unit_file(daemon: DaemonProcess) -> Path:
    return Path(daemon.env["XDG_CONFIG_HOME"]) / "systemd/user/followup.service"


class Service:
    """The daemon's home with a real user manager; the unit's output goes to ``log_path``."""

    def __init__(self, daemon: DaemonProcess, manager: UserManager) -> None:
        self.daemon, self.manager = daemon, manager
        self.log_path = daemon.root / "service.log"
        manager.drop_in(
            "followup.service",
            "output",
            f"[Service]\nStandardOutput=append:{self.log_path}\n"
            f"StandardError=append:{self.log_path}\n",
        )

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def wait_log(self, text: str, count: int = 1, timeout: float = BOUND_S) -> None:
        if not poll_until(lambda: self.log().count(text) >= count, timeout, interval=0.1):
            raise AssertionError(f"the service did not log {text!r} x{count}:\n{self.log()}")

    def state(self) -> dict[str, str]:
        return self.manager.show(
            "followup.service",
            "ActiveState",
            "SubState",
            "MainPID",
            "NRestarts",
            "StatusText",
            "LoadState",
            "UnitFileState",
            "WatchdogTimestampMonotonic",
        )

    def wait_state(self, timeout: float = BOUND_S, **expected: str) -> dict[str, str]:
        seen: dict[str, str] = {}

        def matches() -> bool:
            nonlocal seen
            seen = self.state()
            return all(seen.get(k) == v for k, v in expected.items())

        if not poll_until(matches, timeout, interval=0.1):
            raise AssertionError(f"followup.service is {seen}, not {expected}:\n{self.log()}")
        return seen

    def install(self) -> dict[str, str]:
        done = self.daemon.cli("install-service")
        assert (done.returncode, done.stderr) == (0, ""), done
        return self.wait_state(ActiveState="active", SubState="running")


@pytest.fixture
def service(daemon: DaemonProcess, make_user_manager: Callable[..., UserManager]) -> Service:
    return Service(daemon, make_user_manager(daemon))


def test_install_service_starts_the_unit_and_systemd_sees_ready(service: Service) -> None:
    done = service.daemon.cli("install-service")

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"followup.service installed and started ({unit_file(service.daemon)})\n"
    assert unit_file(service.daemon).read_text(encoding="utf-8") == unit_text(FOLLOWUP)
    # Type=notify: "active (running)" only once the daemon said READY=1.
    state = service.wait_state(ActiveState="active", SubState="running")
    assert state["UnitFileState"] == "enabled"
    assert state["StatusText"] == "no reminder planned"  # STATUS= from the daemon
    assert service.daemon.state()["pid"] == int(state["MainPID"])
    service.wait_log("ready: no reminder planned")


def test_install_service_again_rewrites_nothing(service: Service) -> None:
    service.install()
    os.utime(unit_file(service.daemon), ns=(1_000_000_000, 1_000_000_000))

    done = service.daemon.cli("install-service")

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        f"followup.service already installed; running ({unit_file(service.daemon)})\n"
    )
    assert unit_file(service.daemon).stat().st_mtime_ns == 1_000_000_000


def test_systemctl_reload_makes_the_daemon_read_its_config_again(service: Service) -> None:
    before = service.install()
    config = service.daemon.config_path
    config.write_text(config.read_text().replace('at = "09:00"', 'at = "08:00"'))

    done = service.manager.systemctl("reload", "followup.service")

    assert (done.returncode, done.stderr) == (0, "")
    service.wait_log(f"config reloaded from {config}")
    after = service.wait_state(ActiveState="active", SubState="running")
    assert (after["MainPID"], after["NRestarts"]) == (before["MainPID"], "0")


def test_a_daemon_killed_with_sigkill_is_restarted(service: Service) -> None:
    before = service.install()

    os.kill(int(before["MainPID"]), signal.SIGKILL)

    # Restart=on-failure, RestartSec=10: back within the 10 s and a start.
    after = service.wait_state(
        timeout=40.0, ActiveState="active", SubState="running", NRestarts="1"
    )
    assert after["MainPID"] != before["MainPID"]
    service.wait_log("ready:", count=2)


def test_the_watchdog_keeps_a_live_daemon_running(service: Service) -> None:
    service.manager.drop_in("followup.service", "watchdog", "[Service]\nWatchdogSec=2\n")
    before = service.install()
    first_ping = int(before["WatchdogTimestampMonotonic"])

    # Three watchdog periods: a daemon that did not ping would have been killed.
    assert not poll_until(lambda: service.state()["MainPID"] != before["MainPID"], 6.0)

    after = service.wait_state(ActiveState="active", SubState="running", NRestarts="0")
    assert after["MainPID"] == before["MainPID"]
    assert int(after["WatchdogTimestampMonotonic"]) > first_ping  # WATCHDOG=1 arrived


def test_uninstall_service_stops_and_removes_it_all(service: Service) -> None:
    before = service.install()

    done = service.daemon.cli("uninstall-service")

    application = Path(service.daemon.env["XDG_DATA_HOME"]) / "applications/followup.desktop"
    icon = Path(service.daemon.env["XDG_DATA_HOME"]) / ICON
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"removed {unit_file(service.daemon)}, {application}, {icon}\n",
        "",
    )
    assert not unit_file(service.daemon).exists()
    assert not application.exists() and not icon.exists()
    assert service.state()["LoadState"] == "not-found"
    assert not poll_until(lambda: _alive(int(before["MainPID"])), 0.5)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


RIGHT_NOW_CONFIG = """\
[calendar]
country = "US"
timezone = "UTC"

[notify]
at = "00:00"
until = "23:59"
backend = "dbus"
"""


def test_the_service_shows_a_due_reminder_on_dunst_run_as_a_user_unit(
    make_daemon: Callable[..., DaemonProcess],
    make_user_manager: Callable[..., UserManager],
    xvfb: Xvfb,
) -> None:
    daemon = make_daemon(fake_time=False, config=RIGHT_NOW_CONFIG)
    manager = make_user_manager(daemon, DISPLAY=xvfb.display)
    dunstrc = daemon.root / "dunstrc"
    dunstrc.write_text("[global]\nmarkup = full\n")
    manager.units.mkdir(parents=True, exist_ok=True)
    (manager.units / "test-dunst.service").write_text(
        f"[Service]\nExecStart=/usr/bin/dunst -config {dunstrc}\n",
        encoding="utf-8",
    )
    assert manager.systemctl("daemon-reload").returncode == 0
    assert manager.systemctl("start", "test-dunst.service").returncode == 0
    # The services' session bus is the user manager's own (dbus.socket), as at a login.
    bus = manager.environment()["DBUS_SESSION_BUS_ADDRESS"]

    def displayed() -> str:
        return subprocess.run(
            ["dunstctl", "count", "displayed"],
            env={"PATH": os.environ["PATH"], "DBUS_SESSION_BUS_ADDRESS": bus},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout

    assert poll_until(lambda: displayed() == "0\n", BOUND_S, interval=0.2)  # dunst is up
    daemon.clock.set(datetime.now(UTC))
    daemon.add("Acme", date.today() - timedelta(days=30))
    service = Service(daemon, manager)

    service.install()

    service.wait_log("shown: Time to email Acme (interview 1)")
    assert displayed() == "1\n"
    assert len(daemon.ledger()) == 1


# -- without systemd: an XDG autostart entry ------------------------------------------------


def test_install_service_autostart_writes_a_valid_autostart_entry_and_uninstall_removes_it(
    daemon: DaemonProcess,
) -> None:
    entry = Path(daemon.env["XDG_CONFIG_HOME"]) / "autostart/followup.desktop"
    application = Path(daemon.env["XDG_DATA_HOME"]) / "applications/followup.desktop"
    icon = Path(daemon.env["XDG_DATA_HOME"]) / ICON

    done = daemon.cli("install-service", "--autostart")

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"autostart entry written ({entry}): the daemon starts at login\n"
        f"To start it now, without logging in again: {FOLLOWUP} daemon &\n",
        "",
    )
    text = entry.read_text(encoding="utf-8")
    assert f"\nExec={FOLLOWUP} daemon\n" in text
    assert "\nTerminal=false\n" in text
    assert icon.read_bytes() == icon_svg()
    for path in (entry, application):
        validated = subprocess.run(
            ["desktop-file-validate", str(path)], capture_output=True, text=True, check=False
        )
        assert (validated.returncode, validated.stdout + validated.stderr) == (0, "")

    done = daemon.cli("uninstall-service")

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"removed {entry}, {application}, {icon}\n",
        "",
    )
    assert not entry.exists() and not application.exists() and not icon.exists()


def running_pid(daemon: DaemonProcess) -> int | None:
    """The pid ``followup status`` says the daemon runs as, or None."""
    shown = json.loads(daemon.cli_ok("--json", "status"))
    return shown["pid"] if shown["running"] else None


def test_install_service_autostart_replaces_a_running_daemon_with_a_new_one(
    daemon: DaemonProcess,
) -> None:
    """An upgrade without systemd: the daemon started at login runs the old code until it
    is replaced."""
    daemon.start().wait_ready()
    old = daemon.pid
    assert daemon.process is not None
    new = None
    try:
        done = daemon.cli("install-service", "--autostart")
        new = running_pid(daemon)

        assert (done.returncode, done.stderr) == (0, "")
        assert new is not None and new != old
        assert done.stdout.splitlines()[1] == (
            f"restarted the followup daemon (pid {old}, now {new}): it runs this version"
        )
        assert daemon.process.wait(BOUND_S) == 0  # the old one stopped on SIGTERM
    finally:
        if new is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(new, signal.SIGTERM)


def test_uninstall_service_stops_the_daemon_running_outside_systemd(
    daemon: DaemonProcess,
) -> None:
    entry = Path(daemon.env["XDG_CONFIG_HOME"]) / "autostart/followup.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text(autostart_entry(FOLLOWUP), encoding="utf-8")
    daemon.start().wait_ready()
    assert daemon.process is not None

    done = daemon.cli("uninstall-service")

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        f"removed {entry}",
        f"stopped the followup daemon (pid {daemon.pid})",
    ]
    assert daemon.process.wait(BOUND_S) == 0
    assert running_pid(daemon) is None


def test_install_and_uninstall_leave_a_pid_that_is_not_followups_alone(
    daemon: DaemonProcess,
) -> None:
    """A state file left by a daemon that died, whose pid now belongs to another program
    (here: a sleep), names no daemon to stop or restart."""
    other = subprocess.Popen(["sleep", "60"])
    try:
        daemon.state_dir.mkdir(parents=True)
        (daemon.state_dir / "daemon.json").write_text(
            json.dumps({"pid": other.pid, "started_at": "2026-12-01T12:00:00+00:00"})
        )

        installed = daemon.cli("install-service", "--autostart")
        removed = daemon.cli("uninstall-service")

        assert (installed.returncode, removed.returncode) == (0, 0), installed.stderr
        assert "To start it now" in installed.stdout
        assert "stopped" not in removed.stdout
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


@pytest.mark.system
def test_the_shipped_desktop_entry_is_valid_and_named_by_the_notifications() -> None:
    shipped = REPO / "src/followup/data/followup.desktop"
    validated = subprocess.run(
        ["desktop-file-validate", str(shipped)], capture_output=True, text=True, check=False
    )

    assert (validated.returncode, validated.stdout + validated.stderr) == (0, "")
    assert shipped.name == DESKTOP_ENTRY + ".desktop"


def test_the_application_entry_never_starts_a_daemon_it_shows_upcoming_in_a_terminal() -> None:
    """GNOME Shell launches the entry a notification names when the notification is
    clicked and has no ``default`` action: that must never be a second daemon."""
    entry = dict(
        line.split("=", 1) for line in desktop_entry("/opt/followup/bin/followup").splitlines()[1:]
    )

    assert (entry["Exec"], entry["Terminal"], entry["Icon"]) == (
        "/opt/followup/bin/followup upcoming",
        "true",
        "followup",
    )
    assert "daemon" not in entry["Exec"]


def test_the_icon_is_an_svg_in_the_package_where_the_notifications_name_it() -> None:
    shipped = Path(icon_path())

    assert shipped.read_bytes() == icon_svg()
    assert shipped.parts[-5:] == ("icons", "hicolor", "scalable", "apps", "followup.svg")
    assert shipped.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "<svg" in shipped.read_text(encoding="utf-8")


# -- status --------------------------------------------------------------------------------


def test_status_without_a_daemon_says_it_is_not_running(
    daemon: DaemonProcess, make_user_manager: Callable[..., UserManager]
) -> None:
    make_user_manager(daemon)  # a real user manager answers

    done = daemon.cli("status")

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
        "daemon:         not running (no systemd user manager here: followup "
        "install-service --autostart starts it at login, followup daemon now)"
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
