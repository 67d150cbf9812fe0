"""A real SMTP server (aiosmtpd, in a thread of the test's process) that hands every message
it accepts to Dovecot's local delivery agent, as an MTA would: what Apprise's ``mailto://``
sends is then read back over IMAP from the real Dovecot of the mail tests.

It can be stopped and started again on the same port (the "SMTP server down" scenarios);
``apprise_url`` is the ``mailto://`` URL that reaches it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tests.support.dovecot import Dovecot, free_port

#: The addresses Apprise's e-mail is sent from and to (Dovecot's LDA delivers by user).
SENDER = "followup@example.org"
RECIPIENT = "jobseeker@example.org"


class _ToDovecot:
    """aiosmtpd's handler: each message's bytes to Dovecot's LDA, each arrival timed."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        self.server.dovecot.deliver(content if isinstance(content, bytes) else content.encode())
        self.server.arrivals.append(time.time())
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    """An SMTP server on 127.0.0.1 at ``port`` delivering into ``dovecot``'s INBOX;
    ``arrivals`` are the wall-clock instants (seconds) each message was delivered at."""

    dovecot: Dovecot
    port: int = field(default_factory=free_port)
    arrivals: list[float] = field(default_factory=list)
    _controller: Any = field(default=None, repr=False)

    @property
    def apprise_url(self) -> str:
        """The ``mailto://`` Apprise URL that sends to this server, in the clear (a
        loopback server with no TLS and no login)."""
        return f"mailto://127.0.0.1:{self.port}?from={SENDER}&to={RECIPIENT}&mode=insecure&cto=5"

    def start(self) -> SmtpServer:
        from aiosmtpd.controller import Controller

        self._controller = Controller(_ToDovecot(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def inbox(self) -> list[tuple[str, str]]:
        """(Subject, body text) of every message in Dovecot's INBOX, read over IMAP
        without marking any read."""
        import email
        from email import policy

        found = []
        with self.dovecot.imap() as client:
            status, count = client.select("INBOX", readonly=True)
            assert status == "OK", count
            if count[0] != b"0":
                _status, data = client.fetch("1:*", "(BODY.PEEK[])")
                for item in data:
                    if isinstance(item, tuple):
                        message = email.message_from_bytes(item[1], policy=policy.default)
                        body = message.get_body(preferencelist=("plain",))
                        text = body.get_content() if body is not None else ""
                        found.append((str(message["Subject"]), str(text)))
            client.close()
        return found
