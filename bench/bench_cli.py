"""CLI speed: `followup list`, `followup add` and `followup stats` with 20 and 10,000
interviews, beside the bare `import sqlalchemy.orm` measured in the same run, and the time
to plan the next reminder of 10,000 to 100,000 interviews.

Run: .venv/bin/python bench/bench_cli.py   (prints a table; compare ratios, not seconds)
"""

from __future__ import annotations

import os
import random
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
from followup.rules import RuleSettings, Stage, Status, Timing, next_reminder
from followup.store import Database, Interview
from followup.tracker import Tracker

RUNS = 7


def wall(cmd: list[str], env: dict[str, str]) -> float:
    """Median wall time of ``cmd`` over RUNS runs, after one warm-up run."""
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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


def cli_rows() -> list[tuple[str, float]]:
    rows = []
    followup = str(Path(sys.executable).with_name("followup"))
    bare = wall([sys.executable, "-c", "import sqlalchemy.orm"], dict(os.environ))
    rows.append(("python -c 'import sqlalchemy.orm'", bare))
    for count in (20, 10_000):
        with tempfile.TemporaryDirectory() as tmp:
            env = home_env(tmp, TZ="America/New_York")
            fill(env, count)
            rows.append((f"followup list ({count:,} interviews)", wall([followup, "list"], env)))
            rows.append(
                (
                    f"followup add ({count:,} interviews)",
                    wall([followup, "add", "Bench", "--expect", "2026-12-01"], env),
                )
            )
            rows.append((f"followup stats ({count:,} interviews)", wall([followup, "stats"], env)))
    return rows


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
    rows = cli_rows()
    bare = rows[0][1]
    print(f"{'measurement':<45} {'seconds':>8} {'x import':>9}")
    for name, seconds in rows:
        print(f"{name:<45} {seconds:8.3f} {seconds / bare:9.2f}")
    for name, seconds in planning_rows():
        print(f"{name:<45} {seconds:8.3f}")


if __name__ == "__main__":
    main()
