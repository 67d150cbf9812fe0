"""Reading the config file: TOML in, a :class:`followup.config.settings.Config` out, or
one :class:`followup.errors.ConfigError` naming the file and every problem found.

Every key is checked against its declaration (:data:`followup.config.options.OPTIONS`):
unknown sections and keys are errors with a suggestion, each bad value is named with its
key, and the keys that only make sense together (``[mail]``, ``notify.at`` and
``notify.until``) are checked together. ``tomllib`` is imported only when there is a file
to read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from followup import paths
from followup.business_days import Place, parse_weekend
from followup.config import checks
from followup.config.options import BY_SECTION, OPTIONS, Option
from followup.config.settings import (
    CalendarSettings,
    Config,
    ExportSettings,
    LintPhrase,
    MailSettings,
    NotifySettings,
    YouSettings,
    plan_key,
)
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
from followup.rules import RuleSettings

if TYPE_CHECKING:
    from followup.channels.base import Channel


def load(explicit: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate the config; a missing file gives the defaults.

    Raises ConfigError naming the file, the key and the bad value, with every problem found
    joined on one line.
    """
    env = os.environ if env is None else env
    path = paths.config_path(explicit, env)
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
    #: The channels the file sets an option of: their settings are made here.
    set_channels: set[str] = set()
    for section, body in raw.items():
        if section not in BY_SECTION and section not in _channel_sections():
            known = [*BY_SECTION, *_channel_sections()]
            problems.append(f"unknown section [{section}]{did_you_mean(section, known)}")
            continue
        if not isinstance(body, dict):
            problems.append(f"[{section}] must be a table")
            continue
        for key, value in body.items():
            opt = BY_SECTION.get(section, {}).get(key)
            if opt is None:
                found = _channel_option(section, key)
                if found is None:
                    known = [*BY_SECTION.get(section, {}), *_channel_keys(section)]
                    problems.append(f"unknown key {section}.{key}{did_you_mean(key, known)}")
                    continue
                channel, opt = found
                set_channels.add(channel)
            problem = _check(opt, value)
            if problem:
                problems.append(problem)
            else:
                values[opt.name] = value
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))

    def get(name: str) -> Any:
        opt = next((o for o in OPTIONS if o.name == name), None)
        if opt is None:
            section, _, key = name.partition(".")
            found = _channel_option(section, key)
            assert found is not None, name
            opt = found[1]
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
    cache_dir = paths.cache_dir(env)
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
    at, until = checks.parse_clock(get("notify.at")), checks.parse_clock(get("notify.until"))
    assert at is not None and until is not None
    if until <= at:
        raise ConfigError(
            f"{path}: notify.until {get('notify.until')!r} must be later than "
            f"notify.at {get('notify.at')!r}"
        )
    zone = ZoneInfo(get("calendar.timezone") or system_zone(env))
    rules = RuleSettings(
        get("rules.email_after_business_days"),
        get("rules.move_on_after_business_days"),
        get("rules.default_wait_business_days"),
    )
    return Config(
        path=path,
        calendar=CalendarSettings(place, zone, get("calendar.date_order")),
        rules=rules,
        notify=NotifySettings(
            at,
            until,
            get("notify.app_name"),
            get("notify.repeat_after_business_days"),
            tuple(get("notify.channels")),
        ),
        store_url=get("store.url") or paths.default_store_url(env),
        plan_key=plan_key(place, zone, at, rules),
        you=YouSettings(get("you.name"), get("you.signature")),
        lint_phrases=tuple(
            LintPhrase(item) if isinstance(item, str) else LintPhrase(**item)
            for item in get("lint.extra_phrases")
        ),
        export=ExportSettings(expand_home(get("export.ics_path"), env)),
        mail=_mail_settings(get, path, env),
        values=values,
        warnings=tuple(warnings),
        cache_dir=cache_dir,
        channels=_channel_settings(get, set_channels, path, env),
    )


def _channel_settings(
    get: Callable[[str], Any], set_channels: set[str], path: Path, env: Mapping[str, str]
) -> Mapping[str, Any]:
    """The settings of each channel the file sets an option of or ``notify.channels`` names
    (the desktop by default is left to its defaults, so that a listing loads no channel).
    Raises ConfigError for a named channel that is not set up."""
    named = [n for n in get("notify.channels") if n != "desktop" or n in set_channels]
    made: dict[str, Any] = {}
    for name in sorted(set_channels | set(named)):
        channel = _load_channel(name)
        made[name] = channel.make_settings(get, path, env)
        missing = channel.missing(made[name]) if name in named else None
        if missing is not None:
            raise ConfigError(f"{path}: notify.channels names {name!r} but {missing}")
    return MappingProxyType(made)


# The registry is imported only for a key no core option declares: a file that sets no
# channel's option loads no channel (``followup list`` in particular).


def _channel_sections() -> frozenset[str]:
    from followup.channels import registry

    return registry.sections()


def _channel_option(section: str, key: str) -> tuple[str, Option] | None:
    from followup.channels import registry

    return registry.option(section, key)


def _channel_keys(section: str) -> list[str]:
    from followup.channels import registry

    return registry.keys(section)


def _load_channel(name: str) -> Channel:
    from followup.channels import registry

    return registry.load(name)


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
        "addresses": tuple(get("mail.addresses") or ()),
    }
    if maildir is not None:
        if host is not None:
            raise ConfigError(
                f"{path}: mail.maildir and mail.imap_host are both set: choose one source"
            )
        return MailSettings(maildir=expand_home(maildir, env), **common)
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
        ca_file=expand_home(get("mail.ca_file"), env),
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
    """What is wrong with ``value`` for ``opt``, or None. The value of a key that may hold a
    secret (:func:`may_be_secret`) is never in the answer: a password typed where its
    command goes would be printed otherwise."""
    secret = may_be_secret(opt.name)
    wrong_type = not isinstance(value, opt.kind) or (opt.kind is int and isinstance(value, bool))
    if wrong_type and secret and opt.kind is list and opt.key.endswith("_command"):
        return f"{opt.name}: expected {_COMMAND_LIST}"
    if wrong_type:
        shown_value = "(not shown)" if secret else checks.toml_value(value)
        return f"{opt.name} = {shown_value}: expected {_type_name(opt.kind)}"
    for text in _strings(value):
        problem = bad_character(text, multiline=opt.name in _MULTILINE)
        if problem is None and len(text) > CONFIG_TEXT_MAX:
            problem = f"is longer than {CONFIG_TEXT_MAX:,} characters"
        if problem is not None:
            return f"{opt.name}: {'a value' if secret else shown(text)} {problem}"
    if opt.kind is list and opt.check is None and not all(isinstance(v, str) for v in value):
        if secret:
            return f"{opt.name}: expected {_COMMAND_LIST}"
        return f"{opt.name} = {checks.toml_value(value)}: expected a list of strings"
    if opt.check is not None:
        problem = opt.check(value)
        if problem and (secret or opt.check in checks.REFUSED_NOT_SHOWN):
            return f"{opt.name}: {problem}"
        if problem:
            return f"{opt.name} = {checks.redact(checks.toml_value(value))}: {problem}"
    return None


_COMMAND_LIST = 'a list of program and arguments, e.g. ["pass", "show", "mail"]'


def may_be_secret(name: str) -> bool:
    """Whether the value of config key ``name`` may be a secret, so never shown: a
    ``*_command`` (a password may be typed there by mistake), a ``*password*`` key, or
    ``apprise.urls`` (Apprise URLs hold tokens and passwords)."""
    key = name.rpartition(".")[2]
    return key.endswith("_command") or "password" in key or name == "apprise.urls"


#: Keys whose strings may hold line breaks and tabs: a signature's lines, and the arguments
#: of a password command (a program's argument may be any text but NUL).
_MULTILINE = frozenset({"you.signature", "mail.password_command", "caldav.password_command"})


def _strings(value: Any) -> list[str]:
    """Every string in a config value (its items and table values too)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    return []


def expand_home(value: str | None, env: Mapping[str, str]) -> Path | None:
    """``~/x`` under the user's home as ``env`` names it (as the data folders are found)."""
    if value is None:
        return None
    if value == "~" or value.startswith("~/"):
        return paths.home(env) / value[2:]
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
    if tz and checks.zone(tz) is None:
        return tz
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        name = target.split("zoneinfo/", 1)[1]
        if checks.zone(name) is None:
            return name
    try:
        name = Path("/etc/timezone").read_text().strip()
    except OSError:
        name = ""
    return name if name and checks.zone(name) is None else "UTC"
