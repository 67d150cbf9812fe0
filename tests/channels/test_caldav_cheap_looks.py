"""Looking for ticks is cheap on real servers (Radicale, Xandikos, Radicale over TLS): after
the first full read, a look with nothing changed is one RFC 6578 ``sync-collection`` REPORT
that carries no task, a tick on the phone costs one read of that task, and a sync-token the
server no longer honours means a full read in which the tick is still found. A server
without sync-tokens (Radicale behind a proxy that hides them) is asked for its ctag, and
read in full only when it changed.

Requests are counted where every one of them passes: ``caldav.DAVClient.request``, wrapped
for the duration of one look (the phone's requests are made outside it)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from followup.channels import todo
from followup.channels.tasklist import TaskList, Tick
from followup.rules import Kind
from tests.channels.conftest import Phone, settings_for
from tests.support.caldav_servers import CalDAVServer
from tests.support.dav_without_tokens import NoTokens

pytestmark = pytest.mark.system

#: Sun 29 Nov 2026, 12:00 in New York.
NOW = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
#: Wed 2 Dec 2026, 09:00 in New York.
DUE = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


class Sent:
    """The requests of one look: ``(method, body)`` each, and whether the answers held
    task data (``calendar-data`` or a VTODO)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.task_data = False

    @property
    def methods(self) -> list[str]:
        return [method for method, _ in self.requests]


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Callable[[], Iterator[Sent]]:
    """``with counting() as sent:`` records every request a CalDAV client makes inside."""
    import contextlib

    import caldav

    real = caldav.DAVClient.request

    @contextlib.contextmanager
    def count() -> Iterator[Sent]:
        sent = Sent()

        def request(self: Any, url: str, method: str = "GET", body: Any = "", *more: Any) -> Any:
            sent.requests.append((method, body if isinstance(body, str) else repr(body)))
            response = real(self, url, method, body, *more)
            raw = response.raw if isinstance(response.raw, str) else repr(response.raw)
            sent.task_data |= "calendar-data" in raw or "BEGIN:VTODO" in raw
            return response

        monkeypatch.setattr(caldav.DAVClient, "request", request)
        try:
            yield sent
        finally:
            monkeypatch.setattr(caldav.DAVClient, "request", real)

    return count  # type: ignore[return-value]


def reminder(interview_id: int, company: str) -> todo.Task:
    return todo.Task(
        todo.task_uid(interview_id, Kind.EMAIL),
        interview_id,
        Kind.EMAIL,
        f"Email {company}: no reply since Mon 23 Nov",
        f"Dear {company}, ...",
        DUE,
    )


PENDING = [reminder(1, "Acme"), reminder(2, "Beta")]


@pytest.fixture
def synced(server: CalDAVServer, clients: list[Any]) -> TaskList:
    """A task list with Acme's and Beta's tasks written, and looked at once since."""
    tasks = TaskList(settings_for(server))
    clients.append(tasks)
    tasks.sync(PENDING, NOW)
    tasks.sync(PENDING, NOW)
    return tasks


def test_the_first_look_reads_the_list_in_full(
    server: CalDAVServer, clients: list[Any], counting: Callable[[], Any]
) -> None:
    tasks = TaskList(settings_for(server))
    clients.append(tasks)
    with counting() as sent:
        tasks.sync(PENDING, NOW)
    queries = [body for method, body in sent.requests if method == "REPORT"]
    assert len(queries) == 1 and "calendar-query" in queries[0]
    assert sent.methods.count("PUT") == 2


def test_a_look_with_nothing_changed_reads_no_task(
    synced: TaskList, counting: Callable[[], Any]
) -> None:
    with counting() as sent:
        assert synced.sync(PENDING, NOW) == []
    ((method, body),) = sent.requests
    assert method == "REPORT" and "sync-collection" in body
    assert not sent.task_data


def test_the_look_after_followup_wrote_reads_back_none_of_its_own_tasks(
    server: CalDAVServer, clients: list[Any], counting: Callable[[], Any]
) -> None:
    tasks = TaskList(settings_for(server))
    clients.append(tasks)
    tasks.sync(PENDING, NOW)
    with counting() as sent:
        tasks.sync(PENDING, NOW)
    assert sent.methods == ["REPORT"]
    assert not sent.task_data


def test_a_tick_costs_one_read_of_the_ticked_task(
    server: CalDAVServer, synced: TaskList, clients: list[Any], counting: Callable[[], Any]
) -> None:
    phone = Phone(server)
    clients.append(phone)
    ticked = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    phone.tick(todo.task_uid(1, Kind.EMAIL), ticked)
    with counting() as sent:
        assert synced.sync(PENDING, NOW) == [Tick(1, Kind.EMAIL, ticked)]
    assert sent.methods == ["REPORT", "GET"]


def test_a_task_removed_on_the_phone_is_written_again(
    server: CalDAVServer, synced: TaskList, clients: list[Any]
) -> None:
    phone = Phone(server)
    clients.append(phone)
    phone.task_list().todo_by_uid(todo.task_uid(2, Kind.EMAIL)).delete()
    synced.sync(PENDING, NOW)
    assert str(phone.todos()[todo.task_uid(2, Kind.EMAIL)]["summary"]) == PENDING[1].summary


def forget_tokens(server: CalDAVServer, tasks: TaskList) -> None:
    """Make the server no longer honour the token the task list holds: Radicale forgets
    every token it issued (as its ``max_sync_token_age`` does); Xandikos, whose tokens
    are its commits and never expire, is handed one it never issued (as after a reset)."""
    if server.kind == "radicale":
        for folder in (server.folder / "collections").rglob("sync-token"):
            shutil.rmtree(folder)
    else:
        tasks._token = "0" * 40


def test_a_tick_is_learnt_after_the_token_is_no_longer_honoured(
    server: CalDAVServer, synced: TaskList, clients: list[Any], counting: Callable[[], Any]
) -> None:
    phone = Phone(server)
    clients.append(phone)
    ticked = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    phone.tick(todo.task_uid(2, Kind.EMAIL), ticked)
    forget_tokens(server, synced)
    with counting() as sent:
        assert synced.sync(PENDING, NOW) == [Tick(2, Kind.EMAIL, ticked)]
    reports = [body for method, body in sent.requests if method == "REPORT"]
    assert ["sync-collection" in r for r in reports] == [True, False]
    assert "calendar-query" in reports[1]
    with counting() as sent:
        assert synced.sync(PENDING, NOW) == [Tick(2, Kind.EMAIL, ticked)]
    assert sent.methods == ["REPORT"]


@pytest.fixture(params=[True, False], ids=["tokens hidden", "sync-collection refused"])
def tokenless(request: pytest.FixtureRequest, radicale: CalDAVServer) -> Iterator[NoTokens]:
    """Radicale as a server without sync-tokens: one that gives none, and one that gives
    them but refuses the REPORT that uses them."""
    proxy = NoTokens(radicale.url, hide_tokens=request.param)
    yield proxy
    proxy.stop()


def test_a_server_without_sync_tokens_is_read_in_full_only_when_its_ctag_changed(
    radicale: CalDAVServer, tokenless: NoTokens, clients: list[Any]
) -> None:
    tasks = TaskList(settings_for(radicale)._replace(url=tokenless.url))
    clients.append(tasks)
    for _ in range(3):
        tasks.sync(PENDING, NOW)
    tokenless.reset()
    assert tasks.sync(PENDING, NOW) == []
    assert tokenless.methods == ["PROPFIND"]

    phone = Phone(radicale)
    clients.append(phone)
    ticked = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    phone.tick(todo.task_uid(1, Kind.EMAIL), ticked)
    tokenless.reset()
    assert tasks.sync(PENDING, NOW) == [Tick(1, Kind.EMAIL, ticked)]
    assert tokenless.methods == ["PROPFIND", "REPORT"]
    assert b"calendar-query" in tokenless.requests[1][1]
