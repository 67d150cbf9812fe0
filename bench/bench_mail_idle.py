"""How soon the daemon asks about a reply once it is delivered: a real Dovecot on 127.0.0.1
(the test fixture's), the real daemon on a private D-Bus session bus with the recording
notification server, `check_every_minutes = 1440` so that only IDLE can wake the look.

Each sample delivers one more reply (for a new interview) with `dovecot-lda` and measures
until the question's Notify is recorded: IDLE's EXISTS, a look (password command, login,
EXAMINE, SEARCH, FETCH of the headers), storing the finding and the notification.

Run as root (Dovecot's mail process runs as uid 65534):
    .venv/bin/python bench/bench_mail_idle.py [--samples 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.daemon.test_mail_daemon import mail_config, message
from tests.support.daemon import DaemonProcess
from tests.support.dovecot import Dovecot
from tests.support.harness import FakeClock, NotificationServer, PrivateBus, poll_until

START = datetime(2030, 1, 14, 10, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=10)
    args = parser.parse_args()
    server = Dovecot.start()
    try:
        with tempfile.TemporaryDirectory() as tmp, PrivateBus() as bus:
            clock = FakeClock(Path(tmp, "faketime"), START)
            notes = NotificationServer(bus.address, Path(tmp, "notes.jsonl"))
            notes.wait_until_ready()
            daemon = DaemonProcess(
                Path(tmp, "daemon"), clock, bus_address=bus.address, config=mail_config(server)
            )
            for n in range(args.samples):
                daemon.add(
                    f"Company {n}",
                    date(2030, 1, 2),
                    interviewed_on=date(2029, 12, 28),
                    contact_email=f"hr@company{n}.example",
                )
            daemon.start().wait_ready()
            daemon.wait_log("listening for new mail in INBOX (IDLE)", timeout=30)
            took = []
            for n in range(args.samples):
                reply = message(
                    f"reply{n}@company{n}.example",
                    f"hr@company{n}.example",
                    "jo@jo.example",
                    "Re: our interview",
                    "Thu, 10 Jan 2030 16:05:00 +0000",
                )
                started = time.monotonic()
                server.deliver(reply)
                if not poll_until(lambda n=n: len(notes.notifications()) > n, 30):
                    raise SystemExit(f"no question within 30 s:\n{daemon.log()}")
                took.append(time.monotonic() - started)
                time.sleep(0.5)
            daemon.close()
            notes.stop()
    finally:
        server.remove()
    print(
        f"delivery to question (IDLE), {len(took)} samples: median {statistics.median(took):.3f} s,"
        f" max {max(took):.3f} s"
    )


if __name__ == "__main__":
    main()
