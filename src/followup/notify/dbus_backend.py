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

Ids belong to one server instance. The connection knows the unique name that owns
``org.freedesktop.Notifications`` (``GetNameOwner``, then every ``NameOwnerChanged``) and
lets through only the signals that owner sends: a copy relayed by another connection (GNOME
Shell sends each ``ActionInvoked`` twice, from gnome-shell and from its
``org.gnome.Shell.Notifications`` relay) and any other program's signals are dropped. When
the name changes hands every id is forgotten (a restarted mako or dunst gives out id 1
again, to other programs' notifications): ``close_notification`` of an id the current owner
did not give is not sent, and the daemon hears of the change as a ``server_changed`` signal.

Which servers draw buttons (:data:`DRAWS_BUTTONS`, by ``GetServerInformation``'s name):
GNOME Shell, KDE Plasma and notification-daemon draw every action but ``default`` as a
button, xfce4-notifyd every action (checked on each here). dunst offers actions in a
context menu and mako in ``makoctl menu``, both out of sight; Cinnamon (linuxmint/cinnamon#1479) and
quickshell setups (omarchy) list ``actions`` and draw none. Any server not named is taken to
draw none, so the body keeps its command lines: a line too many is better than an action
nobody can find. Where ``default`` is no button, every notification carries one, so that a
click on its body is the daemon's to answer (GNOME Shell otherwise launches the desktop
entry). Everywhere else an action whose label an earlier one has is left out (xfce4-notifyd
and a menu show "Draft email" once: ``default``, which is also mako's left click). mako
lists its menu from the last action to the first: it gets them in reverse, so that its menu
reads in the same order as everyone else's buttons.

Icon: ``app_icon`` and the ``image-path`` hint name the SVG shipped in the package
(:func:`followup.notify.base.icon_path`), so an icon reaches the screen whether or not
``install-service`` put it in the user's icon theme.

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
    icon_path,
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
#: ``GetServerInformation`` names (lower case) of the servers that draw the non-default
#: actions as buttons on the notification: gnome-shell, KDE Plasma ("Plasma"), xfce4-notifyd
#: ("Xfce Notify Daemon") and notification-daemon ("Notification Daemon").
DRAWS_BUTTONS = frozenset({"gnome-shell", "plasma", "xfce notify daemon", "notification daemon"})
#: Of those, the ones that draw no button for ``default`` (a click on the body): xfce4-notifyd
#: draws it as a button like any other.
HIDES_DEFAULT = frozenset({"gnome-shell", "plasma", "notification daemon"})
#: Servers whose menu lists the actions from the last to the first.
REVERSED_MENU = frozenset({"mako"})


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
        self._name: str | None = None
        #: notification id -> the unique name of the server that gave it
        self._issued: dict[int, str] = {}

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

    def server_name(self) -> str:
        """The server's name from ``GetServerInformation`` (lower case; "" when it gives
        none), kept as the capabilities are."""
        name = self._name
        if name is None:
            generation = self._connect().generation
            reply = self._call(new_method_call(_SERVER, "GetServerInformation"))
            name = str(reply.body[0]).lower() if reply.body else ""
            if self._bus is not None and self._bus.generation == generation:
                self._name = name
        return name

    def draws_buttons(self) -> bool:
        """Whether the server draws the non-default actions as buttons (by its name, see
        :data:`DRAWS_BUTTONS`). Raises DeliveryError when it cannot be asked."""
        return "actions" in self.capabilities() and self.server_name() in DRAWS_BUTTONS

    def server_identity(self) -> str | None:
        """Which server instance gives the ids now: the bus's id and the unique name that
        owns ``org.freedesktop.Notifications`` (None when nobody does). Unique names are
        never reused within one bus's life, and the bus id tells one bus from the next."""
        bus = self._connect()
        return f"{bus.bus_id} {bus.owner}" if bus.owner else None

    def show(self, note: Note) -> int:
        """``Notify``; returns the server's id. Raises DeliveryError (cause named)."""
        caps = self.capabilities()
        pairs = list(note.actions) if "actions" in caps else []
        if self.draws_buttons() and self.server_name() in HIDES_DEFAULT:
            if all(key != "default" for key, _label in pairs):
                pairs.append(("default", ""))
        else:
            labels = [label for _key, label in pairs]
            pairs = [pair for i, pair in enumerate(pairs) if pair[1] not in labels[:i]]
        if self.server_name() in REVERSED_MENU:
            pairs.reverse()
        actions = [part for pair in pairs for part in pair]
        body = for_dbus(note.body)
        if "body-markup" in caps:
            body = markup_escape(body)
        icon = icon_path()
        hints: dict[str, tuple[str, Any]] = {
            "urgency": ("y", URGENCY_NORMAL),
            "desktop-entry": ("s", DESKTOP_ENTRY),
            "image-path": ("s", for_dbus(icon)),
        }
        if note.actions and "persistence" in caps:
            hints["resident"] = ("b", True)
        msg = new_method_call(
            _SERVER,
            "Notify",
            "susssasa{sv}i",
            (
                for_dbus(note.app_name),
                note.replaces_id,
                for_dbus(icon),
                for_dbus(note.title),
                body,
                [for_dbus(part) for part in actions],
                hints,
                0 if note.actions else -1,
            ),
        )
        reply = self._call(msg)
        if not reply.body or not isinstance(reply.body[0], int) or reply.body[0] == 0:
            raise DeliveryError(f"the notification server returned no id: {reply.body!r}")
        notification_id = int(reply.body[0])
        self._issued[notification_id] = str(reply.header.fields.get(_SENDER, ""))
        return notification_id

    def gave(self, notification_id: int) -> bool:
        """Whether the server that owns the name now gave ``notification_id``."""
        bus = self._bus
        owner = bus.owner if bus is not None and bus.alive else ""
        return bool(owner) and self._issued.get(notification_id) == owner

    def adopt(self, notification_id: int) -> None:
        """Take ``notification_id`` as given by the current owner (an earlier run of the
        daemon got it from the same server instance: see :meth:`server_identity`)."""
        bus = self._connect()
        if bus.owner:
            self._issued[notification_id] = bus.owner

    def close_notification(self, notification_id: int) -> None:
        """``CloseNotification``: the server takes the notification off the screen (and out
        of its history, for most servers) and answers with ``NotificationClosed``, reason 3.
        An id the current owner did not give is left alone (it may be another program's).
        Raises DeliveryError when the server cannot be reached."""
        self._connect()
        if not self.gave(notification_id):
            log.info("not closing notification %d: not given by this server", notification_id)
            return
        self._call(new_method_call(_SERVER, "CloseNotification", "u", (notification_id,)))
        self._issued.pop(notification_id, None)

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
        self._caps = self._name = None
        return self._bus

    def _owner_changed(self, new_owner: str) -> None:
        """Runs in the receiving thread: another process serves notifications now (or
        none, ``new_owner`` ""). Its ids are not the old server's."""
        self._caps = self._name = None
        self._issued.clear()
        if self._on_signal is not None:
            self._on_signal(BusSignal(0, None, server_changed=True, server_up=bool(new_owner)))

    def close(self) -> None:
        """Close the connection (a later call opens a new one)."""
        if self._bus is not None:
            self._bus.close()
        self._bus, self._caps, self._name = None, None, None

    def stop(self) -> None:
        """The daemon's end: close the connection and its receiving thread."""
        self.close()


def _ignore(_signal: BusSignal) -> None:
    return None


class _Bus:
    """One thread-safe jeepney connection and the thread that receives on it.

    Replies go to the call waiting for their serial; ``ActionInvoked`` and
    ``NotificationClosed`` from ``owner`` (the unique name that owns
    ``org.freedesktop.Notifications``; "" when none does) go to ``on_signal``, others are
    dropped; ``NameOwnerChanged`` for it updates ``owner``, calls ``on_owner_changed`` and
    bumps ``generation`` (so a capability answer that was in flight across a change is not
    kept). ``bus_id`` is the bus's own id. When the connection breaks, every waiting call
    gets an OSError and ``alive`` turns false.
    """

    def __init__(
        self,
        address: str,
        on_signal: Callable[[BusSignal], None],
        on_owner_changed: Callable[[str], None],
    ) -> None:
        self._conn: DBusConnection = open_dbus_connection(address, auth_timeout=2.0)
        self._on_signal = on_signal
        self._on_owner_changed = on_owner_changed
        self._waiting: dict[int, Future[Message]] = {}
        self._lock = threading.Lock()
        self._stopping = False
        self.generation = 0
        self.owner = ""
        self.bus_id = ""
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
            self.bus_id = str(self.call(message_bus.GetId(), CALL_TIMEOUT_S).body[0])
            reply = self.call(message_bus.GetNameOwner(NOTIFICATIONS), CALL_TIMEOUT_S)
            if reply.header.message_type is MessageType.method_return and not self.owner:
                self.owner = str(reply.body[0])
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
            if member == "NameOwnerChanged" and len(msg.body) == 3 and msg.body[0] == NOTIFICATIONS:
                self.generation += 1
                self.owner = str(msg.body[2])
                self._on_owner_changed(self.owner)
            return
        if fields.get(_INTERFACE) != NOTIFICATIONS:
            return
        if not self.owner or fields.get(_SENDER) != self.owner:
            log.debug("dropped %s from %s: not the server's", member, fields.get(_SENDER))
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
_SENDER = HeaderFields.sender
