"""What ``followup status`` says: whether the daemon runs, the next reminder and the last
one shown, the machines that showed them, and the daemon's troubles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from followup.cli.render.shapes import due_json
from followup.cli.render.text import due_since, instant_json, instant_text, to_do, when
from followup.values import Due, LastShown, MachineShown

if TYPE_CHECKING:
    from pathlib import Path

    from followup.config import Config
    from followup.daemon.state import ChannelState, DaemonState


class Failure(NamedTuple):
    """The daemon's last unexpected failure: the part it came in, when (ISO 8601, as the
    state file keeps it: UTC), the exception's line, and where the log with its traceback
    is."""

    part: str
    at: str
    error: str
    log: str


def failure_of(state: DaemonState | None, log: str) -> Failure | None:
    """The failure ``state`` names, with the place of the log; None when it names none."""
    if state is None or not state["failure"]:
        return None
    return Failure(
        state["failure_part"] or "daemon", state["failure_at"] or "", state["failure"], log
    )


def failure_lines(failure: Failure | None, zone: tzinfo = UTC) -> list[str]:
    """``last failure:`` (when, in ``zone``) and ``log:``, or nothing without a failure."""
    if failure is None:
        return []
    at = instant_text(failure.at, zone)
    return [
        f"last failure:   {failure.error}, in the {failure.part} ({at})",
        f"log:            {failure.log}",
    ]


def status_json(
    state: DaemonState | None,
    due: Sequence[Due],
    last: LastShown | None,
    shown_on: Sequence[MachineShown] = (),
    here: str | None = None,
    failure: Failure | None = None,
    now: datetime | None = None,
    zone: tzinfo = UTC,
) -> dict[str, Any]:
    """``status --json``; ``shown_on`` is each machine's last showing, newest first, and
    ``here`` this machine's id (None when it never showed a reminder); ``failure``:
    ``{"part", "at", "error", "log"}`` or null; the next reminder is ``due`` when it is at
    ``now`` (see :func:`followup.cli.render.shapes.due_json`). Every instant is in the
    user's ``zone``, to the second (the state file keeps them in UTC)."""

    def at(key: str) -> str | None:
        return instant_json(state[key], zone) if state else None  # type: ignore[literal-required]

    return {
        "running": state is not None,
        "pid": state["pid"] if state else None,
        "since": at("started_at"),
        "next_reminder": due_json(due[0], now, zone) if due else None,
        "last_shown": {
            "interview_id": last.interview_id,
            "company": last.company,
            "kind": last.kind,
            "shown_at": instant_json(last.shown_at, zone),
        }
        if last
        else None,
        "shown_on": [
            {
                "machine_id": m.machine_id,
                "machine": m.machine_name,
                "this_machine": m.machine_id == here,
                "interview_id": m.interview_id,
                "company": m.company,
                "kind": m.kind,
                "shown_at": instant_json(m.shown_at, zone),
            }
            for m in shown_on
        ],
        "last_error": state["last_error"] if state else None,
        "last_error_at": at("last_error_at"),
        "reload_error": state["reload_error"] if state else None,
        "reload_error_at": at("reload_error_at"),
        "store_error": state["store_error"] if state else None,
        "mail_checked_at": at("mail_checked_at"),
        "mail_error": state["mail_error"] if state else None,
        "mail_error_at": at("mail_error_at"),
        "feed_error": state["feed_error"] if state else None,
        "feed_error_at": at("feed_error_at"),
        "failure": failure._replace(at=instant_json(failure.at, zone) or "")._asdict()
        if failure
        else None,
        "channels": {
            name: {
                **channel,
                "synced_at": instant_json(channel["synced_at"], zone),
                "error_at": instant_json(channel["error_at"], zone),
            }
            for name, channel in state["channels"].items()
        }
        if state
        else {},
    }


def status_text(
    state: DaemonState | None,
    due: Sequence[Due],
    last: LastShown | None,
    config: Config,
    now: datetime,
    *,
    service: bool = True,
    autostart: Path | None = None,
    shown_on: Sequence[MachineShown] = (),
    here: str | None = None,
    failure: Failure | None = None,
) -> str:
    """The daemon, the next reminder and the last one shown, then the machines that showed
    reminders (``shown_on``, each with its last one; ``here`` is this machine's id, marked).
    A daemon not running is offered the way to start it that can work here: the user
    service when a systemd user manager runs (``service``), else the XDG autostart entry or
    ``followup daemon``; then the daemon's last unexpected ``failure`` and its log."""
    zone = config.calendar.zone
    if due:
        d = due[0]
        upcoming = f"{to_do(d.kind, d.company)} (interview {d.interview_id}), {when(d.at)}"
        if d.since is not None:
            upcoming = f"{to_do(d.kind, d.company)} (interview {d.interview_id}), " + due_since(
                d.since, now
            )
        elif d.at <= now:
            window = f"{config.notify.at:%H:%M}-{config.notify.until:%H:%M}"
            upcoming += f"; due, shown within the {window} window"
    else:
        upcoming = "none pending"
    if last:
        shown_at = when(last.shown_at.astimezone(zone))
        recent = f"{to_do(last.kind, last.company)} (interview {last.interview_id}), {shown_at}"
    else:
        recent = "none yet"
    running, *problems = daemon_lines(state, service=service, autostart=autostart, zone=zone)
    lines = [running, f"next reminder:  {upcoming}", f"last shown:     {recent}"]
    lines += shown_on_lines(shown_on, here, zone)
    lines += problems
    lines += failure_lines(failure, zone)
    if state and state["store_error"]:
        lines.append(f"store:          {state['store_error']}; retrying with backoff")
    if state and config.mail is not None:
        lines.append(f"mailbox:        {mail_status(state, zone)}")
    return "\n".join(lines)


def shown_on_lines(shown_on: Sequence[MachineShown], here: str | None, zone: ZoneInfo) -> list[str]:
    """``shown on:`` and one line per machine: its name, short id (marked when it is this
    machine) and the reminder it showed last, with when; nothing when none showed any."""
    from followup.machine import SHORT_ID

    lines = []
    for i, m in enumerate(shown_on):
        label = "shown on:" if i == 0 else ""
        mark = ", this machine" if m.machine_id == here else ""
        machine = f"{m.machine_name} ({m.machine_id[:SHORT_ID]}{mark})"
        what = f"{to_do(m.kind, m.company)} (interview {m.interview_id})"
        lines.append(f"{label:<16}{machine}: {what}, {when(m.shown_at.astimezone(zone))}")
    return lines


def daemon_lines(
    state: DaemonState | None,
    *,
    service: bool,
    autostart: Path | None = None,
    zone: tzinfo = UTC,
) -> list[str]:
    """Whether the daemon runs, then its last delivery error and a failed reload: what
    ``followup status`` can say without the config (which may be the thing that is broken).
    ``autostart`` is the XDG autostart entry when it is installed: the daemon starts at
    login through it. Instants are shown in the user's ``zone`` as the other lines show
    them ("Sun 6 Dec 2026 14:16 PST")."""
    if state is None and autostart is not None:
        return [
            f"daemon:         not running (it starts at login through {autostart}; "
            "start it now: followup daemon)"
        ]
    if state is None and service:
        return ["daemon:         not running (start it: followup install-service)"]
    if state is None:
        return [
            "daemon:         not running (no systemd user manager here: followup "
            "install-service --autostart starts it at login, followup daemon now)"
        ]

    def at(value: str | None) -> str:
        return instant_text(value, zone) if value else "?"

    since = at(state["started_at"])
    lines = [f"daemon:         running (pid {state['pid']}, since {since})"]
    if state["last_error"]:
        lines.append(f"last error:     {state['last_error']} ({at(state['last_error_at'])})")
    if state["reload_error"]:
        lines.append(
            f"reload failed:  {state['reload_error']} ({at(state['reload_error_at'])}); "
            "running with the previous config"
        )
    if state["feed_error"]:
        lines.append(
            f"calendar feed:  not written: {state['feed_error']} (since "
            f"{at(state['feed_error_at'])}); tried again at each change"
        )
    lines += [channel_line(name, ch, zone) for name, ch in state["channels"].items()]
    return lines


def channel_line(name: str, channel: ChannelState, zone: tzinfo = UTC) -> str:
    """A channel's state, for ``followup status``, its instants in the user's ``zone``:
    ``caldav:  synced Mon 30 Nov 2026 09:00 EST``, ``apprise:  last sent Mon 30 Nov ...``."""
    label = f"{name}:".ljust(15)
    if channel["error"]:
        since = instant_text(channel["error_at"] or "?", zone)
        return f"{label} failing: {channel['error']} (since {since}); retrying with backoff"
    if channel.get("outbound"):
        if channel["synced_at"] is None:
            return f"{label} nothing sent yet"
        return f"{label} last sent {instant_text(channel['synced_at'], zone)}"
    if channel["synced_at"] is None:
        return f"{label} not synced yet"
    return f"{label} synced {instant_text(channel['synced_at'], zone)}"


def mail_status(state: DaemonState, zone: tzinfo = UTC) -> str:
    """The daemon's mailbox checks, for ``followup status`` (instants in ``zone``)."""
    if state["mail_error"]:
        tries = f"{state['mail_failures']} tr{'y' if state['mail_failures'] == 1 else 'ies'}"
        since = instant_text(state["mail_error_at"] or "?", zone)
        return f"{state['mail_error']} (since {since}); retrying with backoff ({tries} so far)"
    if state["mail_checked_at"] is None:
        return "not checked yet"
    idle = (
        f"; new mail in {state['mail_idle']} noticed at once (IDLE)" if state["mail_idle"] else ""
    )
    return f"checked {instant_text(state['mail_checked_at'], zone)}{idle}"


#: The title and body of ``followup test-notification``'s note.
TEST_NOTE = (
    "followup works",
    "Reminders to follow up after your interviews will look like this.",
)
#: What ``followup test-notification`` says once the note was handed to the desktop.
NOTIFICATION_SENT = "Notification sent: check your desktop."


def task_list_reached(channel: str, url: str) -> str:
    """What ``followup test-notification --channel CHANNEL`` says of a task channel."""
    return (
        f"Task list reached through the {channel} channel: {url}\n"
        "The daemon keeps a task with an alarm there for each pending reminder."
    )


def notification_sent(channel: str) -> str:
    """What ``followup test-notification --channel CHANNEL`` says once it was delivered."""
    if channel == "desktop":
        return NOTIFICATION_SENT
    return f"Notification sent through the {channel} channel."
