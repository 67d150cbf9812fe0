"""Notifications spoken straight to ``org.freedesktop.Notifications`` on the session bus.

Why jeepney: it is pure Python (no compiled parts to build, no libdbus), small, already what
the plyer backend uses to check the bus, and its blocking I/O fits the daemon's threads: the
main loop makes every method call on its own connection, and one receiving thread with a
second connection only listens for signals. (dbus-fast is asyncio-first and ships compiled
speed-ups; the daemon has no event loop to host it.)

Why the ``Notify`` reply matters: its id is the proof of delivery. No id, a D-Bus error, no
bus or no server all raise :class:`DeliveryError` naming the cause, and the daemon retries.

Hints: every notification has urgency normal (byte 1). Reminders with buttons never expire
(``expire_timeout`` 0) and, when the server lists ``persistence``, carry ``resident``: the
spec's way of keeping a notification in the server after an action is invoked, until its
sender replaces it, which this daemon does at once with a confirmation. A server without
``persistence`` has no notification centre to keep anything in, so the hint is left out.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, MutableMapping
from contextlib import suppress
from typing import Any

from jeepney import DBusAddress, HeaderFields, MatchRule, Message, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from followup.errors import DeliveryError
from followup.notifier import NOTIFICATIONS, BusSignal, Note, session_bus_address
from followup.validation import for_dbus

log = logging.getLogger("followup.notifier")

PATH = "/org/freedesktop/Notifications"
CALL_TIMEOUT_S = 10.0
URGENCY_NORMAL = 1
NO_SERVER = (
    "no notification server on the session bus (nothing owns "
    f"{NOTIFICATIONS}); start your desktop's notification daemon (e.g. dunst)"
)
_NO_OWNER_ERRORS = (
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.NameHasNoOwner",
)
_SERVER = DBusAddress(PATH, NOTIFICATIONS, NOTIFICATIONS)


class DBusNotifier:
    """One connection for calls (reopened after a failure), one thread for signals."""

    def __init__(
        self,
        env: MutableMapping[str, str],
        on_signal: Callable[[BusSignal], None] | None = None,
    ) -> None:
        self._env = env
        self._on_signal = on_signal
        self._conn: DBusConnection | None = None
        self._caps: frozenset[str] | None = None
        self._caps_owner = ""
        self._listener: _Listener | None = None

    # -- the calls ---------------------------------------------------------------------

    def capabilities(self) -> frozenset[str]:
        """The server's capabilities, asked again whenever another process serves
        notifications (a desktop's server restarted, or replaced): one cheap call to the bus
        per reminder shown keeps the buttons true to the server that shows them."""
        try:
            owner = str(self._call(message_bus.GetNameOwner(NOTIFICATIONS)).body[0])
        except DeliveryError as exc:
            if exc.message != NO_SERVER:
                raise
            owner = ""  # none yet: GetCapabilities may start one (D-Bus activation)
        if self._caps is None or not owner or owner != self._caps_owner:
            reply = self._call(new_method_call(_SERVER, "GetCapabilities"))
            self._caps, self._caps_owner = frozenset(str(c) for c in reply.body[0]), owner
        return self._caps

    def show(self, note: Note) -> int:
        caps = self.capabilities()
        actions = [part for pair in note.actions for part in pair] if "actions" in caps else []
        hints: dict[str, tuple[str, Any]] = {"urgency": ("y", URGENCY_NORMAL)}
        if actions and "persistence" in caps:
            hints["resident"] = ("b", True)
        msg = new_method_call(
            _SERVER,
            "Notify",
            "susssasa{sv}i",
            (
                for_dbus(note.app_name),
                note.replaces_id,
                "",
                for_dbus(note.title),
                for_dbus(note.body),
                [for_dbus(part) for part in actions],
                hints,
                0 if actions else -1,
            ),
        )
        reply = self._call(msg)
        if not reply.body or not isinstance(reply.body[0], int) or reply.body[0] == 0:
            raise DeliveryError(f"the notification server returned no id: {reply.body!r}")
        return int(reply.body[0])

    def _call(self, msg: Message) -> Message:
        """A method call on the server; a broken connection is reopened once."""
        for attempt in (1, 2):
            conn = self._connect()
            try:
                reply = conn.send_and_get_reply(msg, timeout=CALL_TIMEOUT_S)
            except TimeoutError:
                self.close()
                raise DeliveryError(
                    f"the notification server did not answer within {CALL_TIMEOUT_S:g} s",
                    maybe_shown=True,
                ) from None
            except (OSError, ValueError) as exc:
                self.close()
                if attempt == 2:
                    raise DeliveryError(
                        f"lost the D-Bus session bus: {exc}", maybe_shown=True
                    ) from None
                continue
            if reply.header.message_type is MessageType.error:
                name = str(reply.header.fields.get(_ERROR_NAME, ""))
                if name in _NO_OWNER_ERRORS:
                    self._caps = None
                    raise DeliveryError(NO_SERVER)
                text = reply.body[0] if reply.body else ""
                raise DeliveryError(f"the notification server refused it: {name}: {text}")
            return reply
        raise AssertionError("unreachable")

    def _connect(self) -> DBusConnection:
        address = session_bus_address(self._env)
        if self._conn is None:
            try:
                self._conn = open_dbus_connection(address, auth_timeout=2.0)
            except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
                raise DeliveryError(
                    f"cannot reach the D-Bus session bus at {address}: {exc}"
                ) from None
            self._caps = None
        if self._on_signal is not None and (self._listener is None or not self._listener.alive):
            try:
                self._listener = _Listener(address, self._on_signal)
            except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
                self.close()
                raise DeliveryError(
                    f"cannot listen for notification signals on {address}: {exc}"
                ) from None
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            with suppress(OSError):
                self._conn.close()
        self._conn, self._caps = None, None

    def stop(self) -> None:
        """Close both connections (the daemon's end)."""
        self.close()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None


class _Listener:
    """A thread on its own connection that only receives ``ActionInvoked`` and
    ``NotificationClosed`` and hands them over; it never touches the store."""

    def __init__(self, address: str, on_signal: Callable[[BusSignal], None]) -> None:
        self._on_signal = on_signal
        self._conn = open_dbus_connection(address, auth_timeout=2.0)
        for member in ("ActionInvoked", "NotificationClosed"):
            rule = MatchRule(type="signal", interface=NOTIFICATIONS, path=PATH, member=member)
            self._conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT_S)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="dbus-signals", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while True:
            try:
                msg = self._conn.receive(timeout=None)
            except (OSError, ValueError, EOFError) as exc:
                if not self._stopping:
                    log.warning("lost the D-Bus signal connection: %s", exc)
                return
            fields = msg.header.fields
            if msg.header.message_type is not MessageType.signal:
                continue
            if fields.get(_INTERFACE) != NOTIFICATIONS:
                continue
            member = fields.get(_MEMBER)
            if member == "ActionInvoked" and fields.get(_SIGNATURE) == "us":
                self._on_signal(BusSignal(int(msg.body[0]), str(msg.body[1])))
            elif member == "NotificationClosed" and fields.get(_SIGNATURE) == "uu":
                self._on_signal(BusSignal(int(msg.body[0]), None))

    def stop(self) -> None:
        self._stopping = True
        with suppress(OSError):
            self._conn.sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=2.0)
        with suppress(OSError):
            self._conn.close()


_ERROR_NAME = HeaderFields.error_name
_INTERFACE = HeaderFields.interface
_MEMBER = HeaderFields.member
_SIGNATURE = HeaderFields.signature
