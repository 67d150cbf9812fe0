"""The whole IMAP session obeys the look's deadline, from the TCP connect on: a server that
drips its greeting, its TLS handshake, its ``CAPABILITY``, its ``STARTTLS`` or its ``LOGIN``
answer one byte at a time (never tripping the 30 s per-read timeout) is given up at the
deadline, with one line naming it, by ``followup mail check`` and by the IDLE connection;
once IDLE waits, the deadline no longer applies (a scripted server on loopback).

Every dripped answer here would take over 20 s to arrive; the deadline is set to 3 s, and
every bound is a generous 15 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from followup.config import load
from followup.errors import MailError
from followup.mail import imap
from followup.mail.idle import ImapIdle
from tests.support.hostile_imap import GREETING, HostileImap

# Every test runs the password command, a process of its own.
pytestmark = pytest.mark.system

ACME = ("Acme", "--interviewed", "2026-10-30", "--expect", "2026-11-04", "--email", "d@a.example")
DEADLINE_S = 3.0
BOUND_S = 15.0
#: One byte every 0.25 s: 100 bytes take 25 s, and no read waits anywhere near 30 s.
DRIP_S = 0.25
LONG = b" " + b"x" * 100
#: A greeting that lists no capabilities: the client then asks with CAPABILITY.
BARE = b"* OK hostile ready\r\n"
#: What a TLS client reads as the start of the server's handshake: a record header announcing
#: 16 KiB of handshake data, and then the first of those bytes.
TLS_RECORD = b"\x16\x03\x03\x40\x00" + b"\x02" * 100
#: A greeting offering STARTTLS and IDLE.
OFFERS = b"* OK [CAPABILITY IMAP4rev1 STARTTLS IDLE] hostile ready\r\n"

Start = Callable[..., HostileImap]


@pytest.fixture
def hostile(config_file: Path) -> Iterator[Start]:
    started: list[HostileImap] = []

    def start(
        answers: dict[str, bytes],
        drip: float = 0.0,
        greeting: bytes = GREETING,
        security: str = "none",
    ) -> HostileImap:
        server = HostileImap(answers, drip=drip, greeting=greeting)
        started.append(server)
        config_file.write_text(
            "[mail]\n"
            'imap_host = "127.0.0.1"\n'
            f"imap_port = {server.port}\n"
            f'security = "{security}"\n'
            'username = "jo"\n'
            'password_command = ["echo", "pw"]\n'
            'sent_folder = "INBOX"\n'
        )
        return server

    yield start
    for server in started:
        server.close()


DRIPPED = [
    ({"GREETING": b"* OK" + LONG + b"\r\n"}, GREETING, "none"),
    ({"GREETING": TLS_RECORD}, GREETING, "tls"),
    ({"CAPABILITY": b"* CAPABILITY IMAP4rev1" + LONG + b"\r\n{tag} OK done\r\n"}, BARE, "none"),
    ({"STARTTLS": b"{tag} OK" + LONG + b"\r\n"}, OFFERS, "starttls"),
    ({"LOGIN": b"{tag} OK" + LONG + b"\r\n"}, GREETING, "none"),
]
DRIPPED_IDS = ["greeting", "tls handshake", "capability", "starttls", "login"]


@pytest.mark.parametrize(("answers", "greeting", "security"), DRIPPED, ids=DRIPPED_IDS)
def test_mail_check_gives_up_on_a_server_dripping_its_answers_before_login_at_the_deadline(
    cli,
    hostile: Start,
    monkeypatch: pytest.MonkeyPatch,
    answers: dict[str, bytes],
    greeting: bytes,
    security: str,
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(imap, "DEADLINE_S", DEADLINE_S)
    server = hostile(answers, DRIP_S, greeting, security)
    assert cli("add", *ACME).code == 0
    started = time.monotonic()
    done = cli("mail", "check")
    assert time.monotonic() - started < BOUND_S
    assert done.code == 1
    assert done.err == (
        f"error: 127.0.0.1:{server.port} did not answer in full within 3 s; gave up\n"
    )


@pytest.mark.parametrize(("answers", "greeting", "security"), DRIPPED, ids=DRIPPED_IDS)
def test_the_idle_connection_gives_up_on_a_server_dripping_its_answers_at_the_deadline(
    config_file: Path,
    hostile: Start,
    monkeypatch: pytest.MonkeyPatch,
    answers: dict[str, bytes],
    greeting: bytes,
    security: str,
) -> None:
    monkeypatch.setattr(imap, "DEADLINE_S", DEADLINE_S)
    server = hostile(answers, DRIP_S, greeting, security)
    settings = load().mail
    assert settings is not None
    started = time.monotonic()
    with pytest.raises(MailError) as raised:
        ImapIdle(settings, "INBOX")
    assert time.monotonic() - started < BOUND_S
    assert raised.value.message == (
        f"127.0.0.1:{server.port} did not answer in full within 3 s; gave up"
    )


def test_an_idle_connection_that_waits_past_the_deadline_is_not_cut(
    config_file: Path, hostile: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imap, "DEADLINE_S", 1.0)
    hostile({}, greeting=OFFERS)
    settings = load().mail
    assert settings is not None
    listening = ImapIdle(settings, "INBOX")
    try:
        assert listening.wait(2.5) is False  # the deadline passed during this wait
        assert listening.wait(0.5) is False
    finally:
        listening.close()
