"""The notifier the ``notify.backend`` setting names.

The D-Bus backend is imported only when chosen: it loads jeepney at once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, MutableMapping

from followup.errors import DeliveryError
from followup.notify.base import BusSignal, Notifier, session_bus_address
from followup.notify.plyer_backend import PlyerNotifier

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
        from followup.notify.dbus_backend import DBusNotifier

        return DBusNotifier(env, on_signal)
    return PlyerNotifier(env)
