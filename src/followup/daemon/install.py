"""Installing the daemon as a systemd user service, and undoing it.

``WantedBy=default.target``: the user manager reaches it at every login, on every kind of
session, while ``graphical-session.target`` is reached only by desktops that start it. A
reminder that comes due before the desktop's notification server is up is not lost: the
daemon keeps it and retries until delivery works.

Desktops without a systemd user manager (a plain X session, WSL, distributions without
systemd) start programs at login from XDG autostart entries (the freedesktop Desktop
Application Autostart specification): ``install(autostart=True)`` writes
``$XDG_CONFIG_HOME/autostart/followup.desktop``. Both ways also write the application's
entry, ``$XDG_DATA_HOME/applications/followup.desktop`` (shipped as
``followup/data/followup.desktop``), which the notifications name in their
``desktop-entry`` hint: servers take the application's name and icon from it; and its icon,
``$XDG_DATA_HOME/icons/hicolor/scalable/apps/followup.svg`` (the hicolor theme, which every
icon theme falls back to).

The application's entry never starts the daemon: GNOME Shell launches the entry named by a
notification when it is clicked and has no ``default`` action, and a second ``followup
daemon`` would only refuse to run (or, with none running, start one as the shell's child).
It shows ``followup upcoming`` in a terminal instead. Only the autostart entry runs
``followup daemon``.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from followup.daemon import detached
from followup.errors import FollowupError
from followup.ownfiles import SHARED, SHARED_FOLDER, write_file
from followup.paths import (
    DESKTOP_FILE,
    ICON_IN_THEME,
    UNIT_NAME,
    application_path,
    autostart_path,
    icon_install_path,
    unit_path,
)

if TYPE_CHECKING:
    import subprocess

UNIT_TEMPLATE = """\
[Unit]
Description=followup: reminders to follow up after job interviews

[Service]
Type=notify
NotifyAccess=main
ExecStart={exec_start} daemon
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=10
WatchdogSec=60
TimeoutStopSec=10

[Install]
WantedBy=default.target
"""


def unit_text(executable: str) -> str:
    return UNIT_TEMPLATE.format(exec_start=executable)


def desktop_entry(executable: str) -> str:
    """The shipped application entry with ``Exec`` naming ``executable`` (quoted as the
    Desktop Entry specification asks when it holds a space or a reserved character): it
    shows ``followup upcoming`` in a terminal."""
    from importlib import resources

    shipped = (resources.files("followup") / "data" / DESKTOP_FILE).read_text(encoding="utf-8")
    return shipped.replace("Exec=followup ", f"Exec={_exec_quote(executable)} ")


def autostart_entry(executable: str) -> str:
    """The XDG autostart entry: the application's, running ``executable daemon`` with no
    terminal."""
    lines = []
    for line in desktop_entry(executable).splitlines():
        if line.startswith("Exec="):
            line = f"Exec={_exec_quote(executable)} daemon"
        elif line.startswith("Terminal="):
            line = "Terminal=false"
        elif line.startswith("Comment="):
            line = "Comment=Starts the followup reminder daemon at login"
        lines.append(line)
    return "\n".join(lines) + "\n"


def icon_svg() -> bytes:
    """The icon shipped in the package (SVG)."""
    from importlib import resources

    return (resources.files("followup") / "data" / "icons" / ICON_IN_THEME).read_bytes()


def _install_icon(env: Mapping[str, str]) -> None:
    path = icon_install_path(env)
    data = icon_svg()
    if path.exists() and path.read_bytes() == data:
        return
    write_file(path, data, SHARED, folder_mode=SHARED_FOLDER)


def _exec_quote(path: str) -> str:
    if not any(c in path for c in " \t\n\"'\\><~|&;$*?#()`"):
        return path
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in path)
    return f'"{escaped}"'


def _write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_file(path, text.encode("utf-8"), SHARED, folder_mode=SHARED_FOLDER)
    return True


def followup_executable() -> str:
    """The absolute path of the ``followup`` command this process was started as."""
    beside = Path(sys.executable).parent / "followup"
    if beside.is_file():
        return str(beside)
    found = shutil.which("followup")
    if found:
        return str(Path(found).resolve())
    raise FollowupError("cannot find the installed 'followup' command to put in the unit")


class Outcome(NamedTuple):
    path: Path
    written: bool
    message: str


def _systemctl(*args: str) -> subprocess.CompletedProcess[str]:
    import subprocess

    return subprocess.run(
        ["systemctl", "--user", *args], capture_output=True, text=True, timeout=60, check=False
    )


def user_manager_available() -> bool:
    """Whether a systemd user manager answers ``systemctl --user``. Without
    ``$XDG_RUNTIME_DIR`` and ``$DBUS_SESSION_BUS_ADDRESS`` systemctl has no way to reach one
    (it says "No medium found"), so it is not even started."""
    if not (os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("DBUS_SESSION_BUS_ADDRESS")):
        return False
    if shutil.which("systemctl") is None:
        return False
    probe = _systemctl("show-environment")
    return probe.returncode == 0


def install(env: Mapping[str, str], *, autostart: bool = False) -> Outcome:
    """Install the daemon as a systemd user service and start it, or (``autostart``) as an
    XDG autostart entry that starts it at the next login. Raises FollowupError when there
    is no user manager (and no ``autostart``) or ``systemctl`` fails."""
    executable = followup_executable()
    if autostart:
        _write_if_changed(application_path(env), desktop_entry(executable))
        _install_icon(env)
        path = autostart_path(env)
        written = _write_if_changed(path, autostart_entry(executable))
        state = "written" if written else "already written"
        said = f"autostart entry {state} ({path}): the daemon starts at login"
        return Outcome(path, written, f"{said}\n{_restart(executable, env)}")
    if not user_manager_available():
        raise FollowupError(
            "no systemd user manager is running here; start the daemon at login with "
            f"'followup install-service --autostart', or by hand: {executable} daemon"
        )
    _write_if_changed(application_path(env), desktop_entry(executable))
    _install_icon(env)
    path = unit_path(env)
    text = unit_text(executable)
    written = not path.exists() or path.read_text(encoding="utf-8") != text
    if written:
        write_file(path, text.encode("utf-8"), SHARED, folder_mode=SHARED_FOLDER)
        _run_ok("daemon-reload")
    _run_ok("enable", "--now", UNIT_NAME)
    state = "installed and started" if written else "already installed; running"
    return Outcome(path, written, f"followup.service {state} ({path})")


def uninstall(env: Mapping[str, str]) -> Outcome:
    """Stop and remove the user service, the autostart entry and the application entry,
    whichever exist."""
    path = unit_path(env)
    manager = user_manager_available()
    if manager:
        _systemctl("disable", "--now", UNIT_NAME)
    existed = path.exists()
    path.unlink(missing_ok=True)
    if existed and manager:
        _run_ok("daemon-reload")
    removed = [str(path)] if existed else []
    for other in (autostart_path(env), application_path(env), icon_install_path(env)):
        if other.exists():
            other.unlink()
            removed.append(str(other))
    message = f"removed {', '.join(removed)}" if removed else "followup was not installed"
    running = detached.running_outside_systemd(env)
    if running is not None:
        detached.stop(env, running)
        message += f"\nstopped the followup daemon (pid {running['pid']})"
    return Outcome(path, bool(removed), message)


def _restart(executable: str, env: Mapping[str, str]) -> str:
    """Replace the daemon that runs outside systemd with a new one of ``executable`` (an
    upgrade: the running one has the old code), or say how to start one now; what was done,
    in one line."""
    running = detached.running_outside_systemd(env)
    if running is None:
        return f"To start it now, without logging in again: {executable} daemon &"
    detached.stop(env, running)
    pid = detached.start(executable, env)
    return f"restarted the followup daemon (pid {running['pid']}, now {pid}): it runs this version"


def _run_ok(*args: str) -> None:
    done = _systemctl(*args)
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()
        raise FollowupError(
            f"systemctl --user {' '.join(args)} failed" + (f": {why[-1]}" if why else "")
        )
