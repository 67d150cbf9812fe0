"""The daemon's footprint with many interviews in the store: the CPU time it takes to be
ready (``READY=1``), resident memory, CPU time while idle, and the delay from a reminder's
instant to the Notify call on the bus (real daemon, private D-Bus session bus, recording
notification server, libfaketime for the clock).

CPU is counted, not wall time, wherever a figure is compared: on a loaded machine the wall
time of a start says more about the neighbours than about the daemon. The floor measured in
the same run is ``python -c "import sqlalchemy.orm"`` (the daemon needs SQLAlchemy to write
the ledger, so it can start no quicker than that import). Every wait is generous (minutes),
so that the bench completes on a shared 2-core machine.

Run: .venv/bin/python bench/bench_daemon.py [--counts 10000 20000 100000]
     [--idle-seconds 60] [--samples 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_cli import fill, home_env

from followup.daemon.loop import WAKE_S
from tests.support.harness import (
    FakeClock,
    NotificationServer,
    PrivateBus,
    end_process,
    poll_until,
)

START = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)  # a Monday, inside the notify window
#: Wall-clock limits: far beyond what the figures are, so a loaded machine only waits.
READY_TIMEOUT_S = 900.0
NOTIFY_TIMEOUT_S = 120.0
#: Each reminder is shown once: a sample's reminder not acted on would otherwise come again
#: on the next business day, and arrive (overdue) when the clock jumps to the next sample,
#: before that sample's own.
CONFIG = (
    '[calendar]\ncountry = "US"\ntimezone = "UTC"\n'
    '[notify]\nat = "09:00"\nuntil = "20:00"\nrepeat_after_business_days = 0\n'
)


def cpu_seconds(pid: int) -> float:
    """CPU time of all the process's threads, from the scheduler's own count (nanoseconds;
    /proc/PID/stat's clock ticks are sampled and overcharge a process that wakes on a tick)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):  # a thread that just ended
            continue
    return total / 1e9


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def child_cpu(cmd: list[str], runs: int = 5) -> float:
    """Median CPU seconds (user + system) of ``cmd`` run to completion."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(times)


FOLLOWUP = [sys.executable, "-m", "followup"]
BARE_LOOP = f"import select, sqlalchemy.orm\nwhile True: select.select([], [], [], {WAKE_S})\n"


@dataclass
class Figures:
    interviews: int
    ready_cpu_s: float
    rss_mib: float
    rss_idle_mib: float
    idle_cpu_ms_per_min: float
    delays_ms: list[float]


def start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], float]:
    """The daemon, started and ready; returns it and the CPU seconds it spent getting there."""
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            [*FOLLOWUP, "daemon"],
            env=env,
            stderr=handle,
            stdout=subprocess.DEVNULL,
        )
    cpu = 0.0

    def ready() -> bool:
        nonlocal cpu
        if proc.poll() is not None:
            return True
        if "ready:" not in log.read_text():
            return False
        cpu = cpu_seconds(proc.pid)
        return True

    if not poll_until(ready, READY_TIMEOUT_S, interval=0.02) or proc.poll() is not None:
        end_process(proc)
        raise SystemExit("daemon not ready:\n" + log.read_text()[-4000:])
    return proc, cpu


def measure(count: int, idle_seconds: float, samples: int) -> Figures:
    with tempfile.TemporaryDirectory() as tmp, PrivateBus() as bus:
        clock = FakeClock(Path(tmp, "faketime"), START)
        env = home_env(tmp, DBUS_SESSION_BUS_ADDRESS=bus.address, TZ="UTC")
        Path(tmp, "c/followup").mkdir(parents=True)
        Path(tmp, "c/followup/config.toml").write_text(CONFIG)
        fill(env, count, first=date(2030, 2, 1))
        server = NotificationServer(bus.address, Path(tmp, "notes.jsonl"))
        server.wait_until_ready()
        pause = threading.Event()
        try:
            # Footprint: the real clock, as a user runs it.
            proc, ready_cpu = start(env, Path(tmp, "idle.log"))
            try:
                pause.wait(2.0)
                cpu0, rss = cpu_seconds(proc.pid), rss_mib(proc.pid)
                pause.wait(idle_seconds)
                idle_cpu_ms = (cpu_seconds(proc.pid) - cpu0) * 1000 * 60 / idle_seconds
                rss_after = rss_mib(proc.pid)
            finally:
                end_process(proc, timeout=60)

            # Timeliness: a fake wall clock moved to just before each reminder's instant.
            daemon_env = dict(env, **clock.env())
            proc, _ = start(daemon_env, Path(tmp, "delay.log"))
            delays = []
            try:
                for n in range(samples):
                    # Expected Wed 2 Jan 2030 -> email reminder Mon 7 Jan 09:00; one week
                    # later for each further sample.
                    expected = date(2030, 1, 2) + timedelta(days=7 * n)
                    done = subprocess.run(
                        [*FOLLOWUP, "add", f"Sample {n}", "--expect", str(expected), "--json"],
                        env=daemon_env,
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    at = datetime.fromisoformat(json.loads(done.stdout)["next_reminder"]["at"])
                    before = len(server.notifications())
                    clock.set(at - timedelta(seconds=2))
                    proc.send_signal(signal.SIGUSR1)
                    t0 = _now()
                    try:
                        server.wait_for(before + 1, timeout=NOTIFY_TIMEOUT_S)
                    except AssertionError:
                        log = Path(tmp, "delay.log").read_text()[-4000:]
                        raise SystemExit("no notification; the daemon's log:\n" + log) from None
                    got = server.notifications()[before]
                    if f"Sample {n}" not in f"{got['summary']}\n{got['body']}":
                        raise SystemExit(f"sample {n}: another notification came first: {got}")
                    delays.append((got["received_at"] - (t0 + 2.0)) * 1000)
            finally:
                end_process(proc, timeout=60)
        finally:
            server.stop()
    return Figures(count, ready_cpu, rss, rss_after, idle_cpu_ms, delays)


def _now() -> float:
    import time

    return time.time()


def compile_package() -> None:
    """Byte-compile followup, as pip does on install (a checkout may have no cache yet)."""
    import compileall

    import followup

    compileall.compile_dir(Path(followup.__file__).parent, quiet=1)


def bare_idle_ms_per_min(idle_seconds: float) -> float:
    """The floor here: a bare Python process with SQLAlchemy loaded, waking as often as
    the daemon does."""
    bare = subprocess.Popen([sys.executable, "-c", BARE_LOOP])
    pause = threading.Event()
    try:
        pause.wait(2.0)
        cpu0 = cpu_seconds(bare.pid)
        pause.wait(idle_seconds)
        return (cpu_seconds(bare.pid) - cpu0) * 1000 * 60 / idle_seconds
    finally:
        end_process(bare)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 20_000, 100_000])
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args()

    compile_package()
    floor = child_cpu([sys.executable, "-c", "import sqlalchemy.orm"])
    results = [measure(n, args.idle_seconds, args.samples) for n in args.counts]
    bare = bare_idle_ms_per_min(args.idle_seconds)
    floor_after = child_cpu([sys.executable, "-c", "import sqlalchemy.orm"])
    floor = statistics.mean([floor, floor_after])

    print(f"python -c 'import sqlalchemy.orm': {floor * 1000:.0f} ms CPU (the floor)")
    print(f"bare Python waking every {WAKE_S:.0f} s: {bare:.1f} ms CPU per minute")
    print(
        f"{'interviews':>10} {'ready CPU':>10} {'x import':>9} {'RSS':>9} {'RSS idle':>9} "
        f"{'idle CPU':>12} {'instant->Notify median (min-max)':>34}"
    )
    for f in results:
        delays = f.delays_ms
        print(
            f"{f.interviews:>10,} {f.ready_cpu_s:>8.2f} s {f.ready_cpu_s / floor:>9.2f} "
            f"{f.rss_mib:>5.1f} MiB {f.rss_idle_mib:>5.1f} MiB "
            f"{f.idle_cpu_ms_per_min:>6.1f} ms/min "
            f"{statistics.median(delays):>14.0f} ms ({min(delays):.0f}-{max(delays):.0f}, "
            f"n={len(delays)})"
        )
    by_count = {f.interviews: f for f in results}
    for small, big in ((10_000, 20_000), (10_000, 100_000)):
        if small in by_count and big in by_count:
            ratio = by_count[big].ready_cpu_s / by_count[small].ready_cpu_s
            print(f"ready CPU {big:,} / {small:,} interviews: {ratio:.2f}")


if __name__ == "__main__":
    main()
