"""The task list on real CalDAV servers (Radicale, Xandikos, Radicale over TLS), with a
second client playing the phone: what a pending reminder looks like there, how it moves and
goes, what a tick gives back, who wins a conflicting edit, and a server that refuses the
password, is not there, or comes back."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from followup.channels import todo
from followup.channels.caldav import CalDAVSettings
from followup.channels.tasklist import TaskList, Tick
from followup.errors import DeliveryError
from followup.rules import Kind
from tests.channels.conftest import Phone, password_command, settings_for
from tests.support.caldav_servers import PASSWORD, CalDAVServer
from tests.support.specs import Cli

pytestmark = pytest.mark.system

#: Wed 2 Dec 2026, 09:00 in New York: when Acme's email reminder is due.
DUE = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)


@pytest.fixture
def open_list(clients: list[Any]) -> Callable[[CalDAVSettings], TaskList]:
    def make(settings: CalDAVSettings) -> TaskList:
        clients.append(TaskList(settings))
        return clients[-1]  # type: ignore[no-any-return]

    return make


@pytest.fixture
def phone_of(clients: list[Any]) -> Callable[[CalDAVServer], Phone]:
    def make(server: CalDAVServer) -> Phone:
        clients.append(Phone(server))
        return clients[-1]  # type: ignore[no-any-return]

    return make


def acme(due: datetime = DUE, kind: Kind = Kind.EMAIL) -> todo.Task:
    return todo.Task(
        todo.task_uid(1, kind),
        1,
        kind,
        "Email Acme: no reply since Mon 23 Nov",
        "To: ana@acme.example\nSubject: Following up\n\nDear Ana, ...",
        due,
    )


def test_a_pending_reminder_is_a_task_due_at_its_instant_with_an_alarm_then(
    server: CalDAVServer,
    open_list: Callable[[CalDAVSettings], TaskList],
    phone_of: Callable[[CalDAVServer], Phone],
) -> None:
    assert open_list(settings_for(server)).sync([acme()], NOW) == []
    found = phone_of(server).todos()
    assert list(found) == ["followup-1-email@followup"]
    task = found["followup-1-email@followup"]
    assert str(task["summary"]) == "Email Acme: no reply since Mon 23 Nov"
    assert str(task["description"]).startswith("To: ana@acme.example\nSubject: Following up")
    assert (task.decoded("dtstart"), task.decoded("due")) == (DUE, DUE)
    assert str(task["status"]) == "NEEDS-ACTION"
    (alarm,) = task.walk("VALARM")
    assert (str(alarm["action"]), alarm.decoded("trigger")) == ("DISPLAY", DUE)
    assert alarm["trigger"].params["VALUE"] == "DATE-TIME"


def test_a_reminder_that_moves_moves_its_task_with_a_higher_sequence(
    server: CalDAVServer,
    open_list: Callable[[CalDAVSettings], TaskList],
    phone_of: Callable[[CalDAVServer], Phone],
) -> None:
    tasks = open_list(settings_for(server))
    tasks.sync([acme()], NOW)
    later = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    tasks.sync([acme(later)], NOW)
    task = phone_of(server).todos()["followup-1-email@followup"]
    assert (task.decoded("due"), int(task["sequence"])) == (later, 1)
    (alarm,) = task.walk("VALARM")
    assert alarm.decoded("trigger") == later


def test_a_reminder_no_longer_pending_is_taken_off_the_list(
    server: CalDAVServer,
    open_list: Callable[[CalDAVSettings], TaskList],
    phone_of: Callable[[CalDAVServer], Phone],
) -> None:
    tasks = open_list(settings_for(server))
    tasks.sync([acme()], NOW)
    tasks.sync([], NOW)
    assert phone_of(server).todos() == {}


def test_a_task_of_the_users_own_is_left_alone(
    radicale: CalDAVServer,
    open_list: Callable[[CalDAVSettings], TaskList],
    phone_of: Callable[[CalDAVServer], Phone],
) -> None:
    tasks = open_list(settings_for(radicale))
    tasks.sync([], NOW)
    phone = phone_of(radicale)
    phone.task_list().save_todo(summary="Buy milk", uid="milk-1")
    tasks.sync([acme()], NOW)
    tasks.sync([], NOW)
    assert list(phone.todos()) == ["milk-1"]


def test_a_tick_on_the_phone_is_given_back_with_its_instant_and_the_task_stays_ticked(
    server: CalDAVServer,
    open_list: Callable[[CalDAVSettings], TaskList],
    phone_of: Callable[[CalDAVServer], Phone],
) -> None:
    tasks = open_list(settings_for(server))
    tasks.sync([acme()], NOW)
    ticked = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)
    phone_of(server).tick("followup-1-email@followup", ticked)
    assert tasks.sync([acme()], NOW) == [Tick(1, Kind.EMAIL, ticked)]
    task = phone_of(server).todos()["followup-1-email@followup"]
    assert str(task["status"]) == "COMPLETED"


def test_a_tick_made_between_reading_and_writing_wins_over_the_move(
    radicale: CalDAVServer,
    monkeypatch: pytest.MonkeyPatch,
    open_list: Callable[[CalDAVSettings], TaskList],
    phone_of: Callable[[CalDAVServer], Phone],
) -> None:
    """The phone ticks the task after the list was read and before the moved task is
    written: the server answers 412 to the write, the task is read again, the tick kept."""
    tasks = open_list(settings_for(radicale))
    tasks.sync([acme()], NOW)
    ticked = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)
    read = tasks._ours

    def read_then_the_phone_ticks(url: str) -> dict[str, object]:
        found = read(url)
        phone_of(radicale).tick("followup-1-email@followup", ticked)
        return found  # type: ignore[return-value]

    monkeypatch.setattr(tasks, "_ours", read_then_the_phone_ticks)
    later = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    assert tasks.sync([acme(later)], NOW) == [Tick(1, Kind.EMAIL, ticked)]
    task = phone_of(radicale).todos()["followup-1-email@followup"]
    assert (str(task["status"]), task.decoded("due")) == ("COMPLETED", DUE)


def test_a_refused_password_is_one_error_naming_the_login_and_never_the_password(
    radicale: CalDAVServer,
    open_list: Callable[[CalDAVSettings], TaskList],
    phone_of: Callable[[CalDAVServer], Phone],
) -> None:
    with pytest.raises(DeliveryError) as caught:
        open_list(settings_for(radicale, password="wrong horse")).sync([acme()], NOW)
    assert caught.value.message == (
        f"{radicale.url} refused the login of 'alex' (check caldav.username and what "
        "caldav.password_command prints)"
    )


def test_a_server_that_is_down_is_an_error_and_the_list_is_written_once_it_is_back(
    radicale: CalDAVServer,
    open_list: Callable[[CalDAVSettings], TaskList],
    phone_of: Callable[[CalDAVServer], Phone],
) -> None:
    tasks = open_list(settings_for(radicale))
    tasks.sync([], NOW)
    radicale.stop()
    with pytest.raises(DeliveryError) as caught:
        tasks.sync([acme()], NOW)
    where = urlsplit(radicale.url).netloc
    assert caught.value.message == f"cannot reach {where}: Connection refused"
    radicale.start()
    tasks.sync([acme()], NOW)
    assert list(phone_of(radicale).todos()) == ["followup-1-email@followup"]


def test_a_self_signed_server_is_refused_without_its_certificate(
    tmp_path: Path, open_list: Callable[[CalDAVSettings], TaskList]
) -> None:
    server = CalDAVServer.radicale(tmp_path / "tls", tls=True)
    try:
        settings = settings_for(server)._replace(ca_file=None)
        with pytest.raises(DeliveryError) as caught:
            open_list(settings).sync([acme()], NOW)
        assert "certificate" in caught.value.message.lower()
    finally:
        server.stop()


def test_test_notification_reaches_the_task_list_and_creates_it(
    radicale: CalDAVServer,
    cli: Cli,
    config_file: Path,
    phone_of: Callable[[CalDAVServer], Phone],
) -> None:
    config_file.write_text(
        f'[caldav]\nurl = "{radicale.url}"\nusername = "alex"\n'
        f"password_command = {json.dumps(list(password_command(PASSWORD)))}\n"
    )
    result = cli("test-notification", "--channel", "caldav")
    url = str(phone_of(radicale).task_list().url)
    assert (result.code, result.out, result.err) == (
        0,
        f"Task list reached through the caldav channel: {url}\n"
        "The daemon keeps a task with an alarm there for each pending reminder.\n",
        "",
    )


def test_test_notification_names_a_refused_login_in_one_error_line(
    radicale: CalDAVServer, cli: Cli, config_file: Path
) -> None:
    config_file.write_text(
        f'[caldav]\nurl = "{radicale.url}"\nusername = "alex"\n'
        f"password_command = {json.dumps(list(password_command('wrong horse')))}\n"
    )
    result = cli("test-notification", "--channel", "caldav")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"error: {radicale.url} refused the login of 'alex' (check caldav.username and what "
        "caldav.password_command prints)\n"
    )
