"""Real parts of a desktop for end-to-end tests: an X server (Xvfb) and the real notification
servers dunst and xfce4-notifyd on a private session bus, with the ways a person uses them.

* :class:`Xvfb` runs ``Xvfb :N`` and waits for its socket; ``screenshot`` is
  ``import -window root`` (ImageMagick).
* :class:`Dunst` runs ``dunst -config FILE``. dunst 1.9 draws no buttons: a person picks an
  action from its context menu (``dunstctl context``), which runs the program named by
  ``dmenu`` in the config with the menu on its standard input (lines like ``#I emailed
  (Time to email Acme) [6,emailed]``) and invokes the line it prints. ``pick`` points that
  program at a script printing the line with the wanted label: exactly a person's choice.
  dunst sends ``ActionInvoked`` only to the connection that called ``Notify``.
* :class:`Xfce4Notifyd` runs xfce4-notifyd, which draws real buttons and broadcasts its
  signals; ``click_button`` finds its window with ``xdotool search --class`` and clicks the
  button with ``xdotool mousemove X Y click 1``.

Debian packages: ``xvfb dunst xfce4-notifyd xdotool imagemagick`` (``run-tests.sh`` installs
them). Nothing here runs under libfaketime. Every process is ended by ``stop()``.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support.harness import Stoppable, _spawn, clean_env, end_process, poll_until

XFCE4_NOTIFYD = Path("/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd")


def _read_display(fd: int, timeout: float) -> int | None:
    """The display number Xvfb writes to ``fd`` once it is ready (a line), or None when it
    exits or says nothing within ``timeout`` seconds."""
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 64)
        if not chunk:
            return None
        data += chunk
    return int(data)


class Xvfb(Stoppable):
    """A virtual X screen, 1024x768, 24 bits, no TCP, on a display number Xvfb picks itself
    among the free ones (``-displayfd``): tests running at once, in other pytest processes
    too, never race for one."""

    def __init__(self, folder: Path, timeout: float = 10.0) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.log_path = folder / "xvfb.log"
        read_end, write_end = os.pipe()
        screen = ["-screen", "0", "1024x768x24", "-nolisten", "tcp"]
        try:
            with open(self.log_path, "wb") as log:
                self.process = _spawn(
                    ["Xvfb", "-displayfd", str(write_end), *screen],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    env=clean_env(),
                    pass_fds=(write_end,),
                )
            os.close(write_end)
            write_end = -1
            number = _read_display(read_end, timeout)
        finally:
            os.close(read_end)
            if write_end >= 0:
                os.close(write_end)
        if number is None:
            self.stop()
            raise RuntimeError(f"Xvfb did not start: {self.log_path.read_text()}")
        self.number = number
        self.display = f":{number}"
        socket_path = Path(f"/tmp/.X11-unix/X{self.number}")
        if not poll_until(lambda: socket_path.exists() or self.process.poll() is not None, timeout):
            self.stop()
            raise RuntimeError(f"Xvfb {self.display} did not start: {self.log_path.read_text()}")
        if self.process.poll() is not None:
            raise RuntimeError(f"Xvfb {self.display} exited: {self.log_path.read_text()}")

    def env(self) -> dict[str, str]:
        return {"DISPLAY": self.display}

    def run(self, *args: str) -> str:
        """Run an X client (``xdotool``, ``import``) on this screen; returns its stdout."""
        done = subprocess.run(
            list(args),
            env=clean_env(DISPLAY=self.display),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)}: status {done.returncode}: {done.stderr}")
        return done.stdout

    def screenshot(
        self, path: Path, box: tuple[int, int, int, int] | None = None, margin: int = 0
    ) -> Path:
        """The screen as a PNG (``import -window root``); only ``box`` (x, y, width, height)
        and ``margin`` pixels around it when given."""
        path.parent.mkdir(parents=True, exist_ok=True)
        crop: list[str] = []
        if box is not None:
            x, y, width, height = box
            x0, y0 = max(0, x - margin), max(0, y - margin)
            crop = ["-crop", f"{width + 2 * margin}x{height + 2 * margin}+{x0}+{y0}"]
        self.run("import", "-window", "root", *crop, str(path))
        return path

    def colours(self, picture: Path) -> int:
        """How many distinct colours a picture has (ImageMagick's ``%k``)."""
        return int(self.run("identify", "-format", "%k", str(picture)).strip())

    def stop(self) -> None:
        end_process(self.process)


class _Server(Stoppable):
    """A notification server process on ``bus_address`` and ``x``'s screen."""

    name = ""

    def __init__(self, args: list[str], folder: Path, bus_address: str, x: Xvfb) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.bus_address = bus_address
        self.x = x
        home = folder / "home"
        home.mkdir(exist_ok=True)
        self.env = clean_env(
            DBUS_SESSION_BUS_ADDRESS=bus_address,
            DISPLAY=x.display,
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local/share"),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_RUNTIME_DIR=tempfile.mkdtemp(prefix="xdg-", dir=folder),
        )
        self.log_path = folder / f"{self.name}.log"
        with open(self.log_path, "wb") as log:
            self.process = _spawn(
                args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=self.env
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_ready(self, timeout: float = 15.0) -> None:
        """Return once the server owns ``org.freedesktop.Notifications``."""

        def owned() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log()}")
            done = subprocess.run(
                [
                    "dbus-send",
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.Notifications",
                ],
                env=self.env,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            return "boolean true" in done.stdout

        if not poll_until(owned, timeout, interval=0.1):
            raise TimeoutError(f"{self.name} did not own the name in {timeout} s: {self.log()}")

    def stop(self) -> None:
        end_process(self.process)


class Dunst(_Server):
    """dunst with a config of its own: ``markup`` as given, ``dmenu`` a picking script."""

    name = "dunst"

    def __init__(self, folder: Path, bus_address: str, x: Xvfb, *, markup: str = "full") -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.pick_script = folder / "pick.sh"
        self.menu_file = folder / "menu.txt"
        self.pick("")
        config = folder / "dunstrc"
        config.write_text(
            "[global]\n"
            f"markup = {markup}\n"
            f"dmenu = {self.pick_script}\n"
            "width = 400\n"
            "offset = 10x10\n"
        )
        super().__init__(["dunst", "-config", str(config)], folder, bus_address, x)

    def pick(self, label: str) -> None:
        """What the context menu's chooser will pick: the first line naming ``label``. The
        menu dunst offered is kept whole or not at all (written aside, then renamed), so
        that :meth:`choose` never reads it half written."""
        self.menu_file.unlink(missing_ok=True)
        part = f"{self.menu_file}.part"
        self.pick_script.write_text(
            f'#!/bin/sh\ncat > "{part}"\nmv "{part}" "{self.menu_file}"\n'
            f"grep -m1 -F '#{label} (' \"{self.menu_file}\"\n"
        )
        self.pick_script.chmod(0o755)

    def dunstctl(self, *args: str) -> str:
        done = subprocess.run(
            ["dunstctl", *args], env=self.env, capture_output=True, text=True, timeout=30
        )
        if done.returncode != 0:
            raise RuntimeError(f"dunstctl {' '.join(args)}: {done.stderr}")
        return done.stdout

    def displayed(self) -> int:
        """``dunstctl count displayed``: notifications on screen now."""
        return int(self.dunstctl("count", "displayed").strip())

    def choose(self, label: str, timeout: float = 10.0) -> list[str]:
        """Open the context menu (``dunstctl context``) and pick the action ``label``, as a
        person does; returns the menu as dunst offered it."""
        self.pick(label)
        self.dunstctl("context")
        if not poll_until(self.menu_file.exists, timeout):
            raise AssertionError(f"dunst ran no menu within {timeout} s: {self.log()}")
        return self.menu_file.read_text().splitlines()

    def history(self) -> list[dict[str, Any]]:
        """``dunstctl history``: closed notifications, newest first, as plain dicts."""
        data = json.loads(self.dunstctl("history"))
        return [{k: v["data"] for k, v in note.items()} for note in data["data"][0]]


class Xfce4Notifyd(_Server):
    """xfce4-notifyd, which draws real buttons."""

    name = "xfce4-notifyd"

    def __init__(self, folder: Path, bus_address: str, x: Xvfb) -> None:
        super().__init__([str(XFCE4_NOTIFYD)], folder, bus_address, x)

    def windows(self) -> list[tuple[int, int, int, int]]:
        """Its windows on screen that are bigger than a placeholder: (x, y, width, height)."""
        found = []
        out = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--class", "xfce4-notifyd"],
            env=clean_env(DISPLAY=self.x.display),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
        for window in out.split():
            shape = self.x.run("xdotool", "getwindowgeometry", "--shell", window)
            values = dict(line.split("=", 1) for line in shape.split())
            box = tuple(int(values[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
            if box[2] > 100 and box[3] > 50:
                found.append((box[0], box[1], box[2], box[3]))
        return found

    def wait_window(self, timeout: float = 10.0) -> tuple[int, int, int, int]:
        """The one notification window, once it is on screen."""
        if not poll_until(lambda: len(self.windows()) == 1, timeout, interval=0.2):
            raise AssertionError(f"no single notification window: {self.windows()}")
        return self.windows()[0]

    def click_button(self, index: int, count: int) -> None:
        """Click button ``index`` (from 0) of ``count`` in the row along the window's
        bottom: xfce4-notifyd lays them out in equal widths, 14 px from each side, their
        middles 31 px above the bottom edge."""
        x, y, width, height = self.wait_window()
        middle_x = x + 14 + (width - 28) * (2 * index + 1) // (2 * count)
        middle_y = y + height - 31
        self.x.run("xdotool", "mousemove", str(middle_x), str(middle_y), "click", "1")


def artifacts_folder(default: Path) -> Path:
    """Where tests keep what a person would look at (screenshots): ``$FOLLOWUP_TEST_ARTIFACTS``
    when set, else ``default`` (the test's temporary folder)."""
    folder = Path(os.environ.get("FOLLOWUP_TEST_ARTIFACTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
