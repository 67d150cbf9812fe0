"""What ``followup status`` says of a task channel, from the daemon's state file."""

from __future__ import annotations

import pytest

from followup.cli.render.status import channel_line, daemon_lines
from followup.daemon.state import ChannelState, new_state


@pytest.mark.parametrize(
    ("channel", "line"),
    [
        (
            ChannelState(state="starting", synced_at=None, error=None, error_at=None),
            "caldav:         not synced yet",
        ),
        (
            ChannelState(
                state="ok", synced_at="2026-12-02T14:00:05+00:00", error=None, error_at=None
            ),
            "caldav:         synced Wed 2 Dec 2026 14:00 UTC",
        ),
        (
            ChannelState(
                state="failing",
                synced_at="2026-12-02T14:00:05+00:00",
                error="https://dav.example.org/: connection refused",
                error_at="2026-12-02T14:05:00+00:00",
            ),
            "caldav:         failing: https://dav.example.org/: connection refused "
            "(since Wed 2 Dec 2026 14:05 UTC); retrying with backoff",
        ),
    ],
    ids=["starting", "synced", "failing"],
)
def test_a_task_channel_has_one_status_line(channel: ChannelState, line: str) -> None:
    assert channel_line("caldav", channel) == line
    state = new_state(4242, "2026-12-02T13:00:00+00:00")
    state["channels"]["caldav"] = channel
    assert daemon_lines(state, service=False)[-1] == line
