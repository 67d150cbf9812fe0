"""The calendar feed the daemon keeps (``[export] ics_path``), end to end: the real daemon
process, the CLI in a process of its own, the file read back by icalendar.

Dates are 2030, US calendar, zone UTC, notify at 09:00: an interview whose reply was expected
Wed 2030-01-02 has its email reminder on Mon 2030-01-07 09:00 (Thu 3 and Fri 4 pass); one
expected Fri 2030-01-04 has it on Wed 2030-01-09 09:00 (Mon 7 and Tue 8 pass).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from icalendar import Calendar

from tests.support.daemon import CONFIG, DaemonProcess
from tests.support.harness import FakeClock, poll_until

WED_2030_01_02 = date(2030, 1, 2)
SETTLE_S = 5.0


def with_feed(path: Path) -> str:
    return CONFIG + f'\n[export]\nics_path = "{path}"\n'


def starts(path: Path) -> dict[str, Any]:
    """The feed's live events by what they are ("reply-1", "email-1"), as their starts; {}
    while there is no file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    found = {}
    for e in Calendar.from_ical(data).walk("VEVENT"):
        if str(e.get("STATUS", "")) == "CANCELLED":
            continue
        what, number = str(e["UID"]).split("-")[:2]
        if what == "reminder":  # the reminder's UID stays; its summary says which it is
            what = "email" if str(e["SUMMARY"]).startswith("Email") else "move_on"
        found[f"{what}-{number}"] = e.decoded("DTSTART")
    return found


def nine_am(day: int) -> datetime:
    return datetime(2030, 1, day, 9, tzinfo=UTC)


ACME = {"reply-1": date(2030, 1, 2), "email-1": nine_am(7)}
BETA = {"reply-2": date(2030, 1, 4), "email-2": nine_am(9)}


def test_the_feed_is_written_at_start_and_again_after_a_cli_change(
    make_daemon: Callable[..., DaemonProcess], fake_clock: FakeClock, tmp_path: Path
) -> None:
    folder = tmp_path / "calendars"
    folder.mkdir()
    feed = folder / "followup.ics"
    daemon = make_daemon(config=with_feed(feed))
    fake_clock.set(datetime(2030, 1, 7, 8, 0, tzinfo=UTC))
    daemon.add("Acme", WED_2030_01_02)
    daemon.start().wait_ready()

    assert poll_until(lambda: starts(feed) == ACME, SETTLE_S), starts(feed)
    assert f"INFO followup.daemon: calendar feed written to {feed}\n" in daemon.log()

    daemon.cli_ok("add", "Beta", "--expect", "2030-01-04")

    assert poll_until(lambda: starts(feed) == ACME | BETA, SETTLE_S), starts(feed)
    assert [p.name for p in folder.iterdir()] == ["followup.ics"]
