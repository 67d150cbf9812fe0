"""What the commands that set followup up say: the overview, the next steps after
``init``, how dates may be written, and the countries whose holidays are known."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from followup.cli.render.text import text_width

if TYPE_CHECKING:
    from followup.places import CountryEntry


def next_steps(country: str | None, name: str | None, *, service: bool) -> str:
    """What ``init`` prints after writing the config: the commands that come next, and
    only a way of running the daemon that can work on this machine."""
    lines = ["Next steps:"]
    if country is None:
        lines.append("  set your country for its holidays: calendar.country in the file")
    if name is None:
        lines.append("  set your name for drafted emails: you.name in the file")
    lines += [
        "  followup add COMPANY --expect DATE   record an interview (dates: followup help dates)",
        "  followup list                        your interviews",
    ]
    if service:
        lines.append("  followup install-service             reminders as desktop notifications")
    else:
        lines += [
            "  followup install-service --autostart reminders as desktop notifications from "
            "your next login",
            "  followup daemon                      the same, now (no systemd user manager here)",
        ]
    return "\n".join(lines)


def overview(path: Path, exists: bool) -> str:
    """``followup`` with no command."""
    where = str(path) if exists else f"{path} (not written yet: followup init)"
    return "\n".join(
        [
            "followup tells you when to email after a job interview, and when to move on.",
            "",
            "Start with:",
            "  followup init --country CC --name NAME   write your config",
            "  followup add COMPANY --expect DATE       record an interview",
            "  followup list                            your open interviews",
            "  followup upcoming                        reminders due and to come",
            "  followup emailed ID                      you sent the follow-up email",
            "",
            f"Config: {where}",
            "More: followup --help (every command), followup COMMAND --help, followup help dates",
        ]
    )


#: ``followup help dates``: every form :mod:`followup.dates` reads.
DATE_FORMS = """\
How dates may be written (DATE in --expect, --interviewed, --on, --emailed):

  2026-11-24                 ISO: always year, month, day
  today, yesterday, tomorrow
  friday, fri                a weekday: the next one for --expect, the last one otherwise
  last thursday              the most recent Thursday before today
  Nov 24, 24 November 2026   month names (English), with or without a year
  the 15th, by the 1st       a day of the month: for --expect the first one from the
                             day said (--interviewed, the reply's day for heard;
                             without one, one up to a week past counts); otherwise
                             the most recent one
  24/11/2026, 24.11.26       numeric dates in your order (calendar.date_order; by
  11-24-2026, 2026/11/24     default your country's: GB day first, US month first,
                             CN/JP/KR/HU year first), with / . - or spaces between

A numeric date that makes no day in your order is refused, naming the day it would be
the other way round; it is never read the other way silently. A year written first with
four digits is always year, month, day. A two-digit year is the one nearest today.
A day and month without a year (5/1) are read in the order your country writes them
(Sweden 5/1 is 5 January, though its full dates are year first). Without a year,
--expect takes the nearest such day (1 Dec typed on 6 Dec is five days past, not next
year's), and --interviewed, --on and --emailed the most recent one; the output says
which year it took.

The promised day in words (--expect), as interviewers say it. Words are counted from
the day they were said: the --interviewed day when given, else today; and in the
interview's calendar (its --country and --subdivision, else yours). A week starts the
day after the weekend (Monday for a Saturday-Sunday weekend, Sunday for Friday-Saturday);
a weekend day belongs to the week it ends.

  today, tomorrow            the day said, the day after it
  EOD, COB                   end of day, close of business: the day said ("EOD
                             Friday", "by close of business tomorrow": that day; a
                             time of day, "Friday 5pm", is left out)
  friday, by Friday          the first Friday after the day said
  next Friday                the Friday of the week after the week said in (on a
                             Wednesday: nine days on; on a weekend: the coming Friday;
                             also "Friday next week")
  end of this week, EOW      the last business day of the week said in (Thursday
                             when Friday is a holiday); the next week's once it is past
                             (also "by the weekend", "later this week")
  end of next week           the last business day of the following week (also
                             "next week"; "week after next": the week after it)
  early next week            the second business day of next week
  start of next week         the first business day of next week (also "beginning")
  mid next week              the third business day of next week (also "middle of")
  end of the month           the last business day of the month (next month's once past)
  end of next month          the last business day of next month (also "next month")
  end of January             the last business day of that month, the one nearest
                             the day said (as a day without a year)
  end of the year            the last business day of the year (next year's once past)
  in 5 business days         the 5th business day after the day said (also "within",
                             "working days", and numbers as words up to twelve)
  in 3 days, in 2 weeks      calendar days or weeks after the day said (also
                             "within 2 weeks", "a week from today", "in a fortnight")
  vendredi, übermorgen, ...  other words and languages, as the dateparser library
                             reads them, counted from the day said; a week or month
                             named so ("nächste Woche") is read as its English words

Words that name no day, a past week ("last week"), a negative count ("in -3 days"), or
count from two days at once ("a week from tomorrow") are refused; write the date ("Dec
14") instead.

add and show say how the words were read, and the words are kept with the interview.
Without --expect but with --interviewed, the reply is expected
rules.default_wait_business_days business days (default 5) after the interview."""


def countries_text(found: Sequence[CountryEntry], *, subdivisions: bool) -> str:
    """One line per country, code and name; with ``subdivisions`` (a filter was given),
    each subdivision under it, code and name; else their codes on the country's line."""
    lines = []
    for c in found:
        if subdivisions:
            lines.append(f"{c.code}  {c.name}")
            sizes = max((text_width(code) for code, _name in c.subdivisions), default=0)
            lines += [
                f"    {code}{' ' * (sizes - text_width(code))}  {name}".rstrip()
                for code, name in c.subdivisions
            ]
        else:
            codes = ", ".join(code for code, _name in c.subdivisions)
            lines.append(f"{c.code}  {c.name}" + (f": {codes}" if codes else ""))
    return "\n".join(lines)


def countries_json(found: Sequence[CountryEntry]) -> list[dict[str, Any]]:
    """``[{"code", "name", "subdivisions": [{"code", "name"}]}]``."""
    return [
        {
            "code": c.code,
            "name": c.name,
            "subdivisions": [{"code": code, "name": name} for code, name in c.subdivisions],
        }
        for c in found
    ]


def no_country_match(text: str, close: Sequence[str]) -> str:
    """``countries TEXT`` matched nothing; ``close`` are the codes it may have meant."""
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    return f"no country or subdivision matches {text!r}{hint}"


def config_exists(path: Path) -> str:
    """Why ``init`` wrote nothing."""
    return f"a config file already exists at {path}; edit it, or remove it first"


def wrote_config(path: Path) -> str:
    """What ``init`` says first: where the config file was written."""
    return f"Wrote {path}"


def no_help_on(topic: str, hint: str) -> str:
    """``help TOPIC`` for a topic that is neither ``dates`` nor a command."""
    return f"no help on {topic!r}{hint}"


def channel_incomplete(name: str, missing: str) -> str:
    """``config`` on a channel's table set up half way, while ``notify.channels`` does not
    name the channel; ``missing`` is the channel's own words (``caldav.url is set but
    caldav.username is not``)."""
    return (
        f"the {name} channel is not complete: {missing}; it is used once complete and "
        "named in notify.channels"
    )
