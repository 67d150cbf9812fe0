"""Specification of :mod:`followup.deadline`: the sockets a thread connects while a deadline
is its own are shut when the deadline passes, whichever library made them; no other
thread's are; once it has passed no new connection is opened; and the cut names the server
by the name the thread looked up.

The server drips one byte every 0.25 s (``tests/support/dripping_http.py``), so a read of
its whole answer would take hours; the deadline is 1 s and every bound a generous 15 s.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from followup.deadline import Deadline, cut_line
from tests.support.dripping_http import DrippingHttp

BOUND_S = 15.0
REQUEST = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.fixture
def dripping() -> Iterator[DrippingHttp]:
    server = DrippingHttp(drip=0.25)
    yield server
    server.close()


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until the connection ends (or is shut)."""
    sock.sendall(REQUEST)
    got = b""
    while chunk := sock.recv(4096):
        got += chunk
    return got


def test_a_socket_connected_under_the_deadline_is_shut_when_it_passes(
    dripping: DrippingHttp,
) -> None:
    limit = Deadline(1.0)
    started = time.monotonic()
    with limit.covering(), socket.create_connection(("localhost", dripping.port), 30) as sock:
        got = read_all(sock)
    limit.close()
    assert time.monotonic() - started < BOUND_S
    assert limit.passed()
    assert 0 < len(got) < 100
    assert limit.where == f"localhost:{dripping.port}"


def test_the_connect_timeout_is_cut_to_what_is_left(dripping: DrippingHttp) -> None:
    limit = Deadline(5.0)
    with limit.covering(), socket.create_connection(("127.0.0.1", dripping.port), 30) as sock:
        timeout = sock.gettimeout()
    limit.close()
    assert timeout is not None and 0 < timeout <= 5.0


def test_another_threads_socket_is_not_watched(dripping: DrippingHttp) -> None:
    other: list[socket.socket] = []

    def connect() -> None:
        other.append(socket.create_connection(("127.0.0.1", dripping.port), 30))

    limit = Deadline(0.5)
    with limit.covering():
        thread = threading.Thread(target=connect)
        thread.start()
        thread.join()
        time.sleep(1.0)
    limit.close()
    [sock] = other
    with sock:
        sock.sendall(REQUEST)
        assert sock.recv(1) == b"H"  # still open after the deadline


def test_no_connection_is_opened_once_the_deadline_has_passed(dripping: DrippingHttp) -> None:
    limit = Deadline(0.2)
    time.sleep(0.5)
    with limit.covering(), pytest.raises(TimeoutError):
        socket.create_connection(("127.0.0.1", dripping.port), 30)
    limit.close()
    time.sleep(0.2)
    assert dripping.requests == 0 and dripping.open_connections == 0


def test_a_socket_connected_after_the_block_is_not_watched(dripping: DrippingHttp) -> None:
    limit = Deadline(0.5)
    with limit.covering():
        pass
    with socket.create_connection(("127.0.0.1", dripping.port), 30) as sock:
        time.sleep(1.0)
        sock.sendall(REQUEST)
        assert sock.recv(1) == b"H"
    limit.close()
    assert limit.where is None


@pytest.mark.parametrize(
    ("where", "seconds", "line"),
    [
        (
            "dav.example.org:443",
            120,
            "dav.example.org:443 did not answer in full within 120 s; gave up",
        ),
        ("[::1]:8080", 60.0, "[::1]:8080 did not answer in full within 60 s; gave up"),
        ("127.0.0.1:8080", 0.2, "127.0.0.1:8080 did not answer in full within 0.2 s; gave up"),
    ],
)
def test_the_cut_line_names_the_server_and_the_deadline(
    where: str, seconds: float, line: str
) -> None:
    assert cut_line(where, seconds) == line


def test_a_local_socket_connected_under_the_deadline_is_left_alone(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(tmp_path / "log.sock"))
        listening.listen()
        limit = Deadline(0.3)
        with limit.covering(), socket.socket(socket.AF_UNIX) as local:
            local.connect(str(tmp_path / "log.sock"))
            accepted, _ = listening.accept()
            with accepted:
                time.sleep(0.8)
                local.sendall(b"still here")
                assert accepted.recv(10) == b"still here"
        limit.close()
    assert limit.passed()
