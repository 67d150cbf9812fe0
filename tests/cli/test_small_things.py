"""Specification of the small things that trip people, through the real command line at
Sun 6 Dec 2026 noon in New York: a company name where an id goes, clearing a field with
``edit``, ``snooze`` without ``--days``, a duplicate ``add``, a second ``emailed``, and
reminders already past told in the past tense."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

SUN_6_DEC = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


@pytest.fixture
def three(cli) -> None:  # type: ignore[no-untyped-def]
    for company in ("Monzo", "Acme", "Acme Labs"):
        assert cli("add", company, "--expect", "2026-12-10", at=SUN_6_DEC).code == 0


@pytest.mark.usefixtures("three")
@pytest.mark.parametrize(
    ("typed", "interview_id"),
    [("Monzo", 1), ("monzo", 1), ("mon", 1), ("ACME", 2), ("acme l", 3), ("3", 3)],
)
def test_a_company_name_or_its_start_names_the_interview(
    cli, typed: str, interview_id: int
) -> None:  # type: ignore[no-untyped-def]
    result = cli("show", typed, "--json", at=SUN_6_DEC)
    assert result.code == 0, result.err
    assert json.loads(result.out)["id"] == interview_id


@pytest.mark.usefixtures("three")
def test_a_company_name_works_for_a_change_too(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("emailed", "monzo", "--on", "2026-12-04", at=SUN_6_DEC).code == 0
    assert json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)["emailed_on"] == "2026-12-04"


@pytest.mark.usefixtures("three")
def test_an_ambiguous_start_is_refused_naming_the_candidates(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("show", "ac", at=SUN_6_DEC)
    assert (result.code, result.err) == (
        2,
        "error: 'ac' names several interviews: 2 (Acme), 3 (Acme Labs); give the id\n",
    )


@pytest.mark.usefixtures("three")
def test_a_company_no_interview_has_is_not_found(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("show", "Zed", at=SUN_6_DEC)
    assert result.code != 0
    assert result.err == (
        "error: no interview with id or company 'Zed' (see: followup list --all)\n"
    )
