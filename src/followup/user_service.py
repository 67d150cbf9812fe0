"""Installing the daemon as a systemd user service, and undoing it.

``WantedBy=default.target``: the user manager reaches it at every login, on every kind of
session, while ``graphical-session.target`` is reached only by desktops that start it. A
reminder that comes due before the desktop's notification server is up is not lost: the
daemon keeps it and retries until delivery works.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from followup.config import xdg_dir
from followup.errors import FollowupError

UNIT_NAME = "followup.service"

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


def unit_path(env: Mapping[str, str]) -> Path:
    return xdg_dir("XDG_CONFIG_HOME", ".config", env) / "systemd" / "user" / UNIT_NAME


def followup_executable() -> str:
    """The absolute path of the ``followup`` command this process was started as."""
    beside = Path(sys.executable).parent / "followup"
    if beside.is_file():
        return str(beside)
    found = shutil.which("followup")
    if found:
        return str(Path(found).resolve())
    raise FollowupError("cannot find the installed 'followup' command to put in the unit")


@dataclass(frozen=True)
class Outcome:
    path: Path
    written: bool
    message: str


def _systemctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemctl", "--user", *args], capture_output=True, text=True, timeout=60, check=False
    )


def user_manager_available() -> bool:
    if shutil.which("systemctl") is None:
        return False
    probe = _systemctl("show-environment")
    return probe.returncode == 0


def install(env: Mapping[str, str]) -> Outcome:
    executable = followup_executable()
    if not user_manager_available():
        raise FollowupError(
            f"no systemd user manager is running here; run the daemon by hand: {executable} daemon"
        )
    path = unit_path(env)
    text = unit_text(executable)
    written = not path.exists() or path.read_text(encoding="utf-8") != text
    if written:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        _run_ok("daemon-reload")
    _run_ok("enable", "--now", UNIT_NAME)
    state = "installed and started" if written else "already installed; running"
    return Outcome(path, written, f"followup.service {state} ({path})")


def uninstall(env: Mapping[str, str]) -> Outcome:
    path = unit_path(env)
    if user_manager_available():
        _systemctl("disable", "--now", UNIT_NAME)
    existed = path.exists()
    path.unlink(missing_ok=True)
    if existed and user_manager_available():
        _run_ok("daemon-reload")
    message = f"removed {path}" if existed else "followup.service was not installed"
    return Outcome(path, existed, message)


def _run_ok(*args: str) -> None:
    done = _systemctl(*args)
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()
        raise FollowupError(
            f"systemctl --user {' '.join(args)} failed" + (f": {why[-1]}" if why else "")
        )
