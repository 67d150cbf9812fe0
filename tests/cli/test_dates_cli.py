"""Dates as the command line reads them: numeric dates in the order of the user's country
(or ``calendar.date_order``), a year completed the way the input looks, and a warning for a
promised day long past.

Every command runs on Sun 29 Nov 2026 at 12:00 in New York (the ``cli`` fixture's clock).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.specs import Cli, ok, store_bytes


def configure(config_file: Path, **calendar: str) -> None:
    body = "".join(f'{key} = "{value}"\n' for key, value in calendar.items())
    config_file.write_text(f'[calendar]\ntimezone = "America/New_York"\n{body}')


def added(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli("add", *args, "--json")
    assert (result.code, result.err) == (0, ""), result
    data: dict[str, Any] = json.loads(result.out)
    return data


@pytest.mark.parametrize(
    ("calendar", "typed", "stored"),
    [
        ({"country": "GB"}, "03/12/2026", "2026-12-03"),
        ({"country": "US"}, "03/12/2026", "2026-03-12"),
        ({"country": "DE"}, "05.01.2027", "2027-01-05"),
        ({"country": "US"}, "05/01/2027", "2027-05-01"),
        ({"country": "FR"}, "05-01-2027", "2027-01-05"),
        ({"country": "JP"}, "2027/01/05", "2027-01-05"),
        ({"country": "CN"}, "27/1/5", "2027-01-05"),
        ({"country": "US", "date_order": "dmy"}, "05/01/2027", "2027-01-05"),
        ({"country": "GB", "date_order": "mdy"}, "05/01/2027", "2027-05-01"),
        ({"country": "GB", "date_order": "ymd"}, "27.01.05", "2027-01-05"),
    ],
)
def test_expect_is_read_in_the_countrys_order_or_the_configured_one(
    cli: Cli, config_file: Path, calendar: dict[str, str], typed: str, stored: str
) -> None:
    configure(config_file, **calendar)
    result = cli("add", "Acme", "--expect", typed, "--json")
    assert result.code == 0, result
    assert json.loads(result.out)["reply_expected_on"] == stored


@pytest.mark.parametrize(
    ("command", "field", "typed", "stored"),
    [
        (("add", "Beta", "--expect", "2026-12-10", "--interviewed"), "interviewed_on",
         "20/11/2026", "2026-11-20"),
        (("edit", "1", "--expect"), "reply_expected_on", "10.12.26", "2026-12-10"),
        (("emailed", "1", "--on"), "emailed_on", "27/11/26", "2026-11-27"),
        (("heard", "1", "--outcome", "next-round", "--expect"), "reply_expected_on",
         "4 1 2027", "2027-01-04"),
    ],
)  # fmt: skip
def test_every_date_option_reads_the_users_order(
    cli: Cli, config_file: Path, command: tuple[str, ...], field: str, typed: str, stored: str
) -> None:
    configure(config_file, country="GB")
    ok(cli("add", "Acme", "--expect", "2026-11-23", "--interviewed", "2026-11-16"))
    data = json.loads(ok(cli(*command, typed, "--json")))
    assert data[field] == stored


def test_heard_on_reads_the_users_order(cli: Cli, config_file: Path) -> None:
    configure(config_file, country="GB")
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("heard", "1", "--outcome", "offer", "--on", "02/11/2026"))  # 2 Nov, not 11 Feb
    history = json.loads(ok(cli("history", "1", "--json")))
    assert history[-1]["details"] == {"outcome": "offer", "on": "2026-11-02"}


@pytest.mark.parametrize(
    ("calendar", "typed", "message"),
    [
        (
            {"country": "US"},
            "13/01/2027",
            "unreadable date '13/01/2027': calendar.date_order is 'mdy' (month first), which "
            "makes no such day; write 2027-01-13 if you mean it",
        ),
        (
            {"country": "GB"},
            "01/13/2027",
            "unreadable date '01/13/2027': calendar.date_order is 'dmy' (day first), which "
            "makes no such day; write 2027-01-13 if you mean it",
        ),
        (
            {"country": "CN"},
            "05/01/2027",
            "ambiguous date '05/01/2027': calendar.date_order is 'ymd' (year first), and it "
            "reads both day first and month first; write it as YYYY-MM-DD",
        ),
    ],
)
def test_a_date_that_fits_only_the_other_order_is_refused(
    cli: Cli, config_file: Path, db_path: Path, calendar: dict[str, str], typed: str, message: str
) -> None:
    configure(config_file, **calendar)
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    before = store_bytes(db_path)
    result = cli("edit", "1", "--expect", typed)
    assert (result.code, result.out, result.err) == (2, "", f"error: {message}\n")
    assert store_bytes(db_path) == before


def test_a_bad_date_order_in_the_config_is_refused(
    cli: Cli, config_file: Path, db_path: Path
) -> None:
    configure(config_file, country="GB", date_order="dm")
    result = cli("add", "Acme", "--expect", "2026-12-03")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"error: {config_file}: calendar.date_order = \"dm\": must be 'dmy', 'mdy' or 'ymd'\n"
    )
    assert not db_path.exists()


def test_the_config_command_shows_the_effective_order(cli: Cli, config_file: Path) -> None:
    configure(config_file, country="DE")
    settings = json.loads(ok(cli("config", "--json")))["settings"]
    assert settings["calendar.date_order"] == "dmy"


# -- a year assumed ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "note", "field", "stored"),
    [
        (("add", "Acme", "--expect", "Jan 5"),
         "Reply expected on Tue 5 Jan 2027 (year assumed)", "reply_expected_on", "2027-01-05"),
        (("add", "Acme", "--expect", "Dec 10", "--interviewed", "Nov 20"),
         "Interviewed on Fri 20 Nov 2026 (year assumed)", "interviewed_on", "2026-11-20"),
        (("add", "Acme", "--expect", "2026-12-10", "--interviewed", "Dec 20"),
         "Interviewed on Sat 20 Dec 2025 (year assumed)", "interviewed_on", "2025-12-20"),
    ],
)  # fmt: skip
def test_a_year_assumed_is_said(
    cli: Cli, args: tuple[str, ...], note: str, field: str, stored: str
) -> None:
    out = ok(cli(*args))
    assert out.splitlines()[0] == note
    assert json.loads(ok(cli("show", "1", "--json")))[field] == stored


def test_a_year_assumed_goes_to_stderr_with_json(cli: Cli) -> None:
    result = cli("add", "Acme", "--expect", "Jan 5", "--json")
    assert result.code == 0
    assert result.err == "Reply expected on Tue 5 Jan 2027 (year assumed)\n"
    assert json.loads(result.out)["reply_expected_on"] == "2027-01-05"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("emailed", "1", "--on", "Nov 27"), "Emailed on Fri 27 Nov 2026 (year assumed)"),
        (("heard", "1", "--outcome", "offer", "--on", "Nov 27"),
         "Replied on Fri 27 Nov 2026 (year assumed)"),
        (("heard", "1", "--outcome", "next-round", "--expect", "Jan 4"),
         "Reply expected on Mon 4 Jan 2027 (year assumed)"),
    ],
)  # fmt: skip
def test_backward_and_forward_options_complete_the_year_their_way(
    cli: Cli, args: tuple[str, ...], line: str
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    assert ok(cli(*args)).splitlines()[0] == line


# -- a promised day long past -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expect", "warning"),
    [
        ("2026-11-23", None),  # six days ago
        ("2026-10-30", None),  # 30 days ago: not more than 30
        ("2026-10-29", "Thu 29 Oct 2026, 31 days ago"),
        ("2026-10-28", "Wed 28 Oct 2026, 32 days ago"),
        ("2025-12-02", "Tue 2 Dec 2025, 362 days ago"),
    ],
)
def test_a_promised_day_more_than_30_days_ago_is_warned_of(
    cli: Cli, expect: str, warning: str | None
) -> None:
    result = cli("add", "Acme", "--expect", expect)
    assert result.code == 0
    expected = (
        f"warning: the reply was promised for {warning}: its reminder is already due\n"
        if warning
        else ""
    )
    assert result.err == expected


def test_a_refused_command_gives_no_warning_and_changes_nothing(cli: Cli, db_path: Path) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    before = store_bytes(db_path)
    result = cli("heard", "1", "--outcome", "offer", "--expect", "2025-01-02")
    assert (result.code, result.out) == (2, "")
    assert result.err == "error: --expect goes only with --outcome next-round, not 'offer'\n"
    assert store_bytes(db_path) == before


@pytest.mark.system
def test_ordinary_commands_import_neither_babel_nor_the_encoding_detector(
    cli: Cli, config_file: Path, tmp_path: Path
) -> None:
    import subprocess
    import sys

    configure(config_file, country="GB")
    ok(cli("add", "Acme", "--expect", "2026-12-03"))
    code = (
        "import sys; from followup.cli import main; "
        "main(['list']); main(['add', 'Beta', '--expect', 'Jan 5']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'babel', 'charset_normalizer'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
