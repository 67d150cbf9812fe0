"""What one look at the CalDAV task list costs, on a real Radicale and a real Xandikos
with 40 of followup's tasks on the list: a look with nothing changed (one RFC 6578
``sync-collection`` REPORT) against a full read (a ``PROPFIND`` of the list's sync-token
and ctag, then a ``calendar-query`` REPORT of every task), as requests, bytes answered and
milliseconds (medians).

Run: .venv/bin/python bench/bench_caldav_look.py [--samples 7] [--tasks 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import caldav

from followup.channels import todo
from followup.channels.tasklist import TaskList
from followup.rules import Kind
from tests.channels.conftest import settings_for
from tests.support.caldav_servers import CalDAVServer

NOW = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
DUE = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


class Counted:
    """Requests and bytes answered since the last :meth:`reset`."""

    def __init__(self) -> None:
        self.requests = 0
        self.bytes = 0
        real = caldav.DAVClient.request

        def request(client: Any, url: str, method: str = "GET", body: Any = "", *more: Any) -> Any:
            response = real(client, url, method, body, *more)
            self.requests += 1
            raw = response.raw
            self.bytes += len(raw) if isinstance(raw, bytes | str) else 0
            return response

        caldav.DAVClient.request = request  # type: ignore[method-assign]

    def reset(self) -> None:
        self.requests = self.bytes = 0


def timed(task_list: TaskList, tasks: list[todo.Task], counted: Counted) -> tuple[float, int, int]:
    """One sync of ``tasks``: milliseconds, requests, bytes answered."""
    counted.reset()
    started = time.perf_counter()
    task_list.sync(tasks, NOW)
    return (time.perf_counter() - started) * 1000, counted.requests, counted.bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--tasks", type=int, default=40)
    args = parser.parse_args()
    tasks = [
        todo.Task(
            todo.task_uid(n, Kind.EMAIL),
            n,
            Kind.EMAIL,
            f"Email Company {n}: no reply since Mon 23 Nov",
            "Dear Ana,\n\n" + "I am writing to follow up on our interview. " * 10,
            DUE,
        )
        for n in range(1, args.tasks + 1)
    ]
    counted = Counted()
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("radicale", "xandikos"):
            folder = Path(tmp) / kind
            if kind == "radicale":
                server = CalDAVServer.radicale(folder)
            else:
                server = CalDAVServer.xandikos(folder)
            task_list = TaskList(settings_for(server))
            try:
                task_list.sync(tasks, NOW)
                task_list.sync(tasks, NOW)
                cheap, full = [], []
                for _ in range(args.samples):
                    cheap.append(timed(task_list, tasks, counted))
                    task_list.close()
                    task_list.reach()
                    full.append(timed(task_list, tasks, counted))
            finally:
                task_list.close()
                server.stop()
            for name, runs in (("nothing changed", cheap), ("full read", full)):
                ms = statistics.median(run[0] for run in runs)
                print(
                    f"{kind}, {args.tasks} tasks, {name}: {ms:.0f} ms, "
                    f"{runs[-1][1]} request(s), {runs[-1][2]} bytes answered"
                )


if __name__ == "__main__":
    main()
