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
    for company in ("Monzo", "Acme", "Acme Labs", "Zürich Re"):
        assert cli("add", company, "--expect", "2026-12-10", at=SUN_6_DEC).code == 0


@pytest.mark.usefixtures("three")
@pytest.mark.parametrize(
    ("typed", "interview_id"),
    [
        ("Monzo", 1),
        ("monzo", 1),
        ("mon", 1),
        ("ACME", 2),
        ("acme l", 3),
        ("3", 3),
        ("zurich", 4),
        ("ZÜRICH RE", 4),
        ("zu", 4),
    ],
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


def test_an_exact_duplicate_add_is_warned_of_on_stderr(cli) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Acme", "--role", "Engineer", "--expect", "2026-12-10", at=SUN_6_DEC)
    result = cli("add", "ACME ", "--role", "engineer", "--expect", "2026-12-10", at=SUN_6_DEC)
    assert result.code == 0
    assert result.err == (
        "warning: ACME with the same role and promised day is stored already as interview 1; "
        "added anyway (followup delete ID --yes to undo)\n"
    )


def test_another_role_or_day_is_no_duplicate(cli) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Acme", "--role", "Engineer", "--expect", "2026-12-10", at=SUN_6_DEC)
    assert cli("add", "Acme", "--role", "Manager", "--expect", "2026-12-10", at=SUN_6_DEC).err == ""
    assert (
        cli("add", "Acme", "--role", "Engineer", "--expect", "2026-12-11", at=SUN_6_DEC).err == ""
    )


def test_a_second_emailed_says_what_it_replaced(cli) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Acme", "--expect", "2026-11-20", at=SUN_6_DEC)
    cli("emailed", "1", "--on", "2026-11-30", at=SUN_6_DEC)
    out = cli("emailed", "1", "--on", "2026-12-02", at=SUN_6_DEC).out
    assert out.splitlines()[0] == (
        "Recorded: emailed Acme on Wed 2 Dec 2026, replacing the email recorded on Mon 30 Nov 2026."
    )


#: Moving on comes once more than five business days pass after the email: emailed Mon 23
#: Nov (Thanksgiving Thu 26 Nov), Wed 2 Dec, already past; emailed Fri 4 Dec, Mon 14 Dec.
@pytest.mark.parametrize(
    ("on", "line"),
    [
        (
            "2026-11-23",
            "With no reply since, it was time to move on from Wed 2 Dec 2026 09:00 EST: "
            "followup moved-on 1, or snooze it.",
        ),
        (
            "2026-12-04",
            "If there is no reply, you will be told on Mon 14 Dec 2026 09:00 EST to move on.",
        ),
    ],
)
def test_emailed_tells_a_move_on_day_past_in_the_past_tense(cli, on: str, line: str) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Acme", "--expect", "2026-11-18", at=SUN_6_DEC)
    assert cli("emailed", "1", "--on", on, at=SUN_6_DEC).out.splitlines()[1] == line


#: A next round promised Mon 30 Nov: its email reminder came Thu 3 Dec, already past on
#: Sun 6 Dec; one promised Thu 10 Dec comes Tue 15 Dec.
@pytest.mark.parametrize(
    ("promised", "line"),
    [
        (
            "2026-11-30",
            "Recorded: next round with Acme. With no reply since, it is time to email them: "
            "the reminder is due now (since Thu 3 Dec 2026 09:00 EST). A polite draft: "
            "followup draft 1",
        ),
        (
            "2026-12-10",
            "Recorded: next round with Acme. Reminder to email if no reply: "
            "Tue 15 Dec 2026 09:00 EST.",
        ),
    ],
)
def test_heard_tells_a_next_rounds_reminder_past_as_due_now(cli, promised: str, line: str) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Acme", "--expect", "2026-11-18", at=SUN_6_DEC)
    result = cli("heard", "1", "--outcome", "next-round", "--expect", promised, at=SUN_6_DEC)
    assert result.out.splitlines() == [line]


def test_snooze_without_days_puts_it_off_one_business_day(cli) -> None:  # type: ignore[no-untyped-def]
    """Acme's email reminder is Tue 15 Dec; one business day on is Wed 16 Dec."""
    cli("add", "Acme", "--expect", "2026-12-10", at=SUN_6_DEC)
    result = cli("snooze", "acme", "--json", at=SUN_6_DEC)
    assert result.code == 0, result.err
    assert json.loads(result.out)["next_reminder"]["at"].startswith("2026-12-16")


@pytest.fixture
def full(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "add",
        "Acme",
        "--expect",
        "2026-12-10",
        "--role",
        "Engineer",
        "--contact",
        "Ann",
        "--email",
        "ann@acme.example",
        "--interviewed",
        "2026-12-03",
        "--country",
        "DE",
        "--subdivision",
        "BY",
        "--note",
        "liked Rust",
        at=SUN_6_DEC,
    )
    assert result.code == 0, result.err


@pytest.mark.usefixtures("full")
@pytest.mark.parametrize(
    ("option", "typed", "field"),
    [
        ("--email", "none", "contact_email"),
        ("--subdivision", "NONE", "subdivision"),
        ("--subdivision", "", "subdivision"),
        ("--role", "None", "role"),
        ("--contact", "none", "contact_name"),
        ("--interviewed", "none", "interviewed_on"),
        ("--note", "", "notes"),
        ("--subdivision", "-", "subdivision"),
        ("--role", " - ", "role"),
        ("--note", "-", "notes"),
    ],
)
def test_edit_empties_an_optional_field_given_as_none(
    cli,
    option: str,
    typed: str,
    field: str,  # type: ignore[no-untyped-def]
) -> None:
    result = cli("edit", "1", option, typed, at=SUN_6_DEC)
    assert result.code == 0, result.err
    assert json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)[field] is None


@pytest.mark.usefixtures("full")
def test_a_new_country_empties_the_old_countrys_subdivision(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("edit", "1", "--country", "FR", at=SUN_6_DEC)
    assert result.code == 0, result.err
    shown = json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)
    assert (shown["country"], shown["subdivision"]) == ("FR", None)


@pytest.mark.usefixtures("full")
def test_emptying_the_country_empties_its_subdivision(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("edit", "1", "--country", "none", at=SUN_6_DEC).code == 0
    shown = json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)
    assert (shown["country"], shown["subdivision"]) == (None, None)


def test_a_new_promised_date_drops_the_old_words(cli) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Acme", "--expect", "end of next week", at=SUN_6_DEC)
    cli("edit", "1", "--expect", "2026-12-21", at=SUN_6_DEC)
    assert json.loads(cli("show", "1", "--json", at=SUN_6_DEC).out)["reply_expected_words"] is None
