"""How long a write waits for another program's write lock, on each kind of store: the
whole ``busy_timeout`` and no longer, then the one "locked" error, with nothing written."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from followup.errors import StoreLocked
from followup.store import Database

WAIT_S = 0.5
#: The wait ends about 0.1 s after WAIT_S; a shared machine may be many times slower.
BOUND_S = 10.0


def count(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(text("SELECT count(*) FROM interviews")).scalar_one())


def test_a_write_gives_up_after_the_busy_timeout_with_the_locked_error(store_url: str) -> None:
    holder = Database(store_url)
    waiter = Database(store_url, busy_timeout=WAIT_S)
    try:
        with holder.writing():
            began = time.monotonic()
            with pytest.raises(StoreLocked) as raised, waiter.writing() as session:
                session.execute(
                    text(
                        "INSERT INTO interviews (company, reply_expected_on, status, "
                        "created_at, updated_at) VALUES ('Beta', '2026-12-30', 'waiting', "
                        "'2026-12-01 12:00:00', '2026-12-01 12:00:00')"
                    )
                )
            waited = time.monotonic() - began
        assert (WAIT_S <= waited < BOUND_S, count(waiter)) == (True, 0), waited
        assert raised.value.message.endswith(
            "is locked: another program holds its write lock; gave up after waiting 0.5 s"
        )
    finally:
        holder.close()
        waiter.close()
