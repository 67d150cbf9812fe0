"""Specification: a CalDAV server that cannot be reached is one clean ``error:`` line, worded
like the mail channel's ("cannot reach HOST:PORT: Connection refused"), never a library's
class name or a memory address. A closed port on the loopback is reached in-process; the
password command (not under test here) is replaced by its answer."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.support.specs import Cli


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: one the system just handed out, closed again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_an_unreachable_server_is_one_clean_line(
    cli: Cli,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    closed_port: int,
    scheme: str,
) -> None:
    monkeypatch.setattr("followup.mail.password.read_password", lambda *_args: "pw")
    config_file.write_text(
        f'[caldav]\nurl = "{scheme}://127.0.0.1:{closed_port}/dav"\nusername = "alex"\n'
        f"password_command = {json.dumps(['pass', 'show', 'caldav'])}\n"
    )
    result = cli("test-notification", "--channel", "caldav")
    assert (result.code, result.out, result.err) == (
        1,
        "",
        f"error: cannot reach 127.0.0.1:{closed_port}: Connection refused\n",
    )
