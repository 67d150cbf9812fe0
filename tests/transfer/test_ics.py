"""The calendar feed, read back the way a calendar application reads it: parsed by icalendar.

The user lives in America/New_York with an en_US locale (see conftest): reminders come at
09:00 New York time on US business days, unless an interview names a place of its own.
Every interview is recorded through the CLI; the feed is made from the store as the CLI
makes its tracker.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from followup.config import load
from followup.lifecycle.service import Tracker
from followup.rules import Kind
from followup.store import Database
from followup.transfer.ics import Feed, render_feed
from tests.conftest import CLI_NOW
from tests.support.specs import Cli, day, ok

NEW_YORK = ZoneInfo("America/New_York")


def feed() -> bytes:
    config = load()
    db = Database(config.store_url)
    try:
        return render_feed(Tracker(config, db))
    finally:
        db.close()


def events(data: bytes) -> dict[str, Event]:
    """The feed's events by UID."""
    found = {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}
    assert len(found) == len(Calendar.from_ical(data).walk("VEVENT")), "UIDs must be unique"
    return found


def by_kind(data: bytes) -> dict[str, Event]:
    """The feed's live events by what they are: "reply-1", "email-1", "move_on-1" (a
    reminder's UID does not say which reminder it is; its summary does)."""
    found = {}
    for uid, event in events(data).items():
        if str(event.get("STATUS", "")) == "CANCELLED":
            continue
        what, number = uid.split("-")[:2]
        if what == "reminder":
            what = "email" if str(event["SUMMARY"]).startswith("Email") else "move_on"
        found[f"{what}-{number}"] = event
    return found


def cancelled(data: bytes) -> list[str]:
    """The feed's cancelled events, as "reply-1", "reminder-1"."""
    return sorted(
        "-".join(uid.split("-")[:2])
        for uid, event in events(data).items()
        if str(event.get("STATUS", "")) == "CANCELLED"
    )


def nine_am(text: str) -> datetime:
    """``"Fri 2026-11-27"`` at 09:00 in New York (the weekday is checked)."""
    return datetime.combine(day(text), datetime.min.time(), NEW_YORK).replace(hour=9)


def created_stamp(cli: Cli, interview_id: int) -> str:
    history = json.loads(ok(cli("history", str(interview_id), "--json")))
    created = datetime.fromisoformat(history[0]["at"]).astimezone(UTC)
    return f"{created:%Y%m%dT%H%M%S}Z"


def start(event: Event) -> Any:
    return event.decoded("DTSTART")


# -- reminders --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "summary", "at"),
    [
        # Tue 24, Wed 25 pass; Thu 26 is Thanksgiving
        (("Acme", "--expect", "2026-11-23"), "Email Acme to follow up", "Fri 2026-11-27"),
        # Thu 31 Dec passes, Fri 1 Jan is New Year's Day, Mon 4 Jan passes
        (("Acme", "--expect", "2026-12-30"), "Email Acme to follow up", "Tue 2027-01-05"),
        # Fri 12, Mon 15 pass; clocks went forward on Sun 14 Mar: 09:00 EDT, 13:00 UTC
        (("Acme", "--expect", "2027-03-11"), "Email Acme to follow up", "Tue 2027-03-16"),
        # German business days (Thu 14 May is Ascension Day), the user's 09:00 in New York
        (
            ("Acme", "--expect", "2026-05-12", "--country", "DE"),
            "Email Acme to follow up",
            "Mon 2026-05-18",
        ),
        (
            ("Acme", "--expect", "2026-11-23", "--role", "Engineer"),
            "Email Acme to follow up (Engineer)",
            "Fri 2026-11-27",
        ),
    ],
    ids=["thanksgiving", "new year", "daylight saving time", "german holiday", "with a role"],
)
@pytest.mark.parametrize("cli_now", [datetime(2026, 5, 1, 16, tzinfo=UTC)], ids=["1 May 2026"])
def test_an_open_interview_has_its_next_reminder_as_a_15_minute_event(
    cli: Cli, args: tuple[str, ...], summary: str, at: str
) -> None:
    ok(cli("add", *args))
    reminder = by_kind(feed())["email-1"]
    assert str(reminder["SUMMARY"]) == summary
    assert start(reminder) == nine_am(at)
    assert reminder.decoded("DTEND") - start(reminder) == timedelta(minutes=15)


def test_the_reminder_keeps_the_time_zone_and_says_what_to_do(cli: Cli) -> None:
    ok(
        cli(
            "add", "Acme", "--expect", "2026-11-23", "--role", "Backend Engineer",
            "--contact", "Ann Lee", "--email", "ann@acme.example", "--note", "liked Rust",
        )
    )  # fmt: skip
    data = feed()
    assert b"DTSTART;TZID=America/New_York:20261127T090000\r\n" in data
    calendar = Calendar.from_ical(data)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    reminder = by_kind(data)["email-1"]
    assert str(reminder["DESCRIPTION"]) == (
        "It has been more than 2 business days since Ann Lee at Acme said they would get "
        "back to you (Mon 23 Nov 2026). A short, polite email is better than a call: they "
        "can read it when they have a moment.\n"
        "Draft it: followup draft 1\n"
        "Once sent: followup emailed 1\n"
        "\n"
        "Role: Backend Engineer\n"
        "Contact: Ann Lee <ann@acme.example>\n"
        "Notes: liked Rust\n"
        "Details: followup show 1"
    )


def test_the_reminder_has_an_alarm_at_its_start(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    [alarm] = by_kind(feed())["email-1"].walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(0)
    assert str(alarm["DESCRIPTION"]) == "Time to email Acme"


def test_in_a_utc_config_instants_are_written_in_utc_with_no_time_zone(
    cli: Cli, config_file: Path
) -> None:
    config_file.write_text('[calendar]\ntimezone = "UTC"\n')
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    data = feed()
    assert b"DTSTART:20261127T090000Z\r\n" in data
    assert not Calendar.from_ical(data).walk("VTIMEZONE")
    assert start(by_kind(data)["email-1"]) == datetime(2026, 11, 27, 9, tzinfo=UTC)


def test_once_emailed_the_email_event_gives_way_to_a_move_on_event(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("emailed", "1", "--on", "2026-11-25"))
    found = by_kind(feed())
    assert sorted(found) == ["move_on-1", "reply-1"]
    move_on = found["move_on-1"]
    # Thu 26 Thanksgiving; Fri 27, Mon 30, Tue 1, Wed 2, Thu 3 pass
    assert start(move_on) == nine_am("Fri 2026-12-04")
    assert str(move_on["SUMMARY"]) == "Move on from Acme"
    assert str(move_on["DESCRIPTION"]) == (
        "There has been no reply for 5 business days since your email to Acme on "
        "Wed 25 Nov 2026. It is time to put your energy into other openings.\n"
        "Record it: followup moved-on 1\n"
        "\n"
        "Details: followup show 1"
    )
    [alarm] = move_on.walk("VALARM")
    assert str(alarm["DESCRIPTION"]) == "Time to move on from Acme"


def test_a_reminder_already_shown_stays_in_the_calendar(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    before = feed()
    config = load()
    db = Database(config.store_url)
    try:
        tracker = Tracker(config, db)
        at = nine_am("Fri 2026-11-27").astimezone(UTC)
        tracker.record_shown([(1, Kind.EMAIL, at)], at + timedelta(seconds=1))
        assert [d.is_due for d in tracker.upcoming()] == [True]  # due, shown again Mon
    finally:
        db.close()
    assert feed() == before


@pytest.mark.parametrize("command", [("heard", "1", "--outcome", "offer", "--on", "2026-11-25"),
                                     ("moved-on", "1"), ("withdraw", "1")],
                         ids=["heard back", "moved on", "withdrawn"])  # fmt: skip
def test_a_closed_interview_has_no_reminder_but_keeps_its_promised_day(
    cli: Cli, command: tuple[str, ...]
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli(*command))
    data = feed()
    assert sorted(by_kind(data)) == ["reply-1"]
    # the reminder's UID stays, cancelled, with a higher SEQUENCE than the one sent before
    assert cancelled(data) == ["reminder-1"]
    [ended] = [e for e in events(data).values() if str(e["UID"]).startswith("reminder-")]
    assert ended.decoded("SEQUENCE") == 2
    assert not ended.walk("VALARM")


# -- promised reply days ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("commands", "status"),
    [
        ((), "waiting for their reply (email reminder on Fri 27 Nov 2026)"),
        (
            (("emailed", "1", "--on", "2026-11-25"),),
            "emailed them on Wed 25 Nov 2026, waiting for their reply "
            "(move-on reminder on Fri 4 Dec 2026)",
        ),
        ((("heard", "1", "--outcome", "offer", "--on", "2026-11-25"),), "heard back (offer)"),
        ((("moved-on", "1"),), "moved on"),
        ((("withdraw", "1"),), "withdrawn"),
    ],
    ids=["waiting", "emailed", "heard back", "moved on", "withdrawn"],
)
def test_every_interview_has_its_promised_day_as_an_all_day_event(
    cli: Cli, commands: tuple[tuple[str, ...], ...], status: str
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23", "--role", "Engineer"))
    for command in commands:
        ok(cli(*command))
    reply = by_kind(feed())["reply-1"]
    assert str(reply["SUMMARY"]) == "Acme said they would reply (Engineer)"
    assert start(reply) == day("Mon 2026-11-23")
    assert reply.decoded("DTEND") == day("Tue 2026-11-24")
    assert str(reply["TRANSP"]) == "TRANSPARENT"
    assert str(reply["DESCRIPTION"]) == (
        "Acme said they would reply by Mon 23 Nov 2026.\n"
        f"Status: {status}\n"
        "Role: Engineer\n"
        "Details: followup show 1"
    )
    assert not reply.walk("VALARM")


# -- updating, not duplicating ----------------------------------------------------------------


def test_uids_come_from_the_id_and_creation_and_stay_through_a_change(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    stamp = created_stamp(cli, 1)
    first = events(feed())
    assert sorted(first) == [f"reminder-1-{stamp}@followup", f"reply-1-{stamp}@followup"]
    assert events(feed()).keys() == first.keys()

    ok(cli("edit", "1", "--note", "called on Monday"))
    second = events(feed())
    assert second.keys() == first.keys()
    history = json.loads(ok(cli("history", "1", "--json")))
    edited = datetime.fromisoformat(history[-1]["at"]).replace(microsecond=0)
    for uid, event in second.items():
        assert (first[uid].decoded("SEQUENCE"), event.decoded("SEQUENCE")) == (1, 2)
        assert event.decoded("DTSTAMP") == edited
        assert event.decoded("LAST-MODIFIED") == edited


def test_the_same_data_gives_the_same_bytes(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23", "--role", "Engineer"))
    ok(cli("add", "Beta", "--expect", "2026-11-02"))
    ok(cli("heard", "2", "--outcome", "rejected", "--on", "2026-11-04"))
    first = feed()
    ok(cli("list", "--all"))
    ok(cli("show", "1"))
    assert feed() == first


@pytest.mark.parametrize(
    ("expect", "command", "reply", "email"),
    [
        # Thu 27 Nov 2036 is Thanksgiving: email Fri 28 Nov; 3 business days on: Wed 3 Dec
        ("2036-11-24", ("snooze", "1", "--days", "3"), "Mon 2036-11-24", "Wed 2036-12-03"),
        # Mon 30 Nov: Tue 1, Wed 2 Dec pass
        ("2026-11-23", ("edit", "1", "--expect", "2026-11-30"), "Mon 2026-11-30",
         "Thu 2026-12-03"),
        # a next round promised for Mon 7 Dec: Tue 8, Wed 9 pass
        ("2026-11-23",
         ("heard", "1", "--outcome", "next-round", "--on", "2026-11-25", "--expect", "2026-12-07"),
         "Mon 2026-12-07", "Thu 2026-12-10"),
    ],
    ids=["snooze", "new promised day", "next round"],
)  # fmt: skip
def test_a_change_moves_the_events_and_keeps_their_uids(
    cli: Cli, expect: str, command: tuple[str, ...], reply: str, email: str
) -> None:
    ok(cli("add", "Acme", "--expect", expect))
    before = events(feed())
    ok(cli(*command))
    after = events(feed())
    assert after.keys() == before.keys()
    moved = by_kind(feed())
    assert (start(moved["reply-1"]), start(moved["email-1"])) == (day(reply), nine_am(email))


# -- the file itself --------------------------------------------------------------------------


def test_the_calendar_names_itself(cli: Cli) -> None:
    calendar = Calendar.from_ical(feed())
    assert {k: str(calendar[k]) for k in ("VERSION", "PRODID", "CALSCALE", "X-WR-CALNAME")} == {
        "VERSION": "2.0",
        "PRODID": "-//followup//followup//EN",
        "CALSCALE": "GREGORIAN",
        "X-WR-CALNAME": "Interview follow-ups",
    }
    assert not calendar.walk("VEVENT")


SPECIAL = {
    "company": "Müller, Söhne; & Co",
    "role": "Lead \\ Platform, Data; ML",
    "contact": "Zoë Ñúñez",
    "note": "line one, with a comma; and a semicolon\nline two: 日本語 and 😀 " + "x" * 90,
}


def test_commas_semicolons_newlines_and_other_scripts_come_back_as_written(cli: Cli) -> None:
    ok(
        cli(
            "add", SPECIAL["company"], "--expect", "2026-11-23", "--role", SPECIAL["role"],
            "--contact", SPECIAL["contact"], "--note", SPECIAL["note"],
        )
    )  # fmt: skip
    found = by_kind(feed())
    company, role = SPECIAL["company"], SPECIAL["role"]
    assert str(found["email-1"]["SUMMARY"]) == f"Email {company} to follow up ({role})"
    assert str(found["reply-1"]["SUMMARY"]) == f"{company} said they would reply ({role})"
    description = str(found["email-1"]["DESCRIPTION"])
    assert f"since {SPECIAL['contact']} at {company} said" in description
    assert f"\nNotes: {SPECIAL['note']}\n" in description
    [alarm] = found["email-1"].walk("VALARM")
    assert str(alarm["DESCRIPTION"]) == f"Time to email {company}"


@pytest.mark.parametrize("cli_now", [datetime(2026, 3, 13, 17, tzinfo=UTC)], ids=["13 Mar"])
def test_long_lines_are_folded_within_75_octets_and_read_back_whole(cli: Cli) -> None:
    ok(
        cli(
            "add", SPECIAL["company"], "--expect", "2026-11-23", "--role", SPECIAL["role"],
            "--contact", SPECIAL["contact"], "--note", SPECIAL["note"] + "\\" * 200,
        )
    )  # fmt: skip
    ok(cli("add", "Beta", "--expect", "2026-03-10", "--note", "é" * 100))
    ok(cli("emailed", "2", "--on", "2026-03-12"))
    ok(cli("add", "Corp", "--expect", "2026-11-02"))
    ok(cli("withdraw", "3"))
    data = feed()

    assert data.endswith(b"\r\n")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode()  # never cut inside a character
    notes = [str(e["DESCRIPTION"]) for e in Calendar.from_ical(data).walk("VEVENT")]
    long_notes = ("Notes: " + SPECIAL["note"] + "\\" * 200 + "\n", "Notes: " + "é" * 100 + "\n")
    assert [sum(text in n for n in notes) for text in long_notes] == [2, 2]


def test_an_interview_deleted_leaves_the_feed(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("add", "Beta", "--expect", "2026-11-23"))
    ok(cli("delete", "1", "--yes"))
    data = feed()
    assert sorted(by_kind(data)) == ["email-2", "reply-2"]
    # a calendar never deletes by itself: both of its events stay, cancelled, naming nothing
    assert cancelled(data) == ["reminder-1", "reply-1"]
    gone = [e for e in events(data).values() if str(e.get("STATUS")) == "CANCELLED"]
    assert {str(e["SUMMARY"]) for e in gone} == {"Deleted interview"}
    assert [e.decoded("SEQUENCE") for e in gone] == [2, 2]  # created, then deleted
    assert b"Acme" not in data


def test_reply_days_need_no_time_zone(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("withdraw", "1"))
    data = feed()
    assert b"DTSTART;VALUE=DATE:20261123\r\n" in data
    assert not Calendar.from_ical(data).walk("VTIMEZONE")
    assert isinstance(start(by_kind(data)["reply-1"]), date)


def test_a_kept_feed_after_changes_is_the_feed_made_afresh(cli: Cli) -> None:
    """The daemon keeps one Feed and re-serialises only what changed: the result must be
    byte for byte what a fresh export gives."""
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("add", "Beta", "--expect", "2026-11-24"))
    ok(cli("add", "Corp", "--expect", "2026-11-25"))
    config = load()
    db = Database(config.store_url)
    try:
        kept = Feed()
        kept.render(Tracker(config, db))
        ok(cli("emailed", "1", "--on", "2026-11-27"))
        ok(cli("edit", "2", "--note", "second call went well"))
        ok(cli("delete", "3", "--yes"))
        added = ok(cli("add", "Delta", "--expect", "2026-11-30", at=CLI_NOW + timedelta(minutes=1)))
        assert kept.render(Tracker(config, db)) == render_feed(Tracker(config, db))
        # SQLite gives the freed id 3 to Delta, PostgreSQL's sequence 4: either way its UIDs
        # differ from Corp's, by id or by creation time.
        delta = re.search(r"Added interview (\d+)", added)
        assert delta is not None
        found = sorted(by_kind(kept.render(Tracker(config, db))))
        assert found == sorted(
            ["email-2", f"email-{delta[1]}", "move_on-1", "reply-1", "reply-2", f"reply-{delta[1]}"]
        )
    finally:
        db.close()
