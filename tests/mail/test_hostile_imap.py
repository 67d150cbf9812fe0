"""A hostile or broken IMAP server gives one honest ``error:`` line naming the server, in
bounded time and memory: a huge literal, a server that drips one byte at a time, malformed
FETCH answers, NO and BAD carrying escape sequences (a scripted server on loopback)."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from followup.mail import imap
from tests.support.hostile_imap import HostileImap

ACME = ("Acme", "--interviewed", "2026-10-30", "--expect", "2026-11-04", "--email", "d@a.example")
HEADER = b"From: d@a.example\r\nSubject: Re: hi\r\n\r\n"


@pytest.fixture
def hostile(config_file: Path) -> Iterator[object]:
    started: list[HostileImap] = []

    def start(answers: dict[str, bytes], drip: float = 0.0) -> HostileImap:
        server = HostileImap(answers, drip=drip)
        started.append(server)
        config_file.write_text(
            "[mail]\n"
            'imap_host = "127.0.0.1"\n'
            f"imap_port = {server.port}\n"
            'security = "none"\n'
            'username = "jo"\n'
            'password_command = ["echo", "pw"]\n'
            'sent_folder = "INBOX"\n'
        )
        return server

    yield start
    for server in started:
        server.close()


def fetch(body: bytes) -> bytes:
    return body + b"\r\n{tag} OK done\r\n"


# Every test runs the password command, a process of its own.
pytestmark = pytest.mark.system

CANNOT_READ = "sent an answer followup cannot read"
NO_HEADER = "127.0.0.1 sent no header block for message 1 in 'INBOX'"


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (fetch(b"* 1 FETCH NIL"), CANNOT_READ),
        (fetch(b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] NIL)"), NO_HEADER),
        (fetch(b"* 1 FETCH (UID"), CANNOT_READ),
        (b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] {50}\r\nab", "no answer in 2 s"),
        (fetch(b"* 1 FETCH ((((((("), CANNOT_READ),
        (fetch(b"* 1 FETCH (UID abc)"), CANNOT_READ),
        (fetch(b"* x FETCH (UID 1)"), "broke off: command: FETCH => unexpected response"),
        (fetch(b'* 1 FETCH (UID 1 INTERNALDATE "garbage")'), NO_HEADER),
    ],
    ids=["nil", "nil field", "cut", "short literal", "parens", "bad uid", "bad seq", "bad date"],
)
def test_a_malformed_fetch_answer_is_one_honest_line_naming_the_server(
    cli, hostile, monkeypatch: pytest.MonkeyPatch, answer: bytes, says: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(imap, "TIMEOUT_S", 2.0)
    server = hostile({"FETCH": answer})
    assert cli("add", *ACME).code == 0
    done = cli("mail", "check")
    assert done.code == 1
    [line] = done.err.splitlines()
    assert says in line
    if says != NO_HEADER:  # a failure of the session names the server's port too
        assert f"127.0.0.1:{server.port}" in line
    assert "unexpected " not in line.replace("unexpected response", "")


@pytest.mark.parametrize("word", [b"NO", b"BAD"])
def test_a_refusal_carrying_escape_sequences_reaches_no_terminal_raw(
    cli, hostile, word: bytes
) -> None:  # type: ignore[no-untyped-def]
    hostile({"SEARCH": b"{tag} " + word + b" \x1b]0;owned\x07\x1b[2J no \xe2\x80\xae\r\n"})
    assert cli("add", *ACME).code == 0
    done = cli("mail", "check")
    assert done.code == 1
    # a refused SEARCH is one line per contact or domain it was for; the others go on
    lines = done.err.splitlines()
    assert lines and all(line.startswith("error: 127.0.0.1 cannot search for ") for line in lines)
    assert "no" in lines[0]
    assert not any(c in done.err for c in "\x1b\x07\u202e")


@pytest.mark.parametrize("size", [2_000_000_000, 99_999_999_999])
def test_a_huge_literal_is_refused_before_it_is_read(cli, hostile, size: int) -> None:  # type: ignore[no-untyped-def]
    literal = b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] {%d}\r\n" % size
    server = hostile({"FETCH": literal + b"x" * 1000})
    assert cli("add", *ACME).code == 0
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    done = cli("mail", "check")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert done.code == 1
    assert done.err == (
        f"error: 127.0.0.1:{server.port} sent an answer too large to read: announced "
        f"{size} bytes, over the limit of {imap.MAX_LITERAL}\n"
    )
    assert grown_kib < 50_000


def test_a_server_dripping_one_byte_at_a_time_meets_the_deadline(
    cli, hostile, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(imap, "DEADLINE_S", 3.0)
    server = hostile({"FETCH": fetch(b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] NIL)")}, 0.5)
    assert cli("add", *ACME).code == 0
    started = time.monotonic()
    done = cli("mail", "check")
    assert time.monotonic() - started < 15
    assert done.err == (
        f"error: 127.0.0.1:{server.port} did not answer in full within 3 s; gave up\n"
    )
