"""Specification of the reminder rules: when the email and move-on reminders are due on each
calendar, what a snooze does, which statuses get a reminder, the instant in the user's zone
across DST changes, and the plain-words explanation.

Dates are written "Mon 2026-11-23" so the weekday can be read off the table; ``day()`` checks
that the weekday written matches the date. Instants are ISO 8601 with the local offset.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup.business_days import Place, calendar_for
from followup.rules import (
    Kind,
    Reminder,
    RuleSettings,
    Stage,
    Status,
    Timing,
    email_day,
    explain,
    local_instant,
    move_on_day,
    next_reminder,
    snooze_day,
)
from tests.support.specs import (
    AE,
    DE,
    DE_BY,
    GB,
    GB_ENG,
    IL,
    JP,
    SA,
    SAT,
    SUN,
    US,
    US_CA,
    US_FRI_SAT,
    WEEKENDS_ONLY,
    day,
)

AE_SAT_SUN = Place("AE", weekend=frozenset({SAT, SUN}))  # a user-set weekend
IL_SAT_SUN = Place("IL", weekend=frozenset({SAT, SUN}))  # a user-set weekend

NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"
LONDON = "Europe/London"
JERUSALEM = "Asia/Jerusalem"
DUBAI = "Asia/Dubai"
TOKYO = "Asia/Tokyo"


def timing(zone: str, at: str = "09:00") -> Timing:
    return Timing(ZoneInfo(zone), time.fromisoformat(at))


def ids(value: object) -> str:
    return value.describe() if isinstance(value, Place) else str(value)


# --- the email reminder ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "expected_on", "n", "reminder_day", "zone", "instant"),
    [
        # the worked example: Tue 24, Wed 25 pass; Thu 26 Thanksgiving
        (US, "Mon 2026-11-23", 2, "Fri 2026-11-27", NEW_YORK, "2026-11-27T09:00-05:00"),
        # ... and in California Fri 27 is "Day After Thanksgiving"
        (US_CA, "Mon 2026-11-23", 2, "Mon 2026-11-30", NEW_YORK, "2026-11-30T09:00-05:00"),
        (US, "Mon 2026-11-23", 0, "Tue 2026-11-24", NEW_YORK, "2026-11-24T09:00-05:00"),
        (US, "Mon 2026-11-23", 1, "Wed 2026-11-25", NEW_YORK, "2026-11-25T09:00-05:00"),
        (US, "Mon 2026-11-23", 3, "Mon 2026-11-30", NEW_YORK, "2026-11-30T09:00-05:00"),
        # a reply expected on a holiday or weekend: counting starts the day after it
        (US, "Thu 2026-11-26", 2, "Tue 2026-12-01", NEW_YORK, "2026-12-01T09:00-05:00"),
        (US, "Sat 2026-11-28", 2, "Wed 2026-12-02", NEW_YORK, "2026-12-02T09:00-05:00"),
        # Christmas (Fri 25) and New Year (Fri 1 Jan 2027)
        (US, "Wed 2026-12-23", 2, "Tue 2026-12-29", NEW_YORK, "2026-12-29T09:00-05:00"),
        (US, "Tue 2026-12-29", 2, "Mon 2027-01-04", NEW_YORK, "2027-01-04T09:00-05:00"),
        (US, "Wed 2026-12-23", 5, "Mon 2027-01-04", NEW_YORK, "2027-01-04T09:00-05:00"),
        # Israel: Friday + Saturday weekend; Yom Kippur Mon 21 Sep
        (IL, "Wed 2026-12-02", 2, "Mon 2026-12-07", JERUSALEM, "2026-12-07T09:00+02:00"),
        (IL, "Sun 2026-09-20", 2, "Thu 2026-09-24", JERUSALEM, "2026-09-24T09:00+03:00"),
        # UAE: Saturday + Sunday weekend; National Day Wed 2 + Thu 3 Dec
        (AE, "Tue 2026-12-01", 2, "Tue 2026-12-08", DUBAI, "2026-12-08T09:00+04:00"),
        # UAE in 2021 still had a Friday + Saturday weekend; a user's Sat + Sun overrides it
        (AE, "Thu 2021-06-10", 0, "Sun 2021-06-13", DUBAI, "2021-06-13T09:00+04:00"),
        (AE_SAT_SUN, "Thu 2021-06-10", 0, "Fri 2021-06-11", DUBAI, "2021-06-11T09:00+04:00"),
        # Saudi Arabia: Eid al-Fitr Thu 19 .. Tue 24 Mar, then Friday + Saturday weekend
        (SA, "Wed 2026-03-18", 2, "Sun 2026-03-29", NEW_YORK, "2026-03-29T09:00-04:00"),
        # Easter: Good Friday everywhere in the UK, Easter Monday in England, not UK-wide
        (GB_ENG, "Thu 2026-04-02", 2, "Thu 2026-04-09", LONDON, "2026-04-09T09:00+01:00"),
        (GB, "Thu 2026-04-02", 2, "Wed 2026-04-08", LONDON, "2026-04-08T09:00+01:00"),
        (DE, "Thu 2026-04-02", 2, "Thu 2026-04-09", BERLIN, "2026-04-09T09:00+02:00"),
        # Bavaria: Epiphany (Tue 6 Jan) and Corpus Christi (Thu 4 Jun) are not German-wide
        (DE, "Fri 2026-01-02", 2, "Wed 2026-01-07", BERLIN, "2026-01-07T09:00+01:00"),
        (DE_BY, "Fri 2026-01-02", 2, "Thu 2026-01-08", BERLIN, "2026-01-08T09:00+01:00"),
        (DE, "Tue 2026-06-02", 2, "Fri 2026-06-05", BERLIN, "2026-06-05T09:00+02:00"),
        (DE_BY, "Tue 2026-06-02", 2, "Mon 2026-06-08", BERLIN, "2026-06-08T09:00+02:00"),
        # Japan: Golden Week
        (JP, "Tue 2026-04-28", 2, "Thu 2026-05-07", TOKYO, "2026-05-07T09:00+09:00"),
        # weekends only: Thanksgiving and Christmas count
        (WEEKENDS_ONLY, "Mon 2026-11-23", 2, "Thu 2026-11-26", NEW_YORK, "2026-11-26T09:00-05:00"),
        (WEEKENDS_ONLY, "Wed 2026-12-23", 2, "Mon 2026-12-28", NEW_YORK, "2026-12-28T09:00-05:00"),
        # a user-set Friday + Saturday weekend with the US holidays
        (US_FRI_SAT, "Mon 2026-11-23", 2, "Sun 2026-11-29", NEW_YORK, "2026-11-29T09:00-05:00"),
    ],
    ids=ids,
)
def test_email_reminder(
    place: Place, expected_on: str, n: int, reminder_day: str, zone: str, instant: str
) -> None:
    rules = RuleSettings(email_after_business_days=n)
    cal = calendar_for(place)
    stage = Stage(Status.WAITING, day(expected_on))

    reminder = next_reminder(stage, rules, cal, timing(zone))

    assert email_day(day(expected_on), rules, cal) == day(reminder_day)
    assert reminder == Reminder(
        Kind.EMAIL, day(reminder_day), datetime.fromisoformat(instant), day(expected_on),
        day(reminder_day),
    )  # fmt: skip
    assert reminder.at.isoformat(timespec="minutes") == instant
    assert reminder.at.tzinfo == ZoneInfo(zone)


# --- the move-on reminder ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "emailed_on", "m", "reminder_day", "zone", "instant"),
    [
        # the worked example: Israel, Sun 6 .. Thu 10 pass, Fri 11 + Sat 12 weekend
        (IL, "Thu 2026-12-03", 5, "Sun 2026-12-13", NEW_YORK, "2026-12-13T09:00-05:00"),
        (IL, "Thu 2026-12-03", 1, "Mon 2026-12-07", NEW_YORK, "2026-12-07T09:00-05:00"),
        # ... and with a user-set Saturday + Sunday weekend
        (IL_SAT_SUN, "Thu 2026-12-03", 5, "Fri 2026-12-11", NEW_YORK, "2026-12-11T09:00-05:00"),
        (US, "Fri 2026-11-27", 5, "Mon 2026-12-07", NEW_YORK, "2026-12-07T09:00-05:00"),
        (US, "Wed 2026-11-25", 5, "Fri 2026-12-04", NEW_YORK, "2026-12-04T09:00-05:00"),
        (US_CA, "Wed 2026-11-25", 5, "Mon 2026-12-07", NEW_YORK, "2026-12-07T09:00-05:00"),
        (US, "Fri 2026-12-18", 5, "Tue 2026-12-29", NEW_YORK, "2026-12-29T09:00-05:00"),
        (US, "Mon 2026-12-28", 3, "Mon 2027-01-04", NEW_YORK, "2027-01-04T09:00-05:00"),
        # England: Christmas Fri 25, Boxing Day Sat 26 (observed Mon 28)
        (GB_ENG, "Mon 2026-12-21", 5, "Thu 2026-12-31", LONDON, "2026-12-31T09:00+00:00"),
        (DE, "Mon 2026-06-01", 5, "Tue 2026-06-09", BERLIN, "2026-06-09T09:00+02:00"),
        (DE_BY, "Mon 2026-06-01", 5, "Wed 2026-06-10", BERLIN, "2026-06-10T09:00+02:00"),
        (SA, "Thu 2026-05-21", 2, "Mon 2026-06-01", DUBAI, "2026-06-01T09:00+04:00"),
        (WEEKENDS_ONLY, "Thu 2026-12-24", 5, "Fri 2027-01-01", NEW_YORK, "2027-01-01T09:00-05:00"),
        (US_FRI_SAT, "Wed 2026-11-25", 2, "Tue 2026-12-01", NEW_YORK, "2026-12-01T09:00-05:00"),
    ],
    ids=ids,
)
def test_move_on_reminder(
    place: Place, emailed_on: str, m: int, reminder_day: str, zone: str, instant: str
) -> None:
    rules = RuleSettings(move_on_after_business_days=m)
    cal = calendar_for(place)
    stage = Stage(Status.EMAILED, day("Mon 2021-01-04"), emailed_on=day(emailed_on))

    reminder = next_reminder(stage, rules, cal, timing(zone))

    assert move_on_day(day(emailed_on), rules, cal) == day(reminder_day)
    assert reminder == Reminder(
        Kind.MOVE_ON, day(reminder_day), datetime.fromisoformat(instant), day(emailed_on),
        day(reminder_day),
    )  # fmt: skip
    assert reminder.at.isoformat(timespec="minutes") == instant


# --- which statuses get a reminder -------------------------------------------------------


@pytest.mark.parametrize("status", [Status.HEARD_BACK, Status.MOVED_ON, Status.WITHDRAWN])
@pytest.mark.parametrize("emailed_on", [None, "Tue 2026-12-01"])
def test_closed_interviews_get_no_reminder(status: Status, emailed_on: str | None) -> None:
    stage = Stage(status, day("Mon 2026-11-23"), emailed_on and day(emailed_on))
    assert next_reminder(stage, RuleSettings(), calendar_for(US), timing(NEW_YORK)) is None
    assert not status.is_open


def test_waiting_gets_the_email_reminder_counted_from_the_expected_reply() -> None:
    stage = Stage(Status.WAITING, day("Mon 2026-11-23"))
    reminder = next_reminder(stage, RuleSettings(), calendar_for(US), timing(NEW_YORK))
    assert reminder is not None
    assert reminder.kind is Kind.EMAIL
    assert reminder.counted_from == day("Mon 2026-11-23")
    assert reminder.day == reminder.due == day("Fri 2026-11-27")
    assert Status.WAITING.is_open


def test_emailed_gets_the_move_on_reminder_counted_from_the_email() -> None:
    stage = Stage(Status.EMAILED, day("Mon 2026-11-23"), emailed_on=day("Wed 2026-11-25"))
    reminder = next_reminder(stage, RuleSettings(), calendar_for(US), timing(NEW_YORK))
    assert reminder is not None
    assert reminder.kind is Kind.MOVE_ON
    assert reminder.counted_from == day("Wed 2026-11-25")
    # Fri 27, Mon 30, Tue 1, Wed 2, Thu 3 pass
    assert reminder.day == reminder.due == day("Fri 2026-12-04")
    assert Status.EMAILED.is_open


@pytest.mark.parametrize(
    ("stage", "kind", "due", "snoozed_to"),
    [
        (
            Stage(Status.WAITING, day("Mon 2026-11-23"), snoozed_to=day("Tue 2026-12-01")),
            Kind.EMAIL, "Fri 2026-11-27", "Tue 2026-12-01",
        ),
        (
            Stage(
                Status.EMAILED, day("Mon 2026-11-23"), day("Wed 2026-11-25"),
                snoozed_to=day("Mon 2026-12-07"),
            ),
            Kind.MOVE_ON, "Fri 2026-12-04", "Mon 2026-12-07",
        ),
    ],
    ids=["email", "move_on"],
)  # fmt: skip
def test_snoozed_to_replaces_the_day_but_keeps_the_due_date(
    stage: Stage, kind: Kind, due: str, snoozed_to: str
) -> None:
    reminder = next_reminder(stage, RuleSettings(), calendar_for(US), timing(NEW_YORK))
    assert reminder is not None
    assert reminder.kind is kind
    assert reminder.day == day(snoozed_to)
    assert reminder.due == day(due)
    assert reminder.at == local_instant(day(snoozed_to), time(9, 0), ZoneInfo(NEW_YORK))


# --- snooze ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "due", "today", "days", "result"),
    [
        # due later than today: counted from the due date
        (US, "Fri 2026-11-27", "Tue 2026-11-24", 1, "Mon 2026-11-30"),
        (US, "Fri 2026-11-27", "Tue 2026-11-24", 3, "Wed 2026-12-02"),
        # today later than the due date: counted from today
        (US, "Fri 2026-11-27", "Mon 2026-12-21", 3, "Thu 2026-12-24"),
        (US, "Fri 2026-11-27", "Mon 2026-12-21", 4, "Mon 2026-12-28"),
        (US, "Fri 2026-11-27", "Wed 2026-12-23", 2, "Mon 2026-12-28"),
        # today is the due date
        (US, "Wed 2026-11-25", "Wed 2026-11-25", 1, "Fri 2026-11-27"),
        (US_CA, "Wed 2026-11-25", "Wed 2026-11-25", 1, "Mon 2026-11-30"),
        # today on a weekend
        (US, "Fri 2026-11-27", "Sat 2026-11-28", 1, "Mon 2026-11-30"),
        (IL, "Sun 2026-12-13", "Thu 2026-12-10", 1, "Mon 2026-12-14"),
        (IL, "Thu 2026-12-10", "Fri 2026-12-11", 1, "Sun 2026-12-13"),
        (DE_BY, "Fri 2026-01-02", "Fri 2026-01-02", 2, "Wed 2026-01-07"),
        (WEEKENDS_ONLY, "Thu 2026-12-24", "Tue 2026-12-22", 1, "Fri 2026-12-25"),
        # zero days: the later date itself when it is a business day, else the next one
        (US, "Fri 2026-11-27", "Tue 2026-11-24", 0, "Fri 2026-11-27"),
        (US, "Fri 2026-11-27", "Sat 2026-11-28", 0, "Mon 2026-11-30"),
    ],
    ids=ids,
)
def test_snooze_day(place: Place, due: str, today: str, days: int, result: str) -> None:
    assert snooze_day(day(due), day(today), days, calendar_for(place)) == day(result)


# --- the instant in the user's zone: DST ------------------------------------------------


@pytest.mark.parametrize(
    ("place", "stage", "zone", "instant", "utc"),
    [
        # New York springs forward on Sun 2026-03-08 (-05:00 -> -04:00)
        (US, Stage(Status.WAITING, day("Tue 2026-03-03")), NEW_YORK,
         "2026-03-06T09:00-05:00", "2026-03-06T14:00+00:00"),
        (US, Stage(Status.WAITING, day("Thu 2026-03-05")), NEW_YORK,
         "2026-03-10T09:00-04:00", "2026-03-10T13:00+00:00"),
        (IL, Stage(Status.EMAILED, day("Mon 2026-02-23"), day("Thu 2026-02-26")), NEW_YORK,
         "2026-03-08T09:00-04:00", "2026-03-08T13:00+00:00"),
        # New York falls back on Sun 2026-11-01 (-04:00 -> -05:00)
        (US, Stage(Status.WAITING, day("Mon 2026-10-26")), NEW_YORK,
         "2026-10-29T09:00-04:00", "2026-10-29T13:00+00:00"),
        (US, Stage(Status.WAITING, day("Wed 2026-10-28")), NEW_YORK,
         "2026-11-02T09:00-05:00", "2026-11-02T14:00+00:00"),
        (IL, Stage(Status.EMAILED, day("Mon 2026-10-19"), day("Thu 2026-10-22")), NEW_YORK,
         "2026-11-01T09:00-05:00", "2026-11-01T14:00+00:00"),
        # Berlin springs forward on Sun 2026-03-29 (+01:00 -> +02:00)
        (DE, Stage(Status.WAITING, day("Mon 2026-03-23")), BERLIN,
         "2026-03-26T09:00+01:00", "2026-03-26T08:00+00:00"),
        (DE, Stage(Status.WAITING, day("Thu 2026-03-26")), BERLIN,
         "2026-03-31T09:00+02:00", "2026-03-31T07:00+00:00"),
        (IL, Stage(Status.EMAILED, day("Mon 2026-03-16"), day("Thu 2026-03-19")), BERLIN,
         "2026-03-29T09:00+02:00", "2026-03-29T07:00+00:00"),
        # Berlin falls back on Sun 2026-10-25 (+02:00 -> +01:00)
        (DE, Stage(Status.WAITING, day("Mon 2026-10-19")), BERLIN,
         "2026-10-22T09:00+02:00", "2026-10-22T07:00+00:00"),
        (DE, Stage(Status.WAITING, day("Wed 2026-10-21")), BERLIN,
         "2026-10-26T09:00+01:00", "2026-10-26T08:00+00:00"),
        (IL, Stage(Status.EMAILED, day("Mon 2026-10-12"), day("Thu 2026-10-15")), BERLIN,
         "2026-10-25T09:00+01:00", "2026-10-25T08:00+00:00"),
    ],
    ids=lambda v: v if isinstance(v, str) and "T09" in v else None,
)  # fmt: skip
def test_nine_oclock_stays_nine_oclock_across_dst(
    place: Place, stage: Stage, zone: str, instant: str, utc: str
) -> None:
    reminder = next_reminder(stage, RuleSettings(), calendar_for(place), timing(zone))
    assert reminder is not None
    assert reminder.at.isoformat(timespec="minutes") == instant
    assert reminder.at_utc.isoformat(timespec="minutes") == utc
    assert reminder.at_utc.tzinfo is UTC


@pytest.mark.parametrize(
    ("when", "at", "zone", "instant", "utc"),
    [
        # 02:30 does not exist on Sun 2026-03-08 in New York: it is read with the offset
        # before the change, so it lands an hour later on the wall clock
        ("Sun 2026-03-08", "02:30", NEW_YORK, "2026-03-08T03:30-04:00", "2026-03-08T07:30+00:00"),
        ("Sun 2026-03-08", "02:00", NEW_YORK, "2026-03-08T03:00-04:00", "2026-03-08T07:00+00:00"),
        ("Sun 2026-03-08", "03:00", NEW_YORK, "2026-03-08T03:00-04:00", "2026-03-08T07:00+00:00"),
        ("Sun 2026-03-29", "02:30", BERLIN, "2026-03-29T03:30+02:00", "2026-03-29T01:30+00:00"),
        # 01:30 happens twice on Sun 2026-11-01 in New York: the first one (still -04:00)
        ("Sun 2026-11-01", "01:30", NEW_YORK, "2026-11-01T01:30-04:00", "2026-11-01T05:30+00:00"),
        ("Sun 2026-10-25", "02:30", BERLIN, "2026-10-25T02:30+02:00", "2026-10-25T00:30+00:00"),
        # the day before and after the gap, 02:30 is 02:30
        ("Sat 2026-03-07", "02:30", NEW_YORK, "2026-03-07T02:30-05:00", "2026-03-07T07:30+00:00"),
        ("Mon 2026-03-09", "02:30", NEW_YORK, "2026-03-09T02:30-04:00", "2026-03-09T06:30+00:00"),
    ],
    ids=lambda v: str(v),
)
def test_local_instant_for_times_a_dst_change_skips_or_repeats(
    when: str, at: str, zone: str, instant: str, utc: str
) -> None:
    result = local_instant(day(when), time.fromisoformat(at), ZoneInfo(zone))
    assert result.isoformat(timespec="minutes") == instant
    assert result.astimezone(UTC).isoformat(timespec="minutes") == utc


def test_a_reminder_due_inside_the_spring_forward_gap_is_shown_after_it() -> None:
    """Israel counts Sunday, so the move-on reminder falls on the day New York skips 02:30."""
    stage = Stage(Status.EMAILED, day("Mon 2026-02-23"), emailed_on=day("Thu 2026-02-26"))
    ny = timing(NEW_YORK, "02:30")
    cal = calendar_for(IL)
    reminder = next_reminder(stage, RuleSettings(), cal, ny)
    assert reminder is not None
    assert reminder.day == day("Sun 2026-03-08")
    assert reminder.at.isoformat(timespec="minutes") == "2026-03-08T03:30-04:00"
    assert explain(reminder, RuleSettings(), cal, ny)[-1] == (
        "Move-on reminder: Sun 8 Mar 2026 at 03:30 (America/New_York)."
    )


# --- explanations ------------------------------------------------------------------------


def _explain(place: Place, stage: Stage, rules: RuleSettings, zone: str = NEW_YORK) -> list[str]:
    cal = calendar_for(place)
    reminder = next_reminder(stage, rules, cal, timing(zone))
    assert reminder is not None
    return explain(reminder, rules, cal, timing(zone))


def test_explain_the_us_ca_email_reminder() -> None:
    lines = _explain(US_CA, Stage(Status.WAITING, day("Mon 2026-11-23")), RuleSettings())
    assert lines == [
        "Reply expected on Mon 23 Nov 2026.",
        "Business days counted (US-CA), 2 must pass: Tue 24 Nov, Wed 25 Nov.",
        "Thu 26 Nov: Thanksgiving Day",
        "Fri 27 Nov: Day After Thanksgiving",
        "Sat 28, Sun 29 Nov: weekend",
        "Email reminder: Mon 30 Nov 2026 at 09:00 (America/New_York).",
    ]


def test_explain_the_us_email_reminder() -> None:
    lines = _explain(US, Stage(Status.WAITING, day("Mon 2026-11-23")), RuleSettings())
    assert lines == [
        "Reply expected on Mon 23 Nov 2026.",
        "Business days counted (US), 2 must pass: Tue 24 Nov, Wed 25 Nov.",
        "Thu 26 Nov: Thanksgiving Day",
        "Email reminder: Fri 27 Nov 2026 at 09:00 (America/New_York).",
    ]


def test_explain_the_israel_move_on_reminder() -> None:
    stage = Stage(Status.EMAILED, day("Mon 2026-11-30"), emailed_on=day("Thu 2026-12-03"))
    assert _explain(IL, stage, RuleSettings()) == [
        "Follow-up email sent on Thu 3 Dec 2026.",
        "Business days counted (IL), 5 must pass: "
        "Sun 6 Dec, Mon 7 Dec, Tue 8 Dec, Wed 9 Dec, Thu 10 Dec.",
        "Fri 4, Sat 5 Dec: weekend",
        "Fri 11, Sat 12 Dec: weekend",
        "Move-on reminder: Sun 13 Dec 2026 at 09:00 (America/New_York).",
    ]


def test_explain_a_snoozed_reminder_names_the_due_day_and_the_snooze() -> None:
    stage = Stage(Status.WAITING, day("Mon 2026-11-23"), snoozed_to=day("Tue 2026-12-01"))
    assert _explain(US, stage, RuleSettings()) == [
        "Reply expected on Mon 23 Nov 2026.",
        "Business days counted (US), 2 must pass: Tue 24 Nov, Wed 25 Nov.",
        "Thu 26 Nov: Thanksgiving Day",
        "Email reminder was due Fri 27 Nov 2026.",
        "Snoozed to Tue 1 Dec 2026.",
        "Email reminder: Tue 1 Dec 2026 at 09:00 (America/New_York).",
    ]


def test_explain_a_snoozed_move_on_reminder() -> None:
    stage = Stage(
        Status.EMAILED, day("Mon 2026-11-30"), day("Thu 2026-12-03"), day("Wed 2026-12-16")
    )
    assert _explain(IL, stage, RuleSettings())[-3:] == [
        "Move-on reminder was due Sun 13 Dec 2026.",
        "Snoozed to Wed 16 Dec 2026.",
        "Move-on reminder: Wed 16 Dec 2026 at 09:00 (America/New_York).",
    ]


def test_explain_a_weekend_across_a_month_boundary() -> None:
    lines = _explain(US, Stage(Status.WAITING, day("Thu 2026-10-29")), RuleSettings())
    assert lines == [
        "Reply expected on Thu 29 Oct 2026.",
        "Business days counted (US), 2 must pass: Fri 30 Oct, Mon 2 Nov.",
        "Sat 31 Oct, Sun 1 Nov: weekend",
        "Email reminder: Tue 3 Nov 2026 at 09:00 (America/New_York).",
    ]


def test_explain_a_weekend_across_a_year_boundary() -> None:
    lines = _explain(WEEKENDS_ONLY, Stage(Status.WAITING, day("Thu 2022-12-29")), RuleSettings())
    assert lines == [
        "Reply expected on Thu 29 Dec 2022.",
        "Business days counted (weekends only), 2 must pass: Fri 30 Dec, Mon 2 Jan.",
        "Sat 31 Dec, Sun 1 Jan: weekend",
        "Email reminder: Tue 3 Jan 2023 at 09:00 (America/New_York).",
    ]


def test_explain_names_each_holiday_and_a_holiday_on_a_weekend_by_its_name() -> None:
    stage = Stage(Status.EMAILED, day("Mon 2026-12-14"), emailed_on=day("Mon 2026-12-21"))
    assert _explain(GB_ENG, stage, RuleSettings(), LONDON) == [
        "Follow-up email sent on Mon 21 Dec 2026.",
        "Business days counted (GB-ENG), 5 must pass: "
        "Tue 22 Dec, Wed 23 Dec, Thu 24 Dec, Tue 29 Dec, Wed 30 Dec.",
        "Fri 25 Dec: Christmas Day",
        "Sat 26 Dec: Boxing Day",
        "Sun 27 Dec: weekend",
        "Mon 28 Dec: Boxing Day (observed)",
        "Move-on reminder: Thu 31 Dec 2026 at 09:00 (Europe/London).",
    ]


def test_explain_joins_a_run_of_one_holiday_and_its_weekend_days() -> None:
    """Saudi Arabia: Eid al-Fitr covers Thu 19 .. Sun 22 Mar, including the Fri + Sat weekend."""
    lines = _explain(SA, Stage(Status.WAITING, day("Wed 2026-03-18")), RuleSettings(), DUBAI)
    assert lines == [
        "Reply expected on Wed 18 Mar 2026.",
        "Business days counted (SA), 2 must pass: Wed 25 Mar, Thu 26 Mar.",
        "Thu 19, Fri 20, Sat 21, Sun 22 Mar: Eid al-Fitr Holiday",
        "Mon 23, Tue 24 Mar: Eid al-Fitr Holiday (observed)",
        "Fri 27, Sat 28 Mar: weekend",
        "Email reminder: Sun 29 Mar 2026 at 09:00 (Asia/Dubai).",
    ]


def test_explain_with_a_user_set_weekend_names_the_place() -> None:
    lines = _explain(US_FRI_SAT, Stage(Status.WAITING, day("Mon 2026-11-23")), RuleSettings())
    assert lines == [
        "Reply expected on Mon 23 Nov 2026.",
        "Business days counted (US, weekend Fri+Sat), 2 must pass: Tue 24 Nov, Wed 25 Nov.",
        "Thu 26 Nov: Thanksgiving Day",
        "Fri 27, Sat 28 Nov: weekend",
        "Email reminder: Sun 29 Nov 2026 at 09:00 (America/New_York).",
    ]


def test_explain_with_no_business_days_to_wait_lists_no_empty_count() -> None:
    """email_after_business_days = 0 is a valid setting: the reminder is the next business
    day, and the explanation must not end a sentence on an empty list."""
    rules = RuleSettings(email_after_business_days=0)
    lines = _explain(US, Stage(Status.WAITING, day("Wed 2026-11-25")), rules)
    assert lines[0] == "Reply expected on Wed 25 Nov 2026."
    assert lines[-1] == "Email reminder: Fri 27 Nov 2026 at 09:00 (America/New_York)."
    assert "Thu 26 Nov: Thanksgiving Day" in lines
    assert not any(line.endswith(": .") for line in lines), lines


# --- properties over many dates ----------------------------------------------------------

PLACES = [US, US_CA, IL, AE, DE_BY, GB_ENG, WEEKENDS_ONLY, US_FRI_SAT]
TIMINGS = [
    timing(NEW_YORK, "09:00"),
    timing(BERLIN, "07:30"),
    timing("Australia/Lord_Howe", "18:45"),  # a half-hour DST shift
    timing(JERUSALEM, "12:00"),
]
property_settings = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
days_2025_2028 = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
counts = st.integers(min_value=0, max_value=10)


def _check_lands_after(place: Place, start: date, n: int, reminder: Reminder, t: Timing) -> None:
    cal = calendar_for(place)
    assert reminder.day > start
    assert cal.is_business_day(reminder.day), cal.why_not(reminder.day)
    between = [start + timedelta(days=i) for i in range(1, (reminder.day - start).days)]
    assert sum(cal.is_business_day(d) for d in between) == n
    assert reminder.at.tzinfo == t.zone
    assert reminder.at.replace(tzinfo=None) == datetime.combine(reminder.day, t.at)
    # a real instant: back and forth through UTC gives the same wall time
    wall = reminder.at_utc.astimezone(t.zone).replace(tzinfo=None)
    assert wall == datetime.combine(reminder.day, t.at)


@property_settings
@given(place=st.sampled_from(PLACES), t=st.sampled_from(TIMINGS), expected=days_2025_2028, n=counts)
def test_email_reminder_lands_on_a_business_day_after_n_full_business_days(
    place: Place, t: Timing, expected: date, n: int
) -> None:
    rules = RuleSettings(email_after_business_days=n)
    reminder = next_reminder(Stage(Status.WAITING, expected), rules, calendar_for(place), t)
    assert reminder is not None
    _check_lands_after(place, expected, n, reminder, t)


@property_settings
@given(place=st.sampled_from(PLACES), t=st.sampled_from(TIMINGS), emailed=days_2025_2028, m=counts)
def test_move_on_reminder_lands_on_a_business_day_after_m_full_business_days(
    place: Place, t: Timing, emailed: date, m: int
) -> None:
    rules = RuleSettings(move_on_after_business_days=m)
    stage = Stage(Status.EMAILED, emailed - timedelta(days=3), emailed_on=emailed)
    reminder = next_reminder(stage, rules, calendar_for(place), t)
    assert reminder is not None
    _check_lands_after(place, emailed, m, reminder, t)


@property_settings
@given(place=st.sampled_from(PLACES), start=days_2025_2028, a=counts, b=counts)
def test_reminders_never_move_earlier_when_the_wait_grows(
    place: Place, start: date, a: int, b: int
) -> None:
    fewer, more = sorted((a, b))
    cal = calendar_for(place)
    assert email_day(start, RuleSettings(email_after_business_days=fewer), cal) <= email_day(
        start, RuleSettings(email_after_business_days=more), cal
    )
    assert move_on_day(start, RuleSettings(move_on_after_business_days=fewer), cal) <= (
        move_on_day(start, RuleSettings(move_on_after_business_days=more), cal)
    )


@property_settings
@given(
    place=st.sampled_from(PLACES),
    due=days_2025_2028,
    today=days_2025_2028,
    days=st.integers(min_value=1, max_value=10),
)
def test_snooze_lands_on_a_business_day_after_both_the_due_date_and_today(
    place: Place, due: date, today: date, days: int
) -> None:
    cal = calendar_for(place)
    result = snooze_day(due, today, days, cal)
    later = max(due, today)
    assert result > later
    assert cal.is_business_day(result)
    between = [later + timedelta(days=i) for i in range(1, (result - later).days)]
    assert sum(cal.is_business_day(d) for d in between) == days - 1
