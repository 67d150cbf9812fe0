"""The one declaration of every core config key: its section, name, type, default, help
text, check and an example. It drives parsing, validation, "did you mean" suggestions and
``followup config`` (:mod:`followup.cli.config_docs`); nothing else names a key's default.
A channel's keys are declared by the channel's own module, with the same :class:`Option`
(:mod:`followup.channels.registry`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from followup.config import checks


class Option(NamedTuple):
    """One config key: ``kind`` the Python type TOML must give (str, int or list),
    ``default`` its value when unset (None: not set), ``check`` what else its value must be
    (:mod:`followup.config.checks`), ``example`` what ``followup config`` shows for a key
    without a default."""

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


OPTIONS: tuple[Option, ...] = (
    Option(
        "calendar",
        "country",
        str,
        None,
        "ISO 3166 country code whose public holidays are not business days "
        "(default: the locale's territory, e.g. en_US -> US)",
        checks.country,
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
        checks.zone,
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
        checks.date_order,
        "dmy",
    ),
    Option(
        "rules",
        "email_after_business_days",
        int,
        2,
        "Full business days that must pass after the expected reply date before emailing",
        checks.between(0, 60),
    ),
    Option(
        "rules",
        "move_on_after_business_days",
        int,
        5,
        "Business days without a reply after the email before moving on",
        checks.between(1, 60),
    ),
    Option(
        "rules",
        "default_wait_business_days",
        int,
        5,
        "When an interview is added with its day but no promised reply day, the reply is "
        "expected this many business days after the interview",
        checks.between(1, 60),
    ),
    Option(
        "notify",
        "at",
        str,
        "09:00",
        "Time of day reminders are shown (user's time zone)",
        checks.clock_time,
    ),
    Option(
        "notify",
        "until",
        str,
        "20:00",
        "No notification is shown after this time of day; it waits for the next 'at'",
        checks.clock_time,
    ),
    Option(
        "notify",
        "repeat_after_business_days",
        int,
        1,
        "A reminder shown but not acted on (emailed, heard back, moved on, snoozed) is shown "
        "again at 'at' this many business days after it was last shown, until you act; "
        "0 shows each reminder once",
        checks.between(0, 60),
    ),
    Option(
        "notify",
        "app_name",
        str,
        "followup",
        "Application name shown with notifications",
        checks.nonempty,
    ),
    Option(
        "notify",
        "channels",
        list,
        ["desktop"],
        "Where reminders go, each on its own: 'desktop' (this machine's notifications, always "
        "in the list) and the channels set up in tables of their own, such as 'caldav' "
        "(tasks with alarms on your CalDAV server, for your phone) and 'apprise' (ntfy, "
        "Gotify, Telegram, e-mail... through Apprise)",
        checks.channels,
    ),
    Option(
        "store",
        "url",
        str,
        None,
        "SQLAlchemy database URL, SQLite or PostgreSQL (default: SQLite in "
        "$XDG_DATA_HOME/followup/followup.db); no password in it: PostgreSQL takes "
        "~/.pgpass, PGPASSWORD or a service file",
        checks.store_url,
        "sqlite:////home/me/followup.db",
    ),
    Option(
        "you",
        "name",
        str,
        None,
        "Your name, for the end of drafted emails",
        checks.nonempty,
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
        checks.extra_phrases,
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
        checks.absolute_path,
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
        checks.host,
        "imap.example.org",
    ),
    Option(
        "mail",
        "imap_port",
        int,
        None,
        "The server's IMAP port (default: 993 with security 'tls', else 143)",
        checks.between(1, 65535),
        993,
    ),
    Option(
        "mail",
        "security",
        str,
        "tls",
        "'tls' (TLS from the start), 'starttls' (plain, then STARTTLS) or 'none' (only to a "
        "loopback address such as 127.0.0.1); certificates are always checked",
        checks.security,
    ),
    Option(
        "mail",
        "username",
        str,
        None,
        "The IMAP login name",
        checks.nonempty,
        "alex@example.org",
    ),
    Option(
        "mail",
        "password_command",
        list,
        None,
        "A program and its arguments, run without a shell, whose first line of output is the "
        "IMAP password (a password is never written in this file)",
        checks.command,
        ["secret-tool", "lookup", "service", "followup"],
    ),
    Option(
        "mail",
        "ca_file",
        str,
        None,
        "A CA bundle to check the server's certificate with, for a server with a private "
        "certificate (default: the system's)",
        checks.absolute_path,
        "/home/me/.config/followup/mail-ca.pem",
    ),
    Option(
        "mail",
        "reply_folders",
        list,
        ["INBOX"],
        "Folders where replies arrive, as your mail client names them; a folder that also "
        "holds your own mail (Gmail's '[Gmail]/All Mail') works: your own messages are "
        "never taken for replies",
        checks.folders,
    ),
    Option(
        "mail",
        "sent_folder",
        str,
        None,
        "Folder of the mail you sent, as your mail client names it (default: the folder the "
        "server flags \\Sent, else the first with a name mail clients use, such as 'Sent', "
        "'Sent Items', '[Gmail]/Sent Mail' or 'Gesendete Elemente')",
        checks.nonempty,
        "Sent",
    ),
    Option(
        "mail",
        "check_every_minutes",
        int,
        10,
        "How often 'followup daemon' looks at the mailbox",
        checks.between(1, 1440),
    ),
    Option(
        "mail",
        "maildir",
        str,
        None,
        "Instead of an IMAP server: a local Maildir tree as mbsync, offlineimap or a "
        "mutt/notmuch set-up keep it, named by its root; its folders are found whatever the "
        "layout and named as on the server (no network at all); ~ is your home folder",
        checks.absolute_path,
        "~/Mail/work",
    ),
    Option(
        "mail",
        "addresses",
        list,
        None,
        "Your own email addresses besides the login name (aliases, an old address): a "
        "message from any of them is never taken for a company's reply (default: none)",
        checks.addresses,
        ["alex.morgan@example.org"],
    ),
)

#: Section -> key -> its option, in the order of :data:`OPTIONS`.
BY_SECTION: dict[str, dict[str, Option]] = {}
for _opt in OPTIONS:
    BY_SECTION.setdefault(_opt.section, {})[_opt.key] = _opt
