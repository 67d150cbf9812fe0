"""The config file, read once into frozen, typed settings.

Every key is declared once in :data:`OPTIONS` (section, name, type, default, help); that one
list drives parsing, validation, "did you mean" suggestions and ``followup config``.
Nothing else in the package reads the TOML.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from datetime import time
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from followup.business_days import Place, parse_weekend
from followup.errors import ConfigError
from followup.lifecycle.validation import (
    CONFIG_MAX_BYTES,
    CONFIG_TEXT_MAX,
    MAX_NESTING,
    bad_character,
    nesting,
    shown,
    too_large,
)
from followup.rules import RuleSettings, Timing


class Option(NamedTuple):
    section: str
    key: str
    kind: type
    default: Any
    help: str
    check: Callable[[Any], str | None] | None = None
    example: Any = None

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"


def _between(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"must be between {low} and {high}"

    return check


def _clock_time(value: Any) -> str | None:
    return None if _parse_clock(value) is not None else "must be a time of day like '09:00'"


def _country(value: Any) -> str | None:
    return None if re.fullmatch(r"[A-Za-z]{2,3}", value) else "must be a country code like 'US'"


def _zone(value: Any) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "is not an IANA time zone (e.g. 'Europe/Berlin')"
    return None


def _extra_phrases(value: Any) -> str | None:
    for item in value:
        if isinstance(item, str) and item.strip():
            continue
        if (
            isinstance(item, dict)
            and isinstance(item.get("phrase"), str)
            and item["phrase"].strip()
        ):
            unknown = set(item) - {"phrase", "category", "suggestion"}
            if not unknown and all(isinstance(v, str) for v in item.values()):
                continue
        return (
            "each entry must be a phrase, or a table with 'phrase' and optional 'category' "
            "and 'suggestion' strings"
        )
    return None


def _backend(value: Any) -> str | None:
    return None if value in ("auto", "dbus", "plyer") else "must be 'auto', 'dbus' or 'plyer'"


def _date_order(value: Any) -> str | None:
    return None if value in ("dmy", "mdy", "ymd") else "must be 'dmy', 'mdy' or 'ymd'"


def _nonempty(value: Any) -> str | None:
    return None if value.strip() else "must not be empty"


def _store_url(value: Any) -> str | None:
    if not value.strip():
        return "must not be empty"
    from urllib.parse import urlsplit

    if "://" in value and urlsplit(value).password is not None:
        return (
            "holds a password; keep it out of the config and let the driver find it "
            "(~/.pgpass, PGPASSWORD or a service file for PostgreSQL)"
        )
    return None


def redact(text: str) -> str:
    """``text`` with the password of a URL in it (``scheme://user:PASSWORD@host``) replaced by
    ``***``: no message or listing ever shows one."""
    return _URL_PASSWORD.sub(r"\1***\2", text)


_URL_PASSWORD = re.compile(r"(://[^/:@\s]*:)[^@\s]*(@)")


def _absolute_path(value: Any) -> str | None:
    if value.startswith("~"):
        try:
            Path(value).expanduser()
        except RuntimeError:
            return f"no home folder for {value.split('/', 1)[0]!r}"
        return None
    return None if Path(value).is_absolute() else "must be an absolute path, or start with ~/"


def _security(value: Any) -> str | None:
    return None if value in SECURITY else "must be 'tls', 'starttls' or 'none'"


def _command(value: Any) -> str | None:
    if value and all(isinstance(v, str) for v in value) and value[0].strip():
        return None
    return "must be a non-empty list of strings: a program and its arguments"


def _folders(value: Any) -> str | None:
    if value and all(isinstance(v, str) and v.strip() for v in value):
        return None
    return "must be a non-empty list of folder names"


SECURITY = ("tls", "starttls", "none")


OPTIONS: tuple[Option, ...] = (
    Option(
        "calendar",
        "country",
        str,
        None,
        "ISO 3166 country code whose public holidays are not business days "
        "(default: the locale's territory, e.g. en_US -> US)",
        _country,
        "US",
    ),
    Option(
        "calendar",
        "subdivision",
        str,
        None,
        "State, province or region code within the country (default: none)",
        example="CA",
    ),
    Option(
        "calendar",
        "weekend",
        list,
        None,
        "Day names that are the weekend (default: the country's own)",
        example=["saturday", "sunday"],
    ),
    Option(
        "calendar",
        "categories",
        list,
        ["public"],
        "Holiday categories that are not business days (see the holidays package)",
    ),
    Option(
        "calendar",
        "timezone",
        str,
        None,
        "IANA time zone reminders are shown in (default: the system's)",
        _zone,
        "America/New_York",
    ),
    Option(
        "calendar",
        "date_order",
        str,
        None,
        "How numeric dates like 03/12/2026 are read, in commands and imported sheets: "
        "'dmy' (day first), 'mdy' (month first) or 'ymd' (year first). ISO dates "
        "(2026-12-03) and month names (3 Dec 2026) are read the same whatever it says "
        "(default: the calendar country's convention, from the Unicode CLDR: GB dmy, US "
        "mdy, CN ymd)",
        _date_order,
        "dmy",
    ),
    Option(
        "rules",
        "email_after_business_days",
        int,
        2,
        "Full business days that must pass after the expected reply date before emailing",
        _between(0, 60),
    ),
    Option(
        "rules",
        "move_on_after_business_days",
        int,
        5,
        "Business days without a reply after the email before moving on",
        _between(1, 60),
    ),
    Option(
        "notify",
        "at",
        str,
        "09:00",
        "Time of day reminders are shown (user's time zone)",
        _clock_time,
    ),
    Option(
        "notify",
        "until",
        str,
        "20:00",
        "No notification is shown after this time of day; it waits for the next 'at'",
        _clock_time,
    ),
    Option(
        "notify",
        "repeat_after_business_days",
        int,
        1,
        "A reminder shown but not acted on (emailed, heard back, moved on, snoozed) is shown "
        "again at 'at' this many business days after it was last shown, until you act; "
        "0 shows each reminder once",
        _between(0, 60),
    ),
    Option(
        "notify",
        "app_name",
        str,
        "followup",
        "Application name shown with notifications",
        _nonempty,
    ),
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
    Option(
        "store",
        "url",
        str,
        None,
        "SQLAlchemy database URL (default: SQLite in $XDG_DATA_HOME/followup/followup.db); "
        "no password in it: PostgreSQL takes ~/.pgpass, PGPASSWORD or a service file",
        _store_url,
        "sqlite:////home/me/followup.db",
    ),
    Option(
        "you",
        "name",
        str,
        None,
        "Your name, for the end of drafted emails",
        _nonempty,
        "Alex Morgan",
    ),
    Option(
        "you",
        "signature",
        str,
        None,
        "Lines under your name in drafted emails (phone, profile link); use \\n between lines",
        None,
        "+1 555 0100\nlinkedin.com/in/alexmorgan",
    ),
    Option(
        "lint",
        "extra_phrases",
        list,
        [],
        "More phrases for 'followup lint' to flag: plain strings, or tables with a phrase "
        "and, optionally, a category and a suggestion",
        _extra_phrases,
        [
            {
                "phrase": "touching base again",
                "category": "pressing",
                "suggestion": "ask once, politely, where they are in the process",
            }
        ],
    ),
    Option(
        "export",
        "ics_path",
        str,
        None,
        "Calendar file (.ics) that 'followup daemon' keeps up to date with every pending "
        "reminder and promised reply date, for a calendar application to subscribe to; "
        "~ is your home folder (default: none)",
        _absolute_path,
        "/home/me/calendars/followup.ics",
    ),
    Option(
        "mail",
        "imap_host",
        str,
        None,
        "Your IMAP server, read to notice follow-ups you sent and replies you got; followup "
        "only reads (folders opened read-only, headers only, nothing marked as read) and asks "
        "before it records anything (default: no mail is read)",
        _nonempty,
        "imap.example.org",
    ),
    Option(
        "mail",
        "imap_port",
        int,
        None,
        "The server's IMAP port (default: 993 with security 'tls', else 143)",
        _between(1, 65535),
        993,
    ),
    Option(
        "mail",
        "security",
        str,
        "tls",
        "'tls' (TLS from the start), 'starttls' (plain, then STARTTLS) or 'none' (only to a "
        "loopback address such as 127.0.0.1); certificates are always checked",
        _security,
    ),
    Option(
        "mail",
        "username",
        str,
        None,
        "The IMAP login name",
        _nonempty,
        "alex@example.org",
    ),
    Option(
        "mail",
        "password_command",
        list,
        None,
        "A program and its arguments, run without a shell, whose first line of output is the "
        "IMAP password (a password is never written in this file)",
        _command,
        ["secret-tool", "lookup", "service", "followup"],
    ),
    Option(
        "mail",
        "ca_file",
        str,
        None,
        "A CA bundle to check the server's certificate with, for a server with a private "
        "certificate (default: the system's)",
        _absolute_path,
        "/home/me/.config/followup/mail-ca.pem",
    ),
    Option(
        "mail",
        "reply_folders",
        list,
        ["INBOX"],
        "Folders where replies arrive",
        _folders,
    ),
    Option(
        "mail",
        "sent_folder",
        str,
        None,
        "Folder of the mail you sent (default: the folder with the \\Sent special-use flag, "
        "else 'Sent')",
        _nonempty,
        "Sent",
    ),
    Option(
        "mail",
        "check_every_minutes",
        int,
        10,
        "How often 'followup daemon' looks at the mailbox",
        _between(1, 1440),
    ),
    Option(
        "mail",
        "maildir",
        str,
        None,
        "Instead of an IMAP server: a local Maildir tree as mbsync or offlineimap keep it, "
        "with the same folder names (no network at all); ~ is your home folder",
        _absolute_path,
        "~/Mail/work",
    ),
)

_BY_SECTION: dict[str, dict[str, Option]] = {}
for _opt in OPTIONS:
    _BY_SECTION.setdefault(_opt.section, {})[_opt.key] = _opt


class CalendarSettings(NamedTuple):
    place: Place
    zone: ZoneInfo
    #: ``calendar.date_order`` as set; None: the country's convention
    #: (:func:`followup.dates.order_for_country`, looked up only when needed).
    date_order: str | None = None


class NotifySettings(NamedTuple):
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
    folder flagged ``\\Sent`` (RFC 6154), else ``Sent``. ``password_command`` is run for each
    login; the password itself is never held here.
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


def config_path(explicit: str | None, env: Mapping[str, str]) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    if env.get("FOLLOWUP_CONFIG"):
        return Path(env["FOLLOWUP_CONFIG"]).expanduser()
    return xdg_dir("XDG_CONFIG_HOME", ".config", env) / "followup" / "config.toml"


def xdg_dir(var: str, fallback: str, env: Mapping[str, str]) -> Path:
    value = env.get(var)
    if value and Path(value).is_absolute():
        return Path(value)
    return Path(env.get("HOME") or Path.home()) / fallback


def default_store_url(env: Mapping[str, str]) -> str:
    return f"sqlite:///{xdg_dir('XDG_DATA_HOME', '.local/share', env) / 'followup' / 'followup.db'}"


def load(explicit: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate the config; a missing file gives the defaults.

    Raises ConfigError naming the file, the key and the bad value, with every problem found
    joined on one line.
    """
    env = os.environ if env is None else env
    path = config_path(explicit, env)
    named = bool(explicit or env.get("FOLLOWUP_CONFIG"))
    try:
        with open(path, "rb") as handle:
            data = handle.read(CONFIG_MAX_BYTES + 1)
    except FileNotFoundError:
        if named:
            raise ConfigError(f"{path}: no such config file") from None
        return from_mapping({}, path, env)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > CONFIG_MAX_BYTES:
        raise ConfigError(too_large(str(path), CONFIG_MAX_BYTES).message)
    import tomllib

    try:
        # utf-8-sig: editors on some systems start the file with a byte-order mark.
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: malformed TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#x} at offset {exc.start})"
        ) from None
    except RecursionError:
        raise ConfigError(f"{path}: nested more than {MAX_NESTING} levels deep") from None
    if nesting(raw) > MAX_NESTING:
        raise ConfigError(f"{path}: nested more than {MAX_NESTING} levels deep")
    return from_mapping(raw, path, env)


def from_mapping(raw: Mapping[str, Any], path: Path, env: Mapping[str, str]) -> Config:
    problems: list[str] = []
    values: dict[str, Any] = {}
    for section, body in raw.items():
        if section not in _BY_SECTION:
            problems.append(
                f"unknown section [{section}]{did_you_mean(section, list(_BY_SECTION))}"
            )
            continue
        if not isinstance(body, dict):
            problems.append(f"[{section}] must be a table")
            continue
        for key, value in body.items():
            opt = _BY_SECTION[section].get(key)
            if opt is None:
                problems.append(
                    f"unknown key {section}.{key}{did_you_mean(key, list(_BY_SECTION[section]))}"
                )
                continue
            problem = _check(opt, value)
            if problem:
                problems.append(problem)
            else:
                values[opt.name] = value
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))

    def get(name: str) -> Any:
        opt = next(o for o in OPTIONS if o.name == name)
        return values.get(name, opt.default)

    warnings: list[str] = []
    country = get("calendar.country")
    if country is None:
        country = locale_country(env)
        if country is None:
            warnings.append(
                "no calendar.country set and the locale names no country: "
                "counting weekends only, no public holidays "
                f"(set it: followup init --country CC, or calendar.country in {path})"
            )
    else:
        from followup.places import canonical_country

        country = canonical_country(country)
    try:
        weekend = parse_weekend(get("calendar.weekend")) if get("calendar.weekend") else None
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc.message}") from None
    cache_dir = xdg_dir("XDG_CACHE_HOME", ".cache", env) / "followup"
    subdivision = get("calendar.subdivision")
    if subdivision is not None:
        from followup.places import canonical_subdivision

        subdivision = canonical_subdivision(country, subdivision, cache_dir)
    place = Place(
        country,
        subdivision,
        weekend,
        tuple(get("calendar.categories")),
    )
    at, until = _parse_clock(get("notify.at")), _parse_clock(get("notify.until"))
    assert at is not None and until is not None
    if until <= at:
        raise ConfigError(
            f"{path}: notify.until {get('notify.until')!r} must be later than "
            f"notify.at {get('notify.at')!r}"
        )
    zone = ZoneInfo(get("calendar.timezone") or system_zone(env))
    rules = RuleSettings(
        get("rules.email_after_business_days"), get("rules.move_on_after_business_days")
    )
    return Config(
        path=path,
        calendar=CalendarSettings(place, zone, get("calendar.date_order")),
        rules=rules,
        notify=NotifySettings(
            at,
            until,
            get("notify.app_name"),
            get("notify.backend"),
            get("notify.repeat_after_business_days"),
        ),
        store_url=get("store.url") or default_store_url(env),
        plan_key=plan_key(place, zone, at, rules),
        you=YouSettings(get("you.name"), get("you.signature")),
        lint_phrases=tuple(
            LintPhrase(item) if isinstance(item, str) else LintPhrase(**item)
            for item in get("lint.extra_phrases")
        ),
        export=ExportSettings(_expand_home(get("export.ics_path"), env)),
        mail=_mail_settings(get, path, env),
        values=values,
        warnings=tuple(warnings),
        cache_dir=cache_dir,
    )


def _mail_settings(
    get: Callable[[str], Any], path: Path, env: Mapping[str, str]
) -> MailSettings | None:
    """The ``[mail]`` keys taken together: an IMAP server or a Maildir (not both), a login
    for the server, and no unencrypted password over the network."""
    host, maildir = get("mail.imap_host"), get("mail.maildir")
    imap_only = ("imap_port", "username", "password_command", "ca_file")
    if host is None and maildir is None:
        given = [k for k in imap_only if get(f"mail.{k}") is not None]
        if given:
            raise ConfigError(f"{path}: mail.{given[0]} is set but mail.imap_host is not")
        return None
    folders = tuple(get("mail.reply_folders"))
    common = {
        "reply_folders": folders,
        "sent_folder": get("mail.sent_folder"),
        "check_every_minutes": get("mail.check_every_minutes"),
    }
    if maildir is not None:
        if host is not None:
            raise ConfigError(
                f"{path}: mail.maildir and mail.imap_host are both set: choose one source"
            )
        return MailSettings(maildir=_expand_home(maildir, env), **common)
    security = get("mail.security")
    for key in ("username", "password_command"):
        if get(f"mail.{key}") is None:
            raise ConfigError(f"{path}: mail.imap_host is set but mail.{key} is not")
    if security == "none" and not is_loopback(host):
        raise ConfigError(
            f'{path}: mail.security = "none" is refused for {host!r}: the password would '
            'cross the network unencrypted; use "tls" or "starttls" ("none" is only for a '
            "loopback address such as 127.0.0.1)"
        )
    port = get("mail.imap_port") or (993 if security == "tls" else 143)
    return MailSettings(
        imap_host=host,
        imap_port=port,
        security=security,
        username=get("mail.username"),
        password_command=tuple(get("mail.password_command")),
        ca_file=_expand_home(get("mail.ca_file"), env),
        **common,
    )


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    import ipaddress

    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check(opt: Option, value: Any) -> str | None:
    wrong_type = not isinstance(value, opt.kind) or (opt.kind is int and isinstance(value, bool))
    if wrong_type:
        return f"{opt.name} = {toml_value(value)}: expected {_type_name(opt.kind)}"
    for text in _strings(value):
        problem = bad_character(text, multiline=opt.name in _MULTILINE)
        if problem is None and len(text) > CONFIG_TEXT_MAX:
            problem = f"is longer than {CONFIG_TEXT_MAX:,} characters"
        if problem is not None:
            return f"{opt.name}: {shown(text)} {problem}"
    if opt.kind is list and opt.check is None and not all(isinstance(v, str) for v in value):
        return f"{opt.name} = {toml_value(value)}: expected a list of strings"
    if opt.check is not None:
        problem = opt.check(value)
        if problem:
            return f"{opt.name} = {redact(toml_value(value))}: {problem}"
    return None


#: Keys whose strings may hold line breaks and tabs: a signature's lines, and the arguments
#: of a password command (a program's argument may be any text but NUL).
_MULTILINE = frozenset({"you.signature", "mail.password_command"})


def _strings(value: Any) -> list[str]:
    """Every string in a config value (its items and table values too)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    return []


def toml_value(value: Any) -> str:
    """``value`` written as TOML, so that messages and docs show what the file says."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return '"' + escaped + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _expand_home(value: str | None, env: Mapping[str, str]) -> Path | None:
    """``~/x`` under the user's home as ``env`` names it (as the data folders are found)."""
    if value is None:
        return None
    if value == "~" or value.startswith("~/"):
        return Path(env.get("HOME") or Path.home()) / value[2:]
    return Path(value).expanduser()


def _type_name(kind: type) -> str:
    return {str: "a string", int: "a whole number", list: "a list"}.get(kind, kind.__name__)


def did_you_mean(word: str, choices: list[str]) -> str:
    """ " (did you mean 'show'?)" for the closest of ``choices`` to a mistyped ``word``
    (``difflib``'s ratio of at least 0.6), else ""; config keys, commands and options all
    suggest through this one place."""
    import difflib

    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _parse_clock(value: str) -> time | None:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    return time(int(match[1]), int(match[2])) if match else None


def locale_country(env: Mapping[str, str]) -> str | None:
    """The territory of the user's locale: en_US.UTF-8 -> US; C or POSIX -> None."""
    for var in ("LC_ALL", "LC_TIME", "LANG"):
        value = env.get(var)
        if value:
            match = re.match(r"[a-z]{2,3}_([A-Z]{2})", value)
            return match[1] if match else None
    return None


def system_zone(env: Mapping[str, str]) -> str:
    """The system's IANA zone name: $TZ, else /etc/localtime's target, else UTC."""
    tz = env.get("TZ", "").lstrip(":")
    if tz and _zone(tz) is None:
        return tz
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        name = target.split("zoneinfo/", 1)[1]
        if _zone(name) is None:
            return name
    try:
        name = Path("/etc/timezone").read_text().strip()
    except OSError:
        name = ""
    return name if name and _zone(name) is None else "UTC"
