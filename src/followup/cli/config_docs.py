"""The config as text: the commented example file and the effective settings.

Both are made from :data:`followup.config.OPTIONS` and the options each channel of
:mod:`followup.channels.registry` declares, so the documentation cannot drift from what the
parser accepts (a test compares ``config.example.toml`` with :func:`example`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from followup.channels import registry
from followup.cleaning import redact
from followup.config import OPTIONS, Config, from_mapping, toml_value

_HEADER = """\
# followup's config file.
#
# Every key is optional: a commented-out key shows its default. Business days are the days
# that are neither weekend nor a public holiday of the calendar's country and subdivision.
# Reminders: email once more than rules.email_after_business_days business days have
# passed since the day the interviewer said they would reply; move on once
# rules.move_on_after_business_days business days pass after that email with no reply.
"""


def example(
    *,
    country: str | None = None,
    subdivision: str | None = None,
    timezone: str | None = None,
    name: str | None = None,
    signature: str | None = None,
) -> str:
    """The commented config file; values given here are written uncommented."""
    chosen = {
        "calendar.country": country,
        "calendar.subdivision": subdivision,
        "calendar.timezone": timezone,
        "you.name": name,
        "you.signature": signature,
    }
    out = [_HEADER]
    section = None
    for opt in registry.all_options(OPTIONS):
        if opt.section != section:
            section = opt.section
            out.append(f"\n[{section}]")
        out += textwrap.wrap(opt.help, 88, initial_indent="# ", subsequent_indent="# ")
        value = chosen.get(opt.name)
        if value is not None:
            out.append(f"{opt.key} = {toml_value(value)}")
        elif opt.default is None:
            out.append(f"# {opt.key} = {toml_value(opt.example)}")
        else:
            if opt.example is not None:
                out.append(f"# for example: {opt.key} = {toml_value(opt.example)}")
            out.append(f"# {opt.key} = {toml_value(opt.default)}")
    return "\n".join(out) + "\n"


def check_example(text: str, path: Path, env: Mapping[str, str]) -> None:
    """Raise ConfigError when values given to ``followup init`` would make a bad file;
    ``env`` is the environment the config's paths are read in."""
    import tomllib

    from followup.business_days import calendar_for

    config = from_mapping(tomllib.loads(text), path, env)
    calendar_for(config.calendar.place)


def effective(config: Config) -> str:
    """What ``followup config`` prints: the file, then every setting in effect, marked
    when it is the default."""
    lines = [f"config file: {config.path}" + ("" if config.path.exists() else " (not present)")]
    for name, value in _effective_values(config).items():
        source = "" if name in config.values else "  # default"
        lines.append(f"{name} = {toml_value(value) if value is not None else '(none)'}{source}")
    return "\n".join(lines)


def effective_json(config: Config) -> dict[str, Any]:
    """``config --json``: ``{"path", "settings": {name: value}}``."""
    return {"path": str(config.path), "settings": _effective_values(config)}


def _effective_values(config: Config) -> dict[str, Any]:
    """Every setting in effect by full name, in the order of the example file."""
    found = {**_core_values(config), **_channel_values(config)}
    return {opt.name: found[opt.name] for opt in registry.all_options(OPTIONS)}


def _channel_values(config: Config) -> dict[str, Any]:
    """Each channel's settings as its module shows them."""
    values: dict[str, Any] = {}
    for name in registry.names():
        values.update(registry.load(name).values(registry.settings(config, name)))
    return values


def _core_values(config: Config) -> dict[str, Any]:
    place = config.calendar.place
    from followup.business_days import DAY_NAMES, calendar_for
    from followup.dates import order_for_country

    weekend = place.weekend
    if weekend is None:
        weekend = frozenset(calendar_for(place).weekend_days())
    return {
        "calendar.country": place.country,
        "calendar.subdivision": place.subdivision,
        "calendar.weekend": [DAY_NAMES[d] for d in sorted(weekend)],
        "calendar.categories": list(place.categories),
        "calendar.timezone": config.calendar.zone.key,
        "calendar.date_order": config.calendar.date_order or order_for_country(place.country),
        "rules.email_after_business_days": config.rules.email_after_business_days,
        "rules.move_on_after_business_days": config.rules.move_on_after_business_days,
        "rules.default_wait_business_days": config.rules.default_wait_business_days,
        "notify.at": f"{config.notify.at:%H:%M}",
        "notify.until": f"{config.notify.until:%H:%M}",
        "notify.repeat_after_business_days": config.notify.repeat_after_business_days,
        "notify.app_name": config.notify.app_name,
        "notify.channels": list(config.notify.channels),
        "store.url": redact(config.store_url),
        "you.name": config.you.name,
        "you.signature": config.you.signature,
        "lint.extra_phrases": list(config.values.get("lint.extra_phrases", [])),
        "export.ics_path": str(config.export.ics_path) if config.export.ics_path else None,
        **_mail_values(config),
    }


def _mail_values(config: Config) -> dict[str, Any]:
    """The ``[mail]`` keys as in effect; the password command is shown (it names a
    program), a password never exists here to show."""
    mail = config.mail
    if mail is None:
        return {f"mail.{o.key}": o.default for o in OPTIONS if o.section == "mail"}
    return {
        "mail.imap_host": mail.imap_host,
        "mail.imap_port": mail.imap_port if mail.imap_host else None,
        "mail.security": mail.security if mail.imap_host else None,
        "mail.username": mail.username,
        "mail.password_command": list(mail.password_command) or None,
        "mail.ca_file": str(mail.ca_file) if mail.ca_file else None,
        "mail.reply_folders": list(mail.reply_folders),
        "mail.sent_folder": mail.sent_folder,
        "mail.check_every_minutes": mail.check_every_minutes,
        "mail.maildir": str(mail.maildir) if mail.maildir else None,
        "mail.addresses": list(mail.addresses) or None,
    }
