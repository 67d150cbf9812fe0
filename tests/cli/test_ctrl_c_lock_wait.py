"""Ctrl-C (SIGINT) sent to a real ``followup`` process that waits for the store's write lock
held by another program, on each kind of store: it ends at once (not when the 30 s wait
would have ended), with the one ``interrupted`` line and exit 130, and the store as it
was."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from followup.store import Database

pytestmark = [pytest.mark.system, pytest.mark.own_store]

#: Seconds the command has waited for the lock when Ctrl-C comes.
WAITED_S = 1.0
#: The exit after Ctrl-C takes about 0.2 s here; a shared machine may be many times slower.
BOUND_S = 5.0


def table(db: Database) -> list[tuple[object, ...]]:
    with db.reading() as session:
        rows = session.execute(text("SELECT id, company, status FROM interviews ORDER BY id"))
        return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    "args",
    [
        ("--json", "add", "Intr6", "--expect", "2026-12-30"),
        ("add", "Intr6", "--expect", "2026-12-30"),
        ("emailed", "1"),
    ],
)
def test_ctrl_c_while_waiting_for_the_write_lock_ends_the_command_at_once(
    store_url: str, args: tuple[str, ...]
) -> None:
    subprocess.run(
        [sys.executable, "-m", "followup", "add", "Acme", "--expect", "2026-12-01"],
        capture_output=True,
        check=True,
    )
    holder = Database(store_url)
    try:
        before = table(holder)
        with holder.writing():  # the write lock, held until the command has ended
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
        after = table(holder)
    finally:
        holder.close()

    assert (proc.returncode, took < BOUND_S) == (130, True), (took, out, err)
    if "--json" in args:
        assert json.loads(err) == {
            "error": {"code": "interrupted", "message": "interrupted: nothing was changed"}
        }
    else:
        assert err.splitlines() == ["interrupted: nothing was changed"]
    assert out == ""
    assert after == before
