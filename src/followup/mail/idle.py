"""Being told of new mail at once: a second IMAP connection waiting in ``IDLE`` (RFC 2177).

The connection opens the watched folder read-only (``EXAMINE``) and only listens: the
server's untagged ``EXISTS`` says a message arrived, and the caller then runs an ordinary
check. Nothing is fetched on this connection, so nothing can be marked as read.

An IDLE command is renewed well within the 29 minutes after which RFC 2177 lets a server
drop the client, and every wait is cut into slices so that a caller can stop between them.
A closed or broken connection is raised as :class:`MailError`; a server that does not offer
IDLE is :class:`NoIdle`.
"""

from __future__ import annotations

import imaplib
import time
from typing import Any

from imapclient.exceptions import IMAPClientError

from followup.config import MailSettings
from followup.errors import MailError
from followup.mail.imap import ImapSource
from followup.mail.password import read_password

#: How long one IDLE command is kept before it is renewed (RFC 2177: under 29 minutes).
RENEW_S = 20 * 60.0


class NoIdle(MailError):
    """The server does not list ``IDLE`` among its capabilities."""


class ImapIdle:
    """A logged-in connection waiting in IDLE on ``folder``; :meth:`close` logs out.

    Raises MailError (from the constructor) when the server cannot be reached, the login
    or the folder is refused, and NoIdle when the server has no IDLE.
    """

    def __init__(self, settings: MailSettings, folder: str) -> None:
        self.folder = folder
        self.source = ImapSource(settings, read_password(settings.password_command))
        self.client: Any = self.source.client
        try:
            with self.source.errors():
                if not self.client.has_capability("IDLE"):
                    raise NoIdle(f"{self.source.host} does not offer IDLE")
            self.source.examine(folder)
            self._start()
        except MailError:
            self.source.close()
            raise

    def _start(self) -> None:
        with self.source.errors():
            try:
                self.client.idle()
            except (IMAPClientError, imaplib.IMAP4.error) as exc:
                raise MailError(f"IDLE refused by {self.source.host}: {exc}") from None
        self._since = time.monotonic()

    def _renew(self) -> None:
        """End the IDLE command and start another: also proves the connection alive."""
        with self.source.errors():
            try:
                self.client.idle_done()
            except (IMAPClientError, imaplib.IMAP4.error) as exc:
                raise MailError(f"{self.source.host} ended IDLE: {exc}") from None
        self._start()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True when the server announced a new message
        (``EXISTS``). Raises MailError when the connection was closed or broke."""
        if time.monotonic() - self._since > RENEW_S:
            self._renew()
        started = time.monotonic()
        with self.source.errors():
            try:
                responses = self.client.idle_check(timeout=timeout)
            except (IMAPClientError, imaplib.IMAP4.error) as exc:
                raise MailError(f"{self.source.host} closed the connection: {exc}") from None
        for response in responses:
            if len(response) >= 2 and response[0] == b"BYE":
                raise MailError(f"{self.source.host} closed the connection: {response[1]!r}")
        if any(len(r) >= 2 and r[1] == b"EXISTS" for r in responses):
            return True
        if not responses and time.monotonic() - started < timeout / 2:
            # Woken without a whole line: the end of the stream looks exactly like this.
            self._renew()
        return False

    def close(self) -> None:
        """Log out; a connection that is already broken is just dropped."""
        self.source.close()
