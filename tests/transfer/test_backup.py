"""JSON backups: ``followup export --format json`` writes every interview whole, and
``followup import`` restores it exactly into an empty store, adds only what is missing to a
store that has data, and refuses a damaged file without storing any of it."""

from __future__ import annotations

import gc
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from followup.config import load
from followup.lifecycle.service import Tracker
from followup.machine import Machine
from followup.records import Details
from followup.rules import Kind, Status
from followup.store import HEAD_REVISION, Database
from tests.support.specs import Cli, ok, snapshot

NY = ZoneInfo("America/New_York")
#: Fri 2026-11-20 15:00:00.123456 New York: microseconds must survive the round trip.
T0 = datetime(2026, 11, 20, 15, 0, 0, 123456, tzinfo=NY)
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")
DESKTOP = Machine("2b7e1516-28ae-4d2a-abf7-158809cf4f3c", "desktop")
LAPTOP = Machine("6bc1bee2-2e40-49f9-96e9-3d7e117393c1", "Zoë's laptop")


def later(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


@pytest.fixture
def tracker(db_path: Path) -> Iterator[Tracker]:
    config = load()
    db = Database(config.store_url)
    yield Tracker(config, db)
    db.close()


@pytest.fixture
def history(tracker: Tracker, cli: Cli, tmp_path: Path) -> None:
    """Interviews with events of every kind, unicode, a note with newlines, a snooze and a
    ledger row from before machines were told apart, and one showing on two machines and,
    on the laptop, on two channels."""
    t = tracker
    t.add(
        Details(
            company="Zürich Ünïcode AG",
            role="Ingénieure ✓",
            contact_name="Zoë Ærø",
            contact_email="zoe@zurich.example",
            interviewed_on=date(2026, 11, 16),
            reply_expected_on=date(2026, 11, 23),
            country="CH",
            subdivision="ZH",
            notes="Asked about on-call.\nSecond line, with a comma",
        ),
        T0,
    )
    t.edit(1, Details(role="Staff Ingénieure ✓"), later(1))
    t.snooze(1, 3, later(2))
    t.record_shown([(1, Kind.EMAIL, datetime(2026, 11, 25, 14, 0, tzinfo=UTC))], later(3))
    for machine, hours in ((DESKTOP, 3.1), (LAPTOP, 3.2)):
        mine = Tracker(t.config, t.db, machine)
        mine.record_shown(
            [(1, Kind.EMAIL, datetime(2026, 11, 26, 14, 0, tzinfo=UTC))], later(hours)
        )
    Tracker(t.config, t.db, LAPTOP).ledger.for_channel("apprise").record_shown(
        [(1, Kind.EMAIL, datetime(2026, 11, 26, 14, 0, tzinfo=UTC))], later(3.3)
    )
    t.add(Details(company="Beta", reply_expected_on=date(2026, 11, 16)), later(4))
    t.emailed(2, date(2026, 11, 18), later(5))
    t.edit(1, Details(contact_name="Zoë Ærø-Lund"), later(5.5))  # histories interleave
    t.close(2, Status.MOVED_ON, later(6))
    t.add(Details(company="Corp", role="Analyst", reply_expected_on=date(2026, 11, 17)), later(7))
    t.heard(3, "next-round", date(2026, 11, 24), later(8), on=date(2026, 11, 18))
    t.heard(3, "rejected", None, later(9), on=date(2026, 11, 19))
    t.add(Details(company="Dora", reply_expected_on=date(2026, 11, 19)), later(10))
    t.close(4, Status.WITHDRAWN, later(11))
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Company,Expected,Stage\nEcho,2026-11-18,offer\n")
    ok(cli("import", str(sheet)))


def tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The four tables' rows, row ids included."""
    with closing(sqlite3.connect(path)) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("interviews", "events", "shown_reminders", "machines")
        }


def settled(path: Path) -> bytes:
    """The database file's bytes once every committed change is in it: connections that
    are no longer used are closed, and the write-ahead log is copied into the file."""
    gc.collect()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


def use_store(config_file: Path, path: Path) -> None:
    config_file.write_text(f'[store]\nurl = "sqlite:///{path}"\n')


def without_stamp(text: str) -> dict[str, Any]:
    document = json.loads(text)
    assert STAMP.fullmatch(document.pop("exported_at"))
    return dict(document)


# -- export ---------------------------------------------------------------------------------


def test_the_backup_holds_every_column_the_history_and_the_ledger(
    tracker: Tracker, cli: Cli
) -> None:
    tracker.add(Details(company="Acme", role="Engineer", reply_expected_on=date(2026, 11, 23)), T0)
    tracker.emailed(1, date(2026, 11, 25), later(120))
    tracker.record_shown([(1, Kind.EMAIL, datetime(2026, 11, 27, 14, 0, tzinfo=UTC))], later(138))
    assert without_stamp(ok(cli("export", "--format", "json"))) == {
        "followup_backup": 2,
        "schema": HEAD_REVISION,
        "interviews": [
            {
                "id": 1,
                "company": "Acme",
                "role": "Engineer",
                "contact_name": None,
                "contact_email": None,
                "interviewed_on": None,
                "reply_expected_on": "2026-11-23",
                "reply_expected_words": None,
                "emailed_on": "2026-11-25",
                "status": "emailed",
                "outcome": None,
                "country": None,
                "subdivision": None,
                "notes": None,
                "snoozed_to": None,
                "created_at": "2026-11-20T20:00:00.123456+00:00",
                "updated_at": "2026-11-25T20:00:00.123456+00:00",
                "events": [
                    {
                        "at": "2026-11-20T20:00:00.123456+00:00",
                        "kind": "created",
                        "details": {
                            "company": "Acme",
                            "reply_expected_on": "2026-11-23",
                            "role": "Engineer",
                        },
                    },
                    {
                        "at": "2026-11-25T20:00:00.123456+00:00",
                        "kind": "emailed",
                        "details": {"on": "2026-11-25"},
                    },
                ],
                "shown_reminders": [
                    {
                        "kind": "email",
                        "due_at": "2026-11-27T14:00:00.000000+00:00",
                        "shown_at": "2026-11-26T14:00:00.123456+00:00",
                    }
                ],
            }
        ],
    }


def test_the_ledger_in_the_backup_names_the_machine_that_showed_each_reminder(
    tracker: Tracker, cli: Cli
) -> None:
    tracker.add(Details(company="Acme", reply_expected_on=date(2026, 11, 23)), T0)
    tracker.record_shown([(1, Kind.EMAIL, datetime(2026, 11, 27, 14, 0, tzinfo=UTC))], later(138))
    on_desktop = Tracker(tracker.config, tracker.db, DESKTOP)
    on_desktop.record_shown(
        [(1, Kind.EMAIL, datetime(2026, 11, 30, 14, 0, tzinfo=UTC))], later(210)
    )

    [acme] = json.loads(ok(cli("export")))["interviews"]

    assert acme["shown_reminders"] == [
        {
            "kind": "email",
            "due_at": "2026-11-27T14:00:00.000000+00:00",
            "shown_at": "2026-11-26T14:00:00.123456+00:00",
        },
        {
            "kind": "email",
            "due_at": "2026-11-30T14:00:00.000000+00:00",
            "shown_at": "2026-11-29T14:00:00.123456+00:00",
            "machine_id": "2b7e1516-28ae-4d2a-abf7-158809cf4f3c",
            "machine": "desktop",
        },
    ]


def test_a_ledger_row_of_another_channel_than_the_desktop_names_it(
    tracker: Tracker, cli: Cli
) -> None:
    tracker.add(Details(company="Acme", reply_expected_on=date(2026, 11, 23)), T0)
    due = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    on_desktop = Tracker(tracker.config, tracker.db, DESKTOP)
    on_desktop.record_shown([(1, Kind.EMAIL, due)], later(138))
    on_desktop.ledger.for_channel("apprise").record_shown([(1, Kind.EMAIL, due)], later(139))

    [acme] = json.loads(ok(cli("export")))["interviews"]

    assert [(row.get("channel"), row["shown_at"]) for row in acme["shown_reminders"]] == [
        (None, "2026-11-26T14:00:00.123456+00:00"),
        ("apprise", "2026-11-26T15:00:00.123456+00:00"),
    ]


def test_an_empty_store_gives_an_empty_backup(cli: Cli) -> None:
    assert without_stamp(ok(cli("export"))) == {
        "followup_backup": 2,
        "schema": HEAD_REVISION,
        "interviews": [],
    }


# -- restore into an empty store ------------------------------------------------------------


@pytest.mark.own_store
@pytest.mark.usefixtures("history")
def test_a_backup_restores_into_an_empty_store_exactly(
    cli: Cli, db_path: Path, config_file: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.json"
    ok(cli("export", "-o", str(backup)))
    use_store(config_file, tmp_path / "restored.db")
    assert ok(cli("import", str(backup))) == (
        "interviews[0]: add Zürich Ünïcode AG (Staff Ingénieure ✓), expected 2026-11-23\n"
        "interviews[1]: add Beta, expected 2026-11-16, moved on\n"
        "interviews[2]: add Corp (Analyst), expected 2026-11-24, heard back (rejected)\n"
        "interviews[3]: add Dora, expected 2026-11-19, withdrawn\n"
        "interviews[4]: add Echo, expected 2026-11-18, heard back (offer)\n"
        "Imported: added 5, changed 0; 0 already present.\n"
    )
    restored = tables(tmp_path / "restored.db")
    assert restored == tables(db_path)
    kinds = {row[2] for row in restored["events"]}
    assert kinds == {
        "created",
        "edited",
        "snoozed",
        "emailed",
        "moved_on",
        "next_round",
        "heard_back",
        "withdrawn",
        "imported",
    }
    assert len(restored["shown_reminders"]) == 4
    assert restored["machines"] == [(DESKTOP.id, DESKTOP.name), (LAPTOP.id, LAPTOP.name)]


@pytest.mark.usefixtures("history")
def test_export_import_export_gives_the_same_backup(
    cli: Cli, config_file: Path, tmp_path: Path
) -> None:
    first = ok(cli("export"))
    (tmp_path / "backup.json").write_text(first)
    use_store(config_file, tmp_path / "restored.db")
    ok(cli("import", str(tmp_path / "backup.json")))
    assert without_stamp(ok(cli("export"))) == without_stamp(first)


@pytest.mark.usefixtures("history")
def test_the_restored_store_plans_the_same_reminders(
    cli: Cli, config_file: Path, tmp_path: Path
) -> None:
    (tmp_path / "backup.json").write_text(ok(cli("export")))
    listed = ok(cli("list", "--all", "--json"))
    use_store(config_file, tmp_path / "restored.db")
    ok(cli("import", str(tmp_path / "backup.json")))
    assert ok(cli("list", "--all", "--json")) == listed


# -- into a store that has data -------------------------------------------------------------


def interview(number: int, company: str, expected: str, **more: Any) -> dict[str, Any]:
    return {
        "id": number,
        "company": company,
        "reply_expected_on": expected,
        "status": "waiting",
        "created_at": "2026-11-20T20:00:00.000000+00:00",
        "updated_at": "2026-11-20T20:00:00.000000+00:00",
        **more,
    }


def backup(*interviews: dict[str, Any]) -> str:
    return json.dumps(
        {
            "followup_backup": 1,
            "schema": HEAD_REVISION,
            "exported_at": "2026-11-28T12:00:00.000000+00:00",
            "interviews": list(interviews),
        }
    )


@pytest.fixture
def in_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in ``tmp_path``, so that messages name files as a user types them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_into_a_store_with_data_present_interviews_are_skipped_and_taken_ids_replaced(
    cli: Cli, in_folder: Path
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("add", "Beta", "--expect", "2026-11-24", "--role", "Engineer"))
    (in_folder / "backup.json").write_text(
        backup(
            interview(1, "Xeno", "2026-11-25", events=[]),
            # Beta (Engineer) on 2026-11-24 is stored: same, whatever the case and spaces
            interview(2, "  BETA ", "2026-11-24", role="engineer"),
            interview(3, "Yara", "2026-11-26"),
        )
    )
    assert ok(cli("import", "backup.json")) == (
        "interviews[0]: add Xeno, expected 2026-11-25, as id 4 (id 1 is taken)\n"
        "interviews[1]: already present as id 2\n"
        "interviews[2]: add Yara, expected 2026-11-26\n"
        "Imported: added 2, changed 0; 1 already present.\n"
    )
    listed = json.loads(ok(cli("list", "--json")))
    assert [(i["id"], i["company"]) for i in listed] == [
        (1, "Acme"),
        (2, "Beta"),
        (3, "Yara"),
        (4, "Xeno"),
    ]


def test_the_words_of_a_promise_go_into_the_backup_and_come_back(
    cli: Cli, config_file: Path, tmp_path: Path
) -> None:
    ok(cli("add", "Acme", "--interviewed", "2026-11-20", "--expect", "end of next week"))
    exported = json.loads(ok(cli("export")))
    assert exported["interviews"][0]["reply_expected_words"] == "end of next week"
    (tmp_path / "backup.json").write_text(json.dumps(exported))
    use_store(config_file, tmp_path / "restored.db")
    ok(cli("import", str(tmp_path / "backup.json")))
    shown = json.loads(ok(cli("show", "1", "--json")))
    assert (shown["reply_expected_on"], shown["reply_expected_words"]) == (
        "2026-11-27",
        "end of next week",
    )


def test_a_version_1_backup_without_words_is_read(cli: Cli, in_folder: Path) -> None:
    (in_folder / "backup.json").write_text(backup(interview(1, "Acme", "2026-11-23")))
    ok(cli("import", "backup.json"))
    assert json.loads(ok(cli("show", "1", "--json")))["reply_expected_words"] is None


def test_importing_the_same_backup_twice_adds_nothing_the_second_time(
    cli: Cli, in_folder: Path
) -> None:
    (in_folder / "backup.json").write_text(backup(interview(1, "Acme", "2026-11-23")))
    ok(cli("import", "backup.json"))
    assert ok(cli("import", "backup.json")) == (
        "interviews[0]: already present as id 1\nImported: added 0, changed 0; 1 already present.\n"
    )


def test_the_import_report_as_json(cli: Cli, in_folder: Path) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    (in_folder / "backup.json").write_text(
        backup(interview(1, "Beta", "2026-11-24"), interview(2, "acme", "2026-11-23"))
    )
    report = json.loads(ok(cli("import", "backup.json", "--dry-run", "--json")))
    assert report == {
        "file": "backup.json",
        "format": "json",
        "dry_run": True,
        "columns": None,
        "ignored": [],
        "added": 1,
        "changed": 0,
        "present": 1,
        "duplicates": 0,
        "rows": [
            {
                "line": None,
                "index": 0,
                "action": "add",
                "id": 2,
                "company": "Beta",
                "role": None,
                "reply_expected_on": "2026-11-24",
                "status": "waiting",
                "outcome": None,
                "changes": {},
                "kept_status": None,
                "duplicate_of": None,
                "backup_id": 1,
            },
            {
                "line": None,
                "index": 1,
                "action": "present",
                "id": 1,
                "company": "acme",
                "role": None,
                "reply_expected_on": "2026-11-23",
                "status": "waiting",
                "outcome": None,
                "changes": {},
                "kept_status": None,
                "duplicate_of": None,
                "backup_id": None,
            },
        ],
    }


@pytest.mark.own_store
def test_a_dry_run_says_what_it_would_add_and_writes_nothing(
    cli: Cli, in_folder: Path, db_path: Path
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    before = settled(db_path)
    (in_folder / "backup.json").write_text(backup(interview(1, "Beta", "2026-11-24")))
    assert ok(cli("import", "backup.json", "--dry-run")) == (
        "interviews[0]: add Beta, expected 2026-11-24, as id 2 (id 1 is taken)\n"
        "Would add 1, change 0; 0 already present.\n"
    )
    assert settled(db_path) == before


def test_a_backup_read_from_standard_input_is_known_by_its_brace(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    stdin = io.TextIOWrapper(io.BytesIO(backup(interview(1, "Acme", "2026-11-23")).encode()))
    monkeypatch.setattr("sys.stdin", stdin)
    assert ok(cli("import", "-")) == (
        "interviews[0]: add Acme, expected 2026-11-23\n"
        "Imported: added 1, changed 0; 0 already present.\n"
    )


# -- damaged backups ------------------------------------------------------------------------

GOOD = interview(1, "Acme", "2026-11-23")
LEDGER_ROW = {
    "kind": "email",
    "due_at": "2026-11-27T14:00:00Z",
    "shown_at": "2026-11-27T14:00:01Z",
}


@pytest.mark.parametrize(
    ("second", "message"),
    [
        pytest.param(
            interview(2, "Beta", "2026-13-01"),
            "interviews[1].reply_expected_on: unreadable date '2026-13-01' "
            "(a date like 2026-11-23)",
            id="no 13th month",
        ),
        pytest.param(
            interview(2, "Beta", "24/11/2026"),
            "interviews[1].reply_expected_on: unreadable date '24/11/2026' "
            "(a date like 2026-11-23)",
            id="only ISO dates",
        ),
        pytest.param(
            interview(2, "Beta", None),
            "interviews[1].reply_expected_on: must be a date, not null",
            id="expected date null",
        ),
        pytest.param(
            {k: v for k, v in interview(2, "Beta", "2026-11-24").items() if k != "status"},
            "interviews[1]: no 'status'",
            id="missing key",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", salary=100),
            "interviews[1]: unknown key 'salary'",
            id="unknown key",
        ),
        pytest.param(
            interview(1, "Beta", "2026-11-24"),
            "interviews[1].id: 1 is also the id of interviews[0]",
            id="id twice",
        ),
        pytest.param(
            interview("2", "Beta", "2026-11-24"),  # type: ignore[arg-type]
            "interviews[1].id: must be a whole number from 1 to 2147483647, not '2'",
            id="id as text",
        ),
        pytest.param(
            interview(2, "", "2026-11-24"),
            "interviews[1].company: the company name must not be empty",
            id="empty company",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", role=7),
            "interviews[1].role: must be text, not a number",
            id="role a number",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", contact_email="bob@"),
            "interviews[1].contact_email: invalid email address 'bob@'",
            id="email address",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", interviewed_on="2026-11-25"),
            "interviews[1].reply_expected_on: expected date 2026-11-24 is before the "
            "interview date 2026-11-25",
            id="expected before the interview",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", country="XX"),
            "interviews[1].country: unknown country 'XX' (see 'followup countries' for the codes)",
            id="unknown country",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", country="NL", subdivision="ZZ"),
            "interviews[1].subdivision: unknown subdivision 'ZZ' for NL (known: Midden, Noord, "
            "Zuid)",
            id="unknown subdivision",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", status="ghosted"),
            "interviews[1].status: unknown value 'ghosted' (one of: waiting, emailed, "
            "heard_back, moved_on, withdrawn)",
            id="status",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", status="heard_back", outcome="maybe"),
            "interviews[1].outcome: unknown value 'maybe' (one of: offer, rejected, "
            "next-round, other)",
            id="outcome",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", status="emailed"),
            "interviews[1].emailed_on: status 'emailed' needs the day of the email",
            id="emailed without a day",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", created_at="2026-11-20T20:00:00"),
            "interviews[1].created_at: unreadable time '2026-11-20T20:00:00' (a time with "
            "its UTC offset, as exported)",
            id="time without offset",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", events={"kind": "created"}),
            "interviews[1].events: must be a list, not an object",
            id="events not a list",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", events=[{"at": "2026-11-20T20:00:00Z"}]),
            "interviews[1].events[0].kind: must be a word, not None",
            id="event without kind",
        ),
        pytest.param(
            interview(
                2,
                "Beta",
                "2026-11-24",
                events=[{"at": "2026-11-20T20:00:00Z", "kind": "created", "details": "x"}],
            ),
            "interviews[1].events[0].details: must be an object, not text",
            id="event details text",
        ),
        pytest.param(
            interview(
                2,
                "Beta",
                "2026-11-24",
                shown_reminders=[
                    {"kind": "nudge", "due_at": "2026-11-27T14:00:00Z", "shown_at": "x"}
                ],
            ),
            "interviews[1].shown_reminders[0].kind: unknown value 'nudge' (one of: email, move_on)",
            id="ledger kind",
        ),
        pytest.param(
            interview(
                2,
                "Beta",
                "2026-11-24",
                shown_reminders=[
                    {"kind": "email", "due_at": "2026-11-27T14:00:00Z", "shown_at": t}
                    for t in ("2026-11-27T14:00:01Z", "2026-11-27T15:00:00Z")
                ],
            ),
            "interviews[1].shown_reminders[1]: the same reminder is in the ledger twice",
            id="ledger row twice",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", shown_reminders=[LEDGER_ROW | {"machine_id": "pc"}]),
            "interviews[1].shown_reminders[0].machine_id: must be a machine's uuid, not 'pc'",
            id="ledger machine id",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", shown_reminders=[LEDGER_ROW | {"machine": "pc"}]),
            "interviews[1].shown_reminders[0].machine: a machine's name needs its machine_id",
            id="ledger machine name without id",
        ),
        pytest.param(
            interview(
                2,
                "Beta",
                "2026-11-24",
                shown_reminders=[LEDGER_ROW | {"machine_id": DESKTOP.id, "machine": " "}],
            ),
            "interviews[1].shown_reminders[0].machine: must be a machine's name (1 to 100 "
            "characters), not ' '",
            id="ledger machine name blank",
        ),
        pytest.param(
            interview(2, "Beta", "2026-11-24", shown_reminders=[LEDGER_ROW | {"channel": "SMS!"}]),
            "interviews[1].shown_reminders[0].channel: must be a channel's name, not 'SMS!'",
            id="ledger channel",
        ),
    ],
)
def test_a_bad_value_is_named_by_its_place_and_nothing_is_imported(
    cli: Cli, in_folder: Path, db_path: Path, second: dict[str, Any], message: str
) -> None:
    ok(cli("add", "Stored", "--expect", "2026-11-20"))
    before = snapshot(db_path)
    (in_folder / "backup.json").write_text(backup(GOOD, second))
    result = cli("import", "backup.json")
    assert (result.code, result.out, result.err) == (2, "", f"error: backup.json: {message}\n")
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            '{"followup_backup": 1,\n  "interviews": [}\n',
            "not valid JSON at line 2, column 18: Expecting value",
            id="broken JSON",
        ),
        pytest.param(
            "[]", "not a followup backup (no 'followup_backup' key at the top)", id="list"
        ),
        pytest.param(
            '{"interviews": []}',
            "not a followup backup (no 'followup_backup' key at the top)",
            id="no marker",
        ),
        pytest.param(
            '{"followup_backup": 3, "interviews": []}',
            "backup version 3 is newer than this followup reads (2); upgrade followup",
            id="newer version",
        ),
        pytest.param(
            '{"followup_backup": "one", "interviews": []}',
            "followup_backup: unreadable version 'one'",
            id="version text",
        ),
        pytest.param(
            '{"followup_backup": 1, "interviews": {}}',
            "interviews: must be a list, not an object",
            id="interviews an object",
        ),
        pytest.param(
            '{"followup_backup": 1, "interviews": [], "extra": 1}',
            "unknown key 'extra'",
            id="unknown top-level key",
        ),
    ],
)
def test_a_damaged_file_is_refused_in_one_line(
    cli: Cli, in_folder: Path, db_path: Path, text: str, message: str
) -> None:
    ok(cli("add", "Stored", "--expect", "2026-11-20"))
    before = snapshot(db_path)
    (in_folder / "backup.json").write_text(text)
    result = cli("import", "backup.json")
    assert (result.code, result.out, result.err) == (2, "", f"error: backup.json: {message}\n")
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("missing.json",), "no such file: 'missing.json'"),
        (("backup.json", "--format", "xml"), "argument --format: invalid choice: 'xml'"),
    ],
)
def test_import_refuses_what_it_cannot_read(
    cli: Cli, in_folder: Path, args: tuple[str, ...], message: str
) -> None:
    (in_folder / "backup.json").write_text(backup())
    result = cli("import", *args)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"error: {message}")
