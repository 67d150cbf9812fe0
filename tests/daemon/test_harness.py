"""The end-to-end harness works with real parts: dbus-daemon, notify-send, plyer, libfaketime."""

from __future__ import annotations

import json
import os
import selectors
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call
from jeepney.bus_messages import message_bus

from tests.support.harness import (
    FakeClock,
    NotificationServer,
    NotifySocket,
    PrivateBus,
    end_process,
    signal_rule,
)

pytestmark = pytest.mark.system

TIMEOUT = 10.0


def run(args: list[str], bus: PrivateBus, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": bus.address}
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False, **kwargs
    )


def test_notify_send_is_recorded(bus: PrivateBus, notification_server: NotificationServer) -> None:
    result = run(["notify-send", "-a", "App", "Title", "Body <b>x</b>"], bus)
    assert result.returncode == 0, result.stderr

    [note] = notification_server.wait_for(1, timeout=TIMEOUT)
    assert note["id"] == 1
    assert note["app_name"] == "App"
    assert note["summary"] == "Title"
    assert note["body"] == "Body <b>x</b>"
    assert note["actions"] == []
    assert note["hints"]["urgency"] == 1  # variant (y, 1) flattened to its value
    assert abs(note["received_at"] - time.time()) < 60


def test_ids_increase(bus: PrivateBus, notification_server: NotificationServer) -> None:
    for title in ("one", "two"):
        assert run(["notify-send", title, "b"], bus).returncode == 0
    notes = notification_server.wait_for(2, timeout=TIMEOUT)
    assert [(n["id"], n["summary"]) for n in notes] == [(1, "one"), (2, "two")]


def test_plyer_notify_send_path_is_recorded(
    bus: PrivateBus, notification_server: NotificationServer
) -> None:
    code = (
        "from plyer import notification\n"
        "notification.notify(title='Follow up', message='Email Ada', app_name='followup')\n"
    )
    # plyer warns that dbus-python is missing, then calls notify-send.
    result = run([sys.executable, "-W", "ignore", "-c", code], bus)
    assert result.returncode == 0, result.stderr

    [note] = notification_server.wait_for(1, timeout=TIMEOUT)
    assert (note["app_name"], note["summary"], note["body"]) == (
        "followup",
        "Follow up",
        "Email Ada",
    )


def test_capabilities(bus: PrivateBus, notification_server: NotificationServer) -> None:
    assert notification_server.get_capabilities() == [
        "body",
        "body-markup",
        "actions",
        "persistence",
    ]


def test_capabilities_without_actions(bus: PrivateBus, tmp_path: Path) -> None:
    with NotificationServer(bus.address, tmp_path / "rec.jsonl", actions=False) as server:
        server.wait_until_ready(TIMEOUT)
        assert server.get_capabilities() == ["body", "body-markup", "persistence"]


def test_fail_mode_makes_notify_send_fail(bus: PrivateBus, tmp_path: Path) -> None:
    with NotificationServer(bus.address, tmp_path / "rec.jsonl", fail=True) as server:
        server.wait_until_ready(TIMEOUT)
        result = run(["notify-send", "-a", "App", "Title", "Body"], bus)
        # notify-send 0.8.1 prints the D-Bus error and exits with status 1.
        assert result.returncode == 1
        assert "org.freedesktop.DBus.Error.Failed" in result.stderr
        assert server.notifications() == []


def test_second_server_cannot_take_the_name(
    bus: PrivateBus, notification_server: NotificationServer, tmp_path: Path
) -> None:
    second = NotificationServer(bus.address, tmp_path / "second.jsonl")
    try:
        second.process.wait(TIMEOUT)
    finally:
        end_process(second.process)
    assert second.process.returncode == 2
    assert "could not own" in second.log()


def test_server_ends_cleanly_on_sigterm(bus: PrivateBus, tmp_path: Path) -> None:
    server = NotificationServer(bus.address, tmp_path / "rec.jsonl")
    server.wait_until_ready(TIMEOUT)
    assert server.stop() == 0


def test_unknown_method_gets_an_error(
    bus: PrivateBus, notification_server: NotificationServer
) -> None:
    with bus.connect() as conn:
        target = DBusAddress(
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications",
            "org.freedesktop.Notifications",
        )
        reply = conn.send_and_get_reply(new_method_call(target, "Bogus"), timeout=TIMEOUT)
        assert reply.header.message_type is MessageType.error
        ping = new_method_call(
            DBusAddress(target.object_path, target.bus_name, "org.freedesktop.DBus.Peer"), "Ping"
        )
        assert conn.send_and_get_reply(ping, timeout=TIMEOUT).header.message_type is (
            MessageType.method_return
        )


def test_invoke_action_emits_signals(
    bus: PrivateBus, notification_server: NotificationServer
) -> None:
    with bus.connect() as conn:
        rule = signal_rule()
        reply = conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=TIMEOUT)
        assert reply.header.message_type is MessageType.method_return
        notify = new_method_call(
            DBusAddress(
                "/org/freedesktop/Notifications",
                "org.freedesktop.Notifications",
                "org.freedesktop.Notifications",
            ),
            "Notify",
            "susssasa{sv}i",
            ("App", 0, "", "Title", "Body", ["open", "Open"], {}, -1),
        )
        (nid,) = conn.send_and_get_reply(notify, timeout=TIMEOUT).body

        with conn.filter(rule, bufsize=10) as signals:
            notification_server.invoke_action(nid, "open")
            first = conn.recv_until_filtered(signals, timeout=TIMEOUT)
            second = conn.recv_until_filtered(signals, timeout=TIMEOUT)
    member = HeaderFields.member
    assert (first.header.fields[member], first.body) == ("ActionInvoked", (nid, "open"))
    assert (second.header.fields[member], second.body) == ("NotificationClosed", (nid, 2))


class Child:
    """A Python child under the fake clock that reports (wall, monotonic) on request."""

    CODE = (
        "import sys, time, json\n"
        "for _ in sys.stdin:\n"
        "    print(json.dumps([time.time(), time.monotonic()]), flush=True)\n"
    )

    def __init__(self, clock: FakeClock) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", self.CODE],
            env={**os.environ, **clock.env()},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def read(self) -> tuple[float, float]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            assert sel.select(TIMEOUT), "child did not answer"
        wall, mono = json.loads(self.proc.stdout.readline())
        return float(wall), float(mono)

    def close(self) -> None:
        end_process(self.proc)


def child_now(clock: FakeClock) -> datetime:
    code = "import datetime; print(datetime.datetime.now(datetime.timezone.utc).isoformat())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **clock.env()},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    ).stdout
    return datetime.fromisoformat(out.strip())


def test_fake_clock_sets_a_childs_wall_clock(fake_clock: FakeClock) -> None:
    start = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
    assert timedelta(0) <= child_now(fake_clock) - start < timedelta(seconds=5)

    fake_clock.set(datetime(2031, 6, 1, 12, 30, tzinfo=UTC))
    seen = child_now(fake_clock)
    assert timedelta(0) <= seen - datetime(2031, 6, 1, 12, 30, tzinfo=UTC) < timedelta(seconds=5)


def test_fake_clock_jumps_three_days_while_monotonic_does_not(fake_clock: FakeClock) -> None:
    child = Child(fake_clock)
    try:
        wall0, _ = child.read()
        assert abs(wall0 - fake_clock.now.timestamp()) < 5

        # The clock runs from the set instant rather than standing still.
        threading.Event().wait(0.3)
        wall1, mono1 = child.read()
        assert 0.2 < wall1 - wall0 < 5

        fake_clock.advance(timedelta(days=3))
        wall2, mono2 = child.read()
    finally:
        child.close()
    wall_jump = wall2 - wall1
    mono_step = mono2 - mono1
    assert timedelta(days=3) <= timedelta(seconds=wall_jump) < timedelta(days=3, seconds=5)
    assert 0 <= mono_step < 5


def test_fake_clock_rejects_naive_datetimes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="aware"):
        FakeClock(tmp_path / "ft", datetime(2030, 1, 1))


def test_notify_socket_receives_datagrams(notify_socket: NotifySocket) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
        sender.sendto(b"READY=1\nSTATUS=waiting", notify_socket.path)
        sender.sendto(b"WATCHDOG=1", notify_socket.path)
    assert "READY=1" in notify_socket.wait_for("READY=1", timeout=TIMEOUT)
    assert notify_socket.wait_for(lambda m: m.startswith("WATCHDOG"), TIMEOUT) == "WATCHDOG=1"
    assert len(notify_socket.messages()) == 2
    with pytest.raises(AssertionError, match="STOPPING"):
        notify_socket.wait_for("STOPPING=1", timeout=0.1)
