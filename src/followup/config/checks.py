"""The checks of single config values: each takes a value already of its declared type
and returns what is wrong with it (the end of a sentence naming the key: "must be between
0 and 60") or None; and how a value is shown back to the user (as TOML, passwords hidden).

Pure functions of their arguments; :data:`followup.config.options.OPTIONS` names them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from followup.cleaning import PASSWORD_KEYS
from followup.cleaning import redact as redact

#: The values of ``mail.security``.
SECURITY = ("tls", "starttls", "none")


def between(low: int, high: int) -> Callable[[Any], str | None]:
    """The check of a whole number from ``low`` to ``high``, both included."""

    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"must be between {low} and {high}"

    return check


def clock_time(value: Any) -> str | None:
    """A time of day as ``HH:MM`` on the 24-hour clock."""
    return None if parse_clock(value) is not None else "must be a time of day like '09:00'"


def country(value: Any) -> str | None:
    """The shape of an ISO 3166 code (2 or 3 letters); whether ``holidays`` knows it is
    found when the calendar is made."""
    return None if re.fullmatch(r"[A-Za-z]{2,3}", value) else "must be a country code like 'US'"


def zone(value: Any) -> str | None:
    """An IANA zone name the system's time zone database holds."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "is not an IANA time zone (e.g. 'Europe/Berlin')"
    return None


def extra_phrases(value: Any) -> str | None:
    """``lint.extra_phrases``: each entry a phrase, or a table of ``phrase`` and
    optionally ``category`` and ``suggestion``, all non-empty strings."""
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


def channels(value: Any) -> str | None:
    """``notify.channels``: registered channel names, each once (the registry is read,
    no channel loaded)."""
    from followup.channels import registry

    known = registry.names()
    for name in value:
        if name not in known:
            return f"unknown channel {toml_value(name)} (choose from {', '.join(known)})"
    if len(set(value)) != len(value):
        return "names a channel twice"
    if "desktop" not in value:
        return "must include 'desktop' (the daemon's confirmations and questions appear there)"
    return None


def date_order(value: Any) -> str | None:
    """``calendar.date_order``: one of the orders :mod:`followup.dates` reads."""
    return None if value in ("dmy", "mdy", "ymd") else "must be 'dmy', 'mdy' or 'ymd'"


def nonempty(value: Any) -> str | None:
    """A string with more than blanks in it."""
    return None if value.strip() else "must not be empty"


def host(value: Any) -> str | None:
    """``mail.imap_host``: the server's host name or address alone. A URL or a login in
    it (``imaps://jo:PASSWORD@imap.example.org``, ``jo:PASSWORD@imap.example.org``) is
    refused: the password would sit in the config and be shown by ``followup config`` and
    in every error line naming the server. A refused value is not shown back (see
    :data:`REFUSED_NOT_SHOWN`)."""
    text = value.strip()
    if not text:
        return "must not be empty"
    if "@" in text or "/" in text or any(c.isspace() for c in text):
        return (
            "must be the server's host name alone, like imap.example.org (the login goes in "
            "mail.username, the port in mail.imap_port, and the password comes from "
            "mail.password_command)"
        )
    return None


#: The checks whose refused values may hold a password, so never shown in the message.
REFUSED_NOT_SHOWN: frozenset[Callable[[Any], str | None]] = frozenset({host})


def store_url(value: Any) -> str | None:
    """``store.url``: not empty, an SQLite or a PostgreSQL URL (with any driver, such as
    ``postgresql+psycopg``: the only databases followup is tested on; SQLAlchemy's message
    for another, "needs the 'MySQLdb' driver", would send the user after the wrong package),
    and with no password in it in any form: the user part
    (``user:PASSWORD@host``) or a query parameter (``?password=``, any case, percent-encoded
    or not), which is said first. The config file is not a place for secrets, and the URL
    is shown in messages."""
    if not value.strip():
        return "must not be empty"
    if url_holds_password(value):
        return (
            "holds a password; keep it out of the config and let the driver find it "
            "(~/.pgpass, PGPASSWORD or a service file for PostgreSQL)"
        )
    scheme = value.split("://", 1)[0].split("+", 1)[0].strip().lower() if "://" in value else ""
    if scheme and scheme not in ("sqlite", "postgresql"):
        return (
            "only sqlite and postgresql URLs are supported, e.g. "
            "sqlite:////home/you/followup.db or postgresql://you@host/followup"
        )
    return None


def url_holds_password(value: str) -> bool:
    """Whether the URL ``value`` carries a password: in its user part, or as a query
    parameter named in :data:`PASSWORD_KEYS`."""
    from urllib.parse import parse_qsl, urlsplit

    if "://" not in value:
        return False
    try:
        parts = urlsplit(value)
        if parts.password is not None:
            return True
    except ValueError:
        return "@" in value
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    return any(key.strip().lower() in PASSWORD_KEYS for key, _ in pairs)


def absolute_path(value: Any) -> str | None:
    """An absolute path, or one under a home folder (``~/``, or ``~user/`` of a known
    user): a relative one would depend on the folder each command is run from."""
    if value.startswith("~"):
        try:
            Path(value).expanduser()
        except RuntimeError:
            return f"no home folder for {value.split('/', 1)[0]!r}"
        return None
    return None if Path(value).is_absolute() else "must be an absolute path, or start with ~/"


def security(value: Any) -> str | None:
    """``mail.security``: one of :data:`SECURITY`."""
    return None if value in SECURITY else "must be 'tls', 'starttls' or 'none'"


def command(value: Any) -> str | None:
    """A program and its arguments, run without a shell."""
    if value and all(isinstance(v, str) for v in value) and value[0].strip():
        return None
    return "must be a non-empty list of strings: a program and its arguments"


def folders(value: Any) -> str | None:
    """At least one folder name, none blank."""
    if value and all(isinstance(v, str) and v.strip() for v in value):
        return None
    return "must be a non-empty list of folder names"


def addresses(value: Any) -> str | None:
    """Email addresses: text with one ``@`` and something on each side of it."""
    for item in value:
        if not isinstance(item, str) or item.count("@") != 1 or "" in item.strip().split("@"):
            return f"must be a list of email addresses ({toml_value(item)} is not one)"
    return None


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


def parse_clock(value: str) -> time | None:
    """``"9:30"`` or ``"09:30"`` as a time of day; None for anything else."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    return time(int(match[1]), int(match[2])) if match else None
