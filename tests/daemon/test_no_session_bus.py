"""Specification: a daemon started without a D-Bus session bus names that in its state's
``last_error`` from the start, so that ``followup status`` shows it (not only the log); with
a bus (its socket at ``$XDG_RUNTIME_DIR/bus``) there is no error."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

from followup.cli.render.status import daemon_lines
from followup.daemon.loop import note_session_bus
from followup.daemon.state import new_state

MON_30_NOV_3PM = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def test_without_a_session_bus_the_state_names_it(tmp_path: Path) -> None:
    state = new_state(1, "2026-11-30T14:59:00+00:00")
    note_session_bus(state, {"XDG_RUNTIME_DIR": str(tmp_path)}, MON_30_NOV_3PM)
    assert (state["last_error"], state["last_error_at"]) == (
        "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset and there is no "
        "$XDG_RUNTIME_DIR/bus (run inside a desktop session); notifications will be retried",
        "2026-11-30T15:00:00+00:00",
    )
    assert daemon_lines(state, service=True)[1].startswith("last error:     no D-Bus session bus")


def test_with_a_session_bus_socket_the_state_names_no_error(tmp_path: Path) -> None:
    state = new_state(1, "2026-11-30T14:59:00+00:00")
    with socket.socket(socket.AF_UNIX) as bus:
        bus.bind(str(tmp_path / "bus"))
        note_session_bus(state, {"XDG_RUNTIME_DIR": str(tmp_path)}, MON_30_NOV_3PM)
    assert state["last_error"] is None
