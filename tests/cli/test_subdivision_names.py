"""Specification of subdivisions typed by code, alias or name (local, ISO 3166-2 or
English), through the real command line at Sun 6 Dec 2026, noon in New York: the name is
read in any case and the code the ``holidays`` package spells is stored; a name no
subdivision of the country has is refused with the pointer to ``followup countries CC``;
``countries`` shows the English name first and finds a subdivision by it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.modules import modules_loaded, packages_loaded
from tests.support.specs import Cli, Outcome

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


def add_in(cli: Cli, country: str, typed: str) -> Outcome:
    """``followup add Acme`` in ``country`` with the subdivision as ``typed``."""
    return cli(
        "add",
        "Acme",
        "--expect",
        "2026-12-11",
        "--country",
        country,
        "--subdivision",
        typed,
        at=SUN_6_DEC,
    )


@pytest.mark.parametrize(
    ("country", "typed", "stored"),
    [
        ("MY", "JHR", "01"),  # the holidays package's codes, aliases and names
        ("MY", "johor", "01"),
        ("DE", "Bayern", "BY"),
        ("DE", "by", "BY"),
        ("DE", "BAVARIA", "BY"),
        ("DE", "North Rhine-Westphalia", "NW"),  # English names from iso3166-2 and pycountry
        ("DE", "lower saxony", "NI"),
        ("DE", "THURINGIA", "TH"),
        ("DE", "Bavaria", "BY"),
        ("AT", "Vienna", "9"),
        ("AT", "lower austria", "3"),
        ("AT", "Carinthia", "2"),
        ("ES", "Catalonia", "CT"),
        ("ES", "balearic islands", "IB"),
        ("ES", "Basque Country", "PV"),
        ("US", "the golden state", "CA"),
        ("MY", "Penang", "07"),
        ("MY", "malacca", "04"),
        ("IN", "Orissa", "OD"),
        ("IN", "pondicherry", "PY"),
        ("IT", "Rome", "RM"),
        ("CH", "geneva", "GE"),
        ("FI", "North Ostrobothnia", "14"),
        ("DE", "Thuringen", "TH"),
        ("DE", "baden-wurttemberg", "BW"),
        ("AT", "Niederosterreich", "3"),
        ("ES", "Andalucia", "AN"),
    ],
)
def test_a_subdivision_is_read_by_its_code_alias_or_name_in_any_case(
    cli: Cli, country: str, typed: str, stored: str
) -> None:
    result = add_in(cli, country, typed)
    assert result.code == 0, result.err
    assert json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)["subdivision"] == stored


@pytest.mark.parametrize(
    ("country", "typed"),
    [
        ("DE", "Westphalia"),
        ("AT", "Vienna Woods"),
        ("ES", "Vienna"),
        ("US", "Golden"),
    ],
)
def test_a_name_no_subdivision_has_is_refused_with_the_pointer(
    cli: Cli, country: str, typed: str
) -> None:
    result = add_in(cli, country, typed)
    assert result.code != 0
    assert result.err.startswith(f"error: unknown subdivision '{typed}' for {country}")
    assert result.err.endswith(f"; see 'followup countries {country}'\n")
    assert len(result.err.splitlines()) == 1
    assert cli("list", "--json", at=SUN_6_DEC).out.strip() == "[]"


def test_edit_reads_an_english_name_in_the_interviews_country(cli: Cli) -> None:
    assert cli("add", "Acme", "--expect", "2026-12-11", "--country", "AT", at=SUN_6_DEC).code == 0
    assert cli("edit", "1", "--subdivision", "upper austria", at=SUN_6_DEC).code == 0
    assert json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)["subdivision"] == "4"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("germany", "    NW        North Rhine-Westphalia (also Nordrhein-Westfalen)"),
        ("germany", "    BY        Bavaria (also Bayern)"),
        ("germany", "    BE        Berlin"),
        ("austria", "    9  Vienna (also Wien, W)"),
        ("vienna", "    9  Vienna (also Wien, W)"),
        ("spain", "    CT         Catalonia (also Cataluña, Catalunya)"),
        ("malaysia", "    01  Johor (also JHR)"),
        ("malaysia", "    07  Penang (also Pulau Pinang, PNG)"),
        ("united states", "    CA  California"),
        ("italy", "    RM        Rome (also Roma)"),
        ("thuringen", "    TH  Thuringia (also Thüringen)"),
    ],
)
def test_countries_shows_the_english_name_first(cli: Cli, text: str, line: str) -> None:
    """Only a country where English is not an official language gets one, and only a
    translation (listed before the local names), not a nickname ("The Golden State") or
    a longer form ("Free State of Bavaria")."""
    assert line in cli("countries", text, at=SUN_6_DEC).out.splitlines()


@pytest.mark.parametrize("typed", ["DE", "de", " De "])
def test_countries_with_a_country_code_gives_that_country_alone(cli: Cli, typed: str) -> None:
    """As the refusal of an unknown subdivision points to it; "de" is also in Andorra's,
    Argentina's and 20 more countries' subdivision names."""
    lines = cli("countries", typed, at=SUN_6_DEC).out.splitlines()
    assert [line for line in lines if not line.startswith(" ")] == ["DE  Germany"]
    assert len(lines) == 1 + 17


@pytest.mark.system
@pytest.mark.own_store
def test_a_subdivision_named_in_the_config_is_read_again_without_the_name_data(
    config_file: Path,
) -> None:
    """The first command reads the name (and keeps what it means beside the cached
    business days); the next ones load neither the name data nor ``holidays``."""
    config_file.write_text('[calendar]\ncountry = "DE"\nsubdivision = "North Rhine-Westphalia"\n')
    modules_loaded(["add", "Acme", "--expect", "2026-12-11"])
    assert packages_loaded(["list"], {"holidays", "iso3166_2", "pycountry"}) == set()
    assert packages_loaded(["show", "1"], {"holidays", "iso3166_2", "pycountry"}) == set()
