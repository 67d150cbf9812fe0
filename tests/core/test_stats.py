"""Specification of ``followup stats``: how an interview's rounds are rebuilt from its
history, how business days from the promised day to the reply are counted, and the figures
of a constructed history worked out by hand.

The user lives in America/New_York and counts US business days (see conftest): Veterans
Day is Wed 2026-11-11 and Thanksgiving Thu 2026-11-26. Every day in the history is in the
past, so the figures do not depend on today.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from followup.business_days import BusinessCalendar, Place, calendar_for
from followup.cli.render.stats import stats_json, stats_text
from followup.records import Record
from followup.stats import End, Round, Spread, Timing, business_days, compute, rounds, spread
from followup.values import HistoryEntry
from tests.support.specs import DE, US, Cli, day, ok

if TYPE_CHECKING:
    from followup.values import Placed

NEW_YORK = ZoneInfo("America/New_York")


def run_all(cli: Cli, *commands: str) -> None:
    """Each command a line of words, e.g. ``"heard 1 --outcome offer --on 2026-11-19"``."""
    for command in commands:
        ok(cli(*command.split()))


def event(what: str, at: str = "2026-11-30T17:00:00+00:00", **details: Any) -> HistoryEntry:
    """A history entry of kind ``what``, recorded ``at``."""
    return HistoryEntry(datetime.fromisoformat(at), what, details)


# -- business days from the promised day to the reply -----------------------------------------


@pytest.mark.parametrize(
    ("place", "promised", "replied", "days"),
    [
        (US, "Fri 2026-11-20", "Fri 2026-11-20", 0),  # on the day
        (US, "Mon 2026-11-23", "Tue 2026-11-24", 1),
        (US, "Fri 2026-11-20", "Mon 2026-11-23", 1),  # the weekend does not count
        (US, "Wed 2026-11-25", "Fri 2026-11-27", 1),  # nor Thanksgiving
        (DE, "Wed 2026-11-25", "Fri 2026-11-27", 2),  # which is a business day in Germany
        (US, "Mon 2026-11-09", "Mon 2026-11-16", 4),  # Veterans Day and a weekend between
        (US, "Fri 2026-11-06", "Sat 2026-11-07", 0),  # a reply on a Saturday: no business day
        (US, "Fri 2026-11-06", "Sun 2026-11-08", 0),
        (US, "Fri 2026-11-20", "Thu 2026-11-19", -1),  # early: the promised Friday
        (US, "Mon 2026-11-30", "Wed 2026-11-25", -2),  # early: Fri 27 and Mon 30
        (US, "Mon 2026-11-23", "Sat 2026-11-21", -1),  # early, on a Saturday: Mon 23
        (US, "Thu 2026-11-26", "Fri 2026-11-27", 1),  # promised on a holiday
    ],
)
def test_business_days_from_the_promised_day_to_the_reply(
    place: Place, promised: str, replied: str, days: int
) -> None:
    assert business_days(day(promised), day(replied), calendar_for(place)) == days


# -- rounds rebuilt from the history ---------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param(
            [event("created", company="Acme", reply_expected_on="2026-11-20")],
            [Round(day("Fri 2026-11-20"))],
            id="waiting: one open round",
        ),
        pytest.param(
            [
                event("created", company="Acme", reply_expected_on="2026-11-20"),
                event("heard_back", outcome="offer", on="2026-11-19"),
            ],
            [Round(day("Fri 2026-11-20"), None, End.REPLIED, day("Thu 2026-11-19"))],
            id="heard back on a day",
        ),
        pytest.param(
            [
                event("created", company="Acme", reply_expected_on="2026-11-20"),
                event("edited", role="Engineer"),
                event("edited", reply_expected_on="2026-11-24"),
                event("emailed", on="2026-11-26"),
                event("heard_back", outcome="rejected", on="2026-11-27"),
            ],
            [
                Round(
                    day("Tue 2026-11-24"),
                    day("Thu 2026-11-26"),
                    End.REPLIED,
                    day("Fri 2026-11-27"),
                )
            ],
            id="an edited promise, an email, a reply",
        ),
        pytest.param(
            [
                event("created", company="Acme", reply_expected_on="2026-11-02"),
                event("emailed", on="2026-11-05"),
                event("next_round", outcome="next-round", on="2026-11-06", expect="2026-11-13"),
                event("snoozed", kind="email", to="2026-11-19", days=2),
                event("heard_back", outcome="offer", on="2026-11-18"),
            ],
            [
                Round(
                    day("Mon 2026-11-02"),
                    day("Thu 2026-11-05"),
                    End.REPLIED,
                    day("Fri 2026-11-06"),
                ),
                Round(day("Fri 2026-11-13"), None, End.REPLIED, day("Wed 2026-11-18")),
            ],
            id="a next round starts a round of its own",
        ),
        pytest.param(
            [
                event("created", company="Acme", reply_expected_on="2026-11-19"),
                event("emailed", on="2026-11-23"),
                event("moved_on"),
            ],
            [Round(day("Thu 2026-11-19"), day("Mon 2026-11-23"), End.NEVER)],
            id="moved on: no reply",
        ),
        pytest.param(
            [
                event("created", company="Acme", reply_expected_on="2026-11-19"),
                # Moved on on the promised day (a task ticked on the phone), recorded on
                # Mon 30 Nov: counted on its day, before the promise was broken.
                event("moved_on", on="2026-11-19"),
            ],
            [Round(day("Thu 2026-11-19"), None, End.MOVED_ON_EARLY)],
            id="moved on on the promised day, recorded later: early",
        ),
        pytest.param(
            [event("created", company="Acme", reply_expected_on="2026-11-19"), event("withdrawn")],
            [Round(day("Thu 2026-11-19"), None, End.WITHDRAWN)],
            id="withdrawn",
        ),
        pytest.param(
            [
                event("created", company="Acme", reply_expected_on="2026-11-19"),
                event("heard_back", outcome="offer", on="2026-11-20"),
                event("edited", reply_expected_on="2026-11-18"),
            ],
            [Round(day("Wed 2026-11-18"), None, End.REPLIED, day("Fri 2026-11-20"))],
            id="an edit after the reply corrects its promise",
        ),
        pytest.param(
            [
                event("created", company="Acme", reply_expected_on="2026-11-19"),
                # 03:00 UTC is still the evening before in New York
                event("heard_back", "2026-11-20T03:00:00+00:00", outcome="offer"),
            ],
            [Round(day("Thu 2026-11-19"), None, End.REPLIED, day("Thu 2026-11-19"))],
            id="an old reply without a day: the day it was recorded, in New York",
        ),
        pytest.param(
            [
                event("created", company="Acme", reply_expected_on="2026-11-02"),
                event(
                    "next_round",
                    "2026-11-06T15:00:00+00:00",
                    outcome="next-round",
                    expect="2026-11-13",
                ),
            ],
            [
                Round(day("Mon 2026-11-02"), None, End.REPLIED, day("Fri 2026-11-06")),
                Round(day("Fri 2026-11-13")),
            ],
            id="an old next round without a day",
        ),
        pytest.param(
            [
                event(
                    "imported",
                    company="Acme",
                    reply_expected_on="2026-11-20",
                    emailed_on="2026-11-24",
                    status="heard_back",
                    outcome="offer",
                    replied_on="2026-11-25",
                )
            ],
            [
                Round(
                    day("Fri 2026-11-20"),
                    day("Tue 2026-11-24"),
                    End.REPLIED,
                    day("Wed 2026-11-25"),
                )
            ],
            id="imported heard back with the reply day",
        ),
        pytest.param(
            [
                event(
                    "imported",
                    company="Acme",
                    reply_expected_on="2026-11-20",
                    status="heard_back",
                    outcome="other",
                )
            ],
            [Round(day("Fri 2026-11-20"), None, End.REPLIED, None)],
            id="imported heard back without a reply day: replied, day unknown",
        ),
        pytest.param(
            [
                event(
                    "imported",
                    company="Acme",
                    reply_expected_on="2026-11-20",
                    emailed_on="2026-11-24",
                    status="emailed",
                )
            ],
            [Round(day("Fri 2026-11-20"), day("Tue 2026-11-24"))],
            id="imported emailed: open",
        ),
        pytest.param(
            [event("imported", company="Acme", reply_expected_on="2026-11-20", status="moved_on")],
            [Round(day("Fri 2026-11-20"), None, End.NEVER)],
            id="imported moved on",
        ),
        pytest.param(
            [event("imported", company="Acme", reply_expected_on="2026-11-20", status="withdrawn")],
            [Round(day("Fri 2026-11-20"), None, End.WITHDRAWN)],
            id="imported withdrawn",
        ),
        pytest.param(
            [
                event("created", company="Acme", reply_expected_on="2026-11-20"),
                event("imported", status="heard_back", outcome="offer", replied_on="2026-11-23"),
            ],
            [Round(day("Fri 2026-11-20"), None, End.REPLIED, day("Mon 2026-11-23"))],
            id="an import closes the open round",
        ),
    ],
)
def test_rounds_are_rebuilt_from_the_history(
    events: list[HistoryEntry], expected: list[Round]
) -> None:
    assert rounds(events, NEW_YORK) == expected


def test_an_interview_without_history_is_one_round_from_its_columns() -> None:
    columns = {
        "reply_expected_on": day("Fri 2026-11-20"),
        "emailed_on": day("Tue 2026-11-24"),
        "status": "heard_back",
    }
    assert rounds((), NEW_YORK, columns) == [
        Round(day("Fri 2026-11-20"), day("Tue 2026-11-24"), End.REPLIED, None)
    ]


@pytest.mark.parametrize(
    ("promised", "emailed", "end", "replied", "timing"),
    [
        ("Fri 2026-11-20", None, End.REPLIED, "Thu 2026-11-19", Timing.BY_PROMISED_DAY),
        ("Fri 2026-11-20", None, End.REPLIED, "Fri 2026-11-20", Timing.BY_PROMISED_DAY),
        # an early email does not change a reply by the promised day
        ("Fri 2026-11-20", "Wed 2026-11-18", End.REPLIED, "Fri 2026-11-20", Timing.BY_PROMISED_DAY),
        ("Fri 2026-11-20", None, End.REPLIED, "Mon 2026-11-23", Timing.AFTER_WITHOUT_FOLLOW_UP),
        # the reply came before the email was sent
        (
            "Fri 2026-11-20",
            "Wed 2026-11-25",
            End.REPLIED,
            "Tue 2026-11-24",
            Timing.AFTER_WITHOUT_FOLLOW_UP,
        ),
        # a reply on the day of the email counts as after it
        (
            "Fri 2026-11-20",
            "Tue 2026-11-24",
            End.REPLIED,
            "Tue 2026-11-24",
            Timing.ONLY_AFTER_FOLLOW_UP,
        ),
        (
            "Fri 2026-11-20",
            "Tue 2026-11-24",
            End.REPLIED,
            "Fri 2026-11-27",
            Timing.ONLY_AFTER_FOLLOW_UP,
        ),
        ("Fri 2026-11-20", "Tue 2026-11-24", End.NEVER, None, Timing.NEVER),
        ("Fri 2026-11-20", None, End.REPLIED, None, None),  # reply day unknown
        ("Fri 2026-11-20", "Tue 2026-11-24", End.OPEN, None, None),
        ("Fri 2026-11-20", None, End.WITHDRAWN, None, None),
    ],
)
def test_the_timing_of_a_round(
    promised: str, emailed: str | None, end: End, replied: str | None, timing: Timing | None
) -> None:
    r = Round(
        day(promised), day(emailed) if emailed else None, end, day(replied) if replied else None
    )
    assert r.timing is timing


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([3], Spread(1, 3, None, None, 3, 3)),
        ([4, 1], Spread(2, 2.5, 1.75, 3.25, 1, 4)),
        ([2, -1, 3], Spread(3, 2, 0.5, 2.5, -1, 3)),
        ([0, 0, 0, 0], Spread(4, 0, 0, 0, 0, 0)),
    ],
)
def test_spread_of_business_days(values: list[int], expected: Spread | None) -> None:
    assert spread(values) == expected


# -- a constructed history -------------------------------------------------------------------

# The history below, round by round (days in November 2026; "-" for none):
#
# id company     promised   email    end               business days           timing
#  1 Acme Corp   Fri 20     -        Thu 19 rejected   -1 (Fri 20)             by the day
#  2 acme corp   Mon 2      -        Wed 4 next round   2 (Tue 3, Wed 4)       after, no email
#                Fri 13     Tue 17   Wed 18 offer       3 (Mon 16 to Wed 18)   after the email
#  3 ACME  Corp  Wed 25     -        moved on           -                      never
#  4 Beta        Wed 25     -        Fri 27 other       1 (Thanksgiving Thu)   after, no email
#  5 Beta        Mon 9      Thu 12   Mon 16 rejected    4 (Veterans Day Wed)   after the email
#  6 Gamma       Fri 6      -        Sat 7 rejected     0 (a Saturday)         after, no email
#  7 Delta       Thu 19     Mon 23   moved on           -                      never
#  8 Epsilon     Mon 30     -        open               -                      -
#  9 Zeta        Tue 24     Thu 26   withdrawn          -                      -
# 10 Eta         Wed 18     Fri 20   open               -                      -
# 11 Theta       Fri 6 (edited from Mon 2)  Thu 5 offer -1 (Fri 6)             by the day
# 12 Iota        Tue 10     -        Tue 10 rejected    0                      by the day
#
# Settled rounds: 10 (open 2, withdrawn 1): by the day 3 (30%), after without an email
# 3 (30%), only after the email 2 (20%), never 2 (20%).
# Business days, sorted: -1 -1 0 0 1 2 3 4 -> median 0.5; inclusive quartiles at positions
# 1.75 and 5.25: -1 + 0.75 * 1 = -0.25 and 2 + 0.25 * 1 = 2.25; range -1 to 4.
# ACME Corp (ids 1-3, the last spelling with its spaces collapsed): 4 settled rounds, one
# of each timing; days -1 2 3 -> median 2, quartiles at 0.5 and 1.5: 0.5 and 2.5.
# Beta (ids 4-5): 2 settled; days 1 4 -> median 2.5, quartiles 1.75 and 3.25.
HISTORY = (
    "add Acme_Corp --interviewed 2026-11-16 --expect 2026-11-20",
    "heard 1 --outcome rejected --on 2026-11-19",
    "add acme_corp --expect 2026-11-02",
    "heard 2 --outcome next-round --on 2026-11-04 --expect 2026-11-13",
    "emailed 2 --on 2026-11-17",
    "heard 2 --outcome offer --on 2026-11-18",
    "add ACME__Corp --expect 2026-11-25",
    "moved-on 3",
    "add Beta --expect 2026-11-25",
    "heard 4 --outcome other --on 2026-11-27",
    "add Beta --expect 2026-11-09",
    "emailed 5 --on 2026-11-12",
    "heard 5 --outcome rejected --on 2026-11-16",
    "add Gamma --expect 2026-11-06",
    "heard 6 --outcome rejected --on 2026-11-07",
    "add Delta --expect 2026-11-19",
    "emailed 7 --on 2026-11-23",
    "moved-on 7",
    "add Epsilon --expect 2026-11-30",
    "add Zeta --expect 2026-11-24",
    "emailed 9 --on 2026-11-26",
    "withdraw 9",
    "add Eta --expect 2026-11-18",
    "emailed 10 --on 2026-11-20",
    "add Theta --expect 2026-11-02",
    "edit 11 --expect 2026-11-06",
    "heard 11 --outcome offer --on 2026-11-05",
    "add Iota --expect 2026-11-10",
    "heard 12 --outcome rejected --on 2026-11-10",
)


@pytest.fixture
def history(cli: Cli) -> None:
    for command in HISTORY:
        # "_" stands for a space inside a company's name
        ok(cli(*(word.replace("_", " ") for word in command.split())))


@pytest.mark.usefixtures("history")
def test_stats_of_the_constructed_history(cli: Cli) -> None:
    assert ok(cli("stats")) == (
        "Interviews: 12 (waiting 1, emailed 1, heard back 7, moved on 2, withdrawn 1)\n"
        "Outcomes: offer 2, rejected 4, other 1; next rounds reached: 1\n"
        "Replies (10 settled rounds):\n"
        "  by the promised day             3   30%\n"
        "  after it, without a follow-up   3   30%\n"
        "  only after the follow-up email  2   20%\n"
        "  never (moved on)                2   20%\n"
        "Not counted: 2 rounds still open; 1 withdrawn before a reply.\n"
        "Business days from the promised day to the reply (8 replies; negative: early):\n"
        "  median 0.5, middle half -0.25 to 2.25, range -1 to 4\n"
        "\n"
        "By company (more than one interview):\n"
        "\n"
        "ACME Corp\n"
        "  Interviews: 3 (heard back 2, moved on 1)\n"
        "  Outcomes: offer 1, rejected 1; next rounds reached: 1\n"
        "  Replies (4 settled rounds):\n"
        "    by the promised day             1   25%\n"
        "    after it, without a follow-up   1   25%\n"
        "    only after the follow-up email  1   25%\n"
        "    never (moved on)                1   25%\n"
        "  Business days from the promised day to the reply (3 replies; negative: early):\n"
        "    median 2, middle half 0.5 to 2.5, range -1 to 3\n"
        "\n"
        "Beta\n"
        "  Interviews: 2 (heard back 2)\n"
        "  Outcomes: rejected 1, other 1\n"
        "  Replies (2 settled rounds):\n"
        "    by the promised day             0    0%\n"
        "    after it, without a follow-up   1   50%\n"
        "    only after the follow-up email  1   50%\n"
        "    never (moved on)                0    0%\n"
        "  Business days from the promised day to the reply (2 replies; negative: early):\n"
        "    median 2.5, middle half 1.75 to 3.25, range 1 to 4\n"
    )


def _statuses(waiting: int, emailed: int, heard: int, moved: int, withdrawn: int) -> dict[str, int]:
    return {
        "waiting": waiting,
        "emailed": emailed,
        "heard_back": heard,
        "moved_on": moved,
        "withdrawn": withdrawn,
    }


def _replies(by: int, after: int, after_email: int, never: int) -> dict[str, Any]:
    total = by + after + after_email + never
    return {
        key: {"count": n, "share": round(n / total, 4) if total else None}
        for key, n in (
            ("by_promised_day", by),
            ("after_without_follow_up", after),
            ("only_after_follow_up", after_email),
            ("never", never),
        )
    }


@pytest.mark.usefixtures("history")
def test_stats_json_of_the_constructed_history(cli: Cli) -> None:
    data = json.loads(ok(cli("stats", "--json")))
    assert data == {
        "interviews": 12,
        "by_status": _statuses(1, 1, 7, 2, 1),
        "by_outcome": {"offer": 2, "rejected": 4, "other": 1},
        "next_rounds": 1,
        "rounds": {
            "settled": 10,
            "reply_day_unknown": 0,
            "open": 2,
            "withdrawn": 1,
            "moved_on_early": 0,
        },
        "replies": _replies(3, 3, 2, 2),
        "business_days": {"n": 8, "median": 0.5, "q1": -0.25, "q3": 2.25, "min": -1, "max": 4},
        "companies": [
            {
                "company": "ACME Corp",
                "interviews": 3,
                "by_status": _statuses(0, 0, 2, 1, 0),
                "by_outcome": {"offer": 1, "rejected": 1, "other": 0},
                "next_rounds": 1,
                "rounds": {
                    "settled": 4,
                    "reply_day_unknown": 0,
                    "open": 0,
                    "withdrawn": 0,
                    "moved_on_early": 0,
                },
                "replies": _replies(1, 1, 1, 1),
                "business_days": {"n": 3, "median": 2, "q1": 0.5, "q3": 2.5, "min": -1, "max": 3},
            },
            {
                "company": "Beta",
                "interviews": 2,
                "by_status": _statuses(0, 0, 2, 0, 0),
                "by_outcome": {"offer": 0, "rejected": 1, "other": 1},
                "next_rounds": 0,
                "rounds": {
                    "settled": 2,
                    "reply_day_unknown": 0,
                    "open": 0,
                    "withdrawn": 0,
                    "moved_on_early": 0,
                },
                "replies": _replies(0, 1, 1, 0),
                "business_days": {
                    "n": 2,
                    "median": 2.5,
                    "q1": 1.75,
                    "q3": 3.25,
                    "min": 1,
                    "max": 4,
                },
            },
        ],
    }
    assert data["replies"]["by_promised_day"] == {"count": 3, "share": 0.3}


# -- little data -----------------------------------------------------------------------------


def test_an_empty_store_says_so(cli: Cli) -> None:
    assert ok(cli("stats")) == (
        "No interviews yet: the figures start with your first one "
        "(followup add COMPANY --expect DATE).\n"
    )


def test_an_empty_store_in_json_has_the_same_shape_with_nothing_measured(cli: Cli) -> None:
    assert json.loads(ok(cli("stats", "--json"))) == {
        "interviews": 0,
        "by_status": _statuses(0, 0, 0, 0, 0),
        "by_outcome": {"offer": 0, "rejected": 0, "other": 0},
        "next_rounds": 0,
        "rounds": {
            "settled": 0,
            "reply_day_unknown": 0,
            "open": 0,
            "withdrawn": 0,
            "moved_on_early": 0,
        },
        "replies": _replies(0, 0, 0, 0),
        "business_days": None,
        "companies": [],
    }


def test_interviews_without_a_settled_round_say_that_no_replies_are_recorded(cli: Cli) -> None:
    run_all(
        cli,
        "add Acme --expect 2026-11-20",
        "add Beta --expect 2026-11-23",
        "emailed 2 --on 2026-11-25",
        "add Gamma --expect 2026-11-23",
        "withdraw 3",
    )
    assert ok(cli("stats")) == (
        "Interviews: 3 (waiting 1, emailed 1, withdrawn 1)\n"
        "No replies recorded yet, nor any interview moved on from: nothing to measure.\n"
        "Not counted: 2 rounds still open; 1 withdrawn before a reply.\n"
    )


def test_no_company_section_without_a_company_met_twice(cli: Cli) -> None:
    # Acme: promised Fri 20 Nov, replied Mon 23 Nov: 1 business day, after it.
    # Beta: moved on. One reply: its median alone, no quartiles.
    run_all(
        cli,
        "add Acme --expect 2026-11-20",
        "heard 1 --outcome offer --on 2026-11-23",
        "add Beta --expect 2026-11-20",
        "moved-on 2",
    )
    assert ok(cli("stats")) == (
        "Interviews: 2 (heard back 1, moved on 1)\n"
        "Outcomes: offer 1\n"
        "Replies (2 settled rounds):\n"
        "  by the promised day             0    0%\n"
        "  after it, without a follow-up   1   50%\n"
        "  only after the follow-up email  0    0%\n"
        "  never (moved on)                1   50%\n"
        "Business days from the promised day to the reply (1 reply; negative: early):\n"
        "  median 1\n"
    )
    data = json.loads(ok(cli("stats", "--json")))
    assert data["companies"] == []
    assert data["business_days"] == {
        "n": 1,
        "median": 1,
        "q1": None,
        "q3": None,
        "min": 1,
        "max": 1,
    }


def test_only_moving_on_has_shares_but_no_business_days(cli: Cli) -> None:
    run_all(cli, "add Acme --expect 2026-11-20", "moved-on 1")
    assert ok(cli("stats")).splitlines()[-2:] == [
        "  only after the follow-up email  0    0%",
        "  never (moved on)                1  100%",
    ]
    assert json.loads(ok(cli("stats", "--json")))["business_days"] is None


def test_business_days_are_counted_in_each_interviews_own_calendar(cli: Cli) -> None:
    # Promised Wed 25 Nov, replied Fri 27 Nov: Thanksgiving (Thu 26) does not count in the
    # US (1 business day) but does in Germany (2).
    run_all(
        cli,
        "add Acme --expect 2026-11-25",
        "heard 1 --outcome offer --on 2026-11-27",
        "add Acme --expect 2026-11-25 --country DE",
        "heard 2 --outcome offer --on 2026-11-27",
    )
    data = json.loads(ok(cli("stats", "--json")))
    assert (data["business_days"]["min"], data["business_days"]["max"]) == (1, 2)


# -- replies on a day not recorded (a spreadsheet said "heard back") -------------------------


def _record(number: int, company: str, status: str, *events: HistoryEntry) -> Record:
    columns: Mapping[str, Any] = {
        "id": number,
        "company": company,
        "status": status,
        "outcome": "other" if status == "heard_back" else None,
        "country": None,
        "subdivision": None,
        "reply_expected_on": date(2026, 11, 20),
        "emailed_on": None,
        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
    }
    return Record(columns, events, ())


def _us(_where: Placed) -> BusinessCalendar:
    return calendar_for(US)


def test_a_reply_on_an_unknown_day_is_settled_but_left_out_of_the_shares() -> None:
    records = [
        _record(
            1,
            "Acme",
            "heard_back",
            event("imported", reply_expected_on="2026-11-20", status="heard_back"),
        ),
        _record(
            2,
            "Beta",
            "heard_back",
            event(
                "imported",
                reply_expected_on="2026-11-20",
                status="heard_back",
                replied_on="2026-11-19",
            ),
        ),
        _record(
            3,
            "Gamma",
            "moved_on",
            event("imported", reply_expected_on="2026-11-20", status="moved_on"),
        ),
    ]
    stats = compute(records, _us, NEW_YORK)
    assert stats_text(stats) == (
        "Interviews: 3 (heard back 2, moved on 1)\n"
        "Outcomes: other 2\n"
        "Replies (3 settled rounds; shares of the 2 whose timing is known):\n"
        "  by the promised day             1   50%\n"
        "  after it, without a follow-up   0    0%\n"
        "  only after the follow-up email  0    0%\n"
        "  never (moved on)                1   50%\n"
        "  replied on a day not recorded   1\n"
        "Business days from the promised day to the reply (1 reply; negative: early):\n"
        "  median -1"
    )
    data = stats_json(stats)
    assert data["rounds"] == {
        "settled": 3,
        "reply_day_unknown": 1,
        "open": 0,
        "withdrawn": 0,
        "moved_on_early": 0,
    }
    assert data["replies"] == _replies(1, 0, 0, 1)


def test_replies_all_on_unknown_days_give_no_timing_table() -> None:
    records = [
        _record(
            1,
            "Acme",
            "heard_back",
            event("imported", reply_expected_on="2026-11-20", status="heard_back"),
        ),
        _record(2, "Beta", "waiting", event("created", reply_expected_on="2026-11-20")),
    ]
    assert stats_text(compute(records, _us, NEW_YORK)) == (
        "Interviews: 2 (waiting 1, heard back 1)\n"
        "Outcomes: other 1\n"
        "Replies (1 settled round): none with a recorded reply day, so no timing to show.\n"
        "Not counted: 1 round still open."
    )


def test_companies_are_grouped_by_name_whatever_the_case_and_spaces() -> None:
    records = [
        _record(1, "Acme  Corp", "moved_on", event("moved_on")),
        _record(2, "Beta", "moved_on", event("moved_on")),
        _record(3, " acme corp", "moved_on", event("moved_on")),
        _record(4, "Acme corp ", "moved_on", event("moved_on")),
    ]
    stats = compute(records, _us, NEW_YORK)
    assert [(c.company, c.figures.interviews) for c in stats.companies] == [("Acme corp", 3)]
