"""The real reminder daemon in a process of its own, for end-to-end tests.

:class:`DaemonProcess` runs ``python -m followup daemon`` with a private home (config, data
and state folders under one temp folder), a config file, the test bus, the test's fake wall
clock and, when asked, a ``NOTIFY_SOCKET``. ``cli()`` runs ``python -m followup ...`` in the
very same environment (fake clock included), so CLI writes poke this daemon and no other.

Every wait has a timeout; the daemon is always ended by ``close()`` (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from tests.support.harness import FakeClock, _spawn, clean_env, end_process, poll_until

CONFIG = """\
[calendar]
country = "US"
timezone = "UTC"

[notify]
at = "09:00"
until = "20:00"
backend = "plyer"
"""

# Variables of the test runner's own session that must not reach the daemon.
_UNSET = (
    "DBUS_SESSION_BUS_ADDRESS",
    "NOTIFY_SOCKET",
    "WATCHDOG_USEC",
    "WATCHDOG_PID",
    "FOLLOWUP_CONFIG",
    "FOLLOWUP_DEBUG",
    "LC_ALL",
    "LC_TIME",
)


class DaemonProcess:
    """``followup daemon`` with an isolated home under ``root``.

    ``bus_address=None`` leaves ``DBUS_SESSION_BUS_ADDRESS`` unset; ``path`` replaces
    ``PATH`` (e.g. a folder without notify-send); ``fake_time=False`` runs on the real clock
    (``add`` still dates interviews by ``clock``). ``env`` is the environment of both the
    daemon and ``cli()``; change it before ``start()``.
    """

    def __init__(
        self,
        root: Path,
        clock: FakeClock,
        *,
        bus_address: str | None,
        notify_socket: str | None = None,
        watchdog_usec: int | None = None,
        path: str | None = None,
        config: str = CONFIG,
        fake_time: bool = True,
    ) -> None:
        self.root = root
        self.clock = clock
        home = root / "home"
        self.runtime_dir = root / "runtime"
        self.runtime_dir.mkdir(parents=True, mode=0o700, exist_ok=True)
        env = {k: v for k, v in clean_env().items() if k not in _UNSET}
        env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local/share"),
            XDG_STATE_HOME=str(home / ".local/state"),
            XDG_RUNTIME_DIR=str(self.runtime_dir),
            LANG="en_US.UTF-8",
            PYTHONDONTWRITEBYTECODE="1",
        )
        if bus_address is not None:
            env["DBUS_SESSION_BUS_ADDRESS"] = bus_address
        if notify_socket is not None:
            env["NOTIFY_SOCKET"] = notify_socket
        if watchdog_usec is not None:
            env["WATCHDOG_USEC"] = str(watchdog_usec)
        if path is not None:
            env["PATH"] = path
        env.update(clock.env() if fake_time else {"TZ": "UTC"})
        self.env = env
        self.config_path = home / ".config/followup/config.toml"
        self.config_path.parent.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(config, encoding="utf-8")
        self.state_dir = home / ".local/state/followup"
        self.db_path = home / ".local/share/followup/followup.db"
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = root / "daemon-0.log"
        self.runs = 0

    # -- the daemon --------------------------------------------------------------------

    def start(self) -> Self:
        """Start the daemon (again); its stderr goes to a new log file for each run."""
        assert self.process is None or self.process.poll() is not None, "already running"
        self.runs += 1
        self.log_path = self.root / f"daemon-{self.runs}.log"
        with open(self.log_path, "wb") as log:
            self.process = _spawn(
                [sys.executable, "-m", "followup", "daemon"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=self.env,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def log(self) -> str:
        """What the current (or last) run wrote to stderr."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def wait_log(self, text: str, timeout: float = 10.0) -> str:
        """Wait until the current run's log contains ``text``; returns the log."""
        assert self.process is not None, "not started"
        process = self.process

        def seen() -> bool:
            if text in self.log():
                return True
            if process.poll() is not None:
                raise AssertionError(
                    f"daemon exited with {process.returncode} before logging {text!r}:\n"
                    + self.log()
                )
            return False

        if not poll_until(seen, timeout):
            raise AssertionError(f"daemon did not log {text!r} within {timeout} s:\n{self.log()}")
        return self.log()

    def wait_ready(self, timeout: float = 15.0) -> Self:
        self.wait_log("ready:", timeout)
        return self

    def poke(self) -> None:
        """SIGUSR1, as a CLI write sends it: the daemon's loop wakes and reads the clock."""
        os.kill(self.pid, signal.SIGUSR1)

    def set_clock(self, instant: datetime) -> float:
        """Move the fake clock, poke the daemon so that its clock restarts at once, and
        return the real time just before the move: the daemon's clock reads the new instant
        at some real moment between that and the return of this call."""
        before = time.time()
        self.clock.set(instant)
        self.poke()
        return before

    def send(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 10.0) -> tuple[int, float]:
        """Send ``signum`` and wait for the exit: (exit status, seconds it took)."""
        assert self.process is not None, "not started"
        started = time.monotonic()
        self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"daemon still running {timeout} s after signal {signum}:\n{self.log()}"
            ) from None
        return code, time.monotonic() - started

    def kill9(self, timeout: float = 10.0) -> None:
        assert self.process is not None, "not started"
        self.process.kill()
        self.process.wait(timeout)

    def close(self) -> None:
        if self.process is not None:
            end_process(self.process, timeout=5.0)

    # -- the store and the state file ---------------------------------------------------

    def add(self, company: str, expect: date, **details: Any) -> int:
        """Record an interview straight in the daemon's store (quicker than ``cli("add")``;
        it does not poke the daemon), as made at the fake clock's ``now``; returns its id."""
        from followup.config import load
        from followup.lifecycle.service import Tracker
        from followup.records import Details
        from followup.store import Database

        config = load(None, self.env)
        db = Database(config.store_url)
        try:
            view = Tracker(config, db).add(
                Details(company=company, reply_expected_on=expect, **details), self.clock.now
            )
        finally:
            db.close()
        return view.id

    def ledger(self, state: str = "shown") -> list[tuple[int, str, datetime]]:
        """The reminders recorded as shown (confirmed; ``state="intent"``: only about to be
        shown): (interview id, kind, due instant in UTC)."""
        from sqlalchemy import select

        from followup.config import load
        from followup.store import Database, ShownReminder

        db = Database(load(None, self.env).store_url)
        try:
            with db.reading() as s:
                rows = s.execute(
                    select(ShownReminder.interview_id, ShownReminder.kind, ShownReminder.due_at)
                    .where(ShownReminder.state == state)
                    .order_by(ShownReminder.interview_id)
                ).all()
                return [(i, kind, due.astimezone(UTC)) for i, kind, due in rows]
        finally:
            db.close()

    def state(self) -> dict[str, Any]:
        """The daemon's state file (``{}`` while there is none)."""
        try:
            data: dict[str, Any] = json.loads((self.state_dir / "daemon.json").read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return data

    # -- the CLI -----------------------------------------------------------------------

    def cli(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 30.0
    ) -> subprocess.CompletedProcess[str]:
        """``followup ARGS...`` in the daemon's environment (``env`` entries replace its
        variables; a value of None is not allowed, remove keys from a copy of ``self.env``)."""
        return subprocess.run(
            [sys.executable, "-m", "followup", *args],
            env=self.env if env is None else env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def cli_ok(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Like ``cli`` but the command must succeed; returns its stdout."""
        done = self.cli(*args, env=env)
        assert done.returncode == 0, f"followup {' '.join(args)}: {done.stderr}"
        return done.stdout

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
