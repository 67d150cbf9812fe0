"""Calendar feed speed: `render_feed` for 100 and 10,000 interviews (each with a history
entry), the part of it spent reading the store, the daemon's case (a kept Feed rendered
again after one interview changed), and the file's size.

Run: .venv/bin/python bench/bench_feed.py   (prints a table; compare ratios, not seconds)
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_cli import fill, home_env
from icalendar import Calendar
from sqlalchemy import select

from followup.config import load
from followup.lifecycle.service import Tracker
from followup.records import Details
from followup.store import Database, Event, Interview
from followup.transfer.ics import Feed, render_feed

RUNS = 5
COUNTS = (100, 10_000)


def median(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(count: int) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        env = home_env(tmp, TZ="America/New_York")
        fill(env, count)
        config = load(None, env)
        db = Database(config.store_url)
        with db.writing() as s:
            for row in s.scalars(select(Interview)):
                s.add(
                    Event(
                        interview_id=row.id,
                        kind="created",
                        at=row.created_at,
                        details=json.dumps({"company": row.company}),
                    )
                )
        tracker = Tracker(config, db)
        start = time.perf_counter()
        data = render_feed(tracker)
        first = time.perf_counter() - start
        kept = Feed()
        kept.render(tracker)
        notes = iter(range(RUNS))

        def change_one() -> bytes:
            tracker.edit(1, Details(notes=f"call {next(notes)}"), datetime.now(UTC))
            return kept.render(tracker)

        reading = median(lambda: (tracker.interviews(include_closed=True), tracker.records()))
        rows = [
            (f"render_feed, first call, {count:,} interviews", f"{first:.3f} s"),
            (f"render_feed, {count:,} interviews", f"{median(lambda: render_feed(tracker)):.3f} s"),
            ("  of which reading the store", f"{reading:.3f} s"),
            ("render with a kept Feed after one change", f"{median(change_one):.3f} s"),
            (
                "  file size",
                f"{len(data) / 1e6:.2f} MB, {len(Calendar.from_ical(data).events):,} events",
            ),
        ]
        db.close()
        return rows


def main() -> None:
    rows = [row for count in COUNTS for row in measure(count)]
    for name, value in rows:
        print(f"{name:<45} {value:>24}")


if __name__ == "__main__":
    main()
