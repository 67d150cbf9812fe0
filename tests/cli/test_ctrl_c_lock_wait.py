"""Ctrl-C (SIGINT) sent to a real ``followup`` process that waits for the store's write lock
held by another program: it ends at once (not when the 30 s wait would have ended), with
the one ``interrupted`` line and exit 130, and the store as it was."""

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

#: Seconds the command has waited for the lock when Ctrl-C comes.
WAITED_S = 1.0
#: The exit after Ctrl-C takes about 0.1 s; a shared machine may be many times slower.
BOUND_S = 5.0


def table(db: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT * FROM interviews ORDER BY id").fetchall()


@pytest.mark.parametrize(
    "args",
    [
        ("--json", "add", "Intr6", "--expect", "2026-12-30"),
        ("add", "Intr6", "--expect", "2026-12-30"),
        ("emailed", "1"),
    ],
)
def test_ctrl_c_while_waiting_for_the_write_lock_ends_the_command_at_once(
    home: Path, db_path: Path, args: tuple[str, ...]
) -> None:
    subprocess.run(
        [sys.executable, "-m", "followup", "add", "Acme", "--expect", "2026-12-01"],
        capture_output=True,
        check=True,
    )
    before = table(db_path)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        proc = subprocess.Popen(
            [sys.executable, "-m", "followup", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(WAITED_S)
        assert proc.poll() is None, proc.communicate()  # still waiting for the lock
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert (proc.returncode, took < BOUND_S) == (130, True), (took, out, err)
    if "--json" in args:
        assert json.loads(err) == {
            "error": {"code": "interrupted", "message": "interrupted: nothing was changed"}
        }
    else:
        assert err.splitlines() == ["interrupted: nothing was changed"]
    assert out == ""
    assert table(db_path) == before
