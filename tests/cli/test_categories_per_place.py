"""Specification: holiday categories apply where the country has them, and never break a
listing. A Munich user keeps ``categories = ["public", "catholic"]``; Austria has no
``catholic`` category, and an Austrian interview must still list, plan and show.

At Sun 6 Dec 2026 noon in New York. Austria's Immaculate Conception is Tue 8 Dec 2026 (a
public holiday there).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)
MUNICH = '[calendar]\ncountry = "DE"\nsubdivision = "BY"\ncategories = ["public", "catholic"]\n'


@pytest.fixture
def austrian(cli, config_file: Path) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text(MUNICH)
    result = cli("add", "Wien AG", "--country", "AT", "--expect", "2026-12-04", at=SUN_6_DEC)
    assert result.code == 0, result.err


@pytest.mark.usefixtures("austrian")
@pytest.mark.parametrize("command", [["list"], ["upcoming"], ["list", "--json"]])
def test_a_category_the_country_lacks_does_not_stop_a_listing(cli, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = cli(*command, at=SUN_6_DEC)
    assert (result.code, result.err) == (0, "")
    assert "Wien AG" in result.out


@pytest.mark.usefixtures("austrian")
def test_the_reminder_counts_the_countrys_own_holidays(cli) -> None:  # type: ignore[no-untyped-def]
    """Promised Fri 4 Dec: Mon 7 Dec, (Tue 8 Dec holiday), Wed 9 Dec are the two business
    days to pass; the email reminder is Thu 10 Dec."""
    shown = json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)
    assert shown["next_reminder"]["at"].startswith("2026-12-10")


@pytest.mark.usefixtures("austrian")
def test_show_names_the_category_left_out_in_one_line(cli) -> None:  # type: ignore[no-untyped-def]
    lines = cli("show", "1", at=SUN_6_DEC).out.splitlines()
    assert [line for line in lines if "catholic" in line] == [
        "Categories:     catholic: no such holiday category in AT; left out"
    ]


def test_a_category_the_country_has_is_kept(cli, config_file: Path) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text(MUNICH)
    cli("add", "München GmbH", "--expect", "2026-12-04", at=SUN_6_DEC)
    assert "Categories" not in cli("show", "1", at=SUN_6_DEC).out


@pytest.mark.usefixtures("austrian")
def test_config_warns_once_about_a_country_lacking_a_category(cli) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Graz AG", "--country", "AT", "--expect", "2026-12-04", at=SUN_6_DEC)
    result = cli("config", at=SUN_6_DEC)
    assert result.code == 0
    assert [line for line in result.err.splitlines() if "catholic" in line] == [
        "warning: catholic: no such holiday category in AT; left out"
    ]


def test_config_says_nothing_of_categories_every_place_has(cli, config_file: Path) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text(MUNICH)
    cli("add", "München GmbH", "--expect", "2026-12-04", at=SUN_6_DEC)
    assert "categor" not in cli("config", at=SUN_6_DEC).err


TYPO = MUNICH.replace('"catholic"', '"catolic"')


@pytest.mark.parametrize(
    "command",
    [
        ["config"],
        ["add", "München GmbH", "--expect", "2026-12-04"],
        ["show", "1"],
    ],
)
def test_a_category_no_country_has_is_one_error_naming_it(
    cli, config_file: Path, command: list[str]
) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Stored", "--expect", "2026-12-04", at=SUN_6_DEC)
    config_file.write_text(TYPO)
    before = cli("list", "--json", at=SUN_6_DEC).out
    result = cli(*command, at=SUN_6_DEC)
    assert result.code != 0
    [line] = result.err.splitlines()
    assert line.startswith("error: ")
    assert "calendar.categories: 'catolic' is no holiday category (known: " in line
    assert "catholic" in line
    assert cli("list", "--json", at=SUN_6_DEC).out == before
