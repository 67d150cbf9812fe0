"""A recording ``org.freedesktop.Notifications`` server for end-to-end tests.

Run it on a private bus (never under libfaketime: ``received_at`` is the real wall clock)::

    python -m tests.support.notification_server --address ADDR --record FILE \
        [--no-actions] [--no-markup] [--unicast] [--fail] [--name NAME]

or as a script path. It owns ``org.freedesktop.Notifications`` on the bus at ``ADDR`` (and exits
with status 2 if it cannot), serves ``/org/freedesktop/Notifications`` and appends every
``Notify`` call to ``FILE`` as one JSON line, flushed at once; a ``CloseNotification`` call
is a line ``{"closed": id, "received_at": ...}``.

``--unicast`` sends ``ActionInvoked`` and ``NotificationClosed`` only to the connection that
called ``Notify`` for that id, as dunst does (the specification allows it); without it they
are broadcast, as xfce4-notifyd and GNOME Shell do. ``--no-markup`` leaves ``body-markup``
out of the capabilities. ``--name`` is the name ``GetServerInformation`` gives (the daemon
decides from it whether buttons are drawn).

Test control: calling ``org.followup.Test.InvokeAction(u id, s key)`` on the same object makes
the server emit ``ActionInvoked(id, key)`` and then ``NotificationClosed(id, 2)`` on the
``org.freedesktop.Notifications`` interface, as a desktop does when a user clicks an action.

``--fail`` answers every ``Notify`` with ``org.freedesktop.DBus.Error.Failed`` (nothing is
recorded). SIGTERM and SIGINT end the server cleanly with status 0.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import IO, Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.low_level import Array, DictEntry, Struct, Variant, parse_signature

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
TEST_INTERFACE = "org.followup.Test"
CAPABILITIES = ["body", "body-markup", "actions", "persistence"]
SERVER_INFO = ("followup-test-server", "followup", "1.0", "1.2")

# RequestName reply codes.
PRIMARY_OWNER = 1
ALREADY_OWNER = 4
# RequestName flag: fail instead of queueing when the name is taken.
DO_NOT_QUEUE = 4

ERR_FAILED = "org.freedesktop.DBus.Error.Failed"
ERR_UNKNOWN_METHOD = "org.freedesktop.DBus.Error.UnknownMethod"
ERR_UNKNOWN_OBJECT = "org.freedesktop.DBus.Error.UnknownObject"
ERR_INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"

INTROSPECTION_XML = """<!DOCTYPE node PUBLIC
 "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" name="app_name" direction="in"/>
      <arg type="u" name="replaces_id" direction="in"/>
      <arg type="s" name="app_icon" direction="in"/>
      <arg type="s" name="summary" direction="in"/>
      <arg type="s" name="body" direction="in"/>
      <arg type="as" name="actions" direction="in"/>
      <arg type="a{sv}" name="hints" direction="in"/>
      <arg type="i" name="expire_timeout" direction="in"/>
      <arg type="u" name="id" direction="out"/>
    </method>
    <method name="GetCapabilities">
      <arg type="as" name="capabilities" direction="out"/>
    </method>
    <method name="GetServerInformation">
      <arg type="s" name="name" direction="out"/>
      <arg type="s" name="vendor" direction="out"/>
      <arg type="s" name="version" direction="out"/>
      <arg type="s" name="spec_version" direction="out"/>
    </method>
    <method name="CloseNotification">
      <arg type="u" name="id" direction="in"/>
    </method>
    <signal name="ActionInvoked">
      <arg type="u" name="id"/>
      <arg type="s" name="action_key"/>
    </signal>
    <signal name="NotificationClosed">
      <arg type="u" name="id"/>
      <arg type="u" name="reason"/>
    </signal>
  </interface>
  <interface name="org.followup.Test">
    <method name="InvokeAction">
      <arg type="u" name="id" direction="in"/>
      <arg type="s" name="action_key" direction="in"/>
    </method>
  </interface>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect">
      <arg type="s" name="xml" direction="out"/>
    </method>
  </interface>
  <interface name="org.freedesktop.DBus.Peer">
    <method name="Ping"/>
    <method name="GetMachineId">
      <arg type="s" name="machine_uuid" direction="out"/>
    </method>
  </interface>
</node>
"""


def plain_variant(variant: tuple[str, Any]) -> Any:
    """Turn a variant as jeepney parses it, ``(signature, value)``, into JSON-able data."""
    signature, value = variant
    return _plain(parse_signature(list(signature)), value)


def _plain(kind: Any, value: Any) -> Any:
    if isinstance(kind, Variant):
        return plain_variant(value)
    if isinstance(kind, Array):
        if isinstance(value, bytes):  # "ay"
            return list(value)
        if isinstance(kind.elt_type, DictEntry):
            _key_kind, value_kind = kind.elt_type.fields
            return {str(k): _plain(value_kind, v) for k, v in value.items()}
        return [_plain(kind.elt_type, v) for v in value]
    if isinstance(kind, Struct):
        return [_plain(f, v) for f, v in zip(kind.fields, value, strict=True)]
    return value


class Stop(Exception):
    """Raised from the signal handler to leave the serving loop."""


class NotificationServer:
    def __init__(
        self,
        conn: DBusConnection,
        record: IO[str],
        *,
        actions: bool,
        fail: bool,
        markup: bool = True,
        unicast: bool = False,
        refuse: str | None = None,
        reply_delay: float = 0.0,
        name: str = SERVER_INFO[0],
    ) -> None:
        self.conn = conn
        self.info = (name, *SERVER_INFO[1:])
        self.record = record
        self.actions = actions
        self.fail = fail
        self.markup = markup
        self.unicast = unicast
        #: notification id -> the unique name of the connection that asked for it
        self.senders: dict[int, str] = {}
        self.refuse = refuse
        self.reply_delay = reply_delay
        self.next_id = 1
        self.emitter = DBusAddress(OBJECT_PATH, interface=INTERFACE)

    # -- replies ---------------------------------------------------------------------------
    def reply(self, msg: Message, signature: str | None = None, body: tuple[Any, ...] = ()) -> None:
        if msg.header.flags & 1:  # NO_REPLY_EXPECTED
            return
        self.conn.send(new_method_return(msg, signature, body))

    def error(self, msg: Message, name: str, text: str) -> None:
        if msg.header.flags & 1:
            return
        self.conn.send(new_error(msg, name, "s", (text,)))

    # -- dispatch --------------------------------------------------------------------------
    def handle(self, msg: Message) -> None:
        if msg.header.message_type is not MessageType.method_call:
            return
        fields = msg.header.fields
        path = fields.get(HeaderFields.path)
        interface = fields.get(HeaderFields.interface)
        member = fields.get(HeaderFields.member)
        signature = fields.get(HeaderFields.signature, "")

        if interface == "org.freedesktop.DBus.Peer":
            if member == "Ping":
                self.reply(msg)
                return
            if member == "GetMachineId":
                machine_id = _machine_id()
                if machine_id:
                    self.reply(msg, "s", (machine_id,))
                else:
                    self.error(msg, ERR_FAILED, "no machine id on this system")
                return
        if path != OBJECT_PATH:
            if interface == "org.freedesktop.DBus.Introspectable" and member == "Introspect":
                # Let tools walk down from "/" to our object.
                self.reply(msg, "s", (_parent_node_xml(str(path)),))
                return
            self.error(msg, ERR_UNKNOWN_OBJECT, f"No such object path {path!r}")
            return

        handler = {
            (INTERFACE, "Notify"): ("susssasa{sv}i", self.notify),
            (INTERFACE, "GetCapabilities"): ("", self.get_capabilities),
            (INTERFACE, "GetServerInformation"): ("", self.get_server_information),
            (INTERFACE, "CloseNotification"): ("u", self.close_notification),
            (TEST_INTERFACE, "InvokeAction"): ("us", self.invoke_action),
            ("org.freedesktop.DBus.Introspectable", "Introspect"): ("", self.introspect),
        }
        key = (interface, member)
        if interface is None:
            # The interface header is optional on method calls: match by member only.
            for iface, name in handler:
                if name == member:
                    key = (iface, name)
                    break
        if key not in handler:
            self.error(
                msg,
                ERR_UNKNOWN_METHOD,
                f"No such method {member!r} in interface {interface!r} at {path!r}",
            )
            return
        expected, method = handler[key]
        if signature != expected:
            self.error(
                msg, ERR_INVALID_ARGS, f"{member} takes signature {expected!r}, got {signature!r}"
            )
            return
        method(msg)

    # -- methods ---------------------------------------------------------------------------
    def notify(self, msg: Message) -> None:
        if self.fail:
            self.error(msg, ERR_FAILED, "notification server told to fail (--fail)")
            return
        app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout = msg.body
        if self.refuse is not None and self.refuse in f"{summary}\n{body}":
            self.error(msg, ERR_FAILED, f"refused: the text holds {self.refuse!r}")
            return
        if replaces_id:
            notification_id = replaces_id
        else:
            notification_id = self.next_id
            self.next_id += 1
        entry = {
            "id": notification_id,
            "app_name": app_name,
            "replaces_id": replaces_id,
            "app_icon": app_icon,
            "summary": summary,
            "body": body,
            "actions": list(actions),
            "hints": {str(k): plain_variant(v) for k, v in hints.items()},
            "expire_timeout": expire_timeout,
            "received_at": time.time(),
        }
        self.record.write(json.dumps(entry) + "\n")
        self.record.flush()
        self.senders[notification_id] = str(msg.header.fields.get(HeaderFields.sender, ""))
        if self.reply_delay:
            time.sleep(self.reply_delay)  # the window between showing and the sender knowing
        self.reply(msg, "u", (notification_id,))

    def emit(self, member: str, signature: str, body: tuple[Any, ...]) -> None:
        """Broadcast a signal, or (``--unicast``) send it to the notification's sender."""
        signal_ = new_signal(self.emitter, member, signature, body)
        if self.unicast:
            signal_.header.fields[HeaderFields.destination] = self.senders.get(body[0], "")
        self.conn.send(signal_)

    def get_capabilities(self, msg: Message) -> None:
        caps = [c for c in CAPABILITIES if self.actions or c != "actions"]
        caps = [c for c in caps if self.markup or c != "body-markup"]
        self.reply(msg, "as", (caps,))

    def get_server_information(self, msg: Message) -> None:
        self.reply(msg, "ssss", self.info)

    def close_notification(self, msg: Message) -> None:
        (notification_id,) = msg.body
        self.record.write(json.dumps({"closed": notification_id, "received_at": time.time()}))
        self.record.write("\n")
        self.record.flush()
        self.reply(msg)
        # Reason 3: closed by a call to CloseNotification.
        self.emit("NotificationClosed", "uu", (notification_id, 3))

    def invoke_action(self, msg: Message) -> None:
        notification_id, key = msg.body
        self.reply(msg)
        self.emit("ActionInvoked", "us", (notification_id, key))
        # Reason 2: dismissed by the user.
        self.emit("NotificationClosed", "uu", (notification_id, 2))

    def introspect(self, msg: Message) -> None:
        self.reply(msg, "s", (INTROSPECTION_XML,))

    # -- loop ------------------------------------------------------------------------------
    def serve(self) -> None:
        while True:
            msg = self.conn.receive(timeout=None)
            self.handle(msg)


def _machine_id() -> str:
    for candidate in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            return Path(candidate).read_text().strip()
        except OSError:
            continue
    return ""


def _parent_node_xml(path: str) -> str:
    prefix = "/" if path == "/" else path.rstrip("/") + "/"
    if not OBJECT_PATH.startswith(prefix):
        return "<node/>"
    child = OBJECT_PATH[len(prefix) :].split("/", 1)[0]
    return f'<node><node name="{child}"/></node>'


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--address", required=True, help="D-Bus address of the bus to serve on")
    parser.add_argument("--record", required=True, type=Path, help="JSON-lines file to append to")
    parser.add_argument("--no-actions", action="store_true", help="leave 'actions' out of caps")
    parser.add_argument("--fail", action="store_true", help="answer Notify with an error")
    parser.add_argument("--no-markup", action="store_true", help="leave out 'body-markup'")
    parser.add_argument(
        "--unicast", action="store_true", help="send signals only to the Notify caller"
    )
    parser.add_argument(
        "--refuse", default=None, help="answer Notify with an error when its text holds this word"
    )
    parser.add_argument(
        "--name", default=SERVER_INFO[0], help="the name GetServerInformation gives"
    )
    parser.add_argument(
        "--reply-delay",
        type=float,
        default=0.0,
        help="record each Notify at once, then wait this many seconds before answering",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise Stop

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        conn = open_dbus_connection(bus=args.address, auth_timeout=5.0)
    except Stop:
        return 0
    except (OSError, RuntimeError, ValueError) as exc:
        print(f"notification_server: cannot connect to {args.address}: {exc}", file=sys.stderr)
        return 2
    try:
        with conn, open(args.record, "a", encoding="utf-8") as record:
            reply = conn.send_and_get_reply(
                message_bus.RequestName(BUS_NAME, DO_NOT_QUEUE), timeout=5.0
            )
            if reply.header.message_type is MessageType.error or reply.body[0] not in (
                PRIMARY_OWNER,
                ALREADY_OWNER,
            ):
                print(
                    f"notification_server: could not own {BUS_NAME} (reply {reply.body!r})",
                    file=sys.stderr,
                )
                return 2
            server = NotificationServer(
                conn,
                record,
                actions=not args.no_actions,
                fail=args.fail,
                markup=not args.no_markup,
                unicast=args.unicast,
                refuse=args.refuse,
                reply_delay=args.reply_delay,
                name=args.name,
            )
            server.serve()
    except Stop:
        return 0
    except ConnectionResetError:
        # The bus went away: nothing left to serve.
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
