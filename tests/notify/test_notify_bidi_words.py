"""A bidirectional control in the user's words (typed or imported in a company or contact
name: ``add`` refuses control characters, not these) never reaches a notification, where
the server would render it and reverse the rest of the line; letters of right-to-left
scripts are kept. Acme's reply was expected Mon 2026-11-23 (US calendar)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from followup.notify import messages
from followup.rules import Kind, Reminder, RuleSettings, Status
from followup.values import Due, InterviewView
from tests.support.specs import day

MON_2026_11_23 = day("Mon 2026-11-23")
THU_2026_11_26 = day("Thu 2026-11-26")
DUE_AT = datetime.combine(THU_2026_11_26, time(9), UTC)


def view(company: str, contact: str | None = None) -> InterviewView:
    return InterviewView(
        id=1,
        company=company,
        role=None,
        contact_name=contact,
        contact_email=None,
        interviewed_on=None,
        reply_expected_on=MON_2026_11_23,
        emailed_on=None,
        status=Status.WAITING,
        outcome=None,
        country="US",
        subdivision=None,
        notes=None,
        next_reminder=Reminder(Kind.EMAIL, THU_2026_11_26, DUE_AT, MON_2026_11_23, THU_2026_11_26),
    )


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Evil\u202eoC", "EviloC"),
        ("\u2067Acme\u2069 Labs", "Acme Labs"),
        ("Acme\u200f", "Acme"),
        ("\u05d0\u05e7\u05de\u05d4", "\u05d0\u05e7\u05de\u05d4"),
        ("Müller Bau", "Müller Bau"),
    ],
    ids=["override", "isolate", "mark", "hebrew-letters-kept", "latin-kept"],
)
def test_a_company_name_reaches_a_reminder_without_bidi_controls(typed: str, shown: str) -> None:
    v = view(typed, contact=f"Dana {typed}")
    due = messages.DueReminder(Due(1, typed, Kind.EMAIL, DUE_AT), v)
    note = messages.reminder_note(due, RuleSettings(), "followup")
    assert note.title == f"Time to email {shown}"
    assert f"Dana {shown} at {shown} said" in note.body
    summary = messages.summary_note([due] * 4, "followup")
    assert summary.body.splitlines()[0] == f"Email {shown}: followup draft 1"
