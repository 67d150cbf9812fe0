"""The daemon's footprint with 10,000 interviews in the store: CPU time over 60 idle
seconds, resident memory, and the delay from a reminder's instant to the Notify call on the
bus (real daemon, private D-Bus session bus, recording notification server, libfaketime).

Run: .venv/bin/python bench/bench_daemon.py [--idle-seconds 60] [--samples 10]
"""

from __future__ import annotations

import argparse
import json
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

from bench_cli import fill, home_env

from followup.daemon import WAKE_S
from tests.support.harness import (
    FakeClock,
    NotificationServer,
    PrivateBus,
    end_process,
    poll_until,
)

START = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)  # a Monday, inside the notify window


def cpu_seconds(pid: int) -> float:
    """CPU time of all the process's threads, from the scheduler's own count (nanoseconds;
    /proc/PID/stat's clock ticks are sampled and overcharge a process that wakes on a tick)."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return sum(int((t / "schedstat").read_text().split()[0]) for t in tasks) / 1e9


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


BARE_LOOP = f"import select, sqlalchemy.orm\nwhile True: select.select([], [], [], {WAKE_S})\n"


def start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], float]:
    """The daemon, started and ready; returns it and the seconds it took to be ready."""
    started = time.monotonic()
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "followup", "daemon"],
            env=env,
            stderr=handle,
            stdout=subprocess.DEVNULL,
        )
    if not poll_until(lambda: "ready:" in log.read_text(), 120):
        end_process(proc)
        raise SystemExit("daemon not ready:\n" + log.read_text())
    return proc, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interviews", type=int, default=10_000)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--samples", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, PrivateBus() as bus:
        clock = FakeClock(Path(tmp, "faketime"), START)
        env = home_env(tmp, DBUS_SESSION_BUS_ADDRESS=bus.address)
        Path(tmp, "c/followup").mkdir(parents=True)
        Path(tmp, "c/followup/config.toml").write_text(
            '[calendar]\ncountry = "US"\ntimezone = "UTC"\n'
            '[notify]\nat = "09:00"\nuntil = "20:00"\n'
        )
        fill(dict(env, TZ="UTC"), args.interviews, first=date(2030, 2, 1))
        server = NotificationServer(bus.address, Path(tmp, "notes.jsonl"))
        server.wait_until_ready()
        daemon_env = dict(env, **clock.env())

        # Footprint: the real clock, as a user runs it.
        proc, ready_s = start(dict(env, TZ="UTC"), Path(tmp, "idle.log"))
        try:
            pause = threading.Event()
            pause.wait(2.0)
            cpu0, rss = cpu_seconds(proc.pid), rss_mib(proc.pid)
            pause.wait(args.idle_seconds)
            idle_cpu_ms = (cpu_seconds(proc.pid) - cpu0) * 1000
            rss_after = rss_mib(proc.pid)
        finally:
            end_process(proc)

        # The floor on this machine: a bare Python process waking as often as the daemon.
        bare = subprocess.Popen([sys.executable, "-c", BARE_LOOP])
        try:
            pause.wait(2.0)
            cpu0 = cpu_seconds(bare.pid)
            pause.wait(args.idle_seconds)
            bare_cpu_ms = (cpu_seconds(bare.pid) - cpu0) * 1000
        finally:
            end_process(bare)

        # Timeliness: a fake wall clock moved to just before each reminder's instant.
        proc, _ = start(daemon_env, Path(tmp, "delay.log"))
        delays = []
        try:
            for n in range(args.samples):
                # Expected Wed 2 Jan 2030 -> email reminder Mon 7 Jan 09:00; one week later
                # for each further sample.
                expected = date(2030, 1, 2) + timedelta(days=7 * n)
                done = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "followup",
                        "add",
                        f"Sample {n}",
                        "--expect",
                        expected.isoformat(),
                        "--json",
                    ],
                    env=daemon_env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                at = datetime.fromisoformat(json.loads(done.stdout)["next_reminder"]["at"])
                before = len(server.notifications())
                clock.set(at - timedelta(seconds=2))
                proc.send_signal(signal.SIGUSR1)
                t0 = time.time()
                try:
                    server.wait_for(before + 1, timeout=15)
                except AssertionError:
                    raise SystemExit(
                        "no notification; the daemon's log:\n" + Path(tmp, "delay.log").read_text()
                    ) from None
                delays.append(server.notifications()[-1]["received_at"] - (t0 + 2.0))
        finally:
            end_process(proc)
            server.stop()

    print(f"interviews in the store           {args.interviews:>10,}")
    print(f"start to READY                    {ready_s:10.2f} s")
    print(f"resident memory after ready       {rss:10.1f} MiB")
    print(f"resident memory after idling      {rss_after:10.1f} MiB")
    print(f"CPU time over {args.idle_seconds:.0f} idle seconds       {idle_cpu_ms:10.1f} ms")
    print(f"  bare Python waking every {WAKE_S:.0f} s   {bare_cpu_ms:10.1f} ms (the floor here)")
    print(
        f"instant -> Notify delay, median   {statistics.median(delays) * 1000:10.1f} ms "
        f"(min {min(delays) * 1000:.1f}, max {max(delays) * 1000:.1f}, n={len(delays)})"
    )


if __name__ == "__main__":
    main()
