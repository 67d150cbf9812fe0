"""CLI speed, as a user feels it: the CPU time of `followup list`, `upcoming`, `status`,
`--version`, `show`, `add`, `edit` and `snooze`, beside two Python peers doing the same kind
of job, measured
in the same run: todoman's `todo list` over 20 todos and khal's `khal list` over 20 events
(both installed by this bench into a throwaway virtual environment from PyPI; they are not
dependencies of followup), and the floors `python -c "import sqlite3"` and
`python -c "import sqlalchemy.orm"`.

CPU time (user + system of the child), not wall time: the machines this runs on are shared.
Commands are run in interleaved rounds (each command once per round, in turn), so that a
busy moment touches them all alike; the figure is the median over the rounds. Python's
bytecode cache is on for every command, as it is for a user.

Also: `followup list` with the config file `followup init` writes (a country and a zone),
`followup list` with 10,000 interviews, and the time to plan the next reminder of 10,000 to
100,000 interviews.

PostgreSQL: `list`, `upcoming`, `status`, `show` and `add` over 20 interviews in a database
of a throwaway cluster on this machine (``tests/support/postgres.py``'s PostgresCluster,
reached over TCP on 127.0.0.1), in the same rounds. Their CPU time is the command's own: the
server's work is another process's (another machine's, in real use), so the median wall time
is printed beside every figure.

Run: .venv/bin/python bench/bench_cli.py [--rounds 15] [--no-peers] [--no-postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert

from followup.business_days import Place, calendar_for
from followup.config import load
from followup.lifecycle.service import Tracker
from followup.rules import RuleSettings, Stage, Status, Timing, next_reminder
from followup.store import Database, Interview

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.postgres import PostgresCluster

ROUNDS = 15
PEERS = ("todoman", "khal")
Commands = dict[str, tuple[list[str], dict[str, str]]]


def cpu_rounds(commands: Commands, rounds: int) -> dict[str, tuple[float, float]]:
    """Median CPU seconds and median wall seconds of each command over ``rounds``
    interleaved rounds, after one warm-up run of each (which also writes the bytecode
    cache)."""
    for cmd, env in commands.values():
        subprocess.run(cmd, env=env, check=True, capture_output=True)
    times: dict[str, list[float]] = {name: [] for name in commands}
    walls: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (cmd, env) in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, capture_output=True)
            walls[name].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {
        name: (statistics.median(times[name]), statistics.median(walls[name])) for name in commands
    }


def home_env(tmp: str, **extra: str) -> dict[str, str]:
    """The environment of a user whose home, config, data and state are under ``tmp``;
    Python writes and uses its bytecode cache, as it does for a user."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return dict(
        env,
        HOME=tmp,
        XDG_CONFIG_HOME=f"{tmp}/c",
        XDG_DATA_HOME=f"{tmp}/d",
        XDG_STATE_HOME=f"{tmp}/s",
        XDG_CACHE_HOME=f"{tmp}/cache",
        LANG="en_US.UTF-8",
        **extra,
    )


def fill(env: dict[str, str], count: int, first: date = date(2026, 1, 1)) -> None:
    """``count`` open interviews whose expected dates spread over two years from ``first``,
    planned as the CLI plans them (one bulk insert: 100,000 take seconds, not minutes)."""
    config = load(None, env)
    db = Database(config.store_url)
    tracker = Tracker(config, db)
    rng = random.Random(count)
    now = datetime.now(UTC)
    rows = []
    for i in range(count):
        values = {
            "company": f"Company {i}",
            "role": "Engineer",
            "reply_expected_on": first + timedelta(days=rng.randrange(730)),
            "status": Status.WAITING.value,
            "created_at": now,
            "updated_at": now,
        }
        plan = SimpleNamespace(country=None, subdivision=None, emailed_on=None, snoozed_to=None)
        plan.__dict__.update(values)
        rows.append(values | tracker.plan_columns(plan))
    with db.writing() as s:
        s.execute(insert(cast(Table, Interview.__table__)), rows)
    db.close()


def peers_venv(folder: Path) -> Path | None:
    """A throwaway virtual environment with todoman and khal from PyPI; None when they
    cannot be installed here."""
    venv = folder / "peers"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(venv / "bin/pip"), "install", "-q", *PEERS],
            check=True,
            capture_output=True,
            timeout=900,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"todoman and khal not measured: cannot install them ({exc})", file=sys.stderr)
        return None
    return venv


def peer_home(tmp: str, count: int = 20) -> dict[str, str]:
    """A home with ``count`` todos for todoman and ``count`` events for khal, due over the
    coming week, and the two programs' minimal configs."""
    root = Path(tmp)
    todos, events = root / "todos/work", root / "cal/home"
    for folder in (todos, events, root / "c/todoman", root / "c/khal"):
        folder.mkdir(parents=True)
    (root / "c/todoman/config.py").write_text(
        f'path = "{root}/todos/*"\ndate_format = "%Y-%m-%d"\ntime_format = "%H:%M"\n'
        'default_list = "work"\n'
    )
    (root / "c/khal/config").write_text(
        f"[calendars]\n[[home]]\npath = {events}\n[locale]\ntimeformat = %H:%M\n"
        "dateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
    )
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n"
    for i in range(count):
        day = (date.today() + timedelta(days=i % 7)).strftime("%Y%m%d")
        (todos / f"t{i}.ics").write_text(
            f"{head}BEGIN:VTODO\r\nUID:t{i}@bench\r\nDTSTAMP:20260101T000000Z\r\n"
            f"SUMMARY:Follow up with Company {i}\r\nDUE;VALUE=DATE:{day}\r\n"
            "STATUS:NEEDS-ACTION\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
        )
        (events / f"e{i}.ics").write_text(
            f"{head}BEGIN:VEVENT\r\nUID:e{i}@bench\r\nDTSTAMP:20260101T000000Z\r\n"
            f"SUMMARY:Interview {i}\r\nDTSTART:{day}T090000Z\r\nDTEND:{day}T100000Z\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    # C.UTF-8: both call setlocale(), which fails for a locale the machine lacks
    return dict(home_env(tmp), LANG="C.UTF-8")


def postgres_home(tmp: str, url: str) -> dict[str, str]:
    """A home like :func:`home_env`'s whose config puts the store at ``url``."""
    config = Path(tmp) / "c/followup/config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[store]\nurl = "{url}"\n')
    return home_env(tmp, TZ="America/New_York")


def cli_rows(rounds: int, peers: bool, postgres: bool) -> list[tuple[str, tuple[float, float]]]:
    followup = str(Path(sys.executable).with_name("followup"))
    with (
        tempfile.TemporaryDirectory() as tmp,
        tempfile.TemporaryDirectory() as big,
        tempfile.TemporaryDirectory() as pg_tmp,
        contextlib.ExitStack() as servers,
        tempfile.TemporaryDirectory() as configured,
    ):
        env = home_env(tmp, TZ="America/New_York")
        fill(env, 20, first=date.today() - timedelta(days=10))
        big_env = home_env(big, TZ="America/New_York")
        fill(big_env, 10_000, first=date.today() - timedelta(days=10))
        init = ["init", "--country", "US", "--timezone", "America/New_York", "--name", "Bench"]
        config_env = home_env(configured, TZ="America/New_York")
        subprocess.run([followup, *init], env=config_env, check=True, capture_output=True)
        fill(config_env, 20, first=date.today() - timedelta(days=10))
        plain = home_env(tmp)
        commands: Commands = {
            "python -c 'import sqlite3'": ([sys.executable, "-c", "import sqlite3"], plain),
            "python -c 'import sqlalchemy.orm'": (
                [sys.executable, "-c", "import sqlalchemy.orm"],
                plain,
            ),
        }
        for args in (["list"], ["upcoming"], ["status"], ["--version"], ["show", "1"]):
            commands[f"followup {' '.join(args)} (20 interviews)"] = ([followup, *args], env)
        commands["followup add (20+ interviews)"] = (
            [followup, "add", "Bench", "--expect", (date.today() + timedelta(days=3)).isoformat()],
            env,
        )
        commands["followup edit 1 --role (20+)"] = ([followup, "edit", "1", "--role", "QA"], env)
        commands["followup snooze 2 --days 1 (20+)"] = (
            [followup, "snooze", "2", "--days", "1"],
            env,
        )
        commands["followup list (20, config file)"] = ([followup, "list"], config_env)
        commands["followup list (10,000 interviews)"] = ([followup, "list"], big_env)
        if postgres:
            cluster = servers.enter_context(PostgresCluster())
            pg_env = postgres_home(pg_tmp, cluster.create_database())
            fill(pg_env, 20, first=date.today() - timedelta(days=10))
            for args in (["list"], ["upcoming"], ["status"], ["show", "1"]):
                name = f"followup {' '.join(args)} (20, PostgreSQL)"
                commands[name] = ([followup, *args], pg_env)
            expect = (date.today() + timedelta(days=3)).isoformat()
            commands["followup add (20+, PostgreSQL)"] = (
                [followup, "add", "Bench", "--expect", expect],
                pg_env,
            )
        with tempfile.TemporaryDirectory() as peer_tmp:
            venv = peers_venv(Path(peer_tmp)) if peers else None
            if venv is not None:
                home = peer_home(f"{peer_tmp}/home")
                commands["todo list (todoman, 20 todos)"] = ([str(venv / "bin/todo"), "list"], home)
                commands["khal list (20 events)"] = ([str(venv / "bin/khal"), "list"], home)
            measured = cpu_rounds(commands, rounds)
    return list(measured.items())


def planning_rows() -> list[tuple[str, float]]:
    rows = []
    cal = calendar_for(Place("US", "CA"), years=range(2025, 2029))
    timing = Timing(ZoneInfo("America/Los_Angeles"))
    settings = RuleSettings()
    rng = random.Random(1)
    for count in (10_000, 50_000, 100_000):
        stages = [
            Stage(Status.WAITING, date(2026, 1, 1) + timedelta(days=rng.randrange(730)))
            if i % 2
            else Stage(
                Status.EMAILED,
                date(2026, 1, 1),
                date(2026, 1, 1) + timedelta(days=rng.randrange(730)),
            )
            for i in range(count)
        ]
        start = time.perf_counter()
        for stage in stages:
            next_reminder(stage, settings, cal, timing)
        rows.append((f"plan next reminder of {count:,} interviews", time.perf_counter() - start))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--no-peers", action="store_true", help="leave out todoman and khal")
    parser.add_argument(
        "--no-postgres", action="store_true", help="leave out the commands on PostgreSQL"
    )
    args = parser.parse_args()
    rows = dict(cli_rows(args.rounds, not args.no_peers, not args.no_postgres))
    floor = rows["python -c 'import sqlite3'"][0]
    orm = rows["python -c 'import sqlalchemy.orm'"][0]
    todo_row = rows.get("todo list (todoman, 20 todos)")
    todo = todo_row[0] if todo_row else None
    print(f"CPU time (and wall time), median of {args.rounds} interleaved rounds")
    head = f"{'command':<42} {'ms':>7} {'x sqlite3':>10} {'x sa.orm':>9}"
    print(head + (f" {'x todo':>7}" if todo else "") + f" {'wall ms':>8}")
    for name, (seconds, wall) in rows.items():
        line = f"{name:<42} {seconds * 1000:7.1f} {seconds / floor:10.2f} {seconds / orm:9.2f}"
        print(line + (f" {seconds / todo:7.2f}" if todo else "") + f" {wall * 1000:8.1f}")
    for name, seconds in planning_rows():
        print(f"{name:<45} {seconds:8.3f} s")


if __name__ == "__main__":
    main()
