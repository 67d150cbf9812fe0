"""The daemon's log: one line per event on standard error, which systemd's journal (or the
autostart session's log) keeps.

Text in a log line can come from outside (a server's answer, a file name, a program's
output): it must not forge lines, move the cursor of whoever reads the log on a terminal,
fill the disk, or show a password.
"""

from __future__ import annotations

import logging
import sys


class CleanFormatter(logging.Formatter):
    """Log lines that no server, file or program can forge or flood: every line cut to
    :data:`~followup.cleaning.MAX_LINE` characters, control and bidi characters shown as
    pictures or ``\\uXXXX`` (line breaks kept, for tracebacks), and no URL's password."""

    def format(self, record: logging.LogRecord) -> str:
        from followup.cleaning import MAX_LINE, redact, visible

        lines = redact(super().format(record)).split("\n")
        return "\n".join(visible(line[:MAX_LINE]) for line in lines)


def setup() -> None:
    """Log at INFO to standard error through :class:`CleanFormatter`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(CleanFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
