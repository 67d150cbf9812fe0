"""An Apprise URL's secrets (a topic, a token, a password) never reach an error message or the
daemon's log, even where Apprise's own warnings quote the URL it failed to reach."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from followup.channels.apprise import AppriseNotifier, AppriseSettings, redacted, secrets_of
from followup.errors import DeliveryError
from followup.notify.base import Note
from tests.support.dovecot import free_port


@pytest.mark.parametrize(
    ("url", "secrets"),
    [
        ("ntfys://ntfy.sh/my-secret-topic", ["my-secret-topic"]),
        ("ntfy://secrettopic", ["secrettopic"]),
        ("tgram://123456:AAE-bot-token/987654", ["AAE-bot-token", "123456", "987654"]),
        ("gotifys://gotify.example.org/AppToken42", ["AppToken42"]),
        ("mailtos://me:app-password@smtp.example.org:465?to=a@b.org", ["app-password", "a@b.org"]),
    ],
)
def test_the_secret_parts_of_a_url_are_its_login_path_query_and_a_host_that_is_no_name(
    url: str, secrets: list[str]
) -> None:
    assert secrets_of(url) == secrets


@contextmanager
def daemon_log() -> Iterator[list[str]]:
    """Every line that reaches the root logger (where the daemon's log handler is) while
    the block runs, at every level. (pytest's ``caplog`` is no help here: it also listens
    on the loggers that do not pass their lines to the root.)"""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    root, handler = logging.getLogger(), Keep(logging.DEBUG)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_failing_service_is_reported_without_its_topic_in_the_error_or_the_log() -> None:
    """ntfy's warning names the URL it posted to; nobody listens on the port."""
    url = f"ntfy://127.0.0.1:{free_port()}/my-secret-topic"
    notifier = AppriseNotifier(AppriseSettings((url,)))

    with daemon_log() as lines, pytest.raises(DeliveryError) as raised:
        notifier.show(Note("Time to email Acme", "No reply since Wed 2 Jan"))

    assert raised.value.message.startswith("ntfy (URL 1 of 1): A Connection error occurred")
    assert "my-secret-topic" not in raised.value.message
    assert not [line for line in lines if "my-secret-topic" in line]


def test_a_service_that_takes_the_note_leaves_no_url_in_the_log() -> None:
    """ntfy logs "Sent ntfy notification to '<the URL>'" when it worked: a real HTTP
    server (the standard library's, in a thread) plays the ntfy server."""
    posted: list[str] = []

    class Ntfy(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            posted.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "x"}')

        def log_message(self, *_args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Ntfy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"ntfy://127.0.0.1:{server.server_port}/my-secret-topic"
        with daemon_log() as lines:
            AppriseNotifier(AppriseSettings((url,))).show(Note("Time to email Acme", "Hi"))
    finally:
        server.shutdown()
        server.server_close()
    assert posted == ["/"]
    assert not [line for line in lines if "my-secret-topic" in line]


@pytest.mark.parametrize(
    ("text", "url", "shown"),
    [
        (
            "Failed to send ntfy notification to topic 'my-secret-topic': error=403.",
            "ntfys://ntfy.sh/my-secret-topic",
            "Failed to send ntfy notification to topic '(hidden)': error=403.",
        ),
        (
            "Failed to send Telegram notification to 987654: Unauthorized (AAE-bot-token).",
            "tgram://123456:AAE-bot-token/987654",
            "Failed to send Telegram notification to (hidden): Unauthorized ((hidden)).",
        ),
    ],
)
def test_a_reason_is_given_with_the_urls_secrets_hidden(text: str, url: str, shown: str) -> None:
    assert redacted(text, secrets_of(url)) == shown
