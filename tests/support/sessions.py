"""The desktops most people run, for end-to-end tests: GNOME Shell (headless Wayland), mako
on sway (headless Wayland), notification-daemon (GNOME's fallback, on Xvfb), each owning
``org.freedesktop.Notifications`` on a bus of the test's own, and the ways a person acts on
their notifications.

* :class:`DesktopBus`: ``dbus-daemon`` from a config of its own whose ``<servicedir>`` is a
  folder holding only the ``.service`` files linked into it (the system's would let the bus
  start dunst, mako or Plasma whenever nobody owns the name). ``any_user`` lets other uids
  connect (sway refuses to run as root: mako runs as nobody, the daemon as root).
* :class:`NotificationDaemon`: draws every action but ``default`` as a button; a person
  clicks them (``xdotool``). It answers ``CloseNotification`` with ``NotificationClosed``
  but leaves the bubble on screen (its own bug).
* :class:`Plasma`: kwin_x11 and plasmashell on Xvfb; they need the activity manager and
  kglobalaccel started by the bus, with the session's variables given to it
  (``dbus-update-activation-environment``). Plasma draws every action but ``default`` as a
  button in a popup window named "Plasma"; a person clicks them (``xdotool``).
* :class:`SwayMako`: sway refuses root, so sway and mako run as uid 65534 with a 0700
  runtime folder of their own. mako draws no buttons: a person opens ``makoctl menu`` (a
  dmenu stand-in picks the line) or left-clicks (``default``); ``grim`` takes screenshots.
* :class:`GnomeShell`: ``gnome-shell --headless --wayland`` as uid 65534 (as root it
  shows a banner of its own first) with XDG folders of its own and a private system bus
  (else it aborts in its login manager code); a person's pointer is
  ``org.gnome.Mutter.RemoteDesktop``; screenshots are ``org.gnome.Shell.Screenshot``,
  which answers only a connection that owns ``org.gnome.Screenshot``.

Where buttons are on a screenshot: :func:`label_centres` reads the picture's grey levels
(ImageMagick) and finds the runs of ink along a band, which is where a person sees the
labels. Nothing here runs under libfaketime; ``stop()`` ends every process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from tests.support.desktop import Xvfb
from tests.support.harness import Stoppable, _spawn, clean_env, end_process, poll_until

NOTIFICATIONS = "org.freedesktop.Notifications"
NOBODY = 65534
AS_NOBODY = ("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")
SERVICES = Path("/usr/share/dbus-1/services")

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>{kind}</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    {users}
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class DesktopBus(Stoppable):
    """A session (or ``system``) bus of the test's own, able to start only ``services``."""

    def __init__(
        self,
        folder: Path,
        services: Sequence[str] = (),
        *,
        kind: str = "session",
        any_user: bool = False,
        timeout: float = 10.0,
    ) -> None:
        # under /tmp, not the test's 0700 folder: other uids must reach its socket
        self.folder = Path(tempfile.mkdtemp(prefix=f"followup-{kind}-bus-"))
        self.kept = folder
        self.folder.chmod(0o755)
        service_dir = self.folder / "services"
        service_dir.mkdir()
        for name in services:
            (service_dir / name).symlink_to(SERVICES / name)
        config = self.folder / "bus.conf"
        users = '<allow user="*"/>' if any_user else ""
        config.write_text(
            _BUS_CONFIG.format(kind=kind, folder=self.folder, services=service_dir, users=users)
        )
        self.log_path = self.folder / "dbus-daemon.log"
        address_file = self.folder / "address"
        with open(self.log_path, "wb") as log, open(address_file, "wb") as out:
            self.process = _spawn(
                ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address"],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=log,
                env=clean_env(),
            )
        if not poll_until(lambda: b"\n" in address_file.read_bytes(), timeout):
            self.stop()
            raise RuntimeError(f"dbus-daemon gave no address: {self.log_path.read_text()}")
        self.address = address_file.read_text().splitlines()[0]

    def connect(self) -> DBusConnection:
        return open_dbus_connection(self.address, auth_timeout=5.0)

    def owner(self, name: str = NOTIFICATIONS) -> str:
        """The unique name that owns ``name`` ("" when none)."""
        with self.connect() as conn:
            reply = conn.send_and_get_reply(message_bus.GetNameOwner(name), timeout=5)
        return str(reply.body[0]) if reply.header.message_type is MessageType.method_return else ""

    def wait_owned(self, process: subprocess.Popen[bytes], what: str, timeout: float) -> float:
        """Seconds until ``org.freedesktop.Notifications`` has an owner (``process`` must
        stay alive meanwhile)."""
        started = time.monotonic()

        def owned() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited with status {process.returncode}")
            return bool(self.owner())

        if not poll_until(owned, timeout, interval=0.05):
            raise TimeoutError(f"{what} did not own {NOTIFICATIONS} within {timeout} s")
        return time.monotonic() - started

    def stop(self) -> None:
        end_process(self.process)
        self.kept.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.log_path, self.kept / f"{self.folder.name}.log")
        shutil.rmtree(self.folder, ignore_errors=True)


# -- finding labels on a screenshot ---------------------------------------------------------


GREY = ("-colorspace", "gray", "-depth", "8", "gray:-")


def grey_rows(picture: Path, box: tuple[int, int, int, int]) -> list[bytes]:
    """The grey levels (0..255) of ``box`` (x, y, width, height) of ``picture``, by row."""
    x, y, width, height = box
    raw = subprocess.run(
        [
            "convert",
            str(picture),
            "-crop",
            f"{width}x{height}+{x}+{y}",
            "+repage",
            "-colorspace",
            "gray",
            "-depth",
            "8",
            "gray:-",
        ],
        capture_output=True,
        timeout=60,
        check=True,
    ).stdout
    return [raw[i * width : (i + 1) * width] for i in range(height)]


def ink_runs(values: Sequence[bool], gap: int) -> list[tuple[int, int]]:
    """Runs of True (start, end inclusive), joined across gaps shorter than ``gap``."""
    runs: list[tuple[int, int]] = []
    for i, inked in enumerate(values):
        if not inked:
            continue
        if runs and i - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def label_centres(
    picture: Path, box: tuple[int, int, int, int], *, gap: int = 14, contrast: int = 70
) -> list[tuple[int, int]]:
    """The centres (screen x, y) of the labels on the lowest line of text in ``box``: the
    row of buttons a person sees at a notification's bottom. Ink is a pixel at least
    ``contrast`` grey levels away from the box's most common level; words closer than
    ``gap`` pixels belong to one label."""
    rows = grey_rows(picture, box)
    counts: dict[int, int] = {}
    for row in rows:
        for level in row:
            counts[level] = counts.get(level, 0) + 1
    ground = max(counts, key=lambda level: counts[level])

    def inked(level: int) -> bool:
        return abs(level - ground) >= contrast

    lines = ink_runs([any(inked(v) for v in row) for row in rows], gap=2)
    if not lines:
        return []
    top, bottom = lines[-1]
    columns = [any(inked(rows[r][c]) for r in range(top, bottom + 1)) for c in range(len(rows[0]))]
    middle = box[1] + (top + bottom) // 2
    return [(box[0] + (a + b) // 2, middle) for a, b in ink_runs(columns, gap)]


# -- notification-daemon ----------------------------------------------------------------------


class NotificationDaemon(Stoppable):
    """notification-daemon 3.20 on ``x``'s screen and ``bus``."""

    program = "/usr/lib/notification-daemon/notification-daemon"

    def __init__(self, folder: Path, bus: DesktopBus, x: Xvfb) -> None:
        self.folder, self.bus, self.x = folder, bus, x
        folder.mkdir(parents=True, exist_ok=True)
        self.log_path = folder / "notification-daemon.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.start_s = self.start()

    def start(self) -> float:
        """Start it; seconds until it owned the name."""
        started = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.process = _spawn(
                [self.program],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=clean_env(DBUS_SESSION_BUS_ADDRESS=self.bus.address, DISPLAY=self.x.display),
            )
        self.bus.wait_owned(self.process, "notification-daemon", 30.0)
        return time.monotonic() - started

    def restart(self) -> float:
        self.stop()
        poll_until(lambda: not self.bus.owner(), 10.0)
        return self.start()

    def bubbles(self) -> list[tuple[int, int, int, int]]:
        """Its notification windows on screen: (x, y, width, height), top first."""
        out = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", ""],
            env=clean_env(DISPLAY=self.x.display),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
        found = []
        for window in out.split():
            shape = self.x.run("xdotool", "getwindowgeometry", "--shell", window)
            values = dict(line.split("=", 1) for line in shape.split())
            box = tuple(int(values[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
            if 200 < box[2] < 1000 and box[3] > 50:
                found.append((box[0], box[1], box[2], box[3]))
        return sorted(found, key=lambda b: b[1])

    def buttons(self, shot: Path, bubble: tuple[int, int, int, int]) -> list[tuple[int, int]]:
        """Where the labels of ``bubble``'s buttons are, left to right (the close button at
        its top right corner is above the lowest line, and left out)."""
        x, y, width, height = bubble
        return label_centres(shot, (x + 60, y + 10, width - 100, height - 20), gap=14)

    def click(self, point: tuple[int, int]) -> None:
        self.x.run("xdotool", "mousemove", str(point[0]), str(point[1]), "click", "1")

    def stop(self) -> None:
        if self.process is not None:
            end_process(self.process)


# -- KDE Plasma -------------------------------------------------------------------------------

PLASMA_SERVICES = ("org.kde.ActivityManager.service", "org.kde.kglobalaccel.service")


class Plasma(Stoppable):
    """kwin_x11 and plasmashell on ``x``'s screen and ``bus`` (which must be able to start
    :data:`PLASMA_SERVICES`: without the activity manager plasmashell shows no
    notifications)."""

    def __init__(self, folder: Path, bus: DesktopBus, x: Xvfb) -> None:
        self.folder, self.bus, self.x = folder, bus, x
        folder.mkdir(parents=True, exist_ok=True)
        home = folder / "home"
        home.mkdir(exist_ok=True)
        runtime = Path(tempfile.mkdtemp(prefix="xdg-", dir=folder))
        self.env = clean_env(
            DBUS_SESSION_BUS_ADDRESS=bus.address,
            DISPLAY=x.display,
            XDG_CURRENT_DESKTOP="KDE",
            KDE_FULL_SESSION="true",
            KDE_SESSION_VERSION="5",
            QT_QPA_PLATFORM="xcb",
            HOME=str(home),
            XDG_RUNTIME_DIR=str(runtime),
        )
        subprocess.run(
            ["dbus-update-activation-environment", *PLASMA_VARIABLES],
            env=self.env,
            capture_output=True,
            timeout=30,
            check=True,
        )
        self.kwin = self._spawn("kwin_x11")
        self.shell: subprocess.Popen[bytes] | None = None
        self.start_s = self.start()

    def _spawn(self, program: str) -> subprocess.Popen[bytes]:
        with open(self.folder / f"{program}.log", "ab") as log:
            return _spawn([program], stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=self.env)

    def start(self) -> float:
        """Start plasmashell; seconds until it owned the name."""
        self.shell = self._spawn("plasmashell")
        return self.bus.wait_owned(self.shell, "plasmashell", 120.0)

    def restart(self) -> float:
        if self.shell is not None:
            end_process(self.shell)
        poll_until(lambda: not self.bus.owner(), 20.0)
        return self.start()

    def popups(self) -> list[tuple[int, int, int, int]]:
        """Its notification popups on screen: (x, y, width, height), top first."""
        out = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", ""],
            env=clean_env(DISPLAY=self.x.display),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
        found = set()
        for window in out.split():
            if self.x.run("xdotool", "getwindowname", window).strip() != "Plasma":
                continue
            shape = self.x.run("xdotool", "getwindowgeometry", "--shell", window)
            values = dict(line.split("=", 1) for line in shape.split())
            box = tuple(int(values[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
            if 200 < box[2] < 600 and box[3] > 60:
                found.add((box[0], box[1], box[2], box[3]))
        return sorted(found, key=lambda b: b[1])

    def buttons(self, shot: Path, popup: tuple[int, int, int, int]) -> list[tuple[int, int]]:
        """The labels of ``popup``'s buttons (its last 36 px), left to right."""
        x, y, width, height = popup
        return label_centres(shot, (x + 4, y + height - 38, width - 8, 34), gap=10)

    def click(self, point: tuple[int, int]) -> None:
        self.x.run("xdotool", "mousemove", str(point[0]), str(point[1]), "click", "1")

    def stop(self) -> None:
        for process in (self.shell, self.kwin):
            if process is not None:
                end_process(process)


PLASMA_VARIABLES = (
    "DISPLAY",
    "XDG_CURRENT_DESKTOP",
    "KDE_FULL_SESSION",
    "KDE_SESSION_VERSION",
    "QT_QPA_PLATFORM",
    "HOME",
    "XDG_RUNTIME_DIR",
)


# -- mako on sway ----------------------------------------------------------------------------


class SwayMako(Stoppable):
    """sway (headless, 1280x800) and mako on ``bus``, both as uid 65534, in a folder of
    their own under /tmp (their logs: ``folder``/sway.log, mako.log)."""

    def __init__(self, bus: DesktopBus) -> None:
        # nobody must reach every folder on the way: a test's tmp_path is 0700
        folder = Path(tempfile.mkdtemp(prefix="followup-sway-"))
        folder.chmod(0o755)
        self.folder, self.bus = folder, bus
        self.runtime = folder / "runtime"
        self.home = folder / "home"
        for path in (self.runtime, self.home):
            path.mkdir(exist_ok=True)
            os.chown(path, NOBODY, NOBODY)
        self.runtime.chmod(0o700)
        config = folder / "sway.conf"
        config.write_text("output HEADLESS-1 resolution 1280x800\n")
        config.chmod(0o644)
        self.pick_script = folder / "pick.sh"
        self.menu_file = self.runtime / "menu.txt"
        self.env = clean_env(
            HOME=str(self.home),
            XDG_RUNTIME_DIR=str(self.runtime),
            DBUS_SESSION_BUS_ADDRESS=bus.address,
        )
        self.sway: subprocess.Popen[bytes] | None = None
        self.mako: subprocess.Popen[bytes] | None = None
        started = time.monotonic()
        self.sway = self._as_nobody(
            ["sway", "-c", str(config)],
            "sway.log",
            WLR_BACKENDS="headless",
            WLR_LIBINPUT_NO_DEVICES="1",
            WLR_RENDERER="pixman",
        )
        socket = self.runtime / "wayland-1"
        if not poll_until(lambda: socket.exists() or self.sway_exited(), 30.0):
            raise TimeoutError(f"sway did not start: {self.log('sway.log')}")
        if self.sway_exited():
            raise RuntimeError(f"sway exited: {self.log('sway.log')}")
        self.sway_start_s = time.monotonic() - started
        self.start_s = self.start_mako()

    def sway_exited(self) -> bool:
        return self.sway is not None and self.sway.poll() is not None

    def _as_nobody(self, args: list[str], log_name: str, **extra: str) -> subprocess.Popen[bytes]:
        with open(self.folder / log_name, "ab") as log:
            return _spawn(
                [*AS_NOBODY, *args],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env={**self.env, **extra},
            )

    def log(self, name: str) -> str:
        path = self.folder / name
        return path.read_text(errors="replace") if path.exists() else ""

    def start_mako(self) -> float:
        """Start mako; seconds until it owned the name."""
        self.mako = self._as_nobody(["mako"], "mako.log", WAYLAND_DISPLAY="wayland-1")
        try:
            return self.bus.wait_owned(self.mako, "mako", 30.0)
        except (RuntimeError, TimeoutError) as exc:
            raise RuntimeError(f"{exc}: {self.log('mako.log')}") from None

    def restart_mako(self) -> float:
        if self.mako is not None:
            end_process(self.mako)
        poll_until(lambda: not self.bus.owner(), 10.0)
        return self.start_mako()

    def makoctl(self, *args: str) -> str:
        done = subprocess.run(
            ["makoctl", *args], env=self.env, capture_output=True, text=True, timeout=30
        )
        if done.returncode != 0:
            raise RuntimeError(f"makoctl {' '.join(args)}: {done.stderr}")
        return done.stdout

    def shown(self) -> list[dict[str, Any]]:
        """``makoctl list``: what is on screen, newest first, as plain dicts."""
        import json

        data = json.loads(self.makoctl("list"))
        return [{k: v["data"] for k, v in note.items()} for note in data["data"][0]]

    def choose(self, label: str) -> list[str]:
        """Open ``makoctl menu`` on the newest notification and pick ``label``, as a person
        does with a dmenu; returns the menu as mako offered it."""
        self.menu_file.unlink(missing_ok=True)
        self.pick_script.write_text(
            f'#!/bin/sh\ncat > "{self.menu_file}"\nprintf "%s\\n" "{label}"\n'
        )
        self.pick_script.chmod(0o755)
        self.makoctl("menu", str(self.pick_script))
        return self.menu_file.read_text().splitlines()

    def screenshot(self, path: Path) -> Path:
        """The whole output as a PNG (``grim``, as nobody, then copied)."""
        inside = self.runtime / "shot.png"
        done = subprocess.run(
            [
                "setpriv",
                f"--reuid={NOBODY}",
                f"--regid={NOBODY}",
                "--clear-groups",
                "grim",
                str(inside),
            ],
            env={**self.env, "WAYLAND_DISPLAY": "wayland-1"},
            capture_output=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"grim: {done.stderr.decode(errors='replace')}")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(inside, path)
        return path

    def stop(self) -> None:
        for process in (self.mako, self.sway):
            if process is not None:
                end_process(process)
        shutil.rmtree(self.folder, ignore_errors=True)


# -- GNOME Shell --------------------------------------------------------------------------------

MUTTER_RD = DBusAddress(
    "/org/gnome/Mutter/RemoteDesktop",
    "org.gnome.Mutter.RemoteDesktop",
    "org.gnome.Mutter.RemoteDesktop",
)
SHELL_SHOT = DBusAddress(
    "/org/gnome/Shell/Screenshot", "org.gnome.Shell.Screenshot", "org.gnome.Shell.Screenshot"
)
LEFT_BUTTON = 0x110
ESCAPE = 0xFF1B
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
#: seconds from owning the name to "GNOME Shell started" (1 to 3 s here, under load)
#: the longest gnome-shell may take to log that it started, however busy the machine
STARTUP_S = 120.0
#: how long a starting gnome-shell may use no CPU at all before it counts as hung
HUNG_S = 10.0
CLOCK = (640, 15)  # the top bar's clock: a click opens the message list
BOUND_S = 30.0
#: a banner at least this tall shows its buttons (80 px without, 118 to 176 px with them)
EXPANDED_PX = 100
STARTED = "GNOME Shell started at"


class GnomeShell(Stoppable):
    """gnome-shell, headless Wayland, 1280x800, on ``bus`` with a private system bus (both
    made with ``any_user``), run as uid 65534 as a person's session runs: as root it opens
    with a banner of its own ("Logged in as a privileged user") that takes the place of the
    banners under test. Its home and runtime folder are a folder of their own under /tmp
    (nobody must reach them); its log is ``folder``/gnome-shell.log."""

    width, height = 1280, 800

    def __init__(self, folder: Path, bus: DesktopBus, system: DesktopBus) -> None:
        self.folder, self.bus, self.system = folder, bus, system
        folder.mkdir(parents=True, exist_ok=True)
        self.own = Path(tempfile.mkdtemp(prefix="followup-gnome-"))
        self.own.chmod(0o755)
        self.home = self.own / "home"
        self.runtime = self.own / "runtime"
        # Without GDM gnome-shell has no lock screen and says so once, in a banner that
        # would take the reminder's place, unless this file (its "said already") exists
        # in its XDG_DATA_HOME (given below: the test's own must not leak in).
        said = self.home / ".local/share/gnome-shell/lock-warning-shown"
        said.parent.mkdir(parents=True)
        said.touch()
        self.runtime.mkdir(mode=0o700)
        for path in (self.runtime, said, *said.parents):
            if path == self.own:
                break
            os.chown(path, NOBODY, NOBODY)
        self.log_path = folder / "gnome-shell.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._pointer: tuple[DBusConnection, str] | None = None
        self._at: tuple[int, int] | None = None
        self.hangs = 0
        try:
            self.start_s = self.start()
        except BaseException:
            self.stop()
            raise

    def start(self) -> float:
        """Start gnome-shell; seconds until it owned the name. gnome-shell 43.9 now and then
        hangs while it starts, after it owns the name (one thread left, waiting in
        ``g_type_get_qdata`` called from gjs: GType's lock, never released): it is ended
        and started again, once, and ``hangs`` counts it."""
        for attempt in (1, 2):
            started = time.monotonic()
            runs = self.log().count(STARTED) if self.log_path.exists() else 0
            self.bus.wait_owned(self._spawn_shell(), "gnome-shell", 120.0)
            owned_s = time.monotonic() - started
            if self._finished_start(runs):
                break
            if attempt == 2:
                raise TimeoutError(
                    f"gnome-shell did not finish starting: it hung (no CPU used for {HUNG_S} s) "
                    f"or took more than {STARTUP_S} s, twice"
                )
            self.hangs += 1
            print(f"\ngnome-shell hung while starting ({self.hangs}): started again")
            self._end_shell()
        self.leave_overview()
        return owned_s

    def _end_shell(self) -> None:
        self._drop_pointer()
        if self.process is not None:
            end_process(self.process)
        poll_until(lambda: not self.bus.owner(), 20.0)

    def _finished_start(self, runs: int) -> bool:
        """Whether this run logs "GNOME Shell started" (its ``runs + 1``-th) before it hangs:
        False once it has used no CPU for :data:`HUNG_S` (the hang above leaves it idle,
        where a start slowed by a loaded machine keeps working) or after
        :data:`STARTUP_S` in all."""
        assert self.process is not None
        stat = Path(f"/proc/{self.process.pid}/stat")
        deadline = time.monotonic() + STARTUP_S
        last_cpu, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            if self.log().count(STARTED) > runs:
                return True
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                cpu = int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
            except (OSError, IndexError, ValueError):
                return False
            now = time.monotonic()
            if cpu != last_cpu:
                last_cpu, last_change = cpu, now
            elif now - last_change > HUNG_S:
                return False
            time.sleep(0.2)
        return False

    def _spawn_shell(self) -> subprocess.Popen[bytes]:
        env = clean_env(
            DBUS_SESSION_BUS_ADDRESS=self.bus.address,
            DBUS_SYSTEM_BUS_ADDRESS=self.system.address,
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local/share"),
            XDG_STATE_HOME=str(self.home / ".local/state"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            XDG_RUNTIME_DIR=str(self.runtime),
            XDG_SESSION_TYPE="wayland",
            LIBGL_ALWAYS_SOFTWARE="1",
            PATH=SYSTEM_PATH,  # a session's: nobody may not search the test's own folders
        )
        with open(self.log_path, "ab") as log:
            self.process = _spawn(
                [
                    *AS_NOBODY,
                    "gnome-shell",
                    "--headless",
                    "--virtual-monitor",
                    f"{self.width}x{self.height}",
                    "--wayland",
                    "--no-x11",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
            )
        return self.process

    def leave_overview(self, timeout: float = 60.0) -> None:
        """Leave the Overview gnome-shell ends its start in (Escape, as a person does), so
        that banners come over the desktop's blue."""
        shot = self.folder / "desktop.png"
        # the pointer starts in the top left corner, the hot one that opens the Overview
        self.point_at((self.width // 2, self.height // 2))
        seen: list[bool] = []

        def desktop() -> bool:
            colour = pixel(self.screenshot(shot), self.width // 10, self.height // 2)
            seen.append(all(abs(c - d) < 25 for c, d in zip(colour, DESKTOP_BLUE, strict=True)))
            if not seen[-1]:
                self._call("NotifyKeyboardKeysym", "ub", (ESCAPE, True))
                self._call("NotifyKeyboardKeysym", "ub", (ESCAPE, False))
            return seen[-2:] == [True, True]

        if not poll_until(desktop, timeout, interval=1.0):
            raise TimeoutError(f"gnome-shell showed no desktop within {timeout} s")

    def restart(self) -> float:
        """End gnome-shell (as a crash would) and start it again."""
        self._end_shell()
        return self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def screenshot(self, path: Path) -> Path:
        """The screen as a PNG, through ``org.gnome.Shell.Screenshot`` (written where the
        shell's user may write, then copied to ``path``)."""
        inside = self.runtime / "shot.png"
        with self.bus.connect() as conn:
            conn.send_and_get_reply(message_bus.RequestName("org.gnome.Screenshot", 4), timeout=10)
            call = new_method_call(SHELL_SHOT, "Screenshot", "bbs", (False, False, str(inside)))
            reply = conn.send_and_get_reply(call, timeout=30)
        if reply.header.message_type is not MessageType.method_return or not reply.body[0]:
            raise RuntimeError(f"gnome-shell took no screenshot: {reply.body!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(inside, path)
        return path

    def _session(self) -> tuple[DBusConnection, str]:
        if self._pointer is None:
            conn = self.bus.connect()
            reply = conn.send_and_get_reply(new_method_call(MUTTER_RD, "CreateSession"), timeout=10)
            if reply.header.message_type is not MessageType.method_return:
                conn.close()
                raise RuntimeError(f"no remote desktop session: {reply.body!r}")
            path = str(reply.body[0])
            session = DBusAddress(path, "org.gnome.Mutter.RemoteDesktop", _RD_SESSION)
            conn.send_and_get_reply(new_method_call(session, "Start"), timeout=10)
            self._pointer = (conn, path)
        return self._pointer

    def _drop_pointer(self) -> None:
        self._at = None
        if self._pointer is not None:
            self._pointer[0].close()
            self._pointer = None

    def _call(self, member: str, signature: str, body: tuple[Any, ...]) -> None:
        conn, path = self._session()
        session = DBusAddress(path, "org.gnome.Mutter.RemoteDesktop", _RD_SESSION)
        reply = conn.send_and_get_reply(
            new_method_call(session, member, signature, body), timeout=10
        )
        if reply.header.message_type is not MessageType.method_return:
            raise RuntimeError(f"{member}: {reply.body!r}")

    def point_at(self, point: tuple[int, int]) -> None:
        """Move a person's pointer to ``point`` in one straight motion from where it is;
        when that is unknown (a new shell), by way of the bottom left corner (the top left
        one opens the Overview)."""
        if self._at is None:
            self._call("NotifyPointerMotionRelative", "dd", (-4.0 * self.width, 4.0 * self.height))
            self._at = (0, self.height - 1)
        dx, dy = float(point[0] - self._at[0]), float(point[1] - self._at[1])
        self._call("NotifyPointerMotionRelative", "dd", (dx, dy))
        self._at = point

    def nudge(self) -> None:
        """Move the pointer one pixel and back, as a resting hand does: gnome-shell hears
        the person active (a banner shown while nobody was active stays until then) and
        the pointer enters what was drawn under it, with no trip outside it."""
        self._call("NotifyPointerMotionRelative", "dd", (1.0, 0.0))
        self._call("NotifyPointerMotionRelative", "dd", (-1.0, 0.0))

    def click(self, point: tuple[int, int]) -> None:
        """Point at ``point`` and press the left button."""
        self.point_at(point)
        time.sleep(0.3)
        self.nudge()
        time.sleep(0.2)
        self._call("NotifyPointerButton", "ib", (LEFT_BUTTON, True))
        time.sleep(0.1)
        self._call("NotifyPointerButton", "ib", (LEFT_BUTTON, False))

    def banner(self, shot: Path) -> tuple[int, int] | None:
        """The top and bottom rows of the banner at the top of ``shot``, None when there is
        none: it is 500 px wide, centred, from y 36 down to where the desktop's blue shows
        again."""
        bottom = banner_bottom(shot, self.width // 2 - 243)
        return None if bottom is None or bottom <= 40 else (36, bottom)

    def banner_buttons(self, shot: Path) -> list[tuple[int, int]]:
        """The buttons of the banner at the top of ``shot``, left to right: GNOME Shell
        draws them once the pointer has come onto the banner, which then grows from 80 to
        176 px; they fill its last 42 px. Empty when no banner shows its buttons."""
        left = self.width // 2 - 248
        shown = self.banner(shot)
        if shown is None or shown[1] - shown[0] < EXPANDED_PX:
            return []
        return label_centres(shot, (left, shown[1] - 40, 496, 36), gap=14)

    def listed(self, shot: Path) -> int:
        """How many notifications GNOME Shell's message list holds, as a person sees them:
        a click on the clock opens the list (entries are lighter boxes down its left
        column, x 345, from y 40: grey 63 on the menu's 48), another click closes it.
        ``shot`` is the screenshot of the open list, then of the desktop again."""
        self.click(CLOCK)
        try:
            opened = poll_until(
                lambda: pixel(self.screenshot(shot), 345, 200)[2] < 100, BOUND_S, 0.5
            )
            if not opened:
                raise AssertionError("the message list did not open")
            levels = [row[0] for row in grey_rows(shot, (345, 40, 1, 240))]
            runs = ink_runs([55 <= level <= 80 for level in levels], gap=1)
            return sum(1 for top, bottom in runs if bottom - top > 30)
        finally:
            self.click(CLOCK)
            # while the list is open, a new notification gets no banner
            poll_until(lambda: pixel(self.screenshot(shot), 345, 200)[2] > 100, BOUND_S, 0.5)

    def stop(self) -> None:
        self._drop_pointer()
        if self.process is not None:
            end_process(self.process)
        shutil.rmtree(self.own, ignore_errors=True)


RGB = ("-depth", "8", "rgb:-")
#: GNOME's default background colour (a button's focus ring is a lighter blue)
DESKTOP_BLUE = (2, 60, 136)


def pixel(shot: Path, x: int, y: int) -> tuple[int, int, int]:
    """The colour (red, green, blue, 0..255) of the pixel at ``x``, ``y`` of ``shot``."""
    raw = subprocess.run(
        ["convert", str(shot), "-crop", f"1x1+{x}+{y}", "+repage", *RGB],
        capture_output=True,
        timeout=60,
        check=True,
    ).stdout
    return raw[0], raw[1], raw[2]


def banner_bottom(shot: Path, x: int, top: int = 40) -> int | None:
    """The first row below ``top`` where column ``x`` of ``shot`` is the desktop's blue
    (GNOME's default background), or None when the column is grey to the bottom."""
    raw = subprocess.run(
        ["convert", str(shot), "-crop", f"1x{800 - top}+{x}+{top}", "+repage", *RGB],
        capture_output=True,
        timeout=60,
        check=True,
    ).stdout
    for i in range(0, len(raw) - 2, 3):
        if all(abs(raw[i + c] - DESKTOP_BLUE[c]) < 25 for c in range(3)):
            return top + i // 3
    return None


_RD_SESSION = "org.gnome.Mutter.RemoteDesktop.Session"
