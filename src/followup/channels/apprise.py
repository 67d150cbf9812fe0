"""The Apprise channel: each reminder sent once, at its instant, to the services the user
names by Apprise URL (ntfy, Gotify, Matrix, Signal, Telegram, e-mail and the rest of
Apprise's list). Outbound only: a message sent cannot be closed or answered.

This module declares the ``[apprise]`` table; the Apprise library is imported by
:class:`AppriseNotifier` at its first delivery, in the daemon or ``followup test-notification``
only. The URLs carry tokens and passwords: they are read from the file or from
``urls_command`` (run at the first delivery, as ``mail.password_command`` is), held in memory
only, and never logged, printed or quoted in a message (a service is named by its kind and
its place in the list).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import re
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from followup.channels.base import Channel, Getter
from followup.config import checks
from followup.config.options import Option
from followup.errors import ConfigError, DeliveryError

if TYPE_CHECKING:
    from followup.notify.base import BusSignal, Note, Notifier

SECTION = "apprise"
#: An Apprise URL's start: its service's scheme (``ntfy://``, ``mailto://``, ``tgram://``).
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
#: The longest log line of Apprise kept in an error (characters).
MAX_REASON = 300
#: Seconds one service's send may take in all, however slowly its server answers, before
#: it is cut and counts as a failure (each service of a note has its own).
DEADLINE_S = 60


class AppriseSettings(NamedTuple):
    """Where reminders go: ``urls`` as the file gives them, or ``urls_command`` (a program
    and its arguments) that prints them one a line; neither set means ``[apprise]`` is not
    set up."""

    urls: tuple[str, ...] = ()
    urls_command: tuple[str, ...] = ()


def _urls(value: Any) -> str | None:
    if not value or not all(isinstance(v, str) and _SCHEME.match(v.strip()) for v in value):
        return "must be a non-empty list of Apprise URLs (service://...)"
    return None


def _make_settings(get: Getter, path: Path, _env: Mapping[str, str]) -> AppriseSettings:
    """The ``[apprise]`` table. Raises ConfigError when both ``urls`` and ``urls_command``
    are set (which one is meant cannot be told)."""
    urls = tuple(u.strip() for u in get("apprise.urls") or ())
    command = tuple(get("apprise.urls_command") or ())
    if urls and command:
        raise ConfigError(
            f"{path}: apprise.urls and apprise.urls_command are both set; keep one of them"
        )
    return AppriseSettings(urls, command)


def masked(url: str) -> str:
    """What may be shown of an Apprise URL: its scheme alone (``ntfy://(hidden)``)."""
    found = _SCHEME.match(url)
    return f"{found.group(1).lower()}://(hidden)" if found else "(hidden)"


def _values(settings: AppriseSettings) -> dict[str, Any]:
    return {
        "apprise.urls": [masked(u) for u in settings.urls] or None,
        "apprise.urls_command": list(settings.urls_command) or None,
    }


def _missing(settings: AppriseSettings) -> str | None:
    if not settings.urls and not settings.urls_command:
        return "apprise.urls (or apprise.urls_command) is not set"
    return None


class AppriseNotifier:
    """Sends notes through Apprise to every URL of ``settings``.

    ``show`` returns once every service accepted the note, and raises DeliveryError naming
    each service that did not (by kind and place in the list, with Apprise's reason). A
    note is sent again only to the services that did not take it: retrying a note after a
    partial failure never sends it twice to one service while this notifier lives. The
    notifier has no ids, buttons or notifications to close.
    """

    def __init__(self, settings: AppriseSettings) -> None:
        self.settings = settings
        self._urls: list[str] | None = None
        #: each URL's parts that may be secret, hidden in the errors (see :func:`secrets_of`)
        self._secrets: list[list[str]] = []
        #: (title, body) of a note some services took -> the indexes of those services
        self._taken: dict[tuple[str, str], set[int]] = {}

    def _load(self) -> list[Any]:
        """One Apprise service object per URL, made anew for each note: a service object
        keeps the wall-clock instant of its last send and sleeps until 5.5 s have passed
        since (Apprise's throttle), and a wall clock set back would make that sleep last
        as long as the jump. The URLs are read (``urls_command`` run) at the first
        delivery. Raises DeliveryError when ``urls_command`` fails or a URL is not one
        Apprise knows."""
        urls = self._urls
        if urls is None:
            urls = self._read()
        import apprise

        return [apprise.Apprise.instantiate(url) for url in urls]

    def _read(self) -> list[str]:
        """The URLs, checked by Apprise, and their secret parts, kept for the notifier's
        life. Raises DeliveryError."""
        urls = list(self.settings.urls) or _read_urls(self.settings.urls_command)
        # Apprise's own log lines may name a topic or an address (ntfy logs the URL it
        # posted to): they go only to the capture of each send (:func:`_send`), whose last
        # warning becomes the error message, never to the daemon's log.
        logging.getLogger("apprise").propagate = False
        try:
            import apprise
        except ImportError:
            raise DeliveryError(
                "the apprise channel needs the Python package 'apprise', which is not "
                "installed (pip install apprise)"
            ) from None
        for place, url in enumerate(urls, 1):
            if not apprise.Apprise.instantiate(url):
                where = "apprise.urls_command" if self.settings.urls_command else "apprise.urls"
                raise DeliveryError(
                    f"{where}: URL {place} ({masked(url)}) is not an Apprise URL this "
                    "version knows (see https://github.com/caronc/apprise/wiki)"
                )
        self._secrets = [secrets_of(url) for url in urls]
        self._urls = urls
        return urls

    def show(self, note: Note) -> int | None:
        """Send ``note`` (plain text) to every service that has not taken it yet; None.
        Raises DeliveryError naming each service that did not take it."""
        import apprise

        services = self._load()
        key = (note.title, note.body)
        taken = self._taken.setdefault(key, set())
        failed = []
        for place, service in enumerate(services, 1):
            if place in taken:
                continue
            reason = _send(apprise, service, note)
            if reason is None:
                taken.add(place)
            else:
                reason = redacted(reason, self._secrets[place - 1])
                name = getattr(service, "service_name", None) or type(service).__name__
                failed.append(f"{name} (URL {place} of {len(services)}): {reason}")
        if failed:
            raise DeliveryError("; ".join(failed))
        del self._taken[key]
        return None

    def capabilities(self) -> frozenset[str]:
        """None: Apprise's services show no buttons."""
        return frozenset()

    def draws_buttons(self) -> bool:
        """False: the notes name the commands instead."""
        return False

    def close_notification(self, notification_id: int) -> None:
        """Nothing: a message sent cannot be taken back."""

    def gave(self, notification_id: int) -> bool:
        """False: no notification of this channel has an id."""
        return False

    def server_identity(self) -> str | None:
        """None: there is no one server."""
        return None

    def adopt(self, notification_id: int) -> None:
        """Nothing to adopt: this channel gives no ids."""


def secrets_of(url: str) -> list[str]:
    """The parts of an Apprise URL that may be secret, longest first: its login and
    password, its path's segments (a topic, a chat id), its query's values, and its host
    unless it is a domain name or an address (a bot token sits where the host goes)."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    parts = urlsplit(url)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    pieces = [*userinfo.split(":"), *parts.path.split("/"), parts.fragment]
    pieces += [value for _key, value in parse_qsl(parts.query)]
    if "." not in hostport.rsplit(":", 1)[0]:
        pieces += hostport.split(":")
    found = {unquote(p) for p in pieces if len(p) >= 3} | {p for p in pieces if len(p) >= 3}
    return sorted(found, key=lambda piece: (-len(piece), piece))


def redacted(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every one of ``secrets`` replaced by ``(hidden)``."""
    for secret in secrets:
        text = text.replace(secret, "(hidden)")
    return text


def _send(apprise: Any, service: Any, note: Note) -> str | None:
    """Hand ``note`` to one Apprise service, within :data:`DEADLINE_S` seconds in all (the
    sockets the plugin connects are shut at the deadline: :mod:`followup.deadline`): None
    when it took it, else Apprise's reason (its last warning or error, cleaned and cut; the
    caller hides the URL's secrets), or the line saying which server was cut off."""
    from followup.cleaning import from_outside
    from followup.deadline import Deadline, cut_line

    limit = Deadline(DEADLINE_S)
    reason = None
    try:
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
            try:
                with limit.covering():
                    ok = service.notify(
                        body=note.body or note.title,
                        title=note.title,
                        body_format=apprise.NotifyFormat.TEXT,
                    )
            except Exception as exc:  # a plugin's bug must not stop the other services
                ok, reason = False, f"{type(exc).__name__}: {exc}"
            logged = [line for line in captured.getvalue().splitlines() if line.strip()]
    finally:
        limit.close()
    if limit.passed():
        return cut_line(limit.where or "the service's server", limit.seconds)
    if ok:
        return None
    reason = reason or (logged[-1] if logged else None)
    return from_outside(reason, MAX_REASON) if reason else "the service refused it"


def _read_urls(command: Sequence[str]) -> list[str]:
    """The URLs ``command`` prints, one a line (blank lines and ``#`` lines skipped).
    Raises DeliveryError as the command's failure says (never quoting its output)."""
    from followup.errors import MailError
    from followup.mail.password import read_lines

    try:
        lines = read_lines(command, "apprise.urls_command", "URL")
    except MailError as exc:
        raise DeliveryError(exc.message) from None
    urls = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for place, url in enumerate(urls, 1):
        if not _SCHEME.match(url):
            raise DeliveryError(
                f"apprise.urls_command: line {place} of what {command[0]!r} printed is not "
                "an Apprise URL (service://...)"
            )
    if not urls:
        raise DeliveryError(f"apprise.urls_command: {command[0]!r} printed no URL")
    return urls


def _open(
    settings: AppriseSettings,
    _env: MutableMapping[str, str],
    _on_signal: Callable[[BusSignal], None] | None,
) -> Notifier:
    """The notifier, with Apprise's service plugins (some 500 modules) loaded now, on the
    caller's thread: the daemon opens its channels on its loop thread and sends from a
    thread of the channel's own, where a first send would otherwise import them all while
    the loop may be importing too (see :attr:`Channel.thread_modules`). Without Apprise
    installed, the first send says so."""
    with contextlib.suppress(ImportError):
        plugins: Any = importlib.import_module("apprise.manager_plugins")
        plugins.NotificationManager().load_modules()
    return AppriseNotifier(settings)


CHANNEL = Channel(
    name="apprise",
    section=SECTION,
    summary="ntfy, Gotify, Matrix, Signal, Telegram, e-mail and more, through Apprise",
    options=(
        Option(
            SECTION,
            "urls",
            list,
            None,
            "Apprise URLs, one per service: each reminder is sent once to each, at its "
            "instant, by 'followup daemon' (outbound only). They hold tokens and passwords: "
            "prefer apprise.urls_command (default: none)",
            _urls,
            ["ntfys://ntfy.sh/my-secret-topic"],
        ),
        Option(
            SECTION,
            "urls_command",
            list,
            None,
            "A program and its arguments, run without a shell, that prints the Apprise URLs "
            "one per line (instead of apprise.urls)",
            checks.command,
            ["pass", "show", "followup-apprise"],
        ),
    ),
    make_settings=_make_settings,
    values=_values,
    open=_open,
    thread_modules=("apprise", "followup.cleaning", "followup.deadline"),
    missing=_missing,
)
