"""The desktop channel: the notification server of the session the daemon runs in, spoken
to over D-Bus (buttons to draft, record or snooze) or through plyer's notify-send.

The notifiers themselves are :mod:`followup.notify`'s (:func:`followup.notify.choose.make_notifier`
picks one); this module declares them as a channel and imports them only in :func:`_open`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from followup.channels.base import Channel, Getter
from followup.config.options import Option

if TYPE_CHECKING:
    from followup.notify.base import BusSignal, Notifier

#: The notifiers :func:`followup.notify.choose.make_notifier` knows (a test keeps the two
#: lists equal; this one is spelled out so that checking a config loads no notifier).
BACKENDS = ("auto", "dbus", "plyer")


class DesktopSettings(NamedTuple):
    """``backend``: "auto", "dbus" or "plyer" (``notify.backend``)."""

    backend: str = "auto"


def _backend(value: Any) -> str | None:
    return None if value in BACKENDS else "must be 'auto', 'dbus' or 'plyer'"


def _make_settings(get: Getter, _path: Path, _env: Mapping[str, str]) -> DesktopSettings:
    return DesktopSettings(get("notify.backend"))


def _values(settings: DesktopSettings) -> dict[str, Any]:
    return {"notify.backend": settings.backend}


def _open(
    settings: DesktopSettings,
    env: MutableMapping[str, str],
    on_signal: Callable[[BusSignal], None] | None,
) -> Notifier:
    from followup.notify.choose import make_notifier

    return make_notifier(settings.backend, env, on_signal)


CHANNEL = Channel(
    name="desktop",
    section="notify",
    summary="the desktop's notification server, while this machine is awake",
    options=(
        Option(
            "notify",
            "backend",
            str,
            "auto",
            "How notifications are shown: 'dbus' speaks to the desktop's notification server "
            "directly (buttons to draft, record or snooze), 'plyer' runs notify-send (no "
            "buttons), 'auto' takes dbus on Linux when a session bus is known, else plyer",
            _backend,
        ),
    ),
    make_settings=_make_settings,
    values=_values,
    open=_open,
)
