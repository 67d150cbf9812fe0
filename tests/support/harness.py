"""Real parts for the daemon's end-to-end tests: a private D-Bus bus, a recording notification
server, a libfaketime wall clock and a ``NOTIFY_SOCKET`` listener.

Plain Python (no pytest) so fixtures and ad-hoc scripts can use it alike. Every process started
here is ended by ``stop()``/``close()`` (SIGTERM, then SIGKILL after a timeout) and, as a last
resort, when the interpreter exits; every wait has a timeout and polls at ~25 ms.
"""

from __future__ import annotations

import atexit
import glob
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from jeepney import DBusAddress, MatchRule, Message, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

POLL_INTERVAL = 0.025
NOTIFICATIONS_NAME = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
SERVER_SCRIPT = Path(__file__).with_name("notification_server.py")

# Variables that must not leak from a faked process into the helpers started here.
_FAKETIME_VARS = (
    "LD_PRELOAD",
    "FAKETIME",
    "FAKETIME_TIMESTAMP_FILE",
    "FAKETIME_NO_CACHE",
    "FAKETIME_DONT_FAKE_MONOTONIC",
    "FAKETIME_DONT_RESET",
)

# ------------------------------------------------------------------------------------------
# process bookkeeping
# ------------------------------------------------------------------------------------------

_live: set[subprocess.Popen[bytes]] = set()
_live_lock = threading.Lock()


def _spawn(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(args, start_new_session=True, **kwargs)
    with _live_lock:
        _live.add(proc)
    return proc


def end_process(proc: subprocess.Popen[Any], timeout: float = 5.0) -> int | None:
    """SIGTERM ``proc``, SIGKILL it if it has not exited after ``timeout`` s; close its pipes.

    Returns its exit status (None only if even SIGKILL did not end it in time)."""
    try:
        if proc.poll() is None:
            with suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    proc.kill()
                with suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout)
        return proc.poll()
    finally:
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                with suppress(OSError):
                    pipe.close()
        if proc.poll() is not None:
            with _live_lock:
                _live.discard(proc)


@atexit.register
def _end_all() -> None:
    with _live_lock:
        procs = list(_live)
    for proc in procs:
        end_process(proc, timeout=2.0)


class Stoppable:
    """A part the tests start: ``stop()`` ends it, and so does leaving its ``with`` block."""

    def stop(self) -> Any:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def clean_env(**extra: str) -> dict[str, str]:
    """``os.environ`` without libfaketime's variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in _FAKETIME_VARS}
    env.update(extra)
    return env


def _deadline_passed(deadline: float) -> bool:
    return time.monotonic() >= deadline


def poll_until(
    predicate: Callable[[], bool], timeout: float, interval: float = POLL_INTERVAL
) -> bool:
    """Call ``predicate`` every ``interval`` s until it is true (returns True) or ``timeout``
    passes (returns False). Waits on an Event, so it also works under libfaketime."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        if predicate():
            return True
        if _deadline_passed(deadline):
            return False
        pause.wait(min(interval, max(0.0, deadline - time.monotonic())))


# ------------------------------------------------------------------------------------------
# private bus
# ------------------------------------------------------------------------------------------

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class PrivateBus(Stoppable):
    """A throw-away session bus: ``dbus-daemon --nofork --print-address`` with its own config.

    The config is the session bus's minus every service directory (so no real notification
    daemon or anything else can be auto-activated on it) and listens in a private temp dir.
    Works as root (dbus-daemon's warning about the fd limit is harmless and goes to a log).
    """

    def __init__(self, timeout: float = 10.0) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="followup-bus-"))
        config = self.dir / "bus.conf"
        config.write_text(_BUS_CONFIG.format(socket_dir=self.dir))
        self.log_path = self.dir / "dbus-daemon.log"
        self.address = ""
        daemon = shutil.which("dbus-daemon")
        if daemon is None:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise RuntimeError("dbus-daemon not found: apt-get install dbus")
        with open(self.log_path, "wb") as log:
            self.process = _spawn(
                [daemon, f"--config-file={config}", "--nofork", "--print-address"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                env=clean_env(),
            )
        try:
            self.address = self._read_address(timeout)
        except BaseException:
            self.stop()
            raise

    def _read_address(self, timeout: float) -> str:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        data = b""
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in data:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"dbus-daemon printed no address in {timeout} s")
                if sel.select(remaining):
                    chunk = os.read(fd, 4096)
                    if not chunk:
                        raise RuntimeError(
                            f"dbus-daemon exited ({self.process.poll()}): {self.log()}"
                        )
                    data += chunk
        return data.split(b"\n", 1)[0].decode().strip()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def connect(self, auth_timeout: float = 5.0) -> DBusConnection:
        """A new jeepney blocking connection to this bus (close it yourself)."""
        return open_dbus_connection(bus=self.address, auth_timeout=auth_timeout)

    def env(self) -> dict[str, str]:
        return {"DBUS_SESSION_BUS_ADDRESS": self.address}

    def stop(self, timeout: float = 5.0) -> None:
        end_process(self.process, timeout)
        shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------------------------------
# notification server
# ------------------------------------------------------------------------------------------


class NotificationServer(Stoppable):
    """``tests/support/notification_server.py`` in a subprocess (never under libfaketime),
    recording every ``Notify`` to ``record`` as JSON lines."""

    def __init__(
        self,
        address: str,
        record: Path | str,
        *,
        actions: bool = True,
        fail: bool = False,
        markup: bool = True,
        unicast: bool = False,
        refuse: str | None = None,
        reply_delay: float = 0.0,
        name: str | None = None,
        python: str = sys.executable,
    ) -> None:
        self.address = address
        self.record = Path(record)
        self.record.parent.mkdir(parents=True, exist_ok=True)
        self.record.touch()
        self.log_path = self.record.with_name(self.record.name + ".stderr")
        self._conn: DBusConnection | None = None
        args = [python, str(SERVER_SCRIPT), "--address", address, "--record", str(self.record)]
        if not actions:
            args.append("--no-actions")
        if fail:
            args.append("--fail")
        if not markup:
            args.append("--no-markup")
        if unicast:
            args.append("--unicast")
        if refuse is not None:
            args += ["--refuse", refuse]
        if reply_delay:
            args += ["--reply-delay", str(reply_delay)]
        if name is not None:
            args += ["--name", name]
        with open(self.log_path, "wb") as log:
            self.process = _spawn(
                args,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=clean_env(DBUS_SESSION_BUS_ADDRESS=address),
            )

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def _connection(self) -> DBusConnection:
        if self._conn is None:
            self._conn = open_dbus_connection(bus=self.address, auth_timeout=5.0)
        return self._conn

    def _call(self, msg: Message, timeout: float) -> Message:
        reply = self._connection().send_and_get_reply(msg, timeout=timeout)
        if reply.header.message_type is MessageType.error:
            raise RuntimeError(f"D-Bus error: {reply.header.fields} {reply.body!r}")
        return reply

    def wait_until_ready(self, timeout: float = 10.0) -> None:
        """Return once ``org.freedesktop.Notifications`` has an owner on the bus."""

        def owned() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"notification server exited with {self.process.returncode}: {self.log()}"
                )
            reply = self._call(message_bus.NameHasOwner(NOTIFICATIONS_NAME), timeout=timeout)
            return bool(reply.body[0])

        if not poll_until(owned, timeout):
            raise TimeoutError(
                f"{NOTIFICATIONS_NAME} has no owner after {timeout} s; server log: {self.log()}"
            )

    def _lines(self) -> list[dict[str, Any]]:
        try:
            text = self.record.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in text.split("\n")[:-1] if line.strip()]

    def notifications(self) -> list[dict[str, Any]]:
        """Every ``Notify`` recorded so far (complete lines only)."""
        return [line for line in self._lines() if "closed" not in line]

    def closed(self) -> list[dict[str, Any]]:
        """Every ``CloseNotification`` so far: ``{"closed": id, "received_at": seconds}``."""
        return [line for line in self._lines() if "closed" in line]

    def wait_closed(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Poll until at least ``count`` ``CloseNotification`` calls are recorded."""
        if not poll_until(lambda: len(self.closed()) >= count, timeout):
            raise AssertionError(
                f"expected {count} CloseNotification call(s) within {timeout} s, got "
                f"{self.closed()!r}; notifications: {self.notifications()!r}"
            )
        return self.closed()

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Poll until at least ``count`` notifications are recorded and return them all;
        AssertionError naming what did arrive if that takes longer than ``timeout`` s."""
        got: list[dict[str, Any]] = []

        def enough() -> bool:
            nonlocal got
            got = self.notifications()
            return len(got) >= count

        if not poll_until(enough, timeout):
            raise AssertionError(
                f"expected at least {count} notification(s) within {timeout} s, "
                f"got {len(got)}: {got!r}"
            )
        return got

    def get_capabilities(self, timeout: float = 5.0) -> list[str]:
        msg = new_method_call(
            DBusAddress(NOTIFICATIONS_PATH, NOTIFICATIONS_NAME, NOTIFICATIONS_NAME),
            "GetCapabilities",
        )
        return list(self._call(msg, timeout).body[0])

    def invoke_action(self, notification_id: int, key: str, timeout: float = 5.0) -> None:
        """Make the server emit ``ActionInvoked(id, key)`` then ``NotificationClosed(id, 2)``."""
        msg = new_method_call(
            DBusAddress(NOTIFICATIONS_PATH, NOTIFICATIONS_NAME, "org.followup.Test"),
            "InvokeAction",
            "us",
            (notification_id, key),
        )
        self._call(msg, timeout)

    def stop(self, timeout: float = 5.0) -> int | None:
        """End the server; returns its exit status (0 after a clean SIGTERM)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        return end_process(self.process, timeout)


def signal_rule(member: str | None = None) -> MatchRule:
    """A match rule for the notification signals (``ActionInvoked``, ``NotificationClosed``)."""
    return MatchRule(
        type="signal", interface=NOTIFICATIONS_NAME, path=NOTIFICATIONS_PATH, member=member
    )


# ------------------------------------------------------------------------------------------
# fake wall clock
# ------------------------------------------------------------------------------------------


def find_libfaketime() -> Path:
    """The multi-threaded libfaketime (``libfaketimeMT.so.1``) from Debian's ``faketime``."""
    candidates = sorted(
        glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1")
        + glob.glob("/usr/lib/faketime/libfaketimeMT.so.1")
    )
    if not candidates:
        raise RuntimeError(
            "libfaketimeMT.so.1 not found under /usr/lib/*/faketime/: "
            "run `apt-get install faketime`"
        )
    return Path(candidates[0])


class FakeClock:
    """A libfaketime wall clock driven through ``FAKETIME_TIMESTAMP_FILE``.

    Facts checked with libfaketime 0.9.10 (Debian 12), ``FAKETIME_NO_CACHE=1``:

    * ``@YYYY-MM-DD hh:mm:ss`` means "start at, then run": a process's ``time.time()`` reads
      that instant and then advances in real time. (Without the ``@`` the clock is frozen at
      the instant; ``@...T...`` with a ``T`` does not parse.) Fractional seconds
      (``@... hh:mm:ss.500000``) are accepted.
    * The "start" is per process: the moment the process first reads the clock, or, after the
      file's *text* changes, its first clock read after that change. So a process started (or
      first looking) later still reads exactly the written instant then; a process that reads
      continuously sees the jump within one poll of the rewrite. Rewriting identical text is
      not a change (no reset), so ``set`` adds/removes a trailing space when the text would
      repeat, which forces the reset.
    * ``FAKETIME_DONT_FAKE_MONOTONIC=1`` keeps ``time.monotonic()`` real: a jump looks like a
      suspend/resume. Under this preload ``time.sleep`` fails with EINVAL; Event/select work.
    * The timestamp is read in the process's ``TZ``; ``env()`` sets ``TZ=UTC`` and this class
      writes UTC.

    ``now`` is the set instant plus real time elapsed since ``set`` (what a process that reads
    the clock continuously sees). The file is replaced atomically (rename), never half-written.
    """

    def __init__(self, path: Path | str, start: datetime) -> None:
        self.path = Path(path)
        self._text = ""
        self._set_at = 0.0
        self._instant = start
        self.set(start)

    @staticmethod
    def _utc(dt: datetime) -> datetime:
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise ValueError(f"FakeClock needs an aware datetime, got {dt!r}")
        return dt.astimezone(UTC)

    def set(self, dt: datetime) -> None:
        """Make the faked clock read ``dt`` (aware) from now on, running forward from it."""
        instant = self._utc(dt)
        text = "@" + instant.strftime("%Y-%m-%d %H:%M:%S")
        if instant.microsecond:
            text += f".{instant.microsecond:06d}"
        if text == self._text.rstrip(" "):
            text = self._text + " " if not self._text.endswith(" ") else text
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(text + "\n")
        os.replace(tmp, self.path)
        self._text = text
        self._instant = instant
        self._set_at = time.monotonic()

    def advance(self, delta: timedelta) -> datetime:
        """Jump forward (or back, with a negative ``delta``) from ``now``; returns the target."""
        target = self.now + delta
        self.set(target)
        return target

    @property
    def now(self) -> datetime:
        return self._instant + timedelta(seconds=time.monotonic() - self._set_at)

    def env(self) -> dict[str, str]:
        """Variables that run a process on this clock (merge them into its environment)."""
        return {
            "LD_PRELOAD": str(find_libfaketime()),
            "FAKETIME_TIMESTAMP_FILE": str(self.path),
            "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "TZ": "UTC",
        }


# ------------------------------------------------------------------------------------------
# sd_notify listener
# ------------------------------------------------------------------------------------------


class NotifySocket:
    """A unix datagram socket to pass as ``NOTIFY_SOCKET``; a thread collects what arrives."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="followup-notify-"))
        self.path = str(self.dir / "notify.sock")
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(self.path)
        self._sock.settimeout(POLL_INTERVAL * 2)
        self._messages: list[str] = []
        self._cond = threading.Condition()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._read, name="NotifySocket", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self._closing.is_set():
            try:
                data = self._sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            with self._cond:
                self._messages.append(data.decode("utf-8", errors="replace"))
                self._cond.notify_all()

    def messages(self) -> list[str]:
        with self._cond:
            return list(self._messages)

    def wait_for(self, match: str | Callable[[str], bool], timeout: float = 10.0) -> str:
        """Return the first datagram that contains ``match`` (a substring) or satisfies it
        (a predicate); AssertionError listing what arrived if none does within ``timeout``."""
        predicate = match if callable(match) else (lambda m: match in m)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in self._messages:
                    if predicate(message):
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no datagram matching {match!r} within {timeout} s; got {self._messages!r}"
                    )
                self._cond.wait(remaining)

    def close(self) -> None:
        self._closing.set()
        self._thread.join(timeout=5.0)
        self._sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
