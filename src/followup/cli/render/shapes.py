"""The JSON shapes of interviews, their reminders and their history, which tools rely on:
``--json`` of ``add``, ``edit``, ``show``, ``list``, ``upcoming``, ``history`` and the
commands that change an interview."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from followup.cli.render.text import instant_json
from followup.rules import Reminder
from followup.values import Due, HistoryEntry, InterviewView


def to_json(value: Any) -> str:
    """The JSON printed for ``--json``: indented by two, non-ASCII kept as it is."""
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def reminder_json(reminder: Reminder | None) -> dict[str, str] | None:
    """``{"kind": "email" | "move_on", "at": ISO instant in the user's zone}``, or None."""
    if reminder is None:
        return None
    return {"kind": reminder.kind.value, "at": reminder.at.isoformat(timespec="seconds")}


def interview_json(v: InterviewView) -> dict[str, Any]:
    """One interview: its fields (days as ISO dates), status, next reminder
    (:func:`reminder_json`) and how its date was reached, one line per item."""
    return {
        "id": v.id,
        "company": v.company,
        "role": v.role,
        "contact_name": v.contact_name,
        "contact_email": v.contact_email,
        "interviewed_on": _iso(v.interviewed_on),
        "reply_expected_on": _iso(v.reply_expected_on),
        "reply_expected_words": v.reply_expected_words,
        "emailed_on": _iso(v.emailed_on),
        "status": v.status.value,
        "outcome": v.outcome,
        "country": v.country,
        "subdivision": v.subdivision,
        "notes": v.notes,
        "next_reminder": reminder_json(v.next_reminder),
        "explanation": list(v.explanation),
    }


def due_json(d: Due, now: datetime | None = None, zone: tzinfo | None = None) -> dict[str, Any]:
    """``{"interview_id", "company", "kind", "at", "due", "shown_at"}``: ``at`` is when it
    is shown next (for one shown and not to be shown again, when it first came due);
    ``due`` is true for one due at ``now`` (shown and not acted on, or its instant passed,
    shown or not; without ``now``, shown and not acted on), and ``shown_at`` when it was
    last shown (else null); both in ``zone`` (default: ``at``'s own), to the second."""
    zone = zone or d.at.tzinfo or UTC
    return {
        "interview_id": d.interview_id,
        "company": d.company,
        "kind": d.kind.value,
        "at": instant_json(d.at, zone),
        "due": d.due_by(now) if now is not None else d.is_due,
        "shown_at": instant_json(d.shown_at, zone),
    }


def history_json(entries: Sequence[HistoryEntry], zone: tzinfo) -> list[dict[str, Any]]:
    """``[{"at": ISO instant in ``zone``, to the second, "kind", "details": {...}}]``,
    oldest first."""
    return [
        {"at": instant_json(e.at, zone), "kind": e.kind, "details": dict(e.details)}
        for e in entries
    ]
