"""Import and export speed: `followup import` of a 10,000-row spreadsheet and of a
10,000-interview backup into an empty store, the same spreadsheet again into the filled store
(every row already present), and `followup export` as JSON and CSV of 10,000 interviews.
Each is a whole `followup` process: wall time (median of RUNS) and its peak resident memory
(this script imports nothing heavy: a child's peak counts the process it was forked from).

Run: .venv/bin/python bench/bench_import.py   (prints a table; compare ratios, not seconds)
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

RUNS = 5
COUNT = 10_000
STATUSES = ["Waiting", "Followed up", "Rejected", "Offer", "Ghosted", "", "Withdrawn"]


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of ``cmd``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        error = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd)} failed: {error}")
    return seconds, usage.ru_maxrss / 1024


def measure(cmd: list[str], make_env: Callable[[], dict[str, str]]) -> tuple[float, float]:
    """Median wall time and the largest peak RSS over RUNS runs, each in a fresh ``env``."""
    results = [run(cmd, make_env()) for _ in range(RUNS)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def fill(env: dict[str, str], count: int) -> None:
    """bench_cli's store filler, run in a process of its own: this one stays small, since
    a child's peak memory counts what it was forked from."""
    code = f"from bench_cli import fill; import os; fill(dict(os.environ), {count})"
    bench = str(Path(__file__).resolve().parent)
    subprocess.run([sys.executable, "-c", code], env=env, cwd=bench, check=True)


def write_sheet(path: Path, count: int) -> None:
    """A Google-Sheets-like tracker: every status word, some emailed, some with notes."""
    rng = random.Random(count)
    first = date(2025, 1, 6)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "Company Name",
                "Position",
                "Recruiter",
                "Contact Email",
                "Date Applied",
                "Expected Reply",
                "Followed Up",
                "Stage",
                "Salary",
                "Notes",
            ]
        )
        for i in range(count):
            applied = first + timedelta(days=rng.randrange(600))
            expected = applied + timedelta(days=rng.randrange(3, 15))
            status = STATUSES[i % len(STATUSES)]
            emailed = expected + timedelta(days=3) if status == "Followed up" else None
            out.writerow(
                [
                    f"Company {i}",
                    "Engineer",
                    f"Recruiter {i}",
                    f"r{i}@c{i}.example",
                    applied.isoformat(),
                    expected.isoformat(),
                    emailed.isoformat() if emailed else "",
                    status,
                    "100,000",
                    "Second round?\nMaybe" if i % 10 == 0 else "",
                ]
            )


def main() -> None:
    followup = str(Path(sys.executable).with_name("followup"))
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        counter = iter(range(1_000_000))

        def fresh() -> dict[str, str]:
            home = base / f"home{next(counter)}"
            home.mkdir()
            return dict(
                os.environ,
                HOME=str(home),
                XDG_CONFIG_HOME=f"{home}/c",
                XDG_DATA_HOME=f"{home}/d",
                XDG_STATE_HOME=f"{home}/s",
                LANG="en_US.UTF-8",
                TZ="America/New_York",
            )

        sheet = base / "tracker.csv"
        write_sheet(sheet, COUNT)
        rows.append(
            (
                f"import CSV, {COUNT:,} rows, empty store",
                *measure([followup, "import", str(sheet)], fresh),
            )
        )

        source = fresh()
        subprocess.run(
            [followup, "import", str(sheet)], env=source, check=True, capture_output=True
        )
        backup = base / "backup.json"
        subprocess.run(
            [followup, "export", "-o", str(backup)], env=source, check=True, capture_output=True
        )
        rows.append(
            (
                f"import JSON, {COUNT:,} interviews, empty store",
                *measure([followup, "import", str(backup)], fresh),
            )
        )

        def filled() -> dict[str, str]:
            env = fresh()
            shutil.copytree(Path(source["XDG_DATA_HOME"]), Path(env["XDG_DATA_HOME"]))
            return env

        rows.append(
            (
                f"import CSV again, {COUNT:,} rows present",
                *measure([followup, "import", str(sheet)], filled),
            )
        )
        rows.append(
            (
                f"import CSV --dry-run, {COUNT:,} rows present",
                *measure([followup, "import", str(sheet), "--dry-run"], filled),
            )
        )

        exporting = fresh()
        fill(exporting, COUNT)
        for fmt in ("json", "csv"):
            out = base / f"out.{fmt}"
            rows.append(
                (
                    f"export {fmt.upper()}, {COUNT:,} interviews",
                    *measure([followup, "export", "-o", str(out)], lambda: exporting),
                )
            )
            out.unlink()
        rows.append(
            (
                "followup --version (start-up floor)",
                *measure([followup, "--version"], lambda: exporting),
            )
        )
    print(f"{'measurement':<45} {'seconds':>8} {'peak MiB':>9}")
    for name, seconds, rss in rows:
        print(f"{name:<45} {seconds:8.3f} {rss:9.1f}")


if __name__ == "__main__":
    main()
