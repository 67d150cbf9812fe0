"""Specification of the notification window (``notify.at``..``notify.until``): whether a
reminder may be shown at an instant, and when the window opens next, in the user's zone
across DST changes.

Instants are written as the weekday, then ISO 8601 with the local offset; ``instant()`` checks
that the weekday written matches the date.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from followup.rules import in_window, next_window

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
NINE, EIGHT_PM = time(9, 0), time(20, 0)


def instant(text: str) -> datetime:
    """``"Mon 2026-11-23T09:00-05:00"`` -> that aware instant, checking the weekday."""
    weekday, iso = text.split()
    parsed = datetime.fromisoformat(iso)
    assert parsed.tzinfo is not None, f"{iso} has no offset"
    assert f"{parsed:%a}" == weekday, f"{iso} is a {parsed:%a}, not a {weekday}"
    return parsed


@pytest.mark.parametrize(
    ("now", "zone", "at", "until", "inside"),
    [
        # the edges: ``at`` is inside, ``until`` is not
        ("Mon 2026-11-23T08:59:59-05:00", NEW_YORK, NINE, EIGHT_PM, False),
        ("Mon 2026-11-23T09:00:00-05:00", NEW_YORK, NINE, EIGHT_PM, True),
        ("Mon 2026-11-23T19:59:59-05:00", NEW_YORK, NINE, EIGHT_PM, True),
        ("Mon 2026-11-23T20:00:00-05:00", NEW_YORK, NINE, EIGHT_PM, False),
        # the instant is read in the user's zone, whatever zone it comes in
        ("Mon 2026-11-23T13:59:00+00:00", NEW_YORK, NINE, EIGHT_PM, False),
        ("Mon 2026-11-23T14:00:00+00:00", NEW_YORK, NINE, EIGHT_PM, True),
        ("Tue 2026-11-24T00:30:00+00:00", NEW_YORK, NINE, EIGHT_PM, True),  # 19:30 Monday
        ("Tue 2026-11-24T00:30:00+00:00", TOKYO, NINE, EIGHT_PM, True),  # 09:30 Tuesday
        ("Mon 2026-11-23T23:30:00+00:00", TOKYO, NINE, EIGHT_PM, False),  # 08:30 Tuesday
        # the same UTC hour is outside in winter and inside in summer (New York's DST)
        ("Mon 2026-03-02T13:30:00+00:00", NEW_YORK, NINE, EIGHT_PM, False),  # 08:30 EST
        ("Mon 2026-03-09T13:30:00+00:00", NEW_YORK, NINE, EIGHT_PM, True),  # 09:30 EDT
        # on the spring-forward morning itself (02:00 -> 03:00)
        ("Sun 2026-03-08T03:30:00-04:00", NEW_YORK, time(3, 0), EIGHT_PM, True),
        ("Sun 2026-03-08T01:59:59-05:00", NEW_YORK, time(3, 0), EIGHT_PM, False),
        # both 01:30s of the fall-back night are 01:30 on the wall clock
        ("Sun 2026-11-01T01:30:00-04:00", NEW_YORK, time(1, 0), time(2, 0), True),
        ("Sun 2026-11-01T01:30:00-05:00", NEW_YORK, time(1, 0), time(2, 0), True),
    ],
)
def test_a_notification_may_be_shown_only_inside_the_window(
    now: str, zone: ZoneInfo, at: time, until: time, inside: bool
) -> None:
    assert in_window(instant(now), at, until, zone) is inside


@pytest.mark.parametrize(
    ("now", "zone", "at", "opens"),
    [
        # before ``at``: today's; at or after it: tomorrow's
        ("Mon 2026-11-23T06:00:00-05:00", NEW_YORK, NINE, "Mon 2026-11-23T09:00:00-05:00"),
        ("Mon 2026-11-23T09:00:00-05:00", NEW_YORK, NINE, "Tue 2026-11-24T09:00:00-05:00"),
        ("Mon 2026-11-23T21:15:00-05:00", NEW_YORK, NINE, "Tue 2026-11-24T09:00:00-05:00"),
        # the user's day, not UTC's: 02:00 UTC Tuesday is still Monday evening in New York
        ("Tue 2026-11-24T02:00:00+00:00", NEW_YORK, NINE, "Tue 2026-11-24T09:00:00-05:00"),
        ("Mon 2026-11-23T20:00:00+00:00", TOKYO, NINE, "Tue 2026-11-24T09:00:00+09:00"),
        # across the month and the year
        ("Thu 2026-12-31T22:00:00+01:00", BERLIN, NINE, "Fri 2027-01-01T09:00:00+01:00"),
        # the night the clocks go forward: tomorrow's 09:00 has the summer offset
        ("Sat 2026-03-07T21:00:00-05:00", NEW_YORK, NINE, "Sun 2026-03-08T09:00:00-04:00"),
        ("Sat 2026-03-28T22:00:00+01:00", BERLIN, NINE, "Sun 2026-03-29T09:00:00+02:00"),
        # and back
        ("Sat 2026-10-31T21:00:00-04:00", NEW_YORK, NINE, "Sun 2026-11-01T09:00:00-05:00"),
        ("Sat 2026-10-24T22:00:00+02:00", BERLIN, NINE, "Sun 2026-10-25T09:00:00+01:00"),
        # an ``at`` the spring-forward night skips is moved on by the gap
        ("Sat 2026-03-07T21:00:00-05:00", NEW_YORK, time(2, 30), "Sun 2026-03-08T03:30:00-04:00"),
        # an ``at`` the fall-back night has twice opens at its first occurrence
        ("Sat 2026-10-31T21:00:00-04:00", NEW_YORK, time(1, 30), "Sun 2026-11-01T01:30:00-04:00"),
    ],
)
def test_the_window_opens_next_at_notify_at_in_the_users_zone(
    now: str, zone: ZoneInfo, at: time, opens: str
) -> None:
    found = next_window(instant(now), at, zone)
    assert found.tzinfo is UTC
    assert found == instant(opens)


def test_the_window_that_opens_next_is_open_then() -> None:
    opens = next_window(instant("Mon 2026-11-23T21:15:00-05:00"), NINE, NEW_YORK)
    assert in_window(opens, NINE, EIGHT_PM, NEW_YORK)
