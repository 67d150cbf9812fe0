"""The CalDAV channel: every pending reminder is a task with an alarm on the user's own
CalDAV server (Nextcloud, Radicale, Fastmail, iCloud...), which the phone syncs and fires
whether or not this machine is awake; a task ticked off on the phone is recorded here.

This module declares the ``[caldav]`` table; the server is spoken to by
:mod:`followup.channels.tasklist` (the ``caldav`` library), imported only when a task list
is reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

from followup.channels.base import Channel, Getter
from followup.config import checks
from followup.config.options import Option
from followup.errors import ConfigError

if TYPE_CHECKING:
    from followup.channels.tasklist import TaskList

SECTION = "caldav"


class CalDAVSettings(NamedTuple):
    """Where the tasks go: ``url`` None means ``[caldav]`` is not set. The password is read
    from ``password_command`` at each login, never held here."""

    url: str | None = None
    username: str | None = None
    password_command: tuple[str, ...] = ()
    calendar: str = "followup"
    ca_file: Path | None = None
    check_every_minutes: int = 5


def _url(value: Any) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// address of the CalDAV server"
    if checks.url_holds_password(value):
        return "holds a password; give caldav.password_command instead"
    return None


def _make_settings(get: Getter, path: Path, env: Mapping[str, str]) -> CalDAVSettings:
    """The ``[caldav]`` table as it is, complete or not: a half-filled table is a problem
    only where the channel is used (:func:`_missing`), so that the rest of followup works
    while it is being set up. Raises ConfigError for a plain http:// URL to another host."""
    from followup.config.loading import expand_home, is_loopback

    url = get("caldav.url")
    if url is not None:
        host = urlsplit(url).hostname or ""
        if urlsplit(url).scheme == "http" and not is_loopback(host):
            raise ConfigError(
                f"{path}: caldav.url {url!r} is refused: the password would cross the network "
                "unencrypted; use https:// (http:// is only for a loopback address)"
            )
    return CalDAVSettings(
        url,
        get("caldav.username"),
        tuple(get("caldav.password_command") or ()),
        get("caldav.calendar"),
        expand_home(get("caldav.ca_file"), env),
        get("caldav.check_every_minutes"),
    )


def _values(settings: CalDAVSettings) -> dict[str, Any]:
    return {
        "caldav.url": settings.url,
        "caldav.username": settings.username,
        "caldav.password_command": list(settings.password_command) or None,
        "caldav.calendar": settings.calendar,
        "caldav.ca_file": str(settings.ca_file) if settings.ca_file else None,
        "caldav.check_every_minutes": settings.check_every_minutes,
    }


def _missing(settings: CalDAVSettings) -> str | None:
    """What the table lacks for the channel to be used, naming the first key missing."""
    if settings.url is None:
        given = [
            key
            for key, value in (
                ("username", settings.username),
                ("password_command", settings.password_command),
                ("ca_file", settings.ca_file),
            )
            if value
        ]
        if given:
            return f"caldav.{given[0]} is set but caldav.url is not"
        return "caldav.url is not set"
    if settings.username is None:
        return "caldav.url is set but caldav.username is not"
    if not settings.password_command:
        return "caldav.url is set but caldav.password_command is not"
    return None


def _task_list(settings: CalDAVSettings) -> TaskList:
    from followup.channels.tasklist import TaskList

    return TaskList(settings)


CHANNEL = Channel(
    name="caldav",
    section=SECTION,
    summary="tasks with alarms on your own CalDAV server, which your phone syncs",
    options=(
        Option(
            SECTION,
            "url",
            str,
            None,
            "Your CalDAV server (its address, or the task list's own): each pending reminder "
            "is a task with an alarm there, which your phone fires even while this machine "
            "sleeps; ticking it off records it (default: none)",
            _url,
            "https://cloud.example.org/remote.php/dav",
        ),
        Option(SECTION, "username", str, None, "The CalDAV login name", checks.nonempty, "alex"),
        Option(
            SECTION,
            "password_command",
            list,
            None,
            "A program and its arguments, run without a shell, whose first line of output is "
            "the CalDAV password (an app password where the server has them)",
            checks.command,
            ["secret-tool", "lookup", "service", "followup-caldav"],
        ),
        Option(
            SECTION,
            "calendar",
            str,
            "followup",
            "The task list (its name or the last part of its address); created when missing "
            "where the server allows it",
            checks.nonempty,
        ),
        Option(
            SECTION,
            "ca_file",
            str,
            None,
            "A CA bundle to check the server's certificate with, for a server with a private "
            "certificate (default: the system's)",
            checks.absolute_path,
            "/home/me/.config/followup/caldav-ca.pem",
        ),
        Option(
            SECTION,
            "check_every_minutes",
            int,
            5,
            "How often 'followup daemon' looks for tasks ticked off on the phone (and at "
            "every wake from sleep)",
            checks.between(1, 1440),
        ),
    ),
    make_settings=_make_settings,
    values=_values,
    task_list=_task_list,
    thread_modules=(
        "followup.channels.tasklist",
        "followup.deadline",
        "followup.mail.password",
        "caldav",
        "caldav.lib.error",
        "caldav.elements.dav",
        "icalendar",
    ),
    missing=_missing,
)
