"""Ctrl-C (SIGINT) sent to a real ``followup import`` process at moments spread over its
run: whatever the moment, it says one line that agrees with what the store then holds."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = [pytest.mark.system, pytest.mark.own_store]

COUNT = 4000
SAID = {
    "interrupted: nothing was changed": {0},
    "interrupted: the change was already saved": {COUNT},
}


def backup(path: Path) -> None:
    stamp = "2026-11-01T12:00:00.000000+00:00"
    interviews = [
        {
            "id": i,
            "company": f"Company {i}",
            "reply_expected_on": "2026-12-01",
            "status": "waiting",
            "created_at": stamp,
            "updated_at": stamp,
            "events": [],
            "shown_reminders": [],
        }
        for i in range(1, COUNT + 1)
    ]
    path.write_text(json.dumps({"followup_backup": 1, "interviews": interviews}))


@pytest.mark.parametrize("after", [0.6, 0.9, 1.2, 1.5, 1.8, 2.2, 2.8, 3.5])
def test_ctrl_c_at_any_moment_of_an_import_says_what_the_store_holds(
    home: Path, db_path: Path, tmp_path: Path, after: float
) -> None:
    source = tmp_path / "backup.json"
    backup(source)
    subprocess.run([sys.executable, "-m", "followup", "list"], capture_output=True, check=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "followup", "import", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(after)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    with closing(sqlite3.connect(db_path)) as conn:
        stored = conn.execute("SELECT count(*) FROM interviews").fetchone()[0]
    if proc.returncode == 0:  # it ended before the signal came
        assert stored == COUNT
        return
    assert proc.returncode == 130
    [line] = err.splitlines()  # stdout may hold part of the report, printed after the commit
    assert stored in SAID[line], (line, stored)
