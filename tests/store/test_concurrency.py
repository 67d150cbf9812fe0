"""Several ``followup`` processes writing one SQLite file at once, from the very first command
(which also races to create the schema): every write lands, none fails as "database is locked"."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest

#: These tests open, inspect or damage their SQLite file, or pick their own store.
pytestmark = [pytest.mark.own_store, pytest.mark.system]

FOLLOWUP = Path(sys.executable).parent / "followup"  # the dev venv's console script

#: One process adding ``count`` interviews by calling ``followup.cli.main`` in a loop. It
#: waits for its stdin to close so that all processes start writing at the same moment.
LOOP = """
import sys
from followup.cli import main

worker, count = sys.argv[1], int(sys.argv[2])
sys.stdin.read()
codes = [main(["add", f"{worker}-{i}", "--expect", "2026-11-23"]) for i in range(count)]
sys.exit(max(codes))
"""


def rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(sql).fetchall()


def assert_every_add_landed(db_path: Path, companies: set[str]) -> None:
    interviews = rows(db_path, "SELECT id, company FROM interviews ORDER BY id")
    assert len(interviews) == len(companies)
    assert {company for _, company in interviews} == companies
    assert [i for i, _ in interviews] == list(range(1, len(companies) + 1))
    created = rows(db_path, "SELECT interview_id FROM events WHERE kind = 'created'")
    assert sorted(i for (i,) in created) == list(range(1, len(companies) + 1))
    assert rows(db_path, "SELECT count(*) FROM events") == [(len(companies),)]
    assert rows(db_path, "SELECT count(*) FROM alembic_version") == [(1,)]


class Spawned:
    """A ``python -c SCRIPT ARGS`` process held at its start line, its output in files."""

    def __init__(self, folder: Path, name: str, script: str, *args: str) -> None:
        self.out, self.err = folder / f"{name}.out", folder / f"{name}.err"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", script, *args],
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=err,
                text=True,
            )

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    def finish(self) -> tuple[int, str, str]:
        return self.proc.wait(), self.out.read_text(), self.err.read_text()


def race(
    folder: Path, spawned: list[tuple[str, str, tuple[str, ...]]]
) -> list[tuple[int, str, str]]:
    """Start every process, let them all go at once, and collect (exit code, out, err)."""
    procs = [Spawned(folder, name, script, *args) for name, script, args in spawned]
    for proc in procs:
        proc.go()
    return [proc.finish() for proc in procs]


def test_four_processes_adding_50_interviews_each_at_once(db_path: Path, tmp_path: Path) -> None:
    assert not db_path.parent.exists()  # from nothing: no file, no folder
    results = race(tmp_path, [(f"p{n}", LOOP, (f"p{n}", "50")) for n in range(4)])

    for code, out, err in results:
        assert "database is locked" not in err
        assert (code, err) == (0, "")
        assert out.count("Added interview ") == 50
    assert_every_add_landed(db_path, {f"p{n}-{i}" for n in range(4) for i in range(50)})


def test_four_workers_running_the_followup_executable_10_times_each_at_once(
    db_path: Path,
) -> None:
    """One real process per add, 4 at a time: 40 start-ups, the first ones creating the
    schema together."""
    assert FOLLOWUP.is_file()
    assert not db_path.parent.exists()
    start = threading.Barrier(4)
    results: dict[str, subprocess.CompletedProcess[str]] = {}

    def worker(name: str) -> None:
        start.wait()
        for i in range(10):
            company = f"{name}-{i}"
            results[company] = subprocess.run(
                [FOLLOWUP, "add", company, "--expect", "2026-11-23"],
                capture_output=True,
                text=True,
            )

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 40
    for company, done in sorted(results.items()):
        assert "database is locked" not in done.stderr, company
        assert (done.returncode, done.stderr) == (0, ""), company
        assert done.stdout.startswith("Added interview "), company
    assert_every_add_landed(db_path, set(results))


READ = """
import sys
from followup.cli import main

sys.stdin.read()
sys.exit(max(main(["list", "--json"]) for _ in range(25)))
"""


def test_listings_beside_four_writers_all_succeed(db_path: Path, tmp_path: Path) -> None:
    """Readers run beside the writers (WAL) from the first moment, and exit 0 every time."""
    assert not db_path.parent.exists()
    writers = [(f"p{n}", LOOP, (f"p{n}", "25")) for n in range(4)]
    results = race(tmp_path, [*writers, ("reader", READ, ())])

    for code, _, err in results:
        assert "database is locked" not in err
        assert (code, err) == (0, "")
    assert_every_add_landed(db_path, {f"p{n}-{i}" for n in range(4) for i in range(25)})
