"""The IDLE connection against a real Dovecot, in this process: renewed before the
server's limit, and a server that ends IDLE by itself (through a proxy that does what
servers do after 10 to 29 minutes, here after a second) is :class:`IdleEnded`, the normal
end a caller reconnects from at once, not a failure."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from followup.config import MailSettings
from followup.mail import idle
from followup.mail.idle import IdleEnded, ImapIdle
from tests.mail.messages import THEIR_REPLY
from tests.support.dovecot import Dovecot
from tests.support.imap_proxy import ImapProxy

pytestmark = pytest.mark.system

#: Generous: each wait below is a slice of at most this many seconds.
BOUND_S = 20.0


def settings(server: Dovecot, port: int) -> MailSettings:
    return MailSettings(
        imap_host="127.0.0.1",
        imap_port=port,
        security="none",
        username=server.user,
        password_command=("printf", "%s\n", server.password),
    )


@pytest.fixture
def server() -> Iterator[Dovecot]:
    server = Dovecot.start()
    yield server
    server.remove()


def wait_until_ended(connection: ImapIdle) -> IdleEnded | None:
    deadline = time.monotonic() + BOUND_S
    while time.monotonic() < deadline:
        try:
            connection.wait(0.5)
        except IdleEnded as ended:
            return ended
    return None


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("bye", "127.0.0.1 ended IDLE: Server shutting down idle connection."),
        ("finish", "127.0.0.1 finished IDLE by itself"),
    ],
    ids=["untagged BYE and closed", "IDLE command finished by the server"],
)
def test_a_server_ending_idle_is_the_normal_end_not_a_failure(
    server: Dovecot, how: str, said: str
) -> None:
    proxy = ImapProxy(server.port, end_idle_after=1.0, end_idle=how).start()
    try:
        connection = ImapIdle(settings(server, proxy.port), "INBOX")
        try:
            ended = wait_until_ended(connection)
        finally:
            connection.close()
    finally:
        proxy.stop()
    assert isinstance(ended, IdleEnded)
    assert ended.message == said
    assert proxy.idle_ends == 1


def test_new_mail_is_announced_while_in_idle(server: Dovecot) -> None:
    connection = ImapIdle(settings(server, server.port), "INBOX")
    try:
        server.deliver(THEIR_REPLY)
        deadline = time.monotonic() + BOUND_S
        announced = False
        while not announced and time.monotonic() < deadline:
            announced = connection.wait(1.0)
    finally:
        connection.close()
    assert announced
    assert server.flags()["INBOX"] == {b"Message-ID: <reply@acme.example>": (b"\\Recent",)}


def test_idle_is_renewed_before_the_servers_limit_on_the_same_connection(
    server: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert idle.RENEW_S <= 10 * 60  # RFC 2177: 29 min; servers and NAT boxes: from 10
    monkeypatch.setattr(idle, "RENEW_S", 0.5)
    proxy = ImapProxy(server.port).start()
    try:
        connection = ImapIdle(settings(server, proxy.port), "INBOX")
        try:
            for _ in range(8):
                assert connection.wait(0.4) is False
        finally:
            connection.close()
    finally:
        proxy.stop()
    assert proxy.connections == 1
    assert len(proxy.idle_started) >= 3


def test_idle_waits_on_the_folder_the_client_names_on_a_courier_like_server() -> None:
    server = Dovecot.start(folders={"Replies": None}, separator=".", prefix="INBOX.")
    try:
        connection = ImapIdle(settings(server, server.port), "Replies")
        try:
            server.deliver(THEIR_REPLY, "INBOX.Replies")
            deadline = time.monotonic() + BOUND_S
            announced = False
            while not announced and time.monotonic() < deadline:
                announced = connection.wait(1.0)
        finally:
            connection.close()
    finally:
        server.remove()
    assert announced
