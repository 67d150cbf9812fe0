"""Fixtures of the channel tests: real CalDAV servers, the settings that reach them, and a
second CalDAV client (the ``caldav`` library) that plays the user's phone."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from followup.channels.caldav import CalDAVSettings
from tests.support.caldav_servers import PASSWORD, USER, CalDAVServer


def password_command(password: str) -> tuple[str, ...]:
    """A password command that prints ``password`` (as a password manager would)."""
    return (sys.executable, "-c", f"print({password!r})")


@pytest.fixture(params=["radicale", "xandikos", "radicale-tls"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CalDAVServer]:
    """Each real server in turn: Radicale over plain HTTP on the loopback, Xandikos, and
    Radicale over TLS with a self-signed certificate."""
    kind = request.param
    if kind == "xandikos":
        found = CalDAVServer.xandikos(tmp_path / "xandikos")
    else:
        found = CalDAVServer.radicale(tmp_path / "radicale", tls=kind == "radicale-tls")
    yield found
    found.stop()


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[CalDAVServer]:
    found = CalDAVServer.radicale(tmp_path / "radicale")
    yield found
    found.stop()


def settings_for(server: CalDAVServer, password: str = PASSWORD) -> CalDAVSettings:
    return CalDAVSettings(
        url=server.url,
        username=USER,
        password_command=password_command(password),
        calendar="followup",
        ca_file=server.ca_file,
    )


class Phone:
    """The user's phone: another CalDAV client on the same task list."""

    def __init__(self, server: CalDAVServer) -> None:
        import caldav

        self.client = caldav.DAVClient(
            url=server.url,
            username=USER,
            password=PASSWORD,
            ssl_verify_cert=str(server.ca_file) if server.ca_file else True,
            enable_rfc6764=False,
            require_tls=False,
        )

    def close(self) -> None:
        self.client.close()

    def find_list(self) -> Any:
        """The task list ``followup``, or None while there is none."""
        for calendar in self.client.principal().calendars():
            if calendar.get_display_name() == "followup" or str(calendar.url).rstrip("/").endswith(
                "/followup"
            ):
                return calendar
        return None

    def task_list(self) -> Any:
        found = self.find_list()
        assert found is not None, "no task list 'followup' on the server"
        return found

    def todos(self) -> dict[str, Any]:
        """UID -> the VTODO component, open and completed alike ({} while there is no
        task list)."""
        task_list = self.find_list()
        if task_list is None:
            return {}
        found = {}
        for item in task_list.todos(include_completed=True):
            component = item.icalendar_component
            found[str(component["uid"])] = component
        return found

    def tick(self, uid: str, when: Any) -> None:
        """Tick the task off, as Tasks.org or Reminders do: STATUS, COMPLETED (left out
        when ``when`` is None, as a sparse client does), PERCENT."""
        item = self.task_list().todo_by_uid(uid)
        component = item.icalendar_component
        component["status"] = "COMPLETED"
        if when is not None:
            component.add("completed", when)
        component["percent-complete"] = 100
        item.save()


@pytest.fixture
def clients() -> Iterator[list[Any]]:
    """Every task list and phone a test opens, closed after it."""
    opened: list[Any] = []
    yield opened
    for client in opened:
        client.close()


# -- the daemon, for the tests of both channels at once ------------------------------------
