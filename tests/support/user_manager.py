"""A real systemd user manager for tests, on machines where systemd is not PID 1.

``systemd --user`` refuses to start unless the system was booted with systemd, which it
judges by ``/run/systemd/system``. As root it runs inside a private mount namespace with a
tmpfs on ``/run/systemd`` holding that folder, in cgroups of its own (a folder under
``/sys/fs/cgroup/systemd`` and ``/sys/fs/cgroup/unified``), with a clean environment::

    echo $$ > /sys/fs/cgroup/{systemd,unified}/NAME/cgroup.procs
    env -i PATH=... HOME=... XDG_RUNTIME_DIR=R ... unshare --mount --propagation private -- \
        sh -c 'mount -t tmpfs x /run/systemd && mkdir -p /run/systemd/system \
               && exec /lib/systemd/systemd --user'

``XDG_RUNTIME_DIR=R systemctl --user ...`` then reaches it from outside through
``R/systemd/private``. There is no journald: a unit's output goes to a file through a drop-in
(``StandardOutput=append:FILE``). On stop the manager is sent SIGTERM (it stops its units)
and the cgroup folders are removed bottom-up.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
from contextlib import suppress
from pathlib import Path

from tests.support.harness import Stoppable, _spawn, end_process, poll_until

CGROUP_ROOTS = (Path("/sys/fs/cgroup/systemd"), Path("/sys/fs/cgroup/unified"))
SYSTEMD = "/lib/systemd/systemd"
_names = itertools.count()


class UserManager(Stoppable):
    """``systemd --user`` with the environment ``env`` (HOME, XDG_RUNTIME_DIR, XDG_CONFIG_HOME
    and whatever the services should see, such as DBUS_SESSION_BUS_ADDRESS and DISPLAY)."""

    def __init__(self, env: dict[str, str], log_path: Path, timeout: float = 30.0) -> None:
        self.env = dict(env)
        self.runtime_dir = Path(env["XDG_RUNTIME_DIR"])
        self.units = Path(env["XDG_CONFIG_HOME"]) / "systemd/user"
        self.log_path = log_path
        self.cgroup = f"followup-test-{os.getpid()}-{next(_names)}"
        for root in CGROUP_ROOTS:
            (root / self.cgroup).mkdir(parents=True, exist_ok=True)
        assignments = " && ".join(
            f"echo $$ > {root / self.cgroup / 'cgroup.procs'}" for root in CGROUP_ROOTS
        )
        variables = [f"{k}={v}" for k, v in sorted(self.env.items())]
        inner = (
            "mount -t tmpfs x /run/systemd && mkdir -p /run/systemd/system "
            f"&& exec {SYSTEMD} --user"
        )
        script = (
            f"{assignments} && exec env -i "
            + " ".join(_quote(v) for v in variables)
            + f" unshare --mount --propagation private -- sh -c {_quote(inner)}"
        )
        with open(log_path, "wb") as log:
            self.process = _spawn(
                ["sh", "-c", script], stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        if not poll_until(self._answers, timeout, interval=0.1):
            self.stop()
            raise RuntimeError(f"systemd --user did not answer within {timeout} s: {self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"systemd --user exited ({self.process.returncode}): {self.log()}")
        return self.systemctl("show-environment").returncode == 0

    def client_env(self) -> dict[str, str]:
        """What ``systemctl --user`` needs to reach this manager."""
        return {"PATH": os.environ["PATH"], "XDG_RUNTIME_DIR": str(self.runtime_dir)}

    def systemctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["systemctl", "--user", *args],
            env=self.client_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def environment(self) -> dict[str, str]:
        """``systemctl --user show-environment``: what its services get. The manager sets
        ``DBUS_SESSION_BUS_ADDRESS`` to its own bus, ``$XDG_RUNTIME_DIR/bus`` (dbus.socket)."""
        out = self.systemctl("show-environment").stdout
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

    def show(self, unit: str, *properties: str) -> dict[str, str]:
        """``systemctl --user show -p ...``: the unit's properties as text."""
        done = self.systemctl("show", unit, *(f"--property={p}" for p in properties))
        return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)

    def drop_in(self, unit: str, name: str, text: str) -> Path:
        """Write ``UNIT.d/NAME.conf`` beside the user's units (``daemon-reload`` yourself)."""
        folder = self.units / f"{unit}.d"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.conf"
        path.write_text(text, encoding="utf-8")
        return path

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM the manager (it stops its units), then empty and remove its cgroups."""
        with suppress(ProcessLookupError):
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
        end_process(self.process, timeout)
        for root in CGROUP_ROOTS:
            top = root / self.cgroup
            if not top.exists():
                continue
            folders = sorted((p for p in top.rglob("*") if p.is_dir()), key=_depth, reverse=True)
            for folder in [*folders, top]:
                _kill_members(folder)
                with suppress(OSError):
                    folder.rmdir()


def _depth(path: Path) -> int:
    return len(path.parts)


def _kill_members(folder: Path) -> None:
    """SIGKILL what is still in a cgroup this manager made (its own units' leftovers)."""
    try:
        pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
    except OSError:
        return
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    poll_until(lambda: not (folder / "cgroup.procs").read_text().split(), 5.0)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"
