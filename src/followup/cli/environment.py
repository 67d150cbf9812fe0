"""What a command reads of the world it runs in: its streams, the environment variables,
and the clock, passed into :func:`followup.cli.core.main` so that tests substitute them.

A command reads ``os.environ``, ``sys.stdout`` and the time only through these, each
taken once at the edge (:func:`followup.cli.core.run` builds the real ones).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from typing import TextIO

#: The instant a command runs at: called once per command, it returns an aware datetime
#: in UTC.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The system's time, aware, in UTC."""
    return datetime.now(UTC)


class Environment:
    """The standard streams and the environment variables of one command.

    ``stdin``, ``stdout`` and ``stderr`` are text streams (``stdout.buffer`` and
    ``stdin.buffer`` are used for bytes: an export to standard output, an import from
    standard input); ``environ`` is read for the config's and the state's folders,
    ``NO_COLOR``, ``CLICOLOR_FORCE``, ``TERM``, ``FOLLOWUP_DEBUG`` and what the helper
    programs need; a notification fills in ``DBUS_SESSION_BUS_ADDRESS`` when it is missing
    and the bus is found, for the helper programs it starts.
    """

    __slots__ = ("environ", "stderr", "stdin", "stdout")

    def __init__(
        self,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        environ: MutableMapping[str, str] | None = None,
    ) -> None:
        """Each one left out is the process's own, as it is when the environment is made
        (so that one made inside a test sees the streams the test captures)."""
        self.stdin: TextIO = sys.stdin if stdin is None else stdin
        self.stdout: TextIO = sys.stdout if stdout is None else stdout
        self.stderr: TextIO = sys.stderr if stderr is None else stderr
        self.environ: MutableMapping[str, str] = os.environ if environ is None else environ

    @property
    def stdin_isatty(self) -> bool:
        """Whether standard input is a terminal (someone types, nothing is piped in)."""
        return self.stdin.isatty()

    @property
    def stdout_isatty(self) -> bool:
        """Whether standard output is a terminal (colour may be used)."""
        return self.stdout.isatty()
