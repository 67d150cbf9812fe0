"""Specification of the business-day calendar: which days count, why a day does not, the
n-th business day after a date, user-set weekends, place checks, and thread safety.

Dates are written "Mon 2026-11-23" so the weekday can be read off the table; ``day()`` checks
that the weekday written matches the date.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import holidays
import pytest

from followup.business_days import (
    BusinessCalendar,
    Place,
    SkippedDay,
    calendar_for,
    check_place,
    parse_weekend,
    supported_countries,
)
from followup.errors import ConfigError
from tests.support.specs import (
    AE,
    DE,
    DE_BY,
    FRI,
    GB,
    GB_ENG,
    IL,
    JP,
    MON,
    SA,
    SAT,
    SUN,
    THU,
    TUE,
    US,
    US_CA,
    US_FRI_SAT,
    WED,
    WEEKENDS_ONLY,
    day,
)

# --- which days count, and why not -------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "when", "reason"),
    [
        # United States: federal holidays, Saturday + Sunday
        (US, "Wed 2026-11-25", None),
        (US, "Thu 2026-11-26", "Thanksgiving Day"),
        (US, "Fri 2026-11-27", None),
        (US, "Sat 2026-11-28", "weekend"),
        (US, "Sun 2026-11-29", "weekend"),
        (US, "Fri 2026-12-25", "Christmas Day"),
        (US, "Fri 2027-01-01", "New Year's Day"),
        (US, "Fri 2026-07-03", "Independence Day (observed)"),
        # California adds its own days to the federal ones
        (US_CA, "Thu 2026-11-26", "Thanksgiving Day"),
        (US_CA, "Fri 2026-11-27", "Day After Thanksgiving"),
        (US_CA, "Tue 2026-03-31", "Cesar Chavez Day"),
        (US, "Tue 2026-03-31", None),
        # two holidays on one day: the names joined as the holidays package gives them
        (US_CA, "Mon 2027-02-15", "Presidents' Day; Susan B. Anthony Day"),
        # Israel: Friday + Saturday weekend, Sunday is a working day
        (IL, "Thu 2026-12-03", None),
        (IL, "Fri 2026-12-04", "weekend"),
        (IL, "Sat 2026-12-05", "weekend"),
        (IL, "Sun 2026-12-06", None),
        (IL, "Mon 2026-09-21", "Yom Kippur"),
        # a holiday on a weekend day is named by the holiday
        (IL, "Sat 2026-09-12", "Rosh Hashanah"),
        (GB_ENG, "Sat 2026-12-26", "Boxing Day"),
        (GB_ENG, "Mon 2026-12-28", "Boxing Day (observed)"),
        # United Arab Emirates: Saturday + Sunday since 2022, Friday + Saturday before
        (AE, "Fri 2026-11-27", None),
        (AE, "Sat 2026-11-28", "weekend"),
        (AE, "Sun 2026-11-29", "weekend"),
        (AE, "Fri 2021-06-11", "weekend"),
        (AE, "Sun 2021-06-13", None),
        (AE, "Wed 2026-12-02", "National Day"),
        # Saudi Arabia: Friday + Saturday
        (SA, "Fri 2026-11-27", "weekend"),
        (SA, "Sun 2026-11-29", None),
        (SA, "Mon 2026-03-23", "Eid al-Fitr Holiday (observed)"),
        # Germany and Bavaria
        (DE, "Mon 2026-04-06", "Easter Monday"),
        (DE, "Tue 2026-01-06", None),
        (DE_BY, "Tue 2026-01-06", "Epiphany"),
        (DE, "Thu 2026-06-04", None),
        (DE_BY, "Thu 2026-06-04", "Corpus Christi"),
        # Great Britain: Easter Monday is a holiday in England but not UK-wide
        (GB, "Fri 2026-04-03", "Good Friday"),
        (GB, "Mon 2026-04-06", None),
        (GB_ENG, "Mon 2026-04-06", "Easter Monday"),
        # Japan: Golden Week
        (JP, "Mon 2026-05-04", "Greenery Day"),
        (JP, "Wed 2026-05-06", "Substitute Holiday"),
        # weekends only: no holidays at all
        (WEEKENDS_ONLY, "Thu 2026-11-26", None),
        (WEEKENDS_ONLY, "Fri 2026-12-25", None),
        (WEEKENDS_ONLY, "Sat 2026-12-26", "weekend"),
        # a user-set weekend (Friday + Saturday) with the US holidays
        (US_FRI_SAT, "Thu 2026-11-26", "Thanksgiving Day"),
        (US_FRI_SAT, "Fri 2026-11-27", "weekend"),
        (US_FRI_SAT, "Sat 2026-11-28", "weekend"),
        (US_FRI_SAT, "Sun 2026-11-29", None),
    ],
    ids=lambda v: v.describe() if isinstance(v, Place) else str(v),
)
def test_why_not_names_the_holiday_or_weekend(place: Place, when: str, reason: str | None) -> None:
    cal = calendar_for(place)
    assert cal.why_not(day(when)) == reason
    assert cal.is_business_day(day(when)) is (reason is None)


@pytest.mark.parametrize(
    ("place", "weekend"),
    [
        (US, {SAT, SUN}),
        (US_CA, {SAT, SUN}),
        (IL, {FRI, SAT}),
        (SA, {FRI, SAT}),
        (AE, {SAT, SUN}),
        (DE_BY, {SAT, SUN}),
        (WEEKENDS_ONLY, {SAT, SUN}),
        (US_FRI_SAT, {FRI, SAT}),
        (Place(None, weekend=frozenset({SUN})), {SUN}),
    ],
    ids=lambda v: v.describe() if isinstance(v, Place) else str(sorted(v)),
)
def test_weekend_days_are_the_countrys_or_the_users(place: Place, weekend: set[int]) -> None:
    assert calendar_for(place).weekend_days() == weekend


def test_a_user_set_weekend_replaces_a_countrys_weekend_history() -> None:
    """AE had a Friday + Saturday weekend until 2021; a user's Sat + Sun applies to 2021 too."""
    ae_sat_sun = calendar_for(Place("AE", weekend=frozenset({SAT, SUN})))
    assert ae_sat_sun.why_not(day("Fri 2021-06-11")) is None
    assert ae_sat_sun.why_not(day("Sat 2021-06-12")) == "weekend"
    assert ae_sat_sun.why_not(day("Sun 2021-06-13")) == "weekend"
    assert ae_sat_sun.why_not(day("Wed 2026-12-02")) == "National Day"


def test_a_weekends_only_calendar_is_described_as_such() -> None:
    assert WEEKENDS_ONLY.describe() == "weekends only"
    assert US_CA.describe() == "US-CA"
    assert US.describe() == "US"


def test_calendar_for_shares_one_calendar_per_place() -> None:
    assert calendar_for(Place("US", "CA")) is calendar_for(US_CA)
    assert calendar_for(US) is not calendar_for(US_CA)


# --- the n-th business day after a date --------------------------------------------------


@pytest.mark.parametrize(
    ("place", "start", "n", "result"),
    [
        # n == 0: the start itself when it is a business day, else the next one
        (US, "Mon 2026-11-23", 0, "Mon 2026-11-23"),
        (US, "Thu 2026-11-26", 0, "Fri 2026-11-27"),
        (US, "Sat 2026-11-28", 0, "Mon 2026-11-30"),
        (US_CA, "Thu 2026-11-26", 0, "Mon 2026-11-30"),
        (IL, "Fri 2026-12-04", 0, "Sun 2026-12-06"),
        (WEEKENDS_ONLY, "Fri 2026-12-25", 0, "Fri 2026-12-25"),
        # n >= 1: the start never counts
        (US, "Mon 2026-11-23", 1, "Tue 2026-11-24"),
        (US, "Mon 2026-11-23", 3, "Fri 2026-11-27"),
        (US_CA, "Mon 2026-11-23", 3, "Mon 2026-11-30"),
        (US, "Sat 2026-11-28", 1, "Mon 2026-11-30"),
        (US, "Wed 2026-12-23", 2, "Mon 2026-12-28"),
        (US, "Wed 2026-12-30", 2, "Mon 2027-01-04"),
        (IL, "Thu 2026-12-03", 6, "Sun 2026-12-13"),
        (DE, "Thu 2026-04-02", 3, "Thu 2026-04-09"),
        (GB, "Thu 2026-04-02", 3, "Wed 2026-04-08"),
        (WEEKENDS_ONLY, "Wed 2026-12-23", 3, "Mon 2026-12-28"),
        (US_FRI_SAT, "Mon 2026-11-23", 3, "Sun 2026-11-29"),
    ],
    ids=lambda v: v.describe() if isinstance(v, Place) else str(v),
)
def test_nth_business_day_after(place: Place, start: str, n: int, result: str) -> None:
    assert calendar_for(place).nth_business_day_after(day(start), n) == day(result)


def test_nth_business_day_after_rejects_a_negative_count() -> None:
    with pytest.raises(ValueError, match=r"^n must not be negative: -1$"):
        calendar_for(US).nth_business_day_after(day("Mon 2026-11-23"), -1)


def test_skipped_between_lists_the_days_strictly_inside_with_their_reasons() -> None:
    skipped = calendar_for(US_CA).skipped_between(day("Mon 2026-11-23"), day("Mon 2026-11-30"))
    assert skipped == [
        SkippedDay(day("Thu 2026-11-26"), "Thanksgiving Day"),
        SkippedDay(day("Fri 2026-11-27"), "Day After Thanksgiving"),
        SkippedDay(day("Sat 2026-11-28"), "weekend"),
        SkippedDay(day("Sun 2026-11-29"), "weekend"),
    ]


def test_skipped_between_excludes_both_ends() -> None:
    cal = calendar_for(US)
    assert cal.skipped_between(day("Sat 2026-11-28"), day("Sun 2026-11-29")) == []
    assert cal.skipped_between(day("Fri 2026-11-27"), day("Mon 2026-11-30")) == [
        SkippedDay(day("Sat 2026-11-28"), "weekend"),
        SkippedDay(day("Sun 2026-11-29"), "weekend"),
    ]


# --- thread safety -----------------------------------------------------------------------


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """Make the interpreter switch threads as often as it can, so races show up."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _answers(cal: BusinessCalendar, days: list[date]) -> dict[date, tuple[bool, str | None, date]]:
    return {
        d: (cal.is_business_day(d), cal.why_not(d), cal.nth_business_day_after(d, 3)) for d in days
    }


@pytest.mark.usefixtures("frequent_thread_switches")
def test_threads_sharing_a_fresh_calendar_get_the_answers_of_a_single_thread() -> None:
    """Years 2031-2040 are not filled yet: eight threads fill them at once, each starting in
    a different year, and must see the same business days as one thread alone."""
    threads = 8
    days = [date(2031, 1, 1) + timedelta(days=i) for i in range(0, 3652, 2)]
    alone = _answers(BusinessCalendar(US_CA, holidays.country_holidays("US", subdiv="CA")), days)

    shared = BusinessCalendar(US_CA, holidays.country_holidays("US", subdiv="CA"))
    start = threading.Barrier(threads)

    def work(i: int) -> dict[date, tuple[bool, str | None, date]]:
        cut = i * len(days) // threads
        start.wait()
        return _answers(shared, days[cut:] + days[:cut])

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(work, range(threads)))

    assert alone[day("Thu 2031-11-27")] == (False, "Thanksgiving Day", day("Wed 2031-12-03"))
    for result in results:
        assert result == alone


# --- configuration values ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "weekend"),
    [
        (["saturday", "sunday"], {SAT, SUN}),
        (["Friday", "SATURDAY"], {FRI, SAT}),
        (["fri", "Sat"], {FRI, SAT}),
        (["SUN"], {SUN}),
        (["mon", "tue", "wed", "thu"], {MON, TUE, WED, THU}),
        ([" Sunday "], {SUN}),
        (["sat", "saturday"], {SAT}),
        ([], set()),
    ],
    ids=str,
)
def test_parse_weekend_accepts_full_and_three_letter_names(
    names: list[str], weekend: set[int]
) -> None:
    assert parse_weekend(names) == frozenset(weekend)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["sa"], "calendar.weekend: 'sa' is not a day name (e.g. 'saturday')"),
        (["Su"], "calendar.weekend: 'Su' is not a day name (e.g. 'saturday')"),
        (["funday"], "calendar.weekend: 'funday' is not a day name (e.g. 'saturday')"),
        (["sat", "sundays"], "calendar.weekend: 'sundays' is not a day name (e.g. 'saturday')"),
        ([""], "calendar.weekend: '' is not a day name (e.g. 'saturday')"),
        (["6"], "calendar.weekend: '6' is not a day name (e.g. 'saturday')"),
    ],
    ids=str,
)
def test_parse_weekend_rejects_other_names(names: list[str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_weekend(names)
    assert caught.value.message == message
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("country", "subdivision"),
    [("US", None), ("US", "CA"), ("IL", None), ("DE", "BY"), ("GB", "ENG"), (None, None)],
    ids=str,
)
def test_check_place_accepts_known_places(country: str | None, subdivision: str | None) -> None:
    check_place(country, subdivision, "calendar")


@pytest.mark.parametrize(
    ("country", "subdivision", "message"),
    [
        ("XX", None, "calendar: unknown country 'XX' (see 'followup countries' for the codes)"),
        (
            "us",
            None,
            "calendar: unknown country 'us' (did you mean US (United States)? "
            "see 'followup countries' for the codes)",
        ),
        (
            "Germnay",
            None,
            "calendar: unknown country 'Germnay' (did you mean DE (Germany)? "
            "see 'followup countries' for the codes)",
        ),
        (
            "GB",
            "England",
            "calendar: unknown subdivision 'England' for GB (known: ENG, NIR, SCT, WLS)",
        ),
        ("IL", "TA", "calendar: unknown subdivision 'TA' for IL (known: none)"),
        (
            None,
            "CA",
            "calendar: subdivision 'CA' given without a country: add --country CC, or set "
            "the country once with: followup init --country CC",
        ),
    ],
    ids=str,
)
def test_check_place_rejects_unknown_places(
    country: str | None, subdivision: str | None, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        check_place(country, subdivision, "calendar")
    assert caught.value.message == message


def test_check_place_lists_every_known_subdivision() -> None:
    with pytest.raises(ConfigError) as caught:
        check_place("US", "XX", "interview 3")
    known = ", ".join(sorted(holidays.list_supported_countries()["US"]))
    assert caught.value.message == f"interview 3: unknown subdivision 'XX' for US (known: {known})"
    assert "CA, CO" in known


def test_calendar_for_an_unknown_place_raises_the_check_place_error() -> None:
    with pytest.raises(ConfigError) as caught:
        calendar_for(Place("XX"))
    assert caught.value.message == (
        "calendar: unknown country 'XX' (see 'followup countries' for the codes)"
    )


def test_supported_countries_come_from_the_holidays_package() -> None:
    countries = supported_countries()
    assert "CA" in countries["US"]
    assert "BY" in countries["DE"]
    assert countries["IL"] == []
    assert countries["GB"] == ["ENG", "NIR", "SCT", "WLS"]


def test_day_helper_checks_the_weekday_written() -> None:
    assert day("Mon 2026-11-23") == date(2026, 11, 23)
    with pytest.raises(AssertionError):
        day("Tue 2026-11-23")


@pytest.mark.parametrize("lang", ["de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8", ""])
@pytest.mark.parametrize("variable", ["LANG", "LC_MESSAGES", "LANGUAGE"])
def test_holiday_names_are_english_whatever_the_locale(
    monkeypatch: pytest.MonkeyPatch, variable: str, lang: str
) -> None:
    """Mon 6 Apr 2026 is Easter Monday in Germany, named so under any locale: the names a
    user reads, and the known-days cache keeps, do not follow the environment."""
    from followup.business_days import _holidays_for

    monkeypatch.setenv(variable, lang)
    assert _holidays_for(DE).get(day("Mon 2026-04-06")) == "Easter Monday"
