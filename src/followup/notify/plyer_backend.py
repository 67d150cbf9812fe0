"""The default backend: plyer's notify-send path, with every failure detected.

plyer 2.1.0 hides most failures on Linux, so :class:`PlyerNotifier` closes each gap before
calling it (the daemon records a reminder as shown only when ``show`` returns):

* it picks plyer's notify-send backend itself: plyer's own choice takes the Flatpak portal
  whenever a folder ``/app`` exists, and dbus-python when importable;
* it checks that a session bus is reachable and that something owns (or can be started
  for) ``org.freedesktop.Notifications`` before showing, and asks that server's
  capabilities: the body is escaped for markup only when it lists ``body-markup``, as on
  the D-Bus path (notify-send passes the text on untouched);
* plyer runs notify-send with ``subprocess.call`` and ignores its exit status; here that
  call is made through :class:`_CheckedSubprocess`, which raises on a non-zero exit.

plyer and jeepney are imported when a notification is shown, not with this module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, MutableMapping
from typing import Any

from followup.errors import DeliveryError
from followup.notify.base import NOTIFICATIONS, Note, markup_escape, session_bus_address
from followup.running import communicate_within

SEND_TIMEOUT_S = 10


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

    def draws_buttons(self) -> bool:
        """No buttons: notify-send is given none."""
        return False

    def gave(self, notification_id: int) -> bool:
        """notify-send does not say which id the server gave: none is this backend's."""
        return False

    def server_identity(self) -> str | None:
        """Unknown: notify-send does not say."""
        return None

    def adopt(self, notification_id: int) -> None:
        """Nothing to adopt: this backend learns no ids."""

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
