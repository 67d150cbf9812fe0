"""The daemon's footprint with 10,000 interviews in the store: CPU time over 60 idle
seconds, resident memory, and the delay from a reminder's instant to the Notify call on the
bus (real daemon, private D-Bus session bus, recording notification server, libfaketime).

Run: .venv/bin/python bench/bench_daemon.py [--idle-seconds 60] [--samples 10]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from followup.config import load
from followup.rules import Status
from followup.store import Database, Interview
from followup.tracker import Tracker
from tests.support.harness import (
    FakeClock,
    NotificationServer,
    PrivateBus,
    end_process,
    poll_until,
)

START = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)  # a Monday, inside the notify window
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def fill(env: dict[str, str], count: int) -> None:
    """``count`` open interviews, all with reminders in the future (none due at start)."""
    config = load(None, env)
    db = Database(config.store_url)
    rng = random.Random(count)
    now = datetime.now(UTC)
    with db.writing() as s:
        for i in range(count):
            expected = date(2030, 2, 1) + timedelta(days=rng.randrange(365))
            s.add(Interview(company=f"Company {i}", reply_expected_on=expected,
                            status=Status.WAITING.value, created_at=now, updated_at=now))
    Tracker(config, db).refresh_plans()
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interviews", type=int, default=10_000)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--samples", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, PrivateBus() as bus:
        clock = FakeClock(Path(tmp, "faketime"), START)
        env = dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=f"{tmp}/c", XDG_DATA_HOME=f"{tmp}/d",
                   XDG_STATE_HOME=f"{tmp}/s", LANG="en_US.UTF-8",
                   DBUS_SESSION_BUS_ADDRESS=bus.address)
        Path(tmp, "c/followup").mkdir(parents=True)
        Path(tmp, "c/followup/config.toml").write_text(
            '[calendar]\ncountry = "US"\ntimezone = "UTC"\n'
            '[notify]\nat = "09:00"\nuntil = "20:00"\n')
        fill(dict(env, TZ="UTC"), args.interviews)
        server = NotificationServer(bus.address, Path(tmp, "notes.jsonl"))
        server.wait_until_ready()
        log = open(Path(tmp, "daemon.log"), "w+")  # noqa: SIM115
        daemon_env = dict(env, **clock.env())
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "followup", "daemon"], env=daemon_env,
                                stderr=log, stdout=subprocess.DEVNULL)
        try:
            if not poll_until(lambda: "ready:" in Path(tmp, "daemon.log").read_text(), 60):
                raise SystemExit("daemon not ready:\n" + Path(tmp, "daemon.log").read_text())
            ready_s = time.monotonic() - started
            pause = threading.Event()
            pause.wait(2.0)
            cpu0, rss = cpu_seconds(proc.pid), rss_mib(proc.pid)
            pause.wait(args.idle_seconds)
            idle_cpu_ms = (cpu_seconds(proc.pid) - cpu0) * 1000
            rss_after = rss_mib(proc.pid)

            delays = []
            day = date(2030, 1, 2)
            for n in range(args.samples):
                # Expected Wed 2 Jan -> email reminder Mon 7 Jan 09:00, and so on: each sample
                # an interview whose reminder is at 09:00 on a later business day.
                expected = day + timedelta(days=7 * n)
                done = subprocess.run(
                    [sys.executable, "-m", "followup", "add", f"Sample {n}", "--expect",
                     expected.isoformat(), "--json"], env=daemon_env, capture_output=True,
                    text=True, check=True)
                import json

                at = datetime.fromisoformat(json.loads(done.stdout)["next_reminder"]["at"])
                before = len(server.notifications())
                clock.set(at - timedelta(seconds=2))
                proc.send_signal(signal.SIGUSR1)
                t0 = time.time()
                server.wait_for(before + 1, timeout=15)
                delays.append(server.notifications()[-1]["received_at"] - (t0 + 2.0))
        finally:
            end_process(proc)
            server.stop()
            log.close()

    print(f"interviews in the store           {args.interviews:>10,}")
    print(f"start to READY                    {ready_s:10.2f} s")
    print(f"resident memory after ready       {rss:10.1f} MiB")
    print(f"resident memory after idling      {rss_after:10.1f} MiB")
    print(f"CPU time over {args.idle_seconds:.0f} idle seconds       {idle_cpu_ms:10.1f} ms")
    print(f"instant -> Notify delay, median   {statistics.median(delays) * 1000:10.1f} ms "
          f"(min {min(delays) * 1000:.1f}, max {max(delays) * 1000:.1f}, n={len(delays)})")


if __name__ == "__main__":
    main()
