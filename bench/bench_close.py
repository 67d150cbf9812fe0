"""How soon a notification leaves the screen once its reminder stops being pending: from the
start of a CLI command (``followup emailed ID``, a whole Python process, timed on its own
too) to the ``CloseNotification`` call on the bus (the close often comes before the command
has exited: the daemon acts on the commit),
and from a button (``ActionInvoked``) to its confirmation. The real daemon (D-Bus backend),
a private session bus and the recording notification server; the target is 2 s.

Run: .venv/bin/python bench/bench_close.py [--samples 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.daemon import CONFIG, DaemonProcess
from tests.support.harness import FakeClock, NotificationServer, PrivateBus

START = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)  # a Monday, inside the notify window


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--samples", type=int, default=7)
    args = parser.parse_args()
    cli_to_close: list[float] = []
    cli_runs: list[float] = []
    button_to_confirmation: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, PrivateBus() as bus:
        root = Path(tmp)
        clock = FakeClock(root / "faketime", START)
        with NotificationServer(bus.address, root / "notes.jsonl") as server:
            server.wait_until_ready()
            daemon = DaemonProcess(
                root / "daemon",
                clock,
                bus_address=bus.address,
                config=CONFIG.replace('backend = "plyer"', 'backend = "dbus"'),
            )
            with daemon:
                daemon.start().wait_ready()
                for n in range(1, 2 * args.samples + 1):
                    shown = len(server.notifications())
                    daemon.cli_ok("add", f"Company {n}", "--expect", "2030-01-02")
                    note = server.wait_for(shown + 1, 30)[shown]
                    if n % 2:
                        closes = len(server.closed())
                        begun = time.time()
                        daemon.cli_ok("emailed", str(n))
                        cli_runs.append(time.time() - begun)
                        closed = server.wait_closed(closes + 1, 30)[closes]
                        cli_to_close.append(closed["received_at"] - begun)
                    else:
                        pressed = time.time()
                        server.invoke_action(note["id"], "snooze")
                        answer = server.wait_for(shown + 2, 30)[shown + 1]
                        button_to_confirmation.append(answer["received_at"] - pressed)
    print(
        json.dumps(
            {
                "samples": args.samples,
                "cli_command_itself_s": {"median": round(statistics.median(cli_runs), 3)},
                "cli_start_to_close_notification_s": {
                    "median": round(statistics.median(cli_to_close), 3),
                    "max": round(max(cli_to_close), 3),
                },
                "button_to_confirmation_s": {
                    "median": round(statistics.median(button_to_confirmation), 3),
                    "max": round(max(button_to_confirmation), 3),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
