"""The real daemon with two channels at once, the desktop (a recording notification server
on a private bus) and CalDAV (a real Radicale), with a second CalDAV client playing the
phone: a planned reminder reaches the phone's task list, a tick there is recorded as the CLI
would record it, confirmed on the desktop and closes the desktop reminder, an action in the
CLI or on the desktop takes the task off the phone, and a server that is down holds back
nothing on the desktop and gets the task once it is back.

The daemon runs on a libfaketime clock from Monday 7 Jan 2030, 09:00 UTC (its zone is UTC).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.channels.conftest import Phone, password_command
from tests.support.caldav_servers import USER, CalDAVServer
from tests.support.daemon import CONFIG, DaemonProcess
from tests.support.daemon_fixtures import FAKE_START
from tests.support.harness import NotificationServer, poll_until

pytestmark = pytest.mark.system


def two_channel_config(server: CalDAVServer) -> str:
    return CONFIG.replace(
        'backend = "plyer"\n', 'backend = "dbus"\nchannels = ["desktop", "caldav"]\n'
    ) + (
        f'\n[caldav]\nurl = "{server.url}"\nusername = "{USER}"\n'
        f"password_command = {json.dumps(list(password_command('correct horse')))}\n"
        "check_every_minutes = 1\n"
    )


def show(daemon: DaemonProcess, interview_id: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(daemon.cli_ok("show", str(interview_id), "--json"))
    return data


def waiting_for(
    phone: Phone, uid: str, timeout: float = 60.0, log: Callable[[], str] = str
) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def there() -> bool:
        found.clear()
        found.update(phone.todos())
        return uid in found

    assert poll_until(there, timeout), f"no task {uid} on the server: {sorted(found)}\n{log()}"
    return found


def test_a_planned_reminder_reaches_the_phone_and_its_tick_is_recorded_as_the_cli_would(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    radicale: CalDAVServer,
    clients: list[Any],
) -> None:
    daemon = make_daemon(config=two_channel_config(radicale))
    daemon.start().wait_ready()
    phone = Phone(radicale)
    clients.append(phone)
    started = time.monotonic()
    daemon.cli_ok("add", "Acme", "--expect", "2030-01-08")
    found = waiting_for(phone, "followup-1-email@followup")
    planned_to_server = time.monotonic() - started
    task = found["followup-1-email@followup"]
    (upcoming,) = json.loads(daemon.cli_ok("upcoming", "--json"))
    due = datetime.fromisoformat(upcoming["at"]).astimezone(UTC)
    assert str(task["summary"]) == "Email Acme: no reply since Tue 8 Jan"
    assert task.decoded("due") == due
    (alarm,) = task.walk("VALARM")
    assert alarm.decoded("trigger") == due

    daemon.cli_ok("add", "Beta", "--expect", "2030-01-08")
    waiting_for(phone, "followup-2-email@followup")
    ticked = datetime(2030, 1, 7, 15, 30, tzinfo=UTC)
    phone.tick("followup-1-email@followup", ticked)
    started = time.monotonic()
    assert poll_until(lambda: show(daemon, 1)["status"] == "emailed", 120), daemon.log()
    tick_to_store = time.monotonic() - started
    daemon.cli_ok("emailed", "2", "--on", "2030-01-07")

    acme, beta = show(daemon, 1), show(daemon, 2)
    same = ("status", "emailed_on", "next_reminder")
    assert {k: acme[k] for k in same} == {k: beta[k] for k in same}
    assert acme["emailed_on"] == date(2030, 1, 7).isoformat()
    titles = [n["summary"] for n in notification_server.notifications()]
    assert "Recorded: emailed Acme on Mon 7 Jan" in titles
    # The CLI's action took Beta's email task off the phone; Acme's stays ticked; each
    # has its move-on task now.
    final: dict[str, Any] = {}

    def settled() -> bool:
        final.clear()
        final.update(phone.todos())
        return "followup-2-move_on@followup" in final and "followup-2-email@followup" not in final

    assert poll_until(settled, 60), sorted(final)
    assert str(final["followup-1-email@followup"]["status"]) == "COMPLETED"
    assert "followup-1-move_on@followup" in final
    print(f"planned -> server: {planned_to_server:.2f} s; tick -> store: {tick_to_store:.2f} s")


def test_a_server_that_is_down_holds_back_nothing_on_the_desktop(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    radicale: CalDAVServer,
    clients: list[Any],
) -> None:
    daemon = make_daemon(config=two_channel_config(radicale))
    daemon.add("Acme", date(2030, 1, 2))
    radicale.stop()
    daemon.start().wait_ready()
    daemon.clock.set(FAKE_START)
    shown = notification_server.wait_for(1, timeout=30)
    assert shown[0]["summary"] == "Time to email Acme"
    assert poll_until(lambda: daemon.state()["channels"]["caldav"]["state"] == "failing", 60), (
        daemon.log()
    )
    status = daemon.cli_ok("status")
    where = urlsplit(radicale.url).netloc
    assert f"caldav:         failing: cannot reach {where}: Connection refused" in status
    assert daemon.log().count("ERROR followup.daemon: caldav:") == 1
    radicale.start()
    daemon.poke()
    assert poll_until(lambda: daemon.state()["channels"]["caldav"]["state"] == "ok", 60)
    phone = Phone(radicale)
    clients.append(phone)
    task = waiting_for(phone, "followup-1-email@followup")["followup-1-email@followup"]
    assert str(task["summary"]) == "Email Acme: no reply since Wed 2 Jan"
    assert task.decoded("due") == FAKE_START


def shown_to(notification_server: NotificationServer, company: str) -> int:
    """The id of the desktop reminder to email ``company``."""
    (found,) = [
        n["id"]
        for n in notification_server.notifications()
        if n["summary"] == f"Time to email {company}"
    ]
    return int(found)


def test_an_action_on_either_channel_closes_the_reminder_on_the_other(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    radicale: CalDAVServer,
    clients: list[Any],
) -> None:
    """Acme's "I emailed" clicked on the desktop takes its task off the phone; Beta's task
    ticked on the phone closes its desktop reminder; both leave the store as Gamma's
    ``followup emailed 3 --on 2030-01-07`` in the CLI does."""
    daemon = make_daemon(config=two_channel_config(radicale))
    for company in ("Acme", "Beta", "Gamma"):
        daemon.add(company, date(2030, 1, 2))
    daemon.start().wait_ready()
    daemon.clock.set(FAKE_START)
    notification_server.wait_for(3, timeout=30)
    phone = Phone(radicale)
    clients.append(phone)
    for n in (1, 2, 3):
        waiting_for(phone, f"followup-{n}-email@followup", log=daemon.log)

    notification_server.invoke_action(shown_to(notification_server, "Acme"), "emailed")
    gone: dict[str, Any] = {}

    def acme_moved_on_the_phone() -> bool:
        gone.clear()
        gone.update(phone.todos())
        return "followup-1-email@followup" not in gone and "followup-1-move_on@followup" in gone

    assert poll_until(acme_moved_on_the_phone, 60), (sorted(gone), daemon.log())

    beta = shown_to(notification_server, "Beta")
    phone.tick("followup-2-email@followup", datetime(2030, 1, 7, 9, 30, tzinfo=UTC))
    daemon.poke()
    assert poll_until(lambda: show(daemon, 2)["status"] == "emailed", 120), daemon.log()
    assert poll_until(lambda: beta in [c["closed"] for c in notification_server.closed()], 30), (
        daemon.log()
    )
    daemon.cli_ok("emailed", "3", "--on", "2030-01-07")

    same = ("status", "emailed_on", "next_reminder")
    acme, beta_now, gamma = (show(daemon, n) for n in (1, 2, 3))
    assert {k: acme[k] for k in same} == {k: gamma[k] for k in same}
    assert {k: beta_now[k] for k in same} == {k: gamma[k] for k in same}
    assert gamma["emailed_on"] == "2030-01-07"
    histories = [
        [(e["kind"], e["details"]) for e in json.loads(daemon.cli_ok("history", n, "--json"))]
        for n in ("1", "2", "3")
    ]
    assert histories[0][1:] == histories[1][1:] == histories[2][1:]


def test_a_tick_is_learnt_at_once_when_the_machine_wakes(
    make_daemon: Callable[..., DaemonProcess],
    notification_server: NotificationServer,
    radicale: CalDAVServer,
    clients: list[Any],
) -> None:
    """With an hour between checks, a wake from sleep (the wall clock jumps ahead of the
    monotonic one) is what makes the daemon look, and it learns the tick at once."""
    config = two_channel_config(radicale).replace(
        "check_every_minutes = 1", "check_every_minutes = 60"
    )
    daemon = make_daemon(config=config)
    daemon.add("Acme", date(2030, 1, 8))
    daemon.start().wait_ready()
    phone = Phone(radicale)
    clients.append(phone)
    waiting_for(phone, "followup-1-email@followup")
    assert poll_until(lambda: daemon.state()["channels"]["caldav"]["state"] == "ok", 30)
    phone.tick("followup-1-email@followup", datetime(2030, 1, 7, 15, 30, tzinfo=UTC))
    started = time.monotonic()
    daemon.set_clock(datetime(2030, 1, 7, 16, 0, tzinfo=UTC))
    assert poll_until(lambda: show(daemon, 1)["status"] == "emailed", 30), daemon.log()
    assert "wall clock moved" in daemon.log()
    print(f"wake -> tick recorded: {time.monotonic() - started:.2f} s")
