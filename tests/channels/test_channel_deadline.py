"""Specification: every operation of a channel that talks to a server (a CalDAV look and
sync, finding the task list, an Apprise send, ``test-notification --channel``) is cut at its
whole-operation deadline however slowly the server answers, with one line naming the server,
and leaves no socket, descriptor or thread behind.

The server is a real HTTP server on the loopback that reads each request and answers one
byte every 0.25 s (``tests/support/dripping_http.py``): no per-read timeout ever trips, and
an answer takes hours. Each deadline is set to 1 s here (120 s and 60 s in use), every bound
is a generous 15 s. The password command (not under test) is replaced by its answer, so
everything runs in this process.
"""

from __future__ import annotations

import gc
import json
import os
import re
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from followup.channels import apprise, tasklist
from followup.channels.apprise import AppriseNotifier, AppriseSettings
from followup.channels.caldav import CalDAVSettings
from followup.channels.tasklist import TaskList
from followup.cli.render.status import channel_line, daemon_lines
from followup.cli.render.text import instant_text
from followup.config import load
from followup.daemon.context import Context
from followup.daemon.screen import Screen
from followup.daemon.state import new_state
from followup.daemon.tasks import TaskSync, retry_delay
from followup.errors import DeliveryError
from followup.lifecycle.service import Tracker
from followup.machine import this_machine
from followup.notify.base import Note
from followup.notify.choose import make_notifier
from followup.store import Database
from tests.daemon.test_daemon_logic import DBUS_CONFIG, add, at
from tests.support.dovecot import make_certificate
from tests.support.dripping_http import DrippingHttp
from tests.support.inprocess import Clock, InProcessDaemon, RecordingNotifier
from tests.support.specs import Cli, ok

DEADLINE_S = 1
BOUND_S = 15.0
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
NOTE = Note("Time to email Acme", "It has been three business days.", "followup")


@pytest.fixture
def dripping() -> Iterator[DrippingHttp]:
    server = DrippingHttp(drip=0.25)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def short_deadlines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasklist, "DEADLINE_S", DEADLINE_S)
    monkeypatch.setattr(apprise, "DEADLINE_S", DEADLINE_S)
    monkeypatch.setattr("followup.mail.password.read_password", lambda *_args: "pw")


def caldav_settings(server: DrippingHttp) -> CalDAVSettings:
    return CalDAVSettings(
        url=f"http://{server.address}/dav/", username="alex", password_command=("pass",)
    )


def cut_line(server: DrippingHttp) -> str:
    return f"{server.address} did not answer in full within {DEADLINE_S} s; gave up"


def apprise_line(server: DrippingHttp) -> str:
    return f"JSON (URL 1 of 1): {cut_line(server)}"


def test_finding_the_task_list_is_cut_at_the_deadline(dripping: DrippingHttp) -> None:
    task_list = TaskList(caldav_settings(dripping))
    started = time.monotonic()
    with pytest.raises(DeliveryError) as raised:
        task_list.reach()
    assert time.monotonic() - started < BOUND_S
    assert raised.value.message == cut_line(dripping)


def test_a_sync_is_cut_at_the_deadline_and_the_next_one_starts_afresh(
    dripping: DrippingHttp,
) -> None:
    task_list = TaskList(caldav_settings(dripping))
    for _attempt in range(2):
        started = time.monotonic()
        with pytest.raises(DeliveryError) as raised:
            task_list.sync([], NOW)
        assert time.monotonic() - started < BOUND_S
        assert raised.value.message == cut_line(dripping)


def test_an_apprise_send_is_cut_at_the_deadline(dripping: DrippingHttp) -> None:
    notifier = AppriseNotifier(AppriseSettings(urls=(f"json://{dripping.address}/",)))
    started = time.monotonic()
    with pytest.raises(DeliveryError) as raised:
        notifier.show(NOTE)
    assert time.monotonic() - started < BOUND_S
    assert raised.value.message == apprise_line(dripping)


def caldav_config(server: DrippingHttp) -> str:
    return (
        f'[caldav]\nurl = "http://{server.address}/dav/"\nusername = "alex"\n'
        f"password_command = {json.dumps(['pass', 'show', 'caldav'])}\n"
    )


def apprise_config(server: DrippingHttp) -> str:
    return f'[apprise]\nurls = ["json://{server.address}/"]\n'


@pytest.mark.parametrize(
    ("channel", "config", "line"),
    [("caldav", caldav_config, cut_line), ("apprise", apprise_config, apprise_line)],
    ids=["caldav", "apprise"],
)
def test_test_notification_says_which_server_was_cut_off(
    cli: Cli,
    config_file: Path,
    dripping: DrippingHttp,
    channel: str,
    config: object,
    line: object,
) -> None:
    assert callable(config) and callable(line)
    config_file.write_text(config(dripping))
    started = time.monotonic()
    result = cli("test-notification", "--channel", channel)
    assert time.monotonic() - started < BOUND_S
    assert (result.code, result.out, result.err) == (1, "", f"error: {line(dripping)}\n")


def settled(server: DrippingHttp) -> tuple[int, int]:
    """The descriptors and threads of this process once the server (in this process too)
    has seen every connection closed, and what no one refers to any more is gone."""
    deadline = time.monotonic() + BOUND_S
    while server.open_connections and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.open_connections == 0
    time.sleep(0.3)  # a cancelled timer's thread ends a moment after its cancel
    gc.collect()
    return len(os.listdir("/proc/self/fd")), threading.active_count()


@pytest.mark.parametrize("channel", ["caldav", "apprise"])
def test_twenty_cut_offs_leave_no_descriptor_or_thread_behind(
    monkeypatch: pytest.MonkeyPatch, channel: str
) -> None:
    monkeypatch.setattr(tasklist, "DEADLINE_S", 0.2)
    monkeypatch.setattr(apprise, "DEADLINE_S", 0.2)
    server = DrippingHttp(drip=0.05)
    try:
        if channel == "caldav":
            task_list = TaskList(caldav_settings(server))
            operation = lambda: task_list.sync([], NOW)  # noqa: E731
        else:
            notifier = AppriseNotifier(AppriseSettings(urls=(f"json://{server.address}/",)))
            operation = lambda: notifier.show(NOTE)  # noqa: E731
        with pytest.raises(DeliveryError):
            operation()  # the libraries' first use opens what they keep for good
        before = settled(server)
        for _ in range(20):
            with pytest.raises(DeliveryError, match=r"did not answer in full within 0\.2 s"):
                operation()
        assert settled(server) == before
    finally:
        server.close()


def test_the_daemon_shows_the_cut_off_in_the_channels_status_and_retries_with_backoff(
    cli: Cli, config_file: Path, dripping: DrippingHttp
) -> None:
    config_file.write_text(
        DBUS_CONFIG.replace("[notify]\n", '[notify]\nchannels = ["desktop", "apprise"]\n')
        + "\n"
        + apprise_config(dripping)
    )
    clock = Clock(at("Mon 2030-01-07 10:00:00"))
    add(cli, clock, "Acme")
    desktop = RecordingNotifier()
    sender = AppriseNotifier(AppriseSettings(urls=(f"json://{dripping.address}/",)))
    with InProcessDaemon(clock, desktop, {"apprise": sender}) as daemon:  # type: ignore[dict-item]
        daemon.start()
        daemon.settle()

        assert [note.title for note in desktop.notes] == ["Time to email Acme"]
        channel = daemon.daemon.state["channels"]["apprise"]
        assert (channel["state"], channel["error"]) == ("failing", apprise_line(dripping))
        [held] = daemon.daemon.outbound.parts[0].held.values()
        assert (held.attempts, held.next_attempt - clock.now) == (1, timedelta(seconds=15))
        # "(since ...)": the instant the send failed, on the wall clock of the channel's thread
        [line] = [
            line for line in daemon_lines(daemon.daemon.state, service=False) if "apprise" in line
        ]
        assert re.fullmatch(
            re.escape(f"apprise:        failing: {apprise_line(dripping)} (since ")
            + r"[^()]+\); retrying with backoff",
            line,
        ), line


def test_a_caldav_sync_cut_off_in_the_daemon_is_its_status_line_and_the_thread_syncs_again(
    cli: Cli, dripping: DrippingHttp
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    config = load()
    db = Database(config.store_url)
    env = dict(os.environ)
    state = new_state(os.getpid(), "2026-12-03T12:00:00+00:00")
    context = Context(
        config,
        Tracker(config, db, this_machine(env)),
        make_notifier("plyer", env),
        state,
        env,
        lambda: None,
        lambda: None,
    )
    part = TaskSync(context, Screen(context), "caldav", TaskList(caldav_settings(dripping)), 300.0)
    part.start()
    try:
        for failures in (1, 2):
            part._next_at = time.monotonic()  # the backoff's wait, skipped
            part.work(NOW)
            started = time.monotonic()
            while part._failures < failures and time.monotonic() - started < BOUND_S:
                time.sleep(0.05)
                part.work(NOW)
            assert part._failures == failures
            assert part.timeout() == pytest.approx(retry_delay(failures), abs=2.0)
        channel = state["channels"]["caldav"]
        assert (channel["state"], channel["error"]) == ("failing", cut_line(dripping))
        assert channel_line("caldav", channel) == (
            f"caldav:         failing: {cut_line(dripping)} "
            f"(since {instant_text(channel['error_at'] or '?', UTC)}); retrying with backoff"
        )
    finally:
        part.stop()
        db.close()


@pytest.fixture
def dripping_tls(tmp_path: Path) -> Iterator[tuple[DrippingHttp, Path]]:
    """The dripping server over TLS, with a self-signed certificate (made by openssl), and
    that certificate."""
    cert, key = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = DrippingHttp(drip=0.25, tls=context)
    yield server, cert
    server.close()


@pytest.mark.system
def test_over_tls_a_caldav_sync_and_an_apprise_send_are_cut_at_the_deadline(
    dripping_tls: tuple[DrippingHttp, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert = dripping_tls
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # what Apprise's requests trusts
    settings = caldav_settings(server)._replace(url=f"https://{server.address}/dav/", ca_file=cert)
    notifier = AppriseNotifier(AppriseSettings(urls=(f"jsons://{server.address}/",)))
    for operation, line in [
        (lambda: TaskList(settings).sync([], NOW), cut_line(server)),
        (lambda: notifier.show(NOTE), apprise_line(server)),
    ]:
        started = time.monotonic()
        with pytest.raises(DeliveryError) as raised:
            operation()
        assert time.monotonic() - started < BOUND_S
        assert raised.value.message == line
    assert server.requests == 2  # each was cut while its answer came, not before


def test_a_tls_handshake_the_server_never_answers_is_cut_at_the_deadline(
    dripping: DrippingHttp,
) -> None:
    """An https:// address on the plain server: it waits for a request that never ends,
    the client for a handshake that never comes."""
    settings = caldav_settings(dripping)._replace(url=f"https://{dripping.address}/dav/")
    notifier = AppriseNotifier(AppriseSettings(urls=(f"jsons://{dripping.address}/",)))
    for operation, line in [
        (lambda: TaskList(settings).reach(), cut_line(dripping)),
        (lambda: notifier.show(NOTE), apprise_line(dripping)),
    ]:
        started = time.monotonic()
        with pytest.raises(DeliveryError) as raised:
            operation()
        assert time.monotonic() - started < BOUND_S
        assert raised.value.message == line
    assert dripping.requests == 0
