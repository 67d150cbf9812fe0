"""Spreadsheets: ``followup export --format csv`` writes the sheet a tracker keeps, and
``followup import FILE.csv`` reads the sheets people kept: headers matched loosely, every
row checked before anything is stored, rows already present never duplicated.

Today is whatever day the tests run on; every date below is in the past (or, where a test
needs one in the future, far ahead), so none of them depends on it.
"""

from __future__ import annotations

import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.specs import Cli, ok, snapshot

CORPUS = Path(__file__).parent.parent / "corpus" / "spreadsheets"
SHOWN = (
    "company",
    "role",
    "contact_name",
    "contact_email",
    "interviewed_on",
    "reply_expected_on",
    "emailed_on",
    "status",
    "outcome",
    "country",
    "subdivision",
    "notes",
)


def stored(cli: Cli) -> list[tuple[Any, ...]]:
    """Every interview, open and closed, as (company, role, ..., notes)."""
    return [tuple(i[k] for k in SHOWN) for i in json.loads(ok(cli("list", "--all", "--json")))]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in ``tmp_path``, so that messages name files as a user types them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sheet(folder: Path, text: str, name: str = "sheet.csv") -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return name


# -- sheets as people keep them -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "report", "interviews"),
    [
        pytest.param(
            "google_sheets.csv",
            "Encoding: UTF-8\n"
            "Columns: 'Company Name' -> company, 'Position' -> role, 'Recruiter' -> contact, "
            "'Contact Email' -> email, 'Date Applied' -> interviewed, 'Expected Reply' -> "
            "expected, 'Followed Up' -> emailed, 'Stage' -> status, 'Notes' -> notes\n"
            "line 2: add Acme Corp (Backend Engineer), expected 2026-11-09\n"
            "line 3: add Globex (Data Analyst), expected 2026-11-10, emailed\n"
            "line 4: add Initech (QA Engineer), expected 2026-10-27, heard back (rejected)\n"
            "Imported: added 3, changed 0; 0 already present.\n",
            [
                ("Acme Corp", "Backend Engineer", "Ann Lee", "ann@acme.example", "2026-11-02",
                 "2026-11-09", None, "waiting", None, None, None, None),
                ("Globex", "Data Analyst", "Bob Stone", "bob@globex.example", "2026-11-03",
                 "2026-11-10", "2026-11-13", "emailed", None, None, None,
                 "Sent a thank-you note too"),
                ("Initech", "QA Engineer", None, None, "2026-10-20", "2026-10-27", None,
                 "heard_back", "rejected", None, None, None),
            ],
            id="Google Sheets: comma, 'Company Name', 'Position', 'Date Applied'",
        ),
        pytest.param(
            "excel_semicolons.csv",
            "Encoding: UTF-8 with a byte-order mark\n"
            "Columns: 'Employer' -> company, 'Job Title' -> role, 'Interview Date' -> "
            "interviewed, 'Reply By' -> expected, 'Status' -> status, 'Result' -> outcome, "
            "'State/Province' -> subdivision, 'Country' -> country\n"
            "line 2: add Umbrella (Chemist), expected 2026-11-20, heard back (offer)\n"
            "line 3: add Hooli (Engineer; Platform), expected 2026-11-24, moved on\n"
            "line 4: add Pied Piper (Gründer), expected 2026-11-25\n"
            "Imported: added 3, changed 0; 0 already present.\n",
            [
                ("Umbrella", "Chemist", None, None, "2026-11-16", "2026-11-20", None,
                 "heard_back", "offer", "US", "CA", None),
                ("Hooli", "Engineer; Platform", None, None, "2026-11-17", "2026-11-24", None,
                 "moved_on", None, None, None, None),
                ("Pied Piper", "Gründer", None, None, "2026-11-18", "2026-11-25", None,
                 "waiting", None, "DE", "BY", None),
            ],
            id="Excel: semicolons, a byte-order mark, CRLF, US dates, 'State/Province'",
        ),
        pytest.param(
            "extra_columns.csv",
            "Encoding: UTF-8\n"
            "Columns: 'Organization' -> company, 'Title' -> role, 'Interviewer' -> contact, "
            "'Decision Date' -> expected, 'Date Emailed' -> emailed, 'Heard Back On' -> "
            "replied, 'State' -> status, 'Comments' -> notes; ignored: 'Salary', 'Link'\n"
            "line 2: add Stark Industries (Engineer), expected 2026-11-18, heard back (other)\n"
            "line 6: add Wayne Enterprises (Analyst), expected 2026-11-19\n"
            "Imported: added 2, changed 0; 0 already present.\n",
            [
                ("Stark Industries", "Engineer", "Pepper Potts", None, None, "2026-11-18",
                 "2026-11-23", "heard_back", "other", None, None,
                 "Good chat.\nSecond round, maybe"),
                ("Wayne Enterprises", "Analyst", "Lucius Fox", None, None, "2026-11-19", None,
                 "waiting", None, None, None, None),
            ],
            id="extra columns ignored, blank rows skipped, a note over two lines",
        ),
        pytest.param(
            "notion_tabs.tsv",
            "Encoding: UTF-8\n"
            "Columns: 'company' -> company, 'role' -> role, 'interviewed' -> interviewed, "
            "'response expected' -> expected, 'state' -> status, 'outcome' -> outcome\n"
            "line 2: add Cyberdyne (Researcher), expected 2026-11-16, moved on\n"
            "line 3: add Tyrell, expected 2026-11-17, withdrawn\n"
            "Imported: added 2, changed 0; 0 already present.\n",
            [
                ("Cyberdyne", "Researcher", None, None, "2026-11-09", "2026-11-16", None,
                 "moved_on", None, None, None, None),
                ("Tyrell", None, None, None, None, "2026-11-17", None, "withdrawn", None, None,
                 None, None),
            ],
            id="tabs, lower-case headers, a .tsv known as CSV by its content",
        ),
    ],
)  # fmt: skip
def test_sheets_with_varied_headers_are_read_and_the_mapping_reported(
    cli: Cli, name: str, report: str, interviews: list[tuple[Any, ...]]
) -> None:
    assert ok(cli("import", str(CORPUS / name))) == report
    assert stored(cli) == interviews


def test_each_imported_interview_has_one_imported_event_with_what_the_row_set(
    cli: Cli, folder: Path
) -> None:
    shutil.copy(CORPUS / "extra_columns.csv", folder)
    ok(cli("import", "extra_columns.csv"))
    [event] = json.loads(ok(cli("history", "1", "--json")))
    assert (event["kind"], event["details"]) == (
        "imported",
        {
            "from": "extra_columns.csv",
            "line": 2,
            "company": "Stark Industries",
            "role": "Engineer",
            "contact_name": "Pepper Potts",
            "reply_expected_on": "2026-11-18",
            "emailed_on": "2026-11-23",
            "status": "heard_back",
            "outcome": "other",
            "replied_on": "2026-11-25",
            "notes": "Good chat.\nSecond round, maybe",
        },
    )


def test_the_report_as_json(cli: Cli, folder: Path) -> None:
    name = sheet(folder, "Employer,Reply By,Salary\nAcme,2026-11-23,100\nAcme,2026-11-23,\n")
    assert json.loads(ok(cli("import", name, "--json"))) == {
        "file": "sheet.csv",
        "format": "csv",
        "dry_run": False,
        "columns": [
            {"header": "Employer", "field": "company"},
            {"header": "Reply By", "field": "expected"},
        ],
        "ignored": ["Salary"],
        "encoding": "utf_8",
        "bom": False,
        "unclear": [],
        "date_order": None,  # no numeric date to read
        "reordered": [],
        "year_assumed": [],
        "long_past": [],
        "added": 1,
        "changed": 0,
        "present": 0,
        "duplicates": 1,
        "rows": [
            {
                "line": 2,
                "index": None,
                "action": "add",
                "id": 1,
                "company": "Acme",
                "role": None,
                "reply_expected_on": "2026-11-23",
                "status": "waiting",
                "outcome": None,
                "changes": {},
                "kept_status": None,
                "duplicate_of": None,
                "backup_id": None,
            },
            {
                "line": 3,
                "index": None,
                "action": "duplicate",
                "id": None,
                "company": "Acme",
                "role": None,
                "reply_expected_on": "2026-11-23",
                "status": "waiting",
                "outcome": None,
                "changes": {},
                "kept_status": None,
                "duplicate_of": 2,
                "backup_id": None,
            },
        ],
    }


def test_a_sheet_read_from_standard_input(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"Company;Expected\nAcme;2026-11-23\n"))
    monkeypatch.setattr("sys.stdin", stdin)
    assert ok(cli("import", "-")) == (
        "Encoding: UTF-8\n"
        "Columns: 'Company' -> company, 'Expected' -> expected\n"
        "line 2: add Acme, expected 2026-11-23\n"
        "Imported: added 1, changed 0; 0 already present.\n"
    )


# -- status words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "outcome", "emailed", "replied", "expected"),
    [
        ("", "", "", "", ("waiting", None, None)),
        ("Pending", "", "", "", ("waiting", None, None)),
        ("interviewed", "", "", "", ("waiting", None, None)),
        ("Interviewing", "", "", "", ("waiting", None, None)),
        ("In progress", "", "", "", ("waiting", None, None)),
        ("Applied", "", "2026-11-24", "", ("emailed", None, "2026-11-24")),
        ("Waiting", "", "2026-11-24", "", ("emailed", None, "2026-11-24")),
        ("Next round", "", "", "", ("waiting", None, None)),
        ("Next round", "", "", "2026-11-24", ("waiting", None, None)),
        ("Emailed", "", "2026-11-24", "", ("emailed", None, "2026-11-24")),
        ("followed-up", "", "2026-11-24", "", ("emailed", None, "2026-11-24")),
        ("Heard back", "", "", "", ("heard_back", "other", None)),
        ("Replied", "Offer", "", "", ("heard_back", "offer", None)),
        ("responded", "rejected", "2026-11-24", "", ("heard_back", "rejected", "2026-11-24")),
        ("Offer", "", "", "", ("heard_back", "offer", None)),
        ("REJECTED", "", "", "", ("heard_back", "rejected", None)),
        ("Declined", "", "", "", ("heard_back", "rejected", None)),
        ("", "Offer", "", "", ("heard_back", "offer", None)),
        ("", "", "", "2026-11-25", ("heard_back", "other", None)),
        ("Heard back", "Next round", "", "", ("waiting", None, None)),
        ("Moved on", "", "2026-11-24", "", ("moved_on", None, "2026-11-24")),
        ("Ghosted", "", "", "", ("moved_on", None, None)),
        ("No response", "", "", "", ("moved_on", None, None)),
        ("no_reply", "", "", "", ("moved_on", None, None)),
        ("Withdrawn", "", "", "", ("withdrawn", None, None)),
        ("withdrew", "", "", "", ("withdrawn", None, None)),
    ],
)
def test_status_words_are_read_loosely(
    cli: Cli,
    folder: Path,
    status: str,
    outcome: str,
    emailed: str,
    replied: str,
    expected: tuple[Any, ...],
) -> None:
    name = sheet(
        folder,
        "Company,Expected,Status,Outcome,Emailed,Replied\n"
        f"Acme,2026-11-20,{status},{outcome},{emailed},{replied}\n",
    )
    ok(cli("import", name))
    [interview] = json.loads(ok(cli("list", "--all", "--json")))
    assert (interview["status"], interview["outcome"], interview["emailed_on"]) == expected


def test_dates_are_read_as_the_command_line_reads_them(cli: Cli, folder: Path) -> None:
    name = sheet(
        folder,
        "Company,Interviewed,Expected\n"
        "A,2026-11-16,11/23/2026\n"
        "B,16 Nov 2026,Nov 24 2026\n"
        'C,,"November 25, 2026"\n',
    )
    ok(cli("import", name))
    assert [(i[0], i[4], i[5]) for i in stored(cli)] == [
        ("A", "2026-11-16", "2026-11-23"),
        ("B", "2026-11-16", "2026-11-24"),
        ("C", None, "2026-11-25"),
    ]


# -- files that cannot be read --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "Company,Role,Salary\nAcme,Engineer,100\n",
            "sheet.csv: no column for the expected reply date (e.g. 'Expected', 'Reply By', "
            "'Decision Date'); the headers are: 'Company', 'Role', 'Salary'",
            id="no expected column",
        ),
        pytest.param(
            "Role;Reply By\nEngineer;2026-11-23\n",
            "sheet.csv: no column for the company (e.g. 'Company', 'Employer'); the headers "
            "are: 'Role', 'Reply By'",
            id="no company column",
        ),
        pytest.param(
            "Salary\n100\n",
            "sheet.csv: no column for the company (e.g. 'Company', 'Employer') nor for the "
            "expected reply date (e.g. 'Expected', 'Reply By', 'Decision Date'); the headers "
            "are: 'Salary'",
            id="neither",
        ),
        pytest.param(
            "Company,Employer,Expected\nAcme,Acme,2026-11-23\n",
            "sheet.csv: the columns 'Company' and 'Employer' both mean company; rename or "
            "remove one",
            id="two headers for one field",
        ),
        pytest.param("", "sheet.csv: no header row: the file is empty", id="empty"),
    ],
)
def test_a_sheet_without_the_columns_it_needs_is_refused(
    cli: Cli, folder: Path, text: str, message: str
) -> None:
    result = cli("import", sheet(folder, text))
    assert (result.code, result.out, result.err) == (2, "", f"error: {message}\n")


def test_a_sheet_in_no_encoding_spreadsheets_write_is_refused(cli: Cli, folder: Path) -> None:
    # not UTF-8, no byte-order mark, and bytes Windows-1252 leaves undefined
    (folder / "sheet.csv").write_bytes(b"Company,Expected\n\x81\x8d\x8f\x90\x9d,2026-11-23\n")
    result = cli("import", "sheet.csv")
    assert (result.code, result.err) == (
        2,
        "error: sheet.csv: not text in UTF-8, UTF-16 or Windows-1252; save the sheet as UTF-8 "
        "CSV\n",
    )


HEADER = "Company,Role,Contact Email,Interviewed,Expected,Emailed,Replied,Status,Outcome,Country\n"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("Acme,2026-11-20,,DE", "2026-11-27"),  # Fri 20 Nov: five business days on
        ("Acme,2026-12-18,,DE", "2026-12-28"),  # Fri 18 Dec: past Christmas Day, Fri 25 Dec
        ("Acme,2026-11-19,,IL", "2026-11-26"),  # Thu 19 Nov: Friday and Saturday are the weekend
    ],
)
def test_a_row_with_an_interview_day_and_no_promised_day_waits_the_default(
    cli: Cli, folder: Path, row: str, expected: str
) -> None:
    at = datetime(2026, 12, 21, 12, 0, tzinfo=UTC)  # Mon 21 Dec 2026
    result = ok(
        cli("import", sheet(folder, f"Company,Interviewed,Expected,Country\n{row}\n"), at=at)
    )
    assert f"line 2: add Acme, expected {expected} ('within 5 business days')" in result
    [interview] = json.loads(cli("list", "--json", at=at).out)
    assert (interview["reply_expected_on"], interview["reply_expected_words"]) == (
        expected,
        "within 5 business days",
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            "Beta,,,,2026-13-01,,,,,",
            ", column 'Expected': unreadable date '2026-13-01': no such day",
            id="no 13th month",
        ),
        pytest.param(
            "Beta,,,,soonish,,,,,",
            ", column 'Expected': unreadable date 'soonish' (try 2026-11-24, 'tomorrow' or "
            "'Nov 24')",
            id="not a date",
        ),
        pytest.param(
            "Beta,Engineer,,,,,,,,",
            ", column 'Expected': empty: every interview needs the day they said they would "
            "reply, or the interview day",
            id="neither an expected date nor an interview date",
        ),
        pytest.param(
            ",Engineer,,,2026-11-23,,,,,",
            ", column 'Company': the company name must not be empty",
            id="no company",
        ),
        pytest.param(
            "Beta,,bob@,,2026-11-23,,,,,",
            ", column 'Contact Email': invalid email address 'bob@'",
            id="email address",
        ),
        pytest.param(
            "Beta,,,2026-11-24,2026-11-23,,,,,",
            ", column 'Expected': expected date 2026-11-23 is before the interview date 2026-11-24",
            id="expected before the interview",
        ),
        pytest.param(
            "Beta,,,,2026-11-23,2099-01-05,,,,",
            ", column 'Emailed': email date 2099-01-05 is in the future",
            id="emailed in the future",
        ),
        pytest.param(
            "Beta,,,2026-11-16,2026-11-23,2026-11-13,,,,",
            ", column 'Emailed': email date 2026-11-13 is before the interview date 2026-11-16",
            id="emailed before the interview",
        ),
        pytest.param(
            "Beta,,,,2026-11-23,,2099-01-05,Heard back,,",
            ", column 'Replied': reply date 2099-01-05 is in the future",
            id="replied in the future",
        ),
        pytest.param(
            "Beta,,,,2026-11-23,,,Phone screen,,",
            ", column 'Status': unknown status 'Phone screen' (accepted: waiting, pending, "
            "interviewed, interviewing, in progress, applied, next round, emailed, followed up, "
            "heard back, replied, responded, offer, rejected, declined, moved on, ghosted, "
            "no response, no reply, withdrawn, withdrew, or blank)",
            id="unknown status",
        ),
        pytest.param(
            "Beta,,,,2026-11-23,,,Followed up,,",
            ", column 'Status': status 'Followed up' needs the day of the email in the emailed "
            "column",
            id="emailed without a day",
        ),
        pytest.param(
            "Beta,,,,2026-11-23,,,,maybe,",
            ", column 'Outcome': unknown outcome 'maybe' (accepted: offer, rejected, declined, "
            "next round, other, or blank)",
            id="unknown outcome",
        ),
        pytest.param(
            "Beta,,,,2026-11-23,,,Offer,Rejected,",
            ", column 'Outcome': outcome 'Rejected' contradicts status 'Offer'",
            id="outcome against status",
        ),
        pytest.param(
            "Beta,,,,2026-11-23,,,Withdrawn,Offer,",
            ", column 'Outcome': outcome 'Offer' does not go with status 'Withdrawn'",
            id="outcome of a withdrawal",
        ),
        pytest.param(
            "Beta,,,,2026-11-23,,2026-11-24,Ghosted,,",
            ", column 'Replied': a reply date does not go with status 'Ghosted'",
            id="reply date of a ghosting",
        ),
        pytest.param(
            "Beta,,,,2026-11-23,,,,,XX",
            ", column 'Country': unknown country 'XX' (see 'followup countries' for the codes)",
            id="unknown country",
        ),
        pytest.param(
            "Beta,,,,2026-11-23,,,,,,extra",
            ": 11 cells, but the header names 10 columns",
            id="a cell too many",
        ),
    ],
)
def test_a_bad_row_in_the_middle_is_named_and_nothing_is_imported(
    cli: Cli, folder: Path, db_path: Path, row: str, message: str
) -> None:
    ok(cli("add", "Stored", "--expect", "2026-11-20"))
    before = snapshot(db_path)
    name = sheet(folder, f"{HEADER}Acme,,,,2026-11-23,,,,,\n{row}\nCorp,,,,2026-11-24,,,,,\n")
    result = cli("import", name)
    assert (result.code, result.out, result.err) == (2, "", f"error: sheet.csv line 3{message}\n")
    assert snapshot(db_path) == before


def test_the_line_named_is_the_files_own_after_a_note_over_several_lines(
    cli: Cli, folder: Path
) -> None:
    name = sheet(folder, 'Company,Expected,Notes\nAcme,2026-11-23,"one\ntwo\nthree"\n\nBeta,x,\n')
    result = cli("import", name)
    assert result.err == (
        "error: sheet.csv line 6, column 'Expected': unreadable date 'x' "
        "(try 2026-11-24, 'tomorrow' or 'Nov 24')\n"
    )


# -- a dry run, and importing again ---------------------------------------------------------


def test_a_dry_run_prints_the_report_and_writes_nothing(
    cli: Cli, folder: Path, db_path: Path
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23", "--role", "Engineer"))
    ok(cli("add", "Beta", "--expect", "2026-11-24"))
    before = ok(cli("export", "--format", "json")).splitlines()[4:]
    snapshot_before = snapshot(db_path)
    name = sheet(
        folder,
        "Company,Role,Expected,Emailed,Salary\n"
        "acme,engineer,2026-11-23,2026-11-25,1\n"
        "Beta,,2026-11-24,,2\n"
        "Corp,Analyst,2026-11-20,,3\n",
    )
    assert ok(cli("import", name, "--dry-run")) == (
        "Encoding: UTF-8\n"
        "Columns: 'Company' -> company, 'Role' -> role, 'Expected' -> expected, "
        "'Emailed' -> emailed; ignored: 'Salary'\n"
        "line 2: change Acme (Engineer), id 1: emailed 2026-11-25, status emailed "
        "(was waiting)\n"
        "line 3: already present as id 2\n"
        "line 4: add Corp (Analyst), expected 2026-11-20\n"
        "Would add 1, change 1; 1 already present.\n"
    )
    assert ok(cli("export", "--format", "json")).splitlines()[4:] == before
    assert snapshot(db_path) == snapshot_before


def test_importing_the_same_sheet_again_adds_nothing(cli: Cli) -> None:
    ok(cli("import", str(CORPUS / "google_sheets.csv")))
    interviews = stored(cli)
    assert ok(cli("import", str(CORPUS / "google_sheets.csv"))).splitlines()[2:] == [
        "line 2: already present as id 1",
        "line 3: already present as id 2",
        "line 4: already present as id 3",
        "Imported: added 0, changed 0; 3 already present.",
    ]
    assert stored(cli) == interviews


def test_a_new_emailed_date_changes_the_interview_and_is_recorded(cli: Cli, folder: Path) -> None:
    ok(cli("import", sheet(folder, "Company,Role,Expected,Emailed\nAcme,Engineer,2026-11-20,\n")))
    name = sheet(folder, "Company,Role,Expected,Emailed\nAcme,Engineer,2026-11-20,2026-11-24\n")
    assert ok(cli("import", name)).splitlines()[2:] == [
        "line 2: change Acme (Engineer), id 1: emailed 2026-11-24, status emailed (was waiting)",
        "Imported: added 0, changed 1; 0 already present.",
    ]
    shown = json.loads(ok(cli("show", "1", "--json")))
    assert (shown["status"], shown["emailed_on"]) == ("emailed", "2026-11-24")
    # emailed Tue 24 Nov; Wed 25, Thu 26 (Thanksgiving) skipped... 5 business days must pass
    assert shown["next_reminder"] == {"kind": "move_on", "at": "2026-12-03T09:00:00-05:00"}
    assert [(e["kind"], e["details"]) for e in json.loads(ok(cli("history", "1", "--json")))][
        1:
    ] == [
        (
            "imported",
            {"from": "sheet.csv", "line": 2, "emailed_on": "2026-11-24", "status": "emailed"},
        )
    ]


def test_a_later_status_and_new_details_change_the_interview(cli: Cli, folder: Path) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-20", "--role", "Engineer", "--contact", "Ann"))
    name = sheet(
        folder,
        "Company,Role,Expected,Contact,Notes,Stage,Reply Date\n"
        'Acme,Engineer,2026-11-20,Ann Lee,"Nice team",Rejected,2026-11-23\n',
    )
    assert ok(cli("import", name)).splitlines()[2:] == [
        "line 2: change Acme (Engineer), id 1: contact 'Ann Lee' (was 'Ann'), "
        "notes 'Nice team', status heard back (was waiting), outcome 'rejected'",
        "Imported: added 0, changed 1; 0 already present.",
    ]
    [interview] = stored(cli)
    assert interview == (
        "Acme", "Engineer", "Ann Lee", None, None, "2026-11-20", None, "heard_back", "rejected",
        None, None, "Nice team",
    )  # fmt: skip
    [*_, (kind, details)] = [
        (e["kind"], e["details"]) for e in json.loads(ok(cli("history", "1", "--json")))
    ]
    assert (kind, details) == (
        "imported",
        {
            "from": "sheet.csv",
            "line": 2,
            "contact_name": "Ann Lee",
            "notes": "Nice team",
            "status": "heard_back",
            "outcome": "rejected",
            "replied_on": "2026-11-23",
        },
    )


def test_a_sheet_never_reopens_a_closed_interview(cli: Cli, folder: Path) -> None:
    name = sheet(folder, "Company,Expected,Contact\nAcme,2026-11-20,\n")
    ok(cli("import", name))
    ok(cli("heard", "1", "--outcome", "offer", "--on", "2026-11-23"))
    name = sheet(folder, "Company,Expected,Contact\nAcme,2026-11-20,Ann Lee\n")
    assert ok(cli("import", name)).splitlines()[2:] == [
        "line 2: change Acme, id 1: contact 'Ann Lee'; status stays heard back "
        "(the sheet says 'waiting')",
        "Imported: added 0, changed 1; 0 already present.",
    ]
    [interview] = json.loads(ok(cli("list", "--all", "--json")))
    assert (interview["status"], interview["outcome"], interview["contact_name"]) == (
        "heard_back",
        "offer",
        "Ann Lee",
    )


def test_a_row_twice_in_one_file_is_imported_once(cli: Cli, folder: Path) -> None:
    name = sheet(
        folder,
        "Company,Role,Expected\nAcme,Engineer,2026-11-20\nBeta,,2026-11-21\n"
        "ACME ,  Engineer,2026-11-20\nAcme,Manager,2026-11-20\n",
    )
    assert ok(cli("import", name)).splitlines()[2:] == [
        "line 2: add Acme (Engineer), expected 2026-11-20",
        "line 3: add Beta, expected 2026-11-21",
        "line 4: duplicate of line 2, skipped",
        "line 5: add Acme (Manager), expected 2026-11-20",
        "Imported: added 3, changed 0; 0 already present; 1 duplicate row skipped.",
    ]


# -- export ---------------------------------------------------------------------------------


@pytest.fixture
def four(cli: Cli) -> None:
    """Open, emailed, heard back (reply day kept) and moved on; unicode, a long note."""
    ok(
        cli(
            "add",
            "Zürich AG",
            "--expect",
            "2026-11-23",
            "--role",
            "Ingénieure",
            "--contact",
            "Zoë",
            "--email",
            "zoe@zurich.example",
            "--interviewed",
            "2026-11-16",
            "--country",
            "ch",
            "--subdivision",
            "ZH",
            "--note",
            'Said "soon", maybe\nsecond',
        )
    )
    ok(cli("add", "Beta", "--expect", "2026-11-16"))
    ok(cli("emailed", "2", "--on", "2026-11-19"))
    ok(cli("add", "Corp", "--expect", "2026-11-17", "--role", "Analyst"))
    ok(cli("heard", "3", "--outcome", "rejected", "--on", "2026-11-18"))
    ok(cli("add", "Dora", "--expect", "2026-11-10"))
    ok(cli("emailed", "4", "--on", "2026-11-13"))
    ok(cli("moved-on", "4"))  # fmt: skip


@pytest.mark.usefixtures("four")
def test_the_csv_export_is_one_row_per_interview_with_status_words(cli: Cli) -> None:
    assert ok(cli("export", "--format", "csv")) == (
        "company,role,contact,email,interviewed,expected,emailed,replied,status,outcome,"
        "country,subdivision,notes\r\n"
        "Zürich AG,Ingénieure,Zoë,zoe@zurich.example,2026-11-16,2026-11-23,,,waiting,,CH,ZH,"
        '"Said ""soon"", maybe\nsecond"\r\n'
        "Beta,,,,,2026-11-16,2026-11-19,,emailed,,,,\r\n"
        "Corp,Analyst,,,,2026-11-17,,2026-11-18,heard back,rejected,,,\r\n"
        "Dora,,,,,2026-11-10,2026-11-13,,moved on,,,,\r\n"
    )


@pytest.mark.usefixtures("four")
def test_a_csv_export_imports_into_an_empty_store_as_the_same_interviews(
    cli: Cli, folder: Path, config_file: Path
) -> None:
    ok(cli("export", "-o", "all.csv"))
    interviews = ok(cli("list", "--all", "--json"))
    config_file.write_text(f'[store]\nurl = "sqlite:///{folder / "other.db"}"\n')
    ok(cli("import", "all.csv"))
    assert ok(cli("list", "--all", "--json")) == interviews
    ok(cli("export", "-o", "again.csv"))
    assert (folder / "again.csv").read_bytes() == (folder / "all.csv").read_bytes()
