"""What the buttons' confirmations say, which backend ``notify.backend`` picks, and how the D-Bus
backend fails without a bus: pure pieces, no processes (the daemon's own tests press the
buttons on a real bus).

Dates: the US calendar, zone UTC, 2026. Acme's reply was expected Mon 2026-11-23.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from followup.errors import DeliveryError
from followup.notify import messages
from followup.notify.base import Note, markup_escape
from followup.notify.choose import make_notifier
from followup.notify.dbus_backend import DBusNotifier
from followup.notify.plyer_backend import PlyerNotifier
from followup.rules import Kind, Reminder, Status
from followup.values import InterviewView
from tests.support.specs import day

FRI_2026_11_27 = day("Fri 2026-11-27")
MON_2026_12_07 = day("Mon 2026-12-07")


def view(
    status: Status,
    kind: Kind | None = None,
    on: date | None = None,
    due: date | None = None,
    emailed_on: date | None = None,
    company: str = "Acme",
) -> InterviewView:
    reminder = None
    if kind is not None and on is not None:
        reminder = Reminder(
            kind, on, datetime.combine(on, time(9), UTC), day("Mon 2026-11-23"), due or on
        )
    return InterviewView(
        id=1,
        company=company,
        role=None,
        contact_name=None,
        contact_email=None,
        interviewed_on=None,
        reply_expected_on=day("Mon 2026-11-23"),
        emailed_on=emailed_on,
        status=status,
        outcome=None,
        country="US",
        subdivision=None,
        notes=None,
        next_reminder=reminder,
    )


# (button, the interview after it, the confirmation's body)
CONFIRMATIONS = {
    "I emailed (Fri 27 Nov: move on Mon 7 Dec)": (
        messages.EMAILED,
        view(Status.EMAILED, Kind.MOVE_ON, MON_2026_12_07, emailed_on=FRI_2026_11_27),
        "Recorded: emailed Acme on Fri 27 Nov",
        "If there is no reply, you'll be told on Mon 7 Dec to move on.",
    ),
    "Snooze an email reminder (to Mon 30 Nov)": (
        messages.SNOOZE,
        view(Status.WAITING, Kind.EMAIL, day("Mon 2026-11-30"), FRI_2026_11_27),
        "Recorded: snoozed Acme",
        "You'll be reminded to email them on Mon 30 Nov.",
    ),
    "Snooze a move-on reminder (to Tue 8 Dec)": (
        messages.SNOOZE,
        view(
            Status.EMAILED,
            Kind.MOVE_ON,
            day("Tue 2026-12-08"),
            MON_2026_12_07,
            emailed_on=FRI_2026_11_27,
        ),
        "Recorded: snoozed Acme",
        "You'll be told on Tue 8 Dec to move on.",
    ),
    "Move on": (
        messages.MOVED_ON,
        view(Status.MOVED_ON),
        "Recorded: moved on from Acme",
        "No more reminders for it.",
    ),
    "They replied": (
        messages.REPLIED,
        view(Status.HEARD_BACK),
        "Recorded: Acme replied",
        "No more reminders for it.",
    ),
}


@pytest.mark.parametrize("case", list(CONFIRMATIONS))
def test_a_confirmation_titles_what_was_recorded_and_says_only_what_comes_next(case: str) -> None:
    action, after, title, body = CONFIRMATIONS[case]

    note = messages.confirmation(action, after, "followup", 7)

    assert (note.title, note.body, note.replaces_id, note.actions) == (title, body, 7, ())


def test_a_confirmation_is_plain_text_the_notifier_escapes_it_for_servers_with_markup() -> None:
    note = messages.confirmation(messages.MOVED_ON, view(Status.MOVED_ON, company="A&<b>"), "f", 3)

    assert note.title == "Recorded: moved on from A&<b>"
    assert markup_escape(note.title) == "Recorded: moved on from A&amp;&lt;b&gt;"


@pytest.mark.parametrize("action", [messages.DRAFT, messages.DEFAULT])
def test_the_draft_confirmation_keeps_the_buttons_that_come_after_a_draft(action: str) -> None:
    note = messages.confirmation(
        action, view(Status.WAITING, Kind.EMAIL, FRI_2026_11_27), "followup", 4
    )

    assert note.title == "Draft opened: email Acme"
    assert note.actions == (("emailed", "I emailed"), ("snooze", "Snooze"))
    assert note.replaces_id == 4


@pytest.mark.parametrize(
    ("drawn", "body"),
    [
        (
            True,
            "Your mail client has the draft. Once sent, press “I emailed” "
            "(or run: followup emailed 1).",
        ),
        (False, "Your mail client has the draft. Once sent, run: followup emailed 1"),
    ],
    ids=["a server that draws buttons", "a server with a menu, or nothing"],
)
def test_the_draft_confirmation_names_the_button_only_where_it_is_drawn(
    drawn: bool, body: str
) -> None:
    note = messages.confirmation(
        messages.DRAFT, view(Status.WAITING, Kind.EMAIL, FRI_2026_11_27), "followup", 4, drawn=drawn
    )

    assert note.body == body


@pytest.mark.parametrize(
    ("backend", "env", "chosen"),
    [
        ("auto", {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nowhere"}, DBusNotifier),
        ("auto", {}, PlyerNotifier),
        ("dbus", {}, DBusNotifier),
        ("plyer", {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nowhere"}, PlyerNotifier),
    ],
    ids=["auto with a session bus", "auto without", "dbus", "plyer"],
)
def test_the_backend_setting_picks_the_notifier(
    backend: str, env: dict[str, str], chosen: type
) -> None:
    assert type(make_notifier(backend, env)) is chosen


@pytest.mark.parametrize(
    ("env", "cause"),
    [
        (
            {},
            "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset and there is no "
            "$XDG_RUNTIME_DIR/bus (run inside a desktop session)",
        ),
        (
            {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nowhere/bus"},
            "cannot reach the D-Bus session bus at unix:path=/nowhere/bus: "
            "[Errno 2] No such file or directory",
        ),
    ],
    ids=["no bus address", "nothing listens at the address"],
)
def test_the_dbus_backend_without_a_bus_raises_delivery_error_naming_the_cause(
    env: dict[str, str], cause: str
) -> None:
    with pytest.raises(DeliveryError) as raised:
        DBusNotifier(env).show(Note("t", "b"))

    assert raised.value.message == cause
