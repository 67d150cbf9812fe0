"""Notifications spoken straight to ``org.freedesktop.Notifications`` on the session bus.

Why jeepney: it is pure Python (no compiled parts to build, no libdbus), small, already what
the plyer backend uses to check the bus, and its thread-safe connection
(``jeepney.io.threading``) fits the daemon's threads. (dbus-fast is asyncio-first and ships
compiled speed-ups; the daemon has no event loop to host it.)

One connection does everything. The Desktop Notifications specification lets a server send
``ActionInvoked`` and ``NotificationClosed`` only to the connection that called ``Notify``
(dunst does exactly that), so the connection that sends ``Notify`` must be the one that
listens. :class:`_Bus` owns it: a receiving thread hands each method reply to the call
waiting for it (by serial) and each signal to the daemon, while the daemon's main loop makes
the calls. A match rule also lets in the same signals when a server broadcasts them
(xfce4-notifyd, GNOME Shell); the bus delivers a message once per connection either way.

Why the ``Notify`` reply matters: its id is the proof of delivery. No id, a D-Bus error, no
bus or no server all raise :class:`DeliveryError` naming the cause, and the daemon retries.

Markup: a body is escaped (``&``, ``<``, ``>``) exactly when the server that will show it
lists ``body-markup`` in ``GetCapabilities``; a server without it shows text as it is, so
escaping would show ``&amp;``. The capabilities are asked again whenever the name's owner
changes (``NameOwnerChanged``: a desktop's server restarted, or replaced) and after a
reconnect.

Hints: every notification has urgency normal (byte 1) and ``desktop-entry`` ``followup``
(the shipped ``followup.desktop``: servers take the application's name and icon from it).
Reminders with buttons never expire (``expire_timeout`` 0) and, when the server lists
``persistence``, carry ``resident``: the spec's way of keeping a notification in the server
after an action is invoked, until its sender replaces it, which this daemon does at once
with a confirmation. A server without ``persistence`` has no notification centre to keep
anything in, so the hint is left out.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, MutableMapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from typing import Any

from jeepney import DBusAddress, HeaderFields, MatchRule, Message, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.threading import DBusConnection, ReceiveStopped, open_dbus_connection

from followup.errors import DeliveryError
from followup.lifecycle.validation import for_dbus
from followup.notify.base import (
    DESKTOP_ENTRY,
    NOTIFICATIONS,
    BusSignal,
    Note,
    markup_escape,
    session_bus_address,
)

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
    """Shows notifications, closes them and hears their buttons, on one connection that is
    reopened after a failure. ``on_signal`` runs in the connection's receiving thread."""

    def __init__(
        self,
        env: MutableMapping[str, str],
        on_signal: Callable[[BusSignal], None] | None = None,
    ) -> None:
        self._env = env
        self._on_signal = on_signal
        self._bus: _Bus | None = None
        self._caps: frozenset[str] | None = None

    # -- the calls ---------------------------------------------------------------------

    def capabilities(self) -> frozenset[str]:
        """The server's capabilities (``GetCapabilities``), kept until the name
        ``org.freedesktop.Notifications`` changes hands or the connection is reopened."""
        caps = self._caps
        if caps is None:
            generation = self._connect().generation
            reply = self._call(new_method_call(_SERVER, "GetCapabilities"))
            caps = frozenset(str(c) for c in reply.body[0])
            if self._bus is not None and self._bus.generation == generation:
                self._caps = caps  # no change of hands while the answer was on its way
        return caps

    def show(self, note: Note) -> int:
        """``Notify``; returns the server's id. Raises DeliveryError (cause named)."""
        caps = self.capabilities()
        actions = [part for pair in note.actions for part in pair] if "actions" in caps else []
        body = for_dbus(note.body)
        if "body-markup" in caps:
            body = markup_escape(body)
        hints: dict[str, tuple[str, Any]] = {
            "urgency": ("y", URGENCY_NORMAL),
            "desktop-entry": ("s", DESKTOP_ENTRY),
        }
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
                body,
                [for_dbus(part) for part in actions],
                hints,
                0 if actions else -1,
            ),
        )
        reply = self._call(msg)
        if not reply.body or not isinstance(reply.body[0], int) or reply.body[0] == 0:
            raise DeliveryError(f"the notification server returned no id: {reply.body!r}")
        return int(reply.body[0])

    def close_notification(self, notification_id: int) -> None:
        """``CloseNotification``: the server takes the notification off the screen (and out
        of its history, for most servers) and answers with ``NotificationClosed``, reason 3.
        Raises DeliveryError when the server cannot be reached."""
        self._call(new_method_call(_SERVER, "CloseNotification", "u", (notification_id,)))

    def _call(self, msg: Message) -> Message:
        """A method call on the server; a broken connection is reopened once."""
        for attempt in (1, 2):
            bus = self._connect()
            try:
                reply = bus.call(msg, CALL_TIMEOUT_S)
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

    def _connect(self) -> _Bus:
        if self._bus is not None and self._bus.alive:
            return self._bus
        self.close()
        address = session_bus_address(self._env)
        try:
            self._bus = _Bus(address, self._on_signal or _ignore, self._owner_changed)
        except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
            raise DeliveryError(f"cannot reach the D-Bus session bus at {address}: {exc}") from None
        self._caps = None
        return self._bus

    def _owner_changed(self) -> None:
        """Runs in the receiving thread: another process serves notifications now."""
        self._caps = None

    def close(self) -> None:
        """Close the connection (a later call opens a new one)."""
        if self._bus is not None:
            self._bus.close()
        self._bus, self._caps = None, None

    def stop(self) -> None:
        """The daemon's end: close the connection and its receiving thread."""
        self.close()


def _ignore(_signal: BusSignal) -> None:
    return None


class _Bus:
    """One thread-safe jeepney connection and the thread that receives on it.

    Replies go to the call waiting for their serial; ``ActionInvoked`` and
    ``NotificationClosed`` go to ``on_signal``; ``NameOwnerChanged`` for
    ``org.freedesktop.Notifications`` calls ``on_owner_changed`` and bumps ``generation``
    (so a capability answer that was in flight across a change is not kept). When the
    connection breaks, every waiting call gets an OSError and ``alive`` turns false.
    """

    def __init__(
        self,
        address: str,
        on_signal: Callable[[BusSignal], None],
        on_owner_changed: Callable[[], None],
    ) -> None:
        self._conn: DBusConnection = open_dbus_connection(address, auth_timeout=2.0)
        self._on_signal = on_signal
        self._on_owner_changed = on_owner_changed
        self._waiting: dict[int, Future[Message]] = {}
        self._lock = threading.Lock()
        self._stopping = False
        self.generation = 0
        self._thread = threading.Thread(target=self._run, name="dbus-receive", daemon=True)
        self._thread.start()
        try:
            for member in ("ActionInvoked", "NotificationClosed"):
                rule = MatchRule(type="signal", interface=NOTIFICATIONS, path=PATH, member=member)
                self._add_match(rule)
            owner_rule = MatchRule(
                type="signal",
                sender="org.freedesktop.DBus",
                interface="org.freedesktop.DBus",
                member="NameOwnerChanged",
            )
            owner_rule.add_arg_condition(0, NOTIFICATIONS)
            self._add_match(owner_rule)
        except BaseException:
            self.close()
            raise

    def _add_match(self, rule: MatchRule) -> None:
        reply = self.call(message_bus.AddMatch(rule), CALL_TIMEOUT_S)
        if reply.header.message_type is MessageType.error:
            raise RuntimeError(f"the bus refused a match rule: {reply.body!r}")

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def call(self, msg: Message, timeout: float) -> Message:
        """Send a method call and wait for its reply (or error reply). Raises TimeoutError,
        or OSError when the connection is lost."""
        if not self.alive:
            raise OSError("the D-Bus connection is closed")
        serial = next(self._conn.outgoing_serial)
        future: Future[Message] = Future()
        with self._lock:
            self._waiting[serial] = future
        try:
            self._conn.send(msg, serial=serial)
            return future.result(timeout=timeout)
        except FutureTimeout:
            raise TimeoutError from None
        finally:
            with self._lock:
                self._waiting.pop(serial, None)

    def _run(self) -> None:
        try:
            while True:
                self._dispatch(self._conn.receive())
        except ReceiveStopped:
            return
        except (OSError, ValueError, EOFError) as exc:
            if not self._stopping:
                log.warning("lost the D-Bus connection: %s", exc)
        finally:
            with self._lock:
                waiting, self._waiting = self._waiting, {}
            for future in waiting.values():
                if not future.done():
                    future.set_exception(OSError("the D-Bus connection was lost"))

    def _dispatch(self, msg: Message) -> None:
        fields = msg.header.fields
        if msg.header.message_type in (MessageType.method_return, MessageType.error):
            with self._lock:
                future = self._waiting.get(int(fields.get(_REPLY_SERIAL, -1)))
            if future is not None and not future.done():
                future.set_result(msg)
            return
        if msg.header.message_type is not MessageType.signal:
            return
        member = fields.get(_MEMBER)
        if fields.get(_INTERFACE) == "org.freedesktop.DBus":
            if member == "NameOwnerChanged" and msg.body and msg.body[0] == NOTIFICATIONS:
                self.generation += 1
                self._on_owner_changed()
            return
        if fields.get(_INTERFACE) != NOTIFICATIONS:
            return
        if member == "ActionInvoked" and fields.get(_SIGNATURE) == "us":
            self._on_signal(BusSignal(int(msg.body[0]), str(msg.body[1])))
        elif member == "NotificationClosed" and fields.get(_SIGNATURE) == "uu":
            self._on_signal(BusSignal(int(msg.body[0]), None))

    def close(self) -> None:
        self._stopping = True
        with suppress(OSError):
            self._conn.interrupt()  # the receiving thread ends with ReceiveStopped
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=2.0)
        with suppress(OSError):
            self._conn.close()


_ERROR_NAME = HeaderFields.error_name
_INTERFACE = HeaderFields.interface
_MEMBER = HeaderFields.member
_SIGNATURE = HeaderFields.signature
_REPLY_SERIAL = HeaderFields.reply_serial
