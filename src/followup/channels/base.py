"""What a channel module declares: :class:`Channel`.

A channel is one module with one module-level ``CHANNEL``; the registry
(:mod:`followup.channels.registry`) names it by ``"module:attribute"``. Declaring a channel
imports nothing heavy: a channel's libraries (jeepney, plyer, ...) are imported by its
``open`` only, when the daemon or ``followup test-notification`` delivers through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from followup.channels.tasklist import TaskList
    from followup.config.options import Option
    from followup.notify.base import BusSignal, Notifier

#: Reads one option's value, the file's or the default, by its full name ("notify.backend").
Getter = Callable[[str], Any]


class Channel(NamedTuple):
    """One way of delivering reminders.

    ``section`` is the config table its ``options`` live in (the desktop keeps
    ``notify.backend`` where it always was; every other channel has a table of its own
    name). ``make_settings(get, path, env)`` turns the validated values into the channel's
    frozen settings, raising :class:`followup.errors.ConfigError` for keys that do not make
    sense together (``path`` names the config file in the message, ``env`` is the
    environment paths are read in). ``values(settings)`` is what ``followup config`` shows,
    by full option name. An instant channel's ``open(settings, env, on_signal)`` makes the channel's
    :class:`~followup.notify.base.Notifier`: ``show`` delivers, ``close_notification``
    closes, and ``on_signal`` hears the actions the user takes on a delivered reminder
    (called in the channel's own thread).
    """

    name: str
    section: str
    summary: str
    options: tuple[Option, ...]
    make_settings: Callable[[Getter, Path, Mapping[str, str]], Any]
    values: Callable[[Any], dict[str, Any]]
    #: An instant channel: delivers each reminder when it comes due.
    open: (
        Callable[[Any, MutableMapping[str, str], Callable[[BusSignal], None] | None], Notifier]
        | None
    ) = None
    #: A task channel: keeps every pending reminder on a server ahead of time, and hears
    #: the ticks (:class:`followup.channels.tasklist.TaskList`).
    task_list: Callable[[Any], TaskList] | None = None
    #: The modules the channel's delivery imports in the daemon's threads (its library and
    #: what that imports at first use). The daemon imports them on its loop thread before
    #: the channel's thread starts: two threads importing one package at once can fail
    #: with Python's ``_DeadlockError`` or hang (:func:`registry.import_thread_modules`).
    thread_modules: tuple[str, ...] = ()
    #: What is missing for the channel to be used when ``notify.channels`` names it
    #: (``"caldav.url is not set"``), None when nothing is.
    missing: Callable[[Any], str | None] = lambda _settings: None
