"""Being told of new mail at once: a second IMAP connection waiting in ``IDLE`` (RFC 2177).

The connection opens the watched folder read-only (``EXAMINE``) and only listens: the
server's untagged ``EXISTS`` says a message arrived, and the caller then runs an ordinary
check. Nothing is fetched on this connection, so nothing can be marked as read.

Setting the connection up (the TCP connect, the greeting, the login, ``EXAMINE``, starting
IDLE), renewing IDLE and logging out each obey the same deadline as a look at the mailbox
(:data:`~followup.mail.imap.DEADLINE_S`), so that a server dripping its answers one byte
at a time cannot hold the listener; only the waits in IDLE are without one.

An IDLE command is renewed every :data:`RENEW_S` seconds: RFC 2177 lets a server drop a
client after 29 minutes, and many servers and the NAT boxes on the way end a connection
after 10 to 15 (Gmail, Outlook, mobile networks), so it is renewed before the earliest of
them. Every wait is cut into slices so that a caller can stop between them.

A server that ends IDLE by itself (an untagged ``BYE``, a tagged ``OK`` that finishes the
command, or simply closing the connection) is :class:`IdleEnded`: normal, the caller opens
another connection at once. A connection that breaks otherwise is :class:`MailError`; a
server that does not offer IDLE is :class:`NoIdle`.
"""

from __future__ import annotations

import imaplib
import time
from typing import Any

from imapclient.exceptions import IMAPClientError, ProtocolError

from followup.config import MailSettings
from followup.errors import MailError
from followup.mail import imap
from followup.mail.imap import ImapSource
from followup.mail.password import read_password

#: How long one IDLE command is kept before it is renewed (RFC 2177: under 29 minutes;
#: servers and NAT boxes that end quiet connections after 10 minutes exist).
RENEW_S = 9 * 60.0


class NoIdle(MailError):
    """The server does not list ``IDLE`` among its capabilities."""


class IdleEnded(MailError):
    """The server ended IDLE or the connection by itself: normal, not a failure."""


class ImapIdle:
    """A logged-in connection waiting in IDLE on ``folder``; :meth:`close` logs out.

    Raises MailError (from the constructor) when the server cannot be reached, the login
    or the folder is refused, and NoIdle when the server has no IDLE.
    """

    def __init__(self, settings: MailSettings, folder: str) -> None:
        self.folder = folder
        self._ended = False
        self.source = ImapSource(
            settings, read_password(settings.password_command), deadline=imap.DEADLINE_S
        )
        self.client: Any = self.source.client
        try:
            with self.source.errors():
                if not self.client.has_capability("IDLE"):
                    raise NoIdle(f"{self.source.host} does not offer IDLE")
            self.source.examine(self.source.resolve(folder))
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
        self.source.session.cancel()  # waiting is what IDLE is for
        self._since = time.monotonic()

    def _renew(self) -> None:
        """End the IDLE command and start another: also proves the connection alive."""
        self.source.session.arm(imap.DEADLINE_S)
        try:
            with self.source.errors():
                self.client.idle_done()
        except (IMAPClientError, imaplib.IMAP4.error, MailError) as exc:
            raise IdleEnded(f"{self.source.host} ended IDLE: {exc}") from None
        self._start()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True when the server announced a new message
        (``EXISTS``). Raises IdleEnded when the server ended IDLE or closed the connection
        (after reporting an ``EXISTS`` that came with it as True first), MailError when the
        connection broke."""
        if self._ended:
            raise IdleEnded(f"{self.source.host} closed the connection")
        if time.monotonic() - self._since > RENEW_S:
            self._renew()
        started = time.monotonic()
        try:
            with self.source.errors():
                try:
                    responses = self.client.idle_check(timeout=timeout)
                except ProtocolError:
                    # A tagged answer in the middle of IDLE: the server finished the command.
                    self._ended = True
                    raise IdleEnded(f"{self.source.host} finished IDLE by itself") from None
        except (IMAPClientError, imaplib.IMAP4.error) as exc:
            raise MailError(f"{self.source.host} closed the connection: {exc}") from None
        new_mail = any(len(r) >= 2 and r[1] == b"EXISTS" for r in responses)
        byes = [r for r in responses if len(r) >= 2 and r[0] == b"BYE"]
        if byes and not new_mail:
            self._ended = True
            raise IdleEnded(f"{self.source.host} ended IDLE: {_words(byes[0][1:])}")
        if byes:
            self._ended = True
        if new_mail:
            return True
        if not responses and time.monotonic() - started < timeout / 2:
            # Woken without a whole line: the end of the stream looks exactly like this.
            self._ended = True
            raise IdleEnded(f"{self.source.host} closed the connection")
        return False

    def close(self) -> None:
        """End IDLE (a server waits for ``DONE`` before it reads a ``LOGOUT``) and log
        out; a connection that is already ended or broken is just dropped."""
        if self._ended:
            self.source.client.shutdown()
            self.source.session.close()
            return
        self.source.session.arm(imap.DEADLINE_S)
        try:
            with self.source.errors():
                self.client.idle_done()
        except (IMAPClientError, imaplib.IMAP4.error, MailError):
            self.source.client.shutdown()
            self.source.session.close()
            return
        self.source.close()


def _words(parts: tuple[object, ...]) -> str:
    """The server's words after ``BYE``, as text (IMAPClient splits them into atoms)."""
    return " ".join(p.decode("utf-8", "replace") if isinstance(p, bytes) else str(p) for p in parts)
