"""Every day: nothing slips away, mistakes can be undone, the advice where it matters,
readable lists, and a status that suggests what works here.

Commands run through the real entry point at ``CLI_NOW`` (Sun 29 Nov 2026, 12:00 in New
York), US calendar. An interview promised for Mon 23 Nov has its email reminder on Fri 27
Nov 09:00 EST (Tue 24 and Wed 25 pass; Thu 26 is Thanksgiving).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup.config import load
from followup.lifecycle.service import Tracker
from followup.store import Database
from tests.support.specs import Cli, store_bytes

FRI_27_NOV_0900_05 = datetime(2026, 11, 27, 14, 0, 5, tzinfo=UTC)  # 09:00:05 EST


def ok(result: object) -> str:
    assert (result.code, result.err) == (0, ""), result  # type: ignore[attr-defined]
    return result.out  # type: ignore[attr-defined,no-any-return]


def shown(interview_id: int, at: datetime) -> None:
    """Enter the interview's reminder in the ledger as shown at ``at``: the daemon's own
    call once the notification server accepted it (tests/daemon show it end to end)."""
    config = load()
    db = Database(config.store_url)
    try:
        tracker = Tracker(config, db)
        reminder = tracker.get(interview_id).next_reminder
        assert reminder is not None
        tracker.record_shown([(interview_id, reminder.kind, reminder.at_utc)], at)
    finally:
        db.close()


@pytest.fixture
def due_one(cli: Cli) -> None:
    """Interview 1 (Later) waits for Thu 10 Dec; interview 2 (Acme) was reminded Fri 27 Nov
    and nothing was done since."""
    ok(cli("add", "Later", "--expect", "2026-12-07"))
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    shown(2, FRI_27_NOV_0900_05)


# -- nothing slips away --------------------------------------------------------------------


@pytest.mark.usefixtures("due_one")
def test_upcoming_lists_a_reminder_shown_and_not_acted_on_first_as_due(cli: Cli) -> None:
    assert ok(cli("upcoming")) == (
        "WHEN                       ID  COMPANY  REMINDER\n"
        "due since Fri 27 Nov       2   Acme     email; shown again Mon 30 Nov 09:00\n"
        "Thu 10 Dec 2026 09:00 EST  1   Later    email\n"
    )


@pytest.mark.usefixtures("due_one")
def test_upcoming_json_says_due_and_when_it_was_shown(cli: Cli) -> None:
    first, second = json.loads(ok(cli("upcoming", "--json")))
    assert first == {
        "interview_id": 2,
        "company": "Acme",
        "kind": "email",
        "at": "2026-11-30T09:00:00-05:00",
        "due": True,
        "shown_at": "2026-11-27T09:00:05-05:00",
    }
    assert (second["interview_id"], second["due"], second["shown_at"]) == (1, False, None)


@pytest.mark.usefixtures("due_one")
def test_list_marks_the_due_one_first(cli: Cli) -> None:
    assert ok(cli("list")) == (
        "ID  COMPANY  ROLE  STATUS   NEXT REMINDER\n"
        "2   Acme     -     waiting  due since Fri 27 Nov: email\n"
        "1   Later    -     waiting  email, Thu 10 Dec 2026 09:00 EST\n"
    )


@pytest.mark.usefixtures("due_one")
@pytest.mark.parametrize(
    ("env", "coloured"),
    [({"CLICOLOR_FORCE": "1"}, True), ({"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, False)],
    ids=["forced", "NO_COLOR wins"],
)
def test_the_due_one_is_highlighted_unless_no_color(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], coloured: bool
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for command in ("list", "upcoming"):
        lines = ok(cli(command)).splitlines()
        assert lines[1].startswith("\x1b[1;33m") is coloured
        assert "\x1b" not in lines[0] + lines[2]


def test_a_reminder_not_acted_on_comes_again_each_business_day_until_snoozed(
    cli: Cli,
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    shown(1, FRI_27_NOV_0900_05)
    # Shown again Mon 30 Nov 09:00 (the weekend is no business day)...
    assert json.loads(ok(cli("upcoming", "--json")))[0]["at"] == "2026-11-30T09:00:00-05:00"
    # ... and snoozed: it is not due any more, it comes on the day snoozed to.
    ok(cli("snooze", "1", "--days", "2"))
    [entry] = json.loads(ok(cli("upcoming", "--json")))
    assert (entry["at"], entry["due"]) == ("2026-12-01T09:00:00-05:00", False)


def test_repeats_off_keeps_it_due_without_showing_it_again(cli: Cli, config_file: Path) -> None:
    config_file.write_text("[notify]\nrepeat_after_business_days = 0\n")
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    shown(1, FRI_27_NOV_0900_05)
    assert ok(cli("upcoming")).splitlines()[1] == "due since Fri 27 Nov  1   Acme     email"
    [entry] = json.loads(ok(cli("upcoming", "--json")))
    assert (entry["at"], entry["due"]) == ("2026-11-27T09:00:00-05:00", True)


def test_add_of_a_reminder_already_past_says_due_now(cli: Cli) -> None:
    assert ok(cli("add", "Acme", "--expect", "2026-11-23")) == (
        "Added interview 1: Acme.\n"
        "If you have not heard back, it is time to email them: the reminder is due now "
        "(since Fri 27 Nov 2026 09:00 EST). A polite draft: followup draft 1\n"
    )


# -- undo ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("close", "was"),
    [
        (("heard", "1", "--outcome", "rejected"), "heard_back"),
        (("moved-on", "1"), "moved_on"),
        (("withdraw", "1"), "withdrawn"),
    ],
    ids=["heard", "moved-on", "withdraw"],
)
def test_reopen_takes_back_a_close_and_plans_the_reminder_again(
    cli: Cli, close: tuple[str, ...], was: str
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("emailed", "1", "--on", "2026-11-27"))
    ok(cli(*close))
    out = ok(cli("reopen", "1"))
    assert out == (
        "Reopened interview 1: Acme is emailed again.\n"
        "Next reminder: move on, Mon 7 Dec 2026 09:00 EST.\n"
    )
    data = json.loads(ok(cli("show", "1", "--json")))
    assert (data["status"], data["outcome"], data["emailed_on"]) == ("emailed", None, "2026-11-27")
    history = json.loads(ok(cli("history", "1", "--json")))
    assert history[-1]["kind"] == "reopened"
    assert history[-1]["details"]["from"] == was


def test_reopen_restores_a_snooze(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-12-01"))  # email reminder Fri 4 Dec
    ok(cli("snooze", "1", "--days", "3"))  # to Wed 9 Dec
    ok(cli("moved-on", "1"))
    ok(cli("reopen", "1"))
    reminder = json.loads(ok(cli("show", "1", "--json")))["next_reminder"]
    assert reminder == {"kind": "email", "at": "2026-12-09T09:00:00-05:00"}


def test_reopen_of_an_open_interview_is_refused_and_changes_nothing(
    cli: Cli, db_path: Path
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-12-01"))
    before = store_bytes(db_path)
    result = cli("reopen", "1")
    assert (result.code, result.out) == (1, "")
    assert result.err == "error: cannot reopen interview 1 (Acme): it is open (waiting)\n"
    assert store_bytes(db_path) == before


def test_edit_corrects_the_day_of_the_email(cli: Cli) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    ok(cli("emailed", "1", "--on", "2026-11-27"))
    data = json.loads(ok(cli("edit", "1", "--emailed", "2026-11-25", "--json")))
    # Wed 25 Nov: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3 pass -> Fri 4 Dec
    assert data["emailed_on"] == "2026-11-25"
    assert data["next_reminder"] == {"kind": "move_on", "at": "2026-12-04T09:00:00-05:00"}


def test_edit_of_an_email_day_with_no_email_recorded_is_refused(cli: Cli, db_path: Path) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23"))
    before = store_bytes(db_path)
    result = cli("edit", "1", "--emailed", "2026-11-25")
    assert (result.code, result.err) == (
        1,
        "error: interview 1 (Acme) has no email recorded to correct; record one with: "
        "followup emailed 1 --on DATE\n",
    )
    assert store_bytes(db_path) == before


# -- the advice, where it matters ------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "noted"),
    [("2026-11-20", True), ("2026-11-23", True), ("2026-11-24", False)],
    ids=["before the promised day", "on it", "after it"],
)
def test_an_email_on_or_before_the_promised_day_is_recorded_with_a_note(
    cli: Cli, on: str, noted: bool
) -> None:
    ok(cli("add", "Acme", "--expect", "2026-11-23", "--interviewed", "2026-11-16"))
    result = cli("emailed", "1", "--on", on)
    assert result.code == 0
    assert result.out.startswith("Recorded: emailed Acme on ")
    note = (
        "note: recorded, but that is not after the promised reply day (Mon 23 Nov 2026): "
        "the advice is to wait until more than 2 business days have passed after it before "
        "emailing\n"
    )
    assert result.err == (note if noted else "")


def test_stats_do_not_count_a_move_on_before_the_promised_day_as_never(cli: Cli) -> None:
    ok(cli("add", "Early", "--expect", "2026-12-04"))
    ok(cli("moved-on", "1"))  # Sun 29 Nov, before Fri 4 Dec
    ok(cli("add", "Late", "--expect", "2026-11-02"))
    ok(cli("moved-on", "2"))
    data = json.loads(ok(cli("stats", "--json")))
    assert data["replies"]["never"] == {"count": 1, "share": 1.0}
    assert data["rounds"]["moved_on_early"] == 1
    assert "1 moved on from before the promised day had passed" in ok(cli("stats"))


# -- readable lists --------------------------------------------------------------------------


@pytest.fixture
def several(cli: Cli) -> None:
    ok(cli("add", "株式会社テスト", "--expect", "2026-12-07", "--role", "エンジニア"))
    ok(cli("add", "Acme", "--expect", "2026-12-07", "--role", "Data Engineer"))
    ok(cli("heard", "2", "--outcome", "offer"))
    ok(cli("add", "Acme Labs", "--expect", "2026-12-07"))
    ok(cli("moved-on", "3"))


@pytest.mark.usefixtures("several")
def test_list_says_statuses_as_people_do_with_the_outcome_aligned_for_wide_names(
    cli: Cli,
) -> None:
    assert ok(cli("list", "--all")) == (
        "ID  COMPANY         ROLE           STATUS              NEXT REMINDER\n"
        "1   株式会社テスト  エンジニア     waiting             email, Thu 10 Dec 2026 09:00 EST\n"
        "2   Acme            Data Engineer  heard back (offer)  -\n"
        "3   Acme Labs       -              moved on            -\n"
    )


@pytest.mark.usefixtures("several")
@pytest.mark.parametrize(
    ("options", "ids"),
    [
        (("--status", "heard back"), [2]),
        (("--status", "moved-on"), [3]),
        (("--status", "WAITING"), [1]),
        (("--company", "acme"), []),
        (("--all", "--company", "ACME"), [2, 3]),
        (("--company", "acme", "--status", "moved on"), [3]),
        (("--company", "テスト"), [1]),
    ],
    ids=str,
)
def test_list_filters_by_status_and_company(
    cli: Cli, options: tuple[str, ...], ids: list[int]
) -> None:
    listed = json.loads(ok(cli("list", *options, "--json")))
    assert [v["id"] for v in listed] == ids


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("heard", "(did you mean 'heard back'?)"),
        ("waitng", "(did you mean 'waiting'?)"),
        ("zzz", "(choose from waiting, emailed, heard back, moved on, withdrawn)"),
    ],
)
def test_list_with_an_unknown_status_suggests_one_or_names_the_choices(
    cli: Cli, typed: str, said: str
) -> None:
    result = cli("list", "--status", typed)
    assert (result.code, result.err) == (
        2,
        f"error: argument --status: unknown status {typed!r} {said}\n",
    )


@pytest.mark.usefixtures("several")
def test_a_filter_that_matches_nothing_says_so(cli: Cli) -> None:
    assert ok(cli("list", "--company", "Globex")) == "No interviews match.\n"


# -- status suggests what works here -------------------------------------------------------


def _systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: int) -> None:
    """A ``systemctl`` that exits with ``status``, in a login session: one with its runtime
    folder (``$XDG_RUNTIME_DIR``), where systemctl looks for the user manager."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "systemctl"
    script.write_text(f"#!/bin/sh\nexit {status}\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    (tmp_path / "run").mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))


@pytest.mark.system
@pytest.mark.parametrize(
    ("manager", "line"),
    [
        (0, "daemon:         not running (start it: followup install-service)"),
        (
            1,
            "daemon:         not running (no systemd user manager here: followup "
            "install-service --autostart starts it at login, followup daemon now)",
        ),
    ],
    ids=["user manager", "none"],
)
def test_status_suggests_only_what_can_work_here(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, manager: int, line: str
) -> None:
    _systemctl(tmp_path, monkeypatch, manager)
    assert ok(cli("status")).splitlines()[0] == line


def test_status_without_systemctl_at_all_suggests_the_daemon(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no systemctl anywhere
    assert (
        "followup install-service --autostart starts it at login, followup daemon now"
        in (ok(cli("status")).splitlines()[0])
    )
