"""Showing a desktop notification, and knowing for sure whether it was shown.

The daemon records a reminder as shown only when :meth:`Notifier.show` returns; every way a
notification can fail to appear must therefore raise :class:`DeliveryError`, with the cause
and the fix. plyer 2.1.0 hides most failures on Linux, so :class:`PlyerNotifier` closes
each gap before calling it:

* it picks plyer's notify-send backend itself: plyer's own choice takes the Flatpak portal
  whenever a folder ``/app`` exists, and dbus-python when importable;
* it checks that a session bus is reachable and that something owns (or can be started
  for) ``org.freedesktop.Notifications`` before showing, and asks that server's
  capabilities: the body is escaped for markup only when it lists ``body-markup``, as on
  the D-Bus path (notify-send passes the text on untouched);
* plyer runs notify-send with ``subprocess.call`` and ignores its exit status; here that
  call is made through :class:`_CheckedSubprocess`, which raises on a non-zero exit.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from followup.errors import DeliveryError
from followup.running import communicate_within

NOTIFICATIONS = "org.freedesktop.Notifications"
SEND_TIMEOUT_S = 10
#: The ``desktop-entry`` hint: the shipped ``followup.desktop`` (without ``.desktop``, as the
#: Desktop Notifications specification asks), whence servers take the name and icon.
DESKTOP_ENTRY = "followup"


log = logging.getLogger("followup.daemon")


@dataclass(frozen=True)
class Note:
    """One notification: a plain-text title and a plain-text body, already cut to the
    lengths servers show whole. The backend escapes the body for a server that reads markup
    (``body-markup``), so the cut never falls inside an entity.

    ``actions`` are (key, label) buttons, shown only by a backend and server that support
    them; ``replaces_id`` is the id of a notification this one replaces (0: none).
    """

    title: str
    body: str
    app_name: str = "followup"
    actions: tuple[tuple[str, str], ...] = ()
    replaces_id: int = 0


class Notifier(Protocol):
    """Shows notifications. ``show`` returns only once the notification was handed to the
    desktop's notification server, and raises :class:`DeliveryError` otherwise; it returns
    the server's id for the notification when the backend learns it (None otherwise).

    ``capabilities`` are the server's (``GetCapabilities``): a backend that cannot show
    buttons returns none, so the texts name the commands instead.
    """

    def show(self, note: Note) -> int | None: ...

    def capabilities(self) -> frozenset[str]: ...

    def close_notification(self, notification_id: int) -> None:
        """Take a notification this backend showed off the screen (``CloseNotification``);
        raises DeliveryError when the server cannot be reached."""
        ...


def close_notification(notifier: Notifier, notification_id: int, why: str) -> None:
    """Take ``notification_id`` off the screen (``CloseNotification``) where the backend
    can (plyer's cannot); log that it did, and why, or the one line of its failure."""
    close = getattr(notifier, "close_notification", None)
    if close is None:
        return
    try:
        close(notification_id)
    except DeliveryError as exc:
        log.error("could not close notification %d: %s", notification_id, exc.message)
        return
    log.info("closed notification %d: %s", notification_id, why)


def markup_escape(text: str) -> str:
    """``text`` for a server that reads the body as markup (the specification's subset of
    HTML): ``&``, ``<`` and ``>`` become entities, so a name like ``AT&T`` shows as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def session_bus_address(env: MutableMapping[str, str]) -> str:
    """The session bus address, falling back to ``$XDG_RUNTIME_DIR/bus`` and remembering it
    in ``env`` so that child processes (notify-send) find the same bus.

    Raises DeliveryError when there is no session bus to be found.
    """
    address = env.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime, "bus").is_socket():
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={runtime}/bus"
        return env["DBUS_SESSION_BUS_ADDRESS"]
    raise DeliveryError(
        "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset and there is no "
        "$XDG_RUNTIME_DIR/bus (run inside a desktop session)"
    )


def check_notification_server(address: str) -> frozenset[str]:
    """The capabilities of the notification server that runs, or can be started, on the bus.

    Raises DeliveryError when there is none, or the bus cannot be reached."""
    from jeepney import DBusAddress, MessageType, new_method_call
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    try:
        with open_dbus_connection(address, auth_timeout=2.0) as conn:
            owned = conn.send_and_get_reply(
                message_bus.NameHasOwner(NOTIFICATIONS), timeout=5
            ).body[0]
            if not owned:
                bus = DBusAddress(
                    "/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus"
                )
                names = conn.send_and_get_reply(
                    new_method_call(bus, "ListActivatableNames"), timeout=5
                ).body[0]
                if NOTIFICATIONS not in names:
                    raise DeliveryError(
                        "no notification server on the session bus (nothing owns "
                        f"{NOTIFICATIONS}); start your desktop's notification daemon "
                        "(e.g. dunst)"
                    )
            server = DBusAddress("/org/freedesktop/Notifications", NOTIFICATIONS, NOTIFICATIONS)
            reply = conn.send_and_get_reply(new_method_call(server, "GetCapabilities"), timeout=5)
    except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
        raise DeliveryError(f"cannot reach the D-Bus session bus at {address}: {exc}") from None
    if reply.header.message_type is MessageType.error or not reply.body:
        return frozenset()  # a server that cannot say: plain text is the safe guess
    return frozenset(str(c) for c in reply.body[0])


class _CheckedSubprocess:
    """Stands in for the ``subprocess`` module inside plyer's Linux notification backend.

    notify-send runs with a time limit (:func:`followup.running.communicate_within`).
    """

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)

    def call(self, args: list[str], **_kwargs: Any) -> int:
        try:
            proc = subprocess.Popen(
                args,
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        except FileNotFoundError:
            raise DeliveryError(_NO_NOTIFY_SEND) from None
        except OSError as exc:  # not executable, no memory for a process...
            raise DeliveryError(f"cannot run notify-send: {exc}") from None
        done = communicate_within(proc, SEND_TIMEOUT_S)
        if done is None:
            raise DeliveryError(
                f"notify-send did not finish within {SEND_TIMEOUT_S} s "
                "(the notification server does not answer)"
            )
        out, err = done
        if proc.returncode != 0:
            why = (err or out or "").strip().splitlines()
            raise DeliveryError(
                f"notify-send failed with status {proc.returncode}"
                + (f": {why[-1]}" if why else "")
            )
        return 0

    def run(self, args: list[str], **kwargs: Any) -> int:
        return self.call(args, **kwargs)


_NO_NOTIFY_SEND = "notify-send is not installed; install it with: sudo apt install libnotify-bin"


class PlyerNotifier:
    """The default backend: plyer's notify-send path, with every failure detected."""

    def __init__(self, env: MutableMapping[str, str] | None = None) -> None:
        self._env = os.environ if env is None else env

    def capabilities(self) -> frozenset[str]:
        """None that matter: notify-send is given no actions and waits for nothing."""
        return frozenset()

    def show(self, note: Note) -> int | None:
        if shutil.which("notify-send", path=self._env.get("PATH")) is None:
            raise DeliveryError(_NO_NOTIFY_SEND)
        address = session_bus_address(self._env)
        caps = check_notification_server(address)
        body = markup_escape(note.body) if "body-markup" in caps else note.body
        from plyer.platforms.linux import notification as plyer_linux

        plyer_linux.subprocess = _CheckedSubprocess(self._env)
        plyer_linux.NotifySendNotification().notify(
            title=note.title, message=body, app_name=note.app_name, timeout=0
        )
        return None

    def close_notification(self, notification_id: int) -> None:
        """Nothing to close: notify-send does not say which id the server gave."""


BACKENDS = ("auto", "dbus", "plyer")


def make_notifier(
    backend: str,
    env: MutableMapping[str, str],
    on_signal: Callable[[BusSignal], None] | None = None,
) -> Notifier:
    """The notifier ``notify.backend`` asks for. ``auto`` takes the D-Bus backend on Linux
    when a session bus address is known (it may come up later: the backend connects on each
    show), and plyer elsewhere. ``on_signal`` receives the D-Bus backend's action and close
    signals (in the backend's receiving thread)."""
    if backend == "auto":
        try:
            session_bus_address(env)
        except DeliveryError:
            backend = "plyer"
        else:
            backend = "dbus" if sys.platform.startswith("linux") else "plyer"
    if backend == "dbus":
        from followup.notifier_dbus import DBusNotifier

        return DBusNotifier(env, on_signal)
    return PlyerNotifier(env)


@dataclass(frozen=True)
class BusSignal:
    """``ActionInvoked`` (``action`` is the key) or ``NotificationClosed`` (``action`` None)
    for notification ``notification_id``."""

    notification_id: int
    action: str | None
