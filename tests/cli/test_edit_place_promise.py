"""Specification: ``edit ID --country XX`` (or ``--subdivision``) reads a promise given in
words again in the new place, from the day the words were said, and says so; a promise
given as a date stays as it is.

At Sun 6 Dec 2026 noon in New York. Interviewed Fri 4 Dec 2026, "end of next week": in the
US (Saturday-Sunday weekend) next week is Mon 7 - Fri 11 Dec, its last business day
Fri 11 Dec; in Israel (Friday-Saturday weekend) weeks start on Sunday, and the week after
the one holding Fri 4 Dec is Sun 6 - Thu 10 Dec, its last business day Thu 10 Dec.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.support.specs import Cli

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)
MOVED = (
    "'end of next week' read again in IL: the reply is now expected on Thu 10 Dec 2026 "
    "(was Fri 11 Dec 2026)"
)


def added(cli: Cli, expect: str) -> None:
    result = cli(
        "add",
        "Acme",
        "--country",
        "US",
        "--interviewed",
        "2026-12-04",
        "--expect",
        expect,
        at=SUN_6_DEC,
    )
    assert result.code == 0, result.err


def shown(cli: Cli) -> dict[str, object]:
    data: dict[str, object] = json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)
    return data


def test_words_are_read_again_in_the_new_country(cli: Cli) -> None:
    added(cli, "end of next week")
    result = cli("edit", "1", "--country", "IL", at=SUN_6_DEC)
    assert result.code == 0, result.err
    assert MOVED in (result.out + result.err).splitlines()
    data = shown(cli)
    assert (data["reply_expected_on"], data["reply_expected_words"]) == (
        "2026-12-10",
        "end of next week",
    )


@pytest.mark.parametrize(("expect", "country"), [("2026-12-11", "IL"), ("end of next week", "DE")])
def test_a_date_or_words_naming_the_same_day_there_stay_as_they_are(
    cli: Cli, expect: str, country: str
) -> None:
    added(cli, expect)
    result = cli("edit", "1", "--country", country, at=SUN_6_DEC)
    assert result.code == 0, result.err
    assert "read again" not in result.out + result.err
    assert shown(cli)["reply_expected_on"] == "2026-12-11"
