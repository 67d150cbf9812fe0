"""What the notifications say, in the product's own polite words.

Names and notes come from the user and bodies are read as a subset of HTML by notification
servers, so every user text is escaped in bodies; titles are plain text. Lengths are kept
to what servers show whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from followup.notifier import Note
from followup.rules import Kind, RuleSettings, long_day
from followup.tracker import Due, InterviewView

MAX_NAME = 60
MAX_BODY = 600
SUMMARY_AFTER = 3


@dataclass(frozen=True)
class DueReminder:
    due: Due
    interview: InterviewView


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _short(text: str, limit: int = MAX_NAME) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _day(d: object) -> str:
    return long_day(d)  # type: ignore[arg-type]


def reminder_note(r: DueReminder, rules: RuleSettings, app_name: str) -> Note:
    v = r.interview
    company = _short(v.company)
    if r.due.kind is Kind.EMAIL:
        who = escape(_short(v.contact_name)) if v.contact_name else "the interviewer"
        body = (
            f"It has been more than {rules.email_after_business_days} business days since "
            f"{who} at {escape(company)} said they would get back to you "
            f"({_day(v.reply_expected_on)}). "
            "A short, polite email is better than a call: they can read it when they have "
            f"a moment.\nDraft it: followup draft {v.id}\n"
            f"Once sent: followup emailed {v.id}"
        )
        title = f"Time to email {company}"
    else:
        emailed = _day(v.emailed_on) if v.emailed_on else "-"
        body = (
            f"There has been no reply for {rules.move_on_after_business_days} business days "
            f"since your email to {escape(company)} on {emailed}. It is time to put your "
            f"energy into other openings.\nRecord it: followup moved-on {v.id}"
        )
        title = f"Time to move on from {company}"
    return Note(title, body[:MAX_BODY], app_name)


def summary_note(items: Sequence[DueReminder], app_name: str) -> Note:
    lines = []
    for r in items:
        company = escape(_short(r.interview.company, 40))
        if r.due.kind is Kind.EMAIL:
            lines.append(f"Email {company}: followup draft {r.due.interview_id}")
        else:
            lines.append(f"Move on from {company}: followup moved-on {r.due.interview_id}")
    shown = lines[:8]
    if len(lines) > len(shown):
        shown.append(f"and {len(lines) - len(shown)} more: followup upcoming")
    return Note(f"{len(items)} follow-up reminders", "\n".join(shown)[:MAX_BODY], app_name)


def notes_for(
    items: Sequence[DueReminder], rules: RuleSettings, app_name: str
) -> list[tuple[Note, list[DueReminder]]]:
    """One note per reminder, or a single summary when more than three come at once."""
    if len(items) > SUMMARY_AFTER:
        return [(summary_note(items, app_name), list(items))]
    return [(reminder_note(r, rules, app_name), [r]) for r in items]
