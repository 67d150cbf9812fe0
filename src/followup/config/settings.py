"""The settings as the rest of the package sees them: frozen, typed values made once from
the config file by :func:`followup.config.loading.load`.

NamedTuples rather than dataclasses: ``followup list`` builds them on its quick path, and
importing :mod:`dataclasses` was a large part of that path's own time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from followup.business_days import Place
from followup.rules import RuleSettings, Timing


class CalendarSettings(NamedTuple):
    """Which days are business days (``place``), the zone reminders are shown in, and how
    numeric dates are read."""

    place: Place
    zone: ZoneInfo
    #: ``calendar.date_order`` as set; None: the country's convention
    #: (:func:`followup.dates.order_for_country`, looked up only when needed).
    date_order: str | None = None


class NotifySettings(NamedTuple):
    """When and how reminders are shown: from ``at`` to ``until`` (times of day in the
    user's zone), by ``backend`` ("auto", "dbus" or "plyer"), under ``app_name``."""

    at: time
    until: time
    app_name: str
    backend: str = "auto"
    #: Business days after a reminder was last shown, not acted on, that it is shown
    #: again (0: never again).
    repeat_after_business_days: int = 1


class YouSettings(NamedTuple):
    """Who signs drafted emails."""

    name: str | None = None
    signature: str | None = None


class LintPhrase(NamedTuple):
    """A phrase of the user's own for ``followup lint`` to flag."""

    phrase: str
    category: str = "custom"
    suggestion: str = "consider whether this reads as pressing"


class ExportSettings(NamedTuple):
    """Where the daemon keeps the calendar feed (None: it keeps none)."""

    ics_path: Path | None = None


class MailSettings(NamedTuple):
    """Where followup reads the user's mail: an IMAP server, or a local Maildir tree.

    ``imap_port`` is resolved (993 for TLS, else 143); ``sent_folder`` None means the
    folder flagged ``\\Sent`` (RFC 6154), else the first with a name clients use for it
    (:mod:`followup.mail.folders`). Folder names are as a mail client shows them.
    ``addresses`` are the user's own besides the login name. ``password_command`` is run
    for each login; the password itself is never held here.
    """

    imap_host: str | None = None
    imap_port: int = 993
    security: str = "tls"
    username: str | None = None
    password_command: tuple[str, ...] = ()
    ca_file: Path | None = None
    reply_folders: tuple[str, ...] = ("INBOX",)
    sent_folder: str | None = None
    check_every_minutes: int = 10
    maildir: Path | None = None
    #: The user's own addresses besides the login name (never a reply), as written.
    addresses: tuple[str, ...] = ()


class Config(NamedTuple):
    """Effective settings: the file's values over the defaults."""

    path: Path
    calendar: CalendarSettings
    rules: RuleSettings
    notify: NotifySettings
    store_url: str
    #: Fingerprint of every setting a planned reminder depends on (:func:`plan_key`).
    plan_key: str
    you: YouSettings = YouSettings()
    lint_phrases: tuple[LintPhrase, ...] = ()
    export: ExportSettings = ExportSettings()
    mail: MailSettings | None = None
    values: Mapping[str, Any] = MappingProxyType({})
    warnings: tuple[str, ...] = ()
    #: Where derived data is kept between runs (``$XDG_CACHE_HOME/followup``): the
    #: non-business days of the places used (:class:`followup.business_days.KnownDays`).
    #: None keeps nothing.
    cache_dir: Path | None = None

    @property
    def timing(self) -> Timing:
        return Timing(self.calendar.zone, self.notify.at)

    def place_for(self, country: str | None, subdivision: str | None) -> Place:
        """The calendar of an interview: the interviewer's business days count.

        An interview without a place of its own uses the config's; one with only a
        subdivision uses it within the config's country. The config's weekend applies
        only within the config's country.
        """
        base = self.calendar.place
        if country is None and subdivision is None:
            return base
        country = country or base.country
        weekend = base.weekend if country == base.country else None
        return Place(country, subdivision, weekend, base.categories)


def plan_key(place: Place, zone: ZoneInfo, at: time, rules: RuleSettings) -> str:
    """Fingerprint of every setting a planned reminder depends on: the place's country,
    subdivision, weekend and categories, the zone, the time of day and the rules."""
    return "|".join(
        str(v)
        for v in (
            place.country,
            place.subdivision,
            sorted(place.weekend) if place.weekend is not None else None,
            ",".join(place.categories),
            zone.key,
            at,
            rules.email_after_business_days,
            rules.move_on_after_business_days,
        )
    )
