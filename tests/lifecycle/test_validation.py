"""The checks every interview passes, without a store: each refusal names its field (so
that an import can point at the column or key) and the bad value."""

from __future__ import annotations

from datetime import date

import pytest

from followup.errors import UsageError
from followup.lifecycle.validation import (
    FieldError,
    check_email,
    check_event_day,
    pin_country,
    validate,
)
from followup.records import Details

THU_19, FRI_20 = date(2026, 11, 19), date(2026, 11, 20)
SUN_29 = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        (Details(company="  "), "company", "the company name must not be empty"),
        (
            Details(company="Acme", contact_email="ann at acme"),
            "contact_email",
            "invalid email address 'ann at acme'",
        ),
        (
            Details(company="Acme", role="Dev\x1b[31m"),
            "role",
            "role 'Dev\\x1b[31m' contains the control character U+001B at character 4",
        ),
        (
            Details(company="Acme", interviewed_on=FRI_20, reply_expected_on=THU_19),
            "reply_expected_on",
            "expected date 2026-11-19 is before the interview date 2026-11-20",
        ),
        (
            Details(company="Acme", reply_expected_on=date(1989, 12, 31)),
            "reply_expected_on",
            "expected date 1989-12-31 is outside the years 1990-2100 followup accepts",
        ),
        (
            Details(company="Acme", country="Germnay"),
            "country",
            "unknown country 'Germnay' (did you mean DE (Germany)? see 'followup countries' "
            "for the codes)",
        ),
    ],
)
def test_a_bad_interview_is_refused_naming_the_field_and_the_value(
    details: Details, field: str, message: str
) -> None:
    with pytest.raises(FieldError) as raised:
        validate(details, "US")
    assert (raised.value.field, raised.value.message) == (field, message)


def test_a_lone_subdivision_is_checked_in_the_home_country() -> None:
    validate(Details(company="Acme", subdivision="CA"), "US")
    with pytest.raises(FieldError) as raised:
        validate(Details(company="Acme", subdivision="CA"), "DE")
    assert raised.value.field == "subdivision"
    assert raised.value.message.startswith("unknown subdivision 'CA' for DE (known: ")


@pytest.mark.parametrize(
    ("country", "subdivision", "home", "pinned"),
    [
        ("us", None, "US", ("US", None)),
        ("us", "ca", "US", ("US", "CA")),
        # A subdivision given alone belongs to the home country of the day it was given.
        (None, "ca", "US", ("US", "CA")),
        (None, "by", "DE", ("DE", "BY")),
        (None, None, "US", (None, None)),
    ],
)
def test_place_codes_are_pinned_in_their_stored_spelling(
    country: str | None, subdivision: str | None, home: str, pinned: tuple[str | None, ...]
) -> None:
    given = Details(company="Acme", country=country, subdivision=subdivision)
    done = pin_country(given, home)
    assert (done.country, done.subdivision) == pinned
    assert done.company == "Acme"


@pytest.mark.parametrize(
    ("what", "day", "interviewed", "message"),
    [
        ("email", date(2026, 11, 30), None, "email date 2026-11-30 is in the future"),
        (
            "reply",
            THU_19,
            FRI_20,
            "reply date 2026-11-19 is before the interview date 2026-11-20",
        ),
        (
            "email",
            date(1980, 1, 1),
            None,
            "email date 1980-01-01 is outside the years 1990-2100 followup accepts",
        ),
    ],
)
def test_a_day_something_happened_is_neither_in_the_future_nor_before_the_interview(
    what: str, day: date, interviewed: date | None, message: str
) -> None:
    with pytest.raises(UsageError) as raised:
        check_event_day(what, day, interviewed, today=SUN_29)
    assert raised.value.message == message


@pytest.mark.parametrize("day", [SUN_29, FRI_20])
def test_today_and_the_interview_day_itself_are_accepted(day: date) -> None:
    check_event_day("email", day, FRI_20, today=SUN_29)


@pytest.mark.parametrize(
    "address",
    [
        "jobs@müller-bau.de",
        "jobs@xn--mller-bau-q9a.de",
        "jürgen@müller-bau.de",  # RFC 6531: a local part in Unicode
        "用户@例子.广告",
    ],
)
def test_an_address_written_in_unicode_is_accepted_as_typed(address: str) -> None:
    assert check_email(address) == address


@pytest.mark.parametrize(
    "address",
    ["jür gen@müller-bau.de", "jü<rgen@müller-bau.de", "jü..rgen@müller-bau.de", "jürgen@"],
)
def test_a_unicode_local_part_is_held_to_the_same_rules(address: str) -> None:
    with pytest.raises(UsageError, match="invalid email address"):
        check_email(address)
