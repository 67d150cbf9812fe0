"""The quick read path of ``list``, ``upcoming`` and ``status`` (the standard library's
``sqlite3``, :mod:`followup.store.reading`) prints exactly what the SQLAlchemy path prints,
byte for byte, and leaves every case it does not answer to that path.

The store holds every status and both kinds of reminder, interviews counted in other
places, a reminder shown and not acted on (due since, with its repeat), one shown with an
unconfirmed ledger intent ("maybe shown"), and one held by a reply found in the mail; of
the reminders shown, some were shown before machines were told apart (they count on every
machine), one on this machine and one on another machine only (still to be shown here), and
one was sent through Apprise only (not shown on screen, so neither path counts it). The
user's zone is New York (the clocks go back on Sun 1 Nov 2026 and forward on Sun 14 Mar
2027), Berlin (back on Sun 25 Oct 2026, forward on Sun 28 Mar 2027) or Kolkata (no DST).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from followup.config import load
from followup.lifecycle.service import Tracker
from followup.machine import Machine, this_machine
from followup.store import Database, reading
from followup.store.findings import NewFinding
from tests.support.modules import modules_loaded, packages_loaded
from tests.support.specs import Cli

#: The quick path reads SQLite files: every test here makes its own and compares the paths.
pytestmark = pytest.mark.own_store

#: Sun 29 Nov 2026, 17:00 UTC.
NOW = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
#: Another machine on the same store.
LAPTOP = Machine("6bc1bee2-2e40-49f9-96e9-3d7e117393c1", "laptop")

#: (arguments of add, then what is done to it)
STORE = [
    (["Waiting Co", "--expect", "2026-12-01", "--role", "Engineer"], []),
    (["Across DST", "--expect", "2027-03-10", "--country", "DE"], []),  # reminder after DST
    (["Emailed Co", "--expect", "2026-11-02"], [["emailed", "{id}", "--on", "2026-11-09"]]),
    (["Offer Co", "--expect", "2026-11-10"], [["heard", "{id}", "--outcome", "offer"]]),
    (["Gone Co", "--expect", "2026-11-10"], [["moved-on", "{id}"]]),
    (["Withdrawn Co", "--expect", "2026-11-10"], [["withdraw", "{id}"]]),
    (["Shown Co", "--expect", "2026-11-16", "--subdivision", "CA"], []),  # shown, due
    (["Maybe Co", "--expect", "2026-11-17"], []),  # an intent
    (["Held Co", "--expect", "2026-11-18", "--email", "hr@held.example"], []),  # reply found
    (["Snoozed Co", "--expect", "2026-11-19"], [["snooze", "{id}", "--days", "3"]]),
]

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata"]

COMMANDS = [
    ["list"],
    ["list", "--all"],
    ["list", "--json"],
    ["list", "--all", "--json"],
    ["list", "--status", "moved on"],
    ["list", "--company", "co"],
    ["upcoming"],
    ["upcoming", "--json"],
    ["status"],
    ["status", "--json"],
]


def ok(result: object) -> str:
    assert (result.code, result.err) == (0, ""), result  # type: ignore[attr-defined]
    return result.out  # type: ignore[attr-defined,no-any-return]


#: zone -> a home whose store was filled (its data, state and cache folders): the store is
#: made once per zone and copied into each test's home.
_FILLED: dict[str, Path] = {}


@pytest.fixture(params=ZONES)
def full_store(
    request: pytest.FixtureRequest,
    cli: Cli,
    config_file: Path,
    home: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    zone = request.param
    config_file.write_text(
        f'[calendar]\ncountry = "US"\ntimezone = "{zone}"\n'
        "[notify]\nrepeat_after_business_days = 1\n"
    )
    filled = _FILLED.get(zone)
    if filled is None:
        fill(cli)
        gc.collect()  # the commands' engines: their connections closed, the log complete
        filled = tmp_path_factory.mktemp("full-store")
        shutil.copytree(home, filled, dirs_exist_ok=True, ignore=_config_folder(home))
        _FILLED[zone] = filled
    else:
        shutil.copytree(filled, home, dirs_exist_ok=True)
    yield


def _config_folder(home: Path) -> Callable[[str, list[str]], list[str]]:
    """Leave out the home's config folder (each test writes its own)."""
    return lambda folder, names: [".config"] if Path(folder) == home else []


def fill(cli: Cli) -> None:
    """Every status, both kinds, a due-since reminder, a maybe-shown one, one shown on this
    machine and one on the laptop, and a reminder held by a reply found."""
    for n, (add, then) in enumerate(STORE, start=1):
        ok(cli("add", *add))
        for command in then:
            ok(cli(*[word.format(id=n) for word in command]))
    config = load()
    db = Database(config.store_url)
    try:
        tracker = Tracker(config, db)
        for interview_id, confirm in ((7, True), (8, False)):
            r = tracker.get(interview_id).next_reminder
            assert r is not None
            entry = [(interview_id, r.kind, r.at_utc)]
            tracker.record_intent(entry, datetime(2026, 11, 24, 14, 0, 3, tzinfo=UTC))
            if confirm:
                tracker.confirm_shown(entry, datetime(2026, 11, 24, 14, 0, 5, tzinfo=UTC))
        here = Tracker(config, db, this_machine(os.environ))
        laptop = Tracker(config, db, LAPTOP)
        for mine, interview_id in ((here, 3), (laptop, 10)):
            r = mine.get(interview_id).next_reminder
            assert r is not None
            entry = [(interview_id, r.kind, r.at_utc)]
            mine.record_intent(entry, datetime(2026, 11, 25, 14, 0, interview_id, tzinfo=UTC))
            mine.confirm_shown(entry, datetime(2026, 11, 25, 14, 0, interview_id, tzinfo=UTC))
        r = here.get(1).next_reminder
        assert r is not None
        # Sent through Apprise, last of all: no path counts it as shown on screen.
        here.ledger.for_channel("apprise").record_shown(
            [(1, r.kind, r.at_utc)], datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
        )
        reply = NewFinding(
            9, "reply", "<r1@held.example>", "INBOX", date(2026, 11, 25), "hr@held.example",
            ("me@example.com",), "Re: interview",
        )  # fmt: skip
        assert tracker.record_findings([reply], NOW)
    finally:
        db.close()


def both_paths(cli: Cli, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[str, str]:
    """The output of ``followup ARGS`` by the quick path (which must answer) and by the
    SQLAlchemy path."""
    answered: list[bool] = []
    real = reading.snapshot

    def spy(*a: object, **k: object) -> reading.Snapshot | None:
        snap = real(*a, **k)  # type: ignore[arg-type]
        answered.append(snap is not None)
        return snap

    with monkeypatch.context() as m:
        m.setattr(reading, "snapshot", spy)
        quick = ok(cli(*args))
    assert answered == [True]
    with monkeypatch.context() as m:
        m.setattr(reading, "snapshot", lambda *a, **k: None)
        slow = ok(cli(*args))
    return quick, slow


@pytest.mark.usefixtures("full_store")
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_the_quick_path_prints_what_the_sqlalchemy_path_prints(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    quick, slow = both_paths(cli, monkeypatch, *args)
    assert quick == slow


@pytest.mark.usefixtures("full_store")
@pytest.mark.parametrize("args", [["list"], ["upcoming"]], ids=" ".join)
def test_the_quick_path_highlights_as_the_sqlalchemy_path_does(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("CLICOLOR_FORCE", "1")
    quick, slow = both_paths(cli, monkeypatch, *args)
    assert "\x1b[1;33m" in quick
    assert quick == slow


@pytest.mark.usefixtures("full_store")
def test_the_store_holds_what_the_comparison_needs(cli: Cli) -> None:
    """Every status, both kinds, a due-since reminder, a maybe-shown one and a held one."""
    listed = ok(cli("list", "--all"))
    for words in ("waiting", "emailed", "heard back (offer)", "moved on", "withdrawn"):
        assert words in listed
    upcoming = ok(cli("upcoming", "--json"))
    assert '"kind": "move_on"' in upcoming and '"kind": "email"' in upcoming
    assert '"due": true' in upcoming
    assert '"interview_id": 9' not in upcoming  # held by the reply found
    config = load()
    db = Database(config.store_url)
    try:
        pending = {d.interview_id: d for d, _v in Tracker(config, db).pending_for()}
    finally:
        db.close()
    assert pending[8].maybe_shown and not pending[7].maybe_shown
    assert pending[7].is_due
    here = json.loads(ok(cli("upcoming", "--json")))
    due = {d["interview_id"]: d["due"] for d in here}
    assert (due[1], due[3], due[10]) == (False, True, False)
    shown_on = json.loads(ok(cli("status", "--json")))["shown_on"]
    assert [(m["machine"], m["this_machine"], m["company"]) for m in shown_on] == [
        ("laptop", False, "Snoozed Co"),
        (socket.gethostname(), True, "Emailed Co"),
    ]


@pytest.mark.usefixtures("full_store")
def test_a_stale_plan_is_left_to_the_sqlalchemy_path(
    cli: Cli, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another reminder time makes every stored plan stale: the quick path steps aside."""
    config_file.write_text(config_file.read_text() + 'at = "10:30"\n')
    config = load()
    assert reading.snapshot(config.store_url, config.plan_key) is None
    listed = ok(cli("list"))
    assert "10:30" in listed


def test_a_store_that_does_not_exist_yet_is_left_to_the_sqlalchemy_path(
    cli: Cli, db_path: Path
) -> None:
    assert not db_path.exists()
    assert reading.snapshot(f"sqlite:///{db_path}", "key") is None
    assert ok(cli("list")) == "No interviews.\n"
    assert db_path.exists()  # made by the SQLAlchemy path, as before


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres@127.0.0.1:5432/followup",
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:////tmp/followup.db?mode=ro",
        "sqlite:////tmp/a%20b.db",
    ],
)
def test_other_databases_and_urls_are_left_to_the_sqlalchemy_path(url: str) -> None:
    assert reading.sqlite_path(url) is None
    assert reading.snapshot(url, "key") is None


def test_a_store_of_an_older_schema_is_left_to_the_sqlalchemy_path(cli: Cli, db_path: Path) -> None:
    ok(cli("add", "Acme", "--expect", "2026-12-01"))
    config = load()
    assert reading.snapshot(config.store_url, config.plan_key) is not None
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0004'")
    conn.close()
    assert reading.snapshot(config.store_url, config.plan_key) is None


def test_a_file_that_is_not_a_store_is_left_to_the_sqlalchemy_path(cli: Cli, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"not a database at all" * 100)
    assert reading.snapshot(f"sqlite:///{db_path}", "key") is None
    result = cli("list")
    assert result.code != 0 and "is not a followup database" in result.err


def test_the_head_revision_is_the_migrations_head() -> None:
    from followup.store import migrate

    assert migrate.script_head() == reading.HEAD_REVISION


# -- what the quick commands load ------------------------------------------------------------

HEAVY = {
    "sqlalchemy",
    "apscheduler",
    "holidays",
    "jeepney",
    "icalendar",
    "babel",
    "charset_normalizer",
    "imapclient",
    "alembic",
    "iso3166_2",
    "pycountry",
    "requests",
}
#: Standard modules the quick commands do without: importing them (and defining frozen
#: dataclasses) was most of a listing's own CPU time.
SLOW_TO_LOAD = {"dataclasses", "inspect", "difflib", "traceback", "asyncio", "email"}


@pytest.mark.system
@pytest.mark.usefixtures("full_store")
@pytest.mark.parametrize(
    "args",
    [["list"], ["list", "--all", "--json"], ["upcoming"], ["status"], ["--version"]],
    ids=" ".join,
)
def test_quick_commands_load_no_heavy_package(args: list[str], home: Path) -> None:
    """The store holds a reminder shown and not acted on, whose repeat is counted in the
    user's calendar: once its non-business days are in the cache (the first run puts them
    there), not even ``holidays`` is loaded."""
    packages_loaded(["upcoming"], HEAVY)
    assert (home / ".cache/followup/business-days.json").is_file()
    assert packages_loaded(args, HEAVY | SLOW_TO_LOAD) == set()


@pytest.mark.system
def test_a_config_naming_a_subdivision_loads_no_holidays_once_its_days_are_kept(
    cli: Cli, config_file: Path
) -> None:
    """``calendar.subdivision = "ca"`` is read as ``CA`` from the places whose days are
    kept, as it is from ``holidays`` the first time (else the plans, made for ``CA``,
    would not be current, and SQLAlchemy would answer)."""
    config_file.write_text('[calendar]\ncountry = "US"\nsubdivision = "ca"\n')
    ok(cli("add", "Acme", "--expect", "2026-12-01"))
    assert packages_loaded(["list"], HEAVY) == set()


@pytest.mark.system
def test_the_version_loads_nothing_but_the_command_line() -> None:
    loaded = {m for m in modules_loaded(["--version"]) if m.split(".")[0] == "followup"}
    assert loaded == {
        "followup",
        "followup.cli",
        "followup.cli.arguments",
        "followup.cli.core",
        "followup.cleaning",
        "followup.cli.environment",
        "followup.cli.parser",
        "followup.errors",
        "followup.lifecycle",
        "followup.lifecycle.validation",
    }


@pytest.mark.system
def test_a_write_loads_sqlalchemy_as_it_must() -> None:
    assert "sqlalchemy" in packages_loaded(["add", "Acme", "--expect", "2026-12-01"], HEAVY)
