"""What every notification backend shares: the note shown, the contract a backend keeps, the
signals the desktop sends back, and where the session bus is.

The daemon records a reminder as shown only when :meth:`Notifier.show` returns; every way a
notification can fail to appear must therefore raise :class:`DeliveryError`, with the cause
and the fix.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Protocol

from followup.errors import DeliveryError
from followup.paths import runtime_bus

NOTIFICATIONS = "org.freedesktop.Notifications"
#: The ``desktop-entry`` hint: the shipped ``followup.desktop`` (without ``.desktop``, as the
#: Desktop Notifications specification asks), whence servers take the name and icon.
DESKTOP_ENTRY = "followup"
#: The icon, inside the package's data folder (laid out as the hicolor theme is).
ICON_FILE = "icons/hicolor/scalable/apps/followup.svg"


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

    def draws_buttons(self) -> bool:
        """Whether the server draws the non-default actions as buttons a person sees (a
        server may list ``actions`` and offer them only in a menu, or not at all): where
        it does not, the texts keep the commands."""
        ...

    def gave(self, notification_id: int) -> bool:
        """Whether the server running now gave ``notification_id`` (ids belong to one
        server instance: a restarted server gives the same numbers to others)."""
        ...

    def server_identity(self) -> str | None:
        """Which server instance gives ids now (None: none, or the backend cannot tell):
        an earlier run of the daemon may adopt the ids it got from the same one."""
        ...

    def adopt(self, notification_id: int) -> None:
        """Take ``notification_id`` as given by the server running now."""
        ...


@dataclass(frozen=True)
class BusSignal:
    """``ActionInvoked`` (``action`` is the key) or ``NotificationClosed`` (``action`` None)
    for notification ``notification_id``, from the server that gave the id.

    ``server_changed``: the server went away or another took its place (``notification_id``
    0): every id the daemon holds is now meaningless. ``server_up``: the name has an owner
    after the change (what was on screen can be shown again).
    """

    notification_id: int
    action: str | None
    server_changed: bool = False
    server_up: bool = False


def icon_path() -> str:
    """The absolute path of the icon shipped in the package (an SVG), which the
    notifications name as ``app_icon`` and ``image-path``: a path reaches the screen whether
    or not the icon was installed into the user's icon theme."""
    from importlib import resources

    return str(resources.files("followup") / "data" / ICON_FILE)


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
    bus = runtime_bus(env)
    if bus is not None and bus.is_socket():
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
        return env["DBUS_SESSION_BUS_ADDRESS"]
    raise DeliveryError(
        "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset and there is no "
        "$XDG_RUNTIME_DIR/bus (run inside a desktop session)"
    )
