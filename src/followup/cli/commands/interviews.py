"""Recording, changing and reading interviews: add, edit, show, list, upcoming, delete,
history."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from followup.cli.arguments import interview_options, status, with_id
from followup.cli.render.interviews import (
    added_text,
    delete_needs_yes,
    deleted_text,
    history_text,
    id_candidates,
    interview_table,
    interview_text,
    upcoming_table,
)
from followup.cli.render.shapes import due_json, history_json, interview_json
from followup.errors import UsageError

if TYPE_CHECKING:
    from datetime import date

    from followup.cli.app import App
    from followup.cli.parser import Room
    from followup.records import Details
    from followup.values import InterviewView


def add_add(p: argparse.ArgumentParser) -> None:
    interview_options(p, adding=True)


def cmd_add(app: App) -> None:
    """Record an interview; says when its reminder comes (or that it is due now)."""
    if app.args.expect is None and app.args.interviewed is None:
        from followup.cli.render.promises import needs_expect

        raise UsageError(needs_expect())
    view = app.tracker.add(app.details(), app.now)
    same = duplicates(app, view)
    if same:
        from followup.cli.render.interviews import duplicate_warning

        app.warnings.append((duplicate_warning(view.company, same), "warning"))
    if app.args.expect is None and view.interviewed_on is not None:
        from followup.cli.render.promises import default_wait

        where = app.tracker.calendar(view).place.describe()
        wait = app.config.rules.default_wait_business_days
        app.notes.append(default_wait(view.reply_expected_on, wait, view.interviewed_on, where))
    app.emit(added_text(view, app.now), interview_json(view))


def duplicates(app: App, view: InterviewView) -> list[int]:
    """The other open interviews with the same company, role and promised day (compared as
    imports compare them: any case and spacing)."""
    from followup.values import name_key

    key = (name_key(view.company), name_key(view.role), view.reply_expected_on)
    return [
        v.id
        for v in app.tracker.interviews(company=view.company)
        if v.id != view.id and (name_key(v.company), name_key(v.role), v.reply_expected_on) == key
    ]


def add_edit(p: argparse.ArgumentParser) -> None:
    p.epilog = (
        "An optional field given as 'none' (or as '' or '-', as list shows an empty one) is "
        "emptied: --email none, --subdivision none. A new --country without --subdivision "
        "empties the old subdivision."
    )
    with_id(p)
    interview_options(p, adding=False)
    p.add_argument(
        "--emailed",
        metavar="DATE",
        help="correct the day of the email you recorded (e.g. 2026-11-30, 'mon')",
    )


#: What ``edit`` takes to empty an optional field (``--email none``, ``--subdivision ""``,
#: ``--role -`` as ``list`` shows an empty field).
CLEAR_WORDS = ("", "none", "-")
#: The options of ``edit`` that may be emptied, and their fields.
_CLEARABLE_OPTIONS = {
    "role": "role",
    "contact": "contact_name",
    "email": "contact_email",
    "interviewed": "interviewed_on",
    "country": "country",
    "subdivision": "subdivision",
    "note": "notes",
}


def cleared(app: App) -> list[str]:
    """The fields given as ``none`` (any case), ``-`` or empty, taken off the options
    given."""
    fields = []
    for option, field in _CLEARABLE_OPTIONS.items():
        value = getattr(app.args, option)
        if value is not None and value.strip().casefold() in CLEAR_WORDS:
            fields.append(field)
            setattr(app.args, option, None)
    return fields


def cmd_edit(app: App) -> None:
    """Change what was recorded, and with ``--emailed`` the day of the email; prints the
    interview as ``show`` does."""
    from followup.dates import Direction

    emailed = app.date(app.args.emailed, Direction.BACKWARD, "emailed")
    clear = frozenset(cleared(app))
    a = app.args
    rereads = a.expect is None and (a.country or a.subdivision)
    stored = app.tracker.get(a.id, with_explanation=False) if a.expect or rereads else None
    details = app.details(stored if a.expect else None)
    if rereads and stored is not None:
        details = reread_promise(app, stored, details)
    view = app.tracker.edit(a.id, details, app.now, emailed_on=emailed, clear=clear)
    app.emit(
        interview_text(view, app.config.calendar.zone, app.now, promise_line(app, view)),
        interview_json(view),
    )


def cmd_show(app: App) -> None:
    """One interview, how its reminder date was reached, and what the mailbox found for it."""
    from followup.cli.render.mail import mail_findings_section

    view = app.tracker.get(app.args.id)
    found = app.tracker.pending_findings(view.id)
    app.emit(
        lambda: (
            interview_text(
                view,
                app.config.calendar.zone,
                app.now,
                promise_line(app, view),
                ignored_line(app, view),
            )
            + mail_findings_section(found)
        ),
        lambda: interview_json(view),
    )


def ignored_line(app: App, view: InterviewView) -> tuple[str, str | None, tuple[str, ...]] | None:
    """The interview's place and the holiday categories its country does not have."""
    from followup.business_days import ignored_categories

    place = app.config.place_for(view.country, view.subdivision)
    if place.country is None:
        return None
    return place.country, place.subdivision, ignored_categories(place)


def promise_line(app: App, view: InterviewView) -> str | None:
    """How the words the promise was given in are read again in its place, naming the day
    they were counted from (see :func:`said_day`); the words alone when no day reads them
    as the day stored (the place changed since)."""
    from followup.cli.render.promises import generic_read, promise_read, said_on, words_only
    from followup.promises import Rule, read_generic, read_promise

    words = view.reply_expected_words
    if not words:
        return None
    said = said_day(app, view)
    if said is None:
        return words_only(words)
    calendar = app.tracker.calendar(view)
    try:
        promise = read_promise(words, said, calendar)
    except ValueError:
        promise = None
    if promise is None:
        promise = read_generic(words, said, calendar)
    if promise is not None and promise.rule is not Rule.GENERIC:
        return said_on(promise_read(words, promise, calendar.place.describe()), said)
    return generic_read(words, view.reply_expected_on, said)


def said_day(app: App, view: InterviewView) -> date | None:
    """The day the promise's words were counted from: the first of the last next round,
    the interview day and the day it was recorded that reads them, in the interview's
    place, as the day stored (an edit may have given the words with an interview day,
    after a next round); None when none does, or the promise was not given in words."""
    from followup.promises import read_generic, read_promise

    words = view.reply_expected_words
    if not words:
        return None
    recorded = (view.recorded_at or app.now).astimezone(app.config.calendar.zone).date()
    calendar = app.tracker.calendar(view)
    for said in (app.tracker.next_round_day(view.id), view.interviewed_on, recorded):
        if said is None:
            continue
        try:
            promise = read_promise(words, said, calendar)
        except ValueError:
            promise = None
        if promise is not None and promise.day == view.reply_expected_on:
            return said
        if promise is None:
            generic = read_generic(words, said, calendar)
            if generic is not None and generic.day == view.reply_expected_on:
                return said
    return None


def reread_promise(app: App, stored: InterviewView, details: Details) -> Details:
    """``details`` with the promise read again in the place an edit gives, when it was
    given in words and no new promise is: the words, counted from the day they were said
    (:func:`said_day`), may name another day there (a holiday, another weekend). The
    reading is noted for the output, and a day that changed is noted with the one it
    replaces; a promise given as a date, or words that no longer read as the day stored,
    stay as they are."""
    from followup.cli.render.promises import reread

    a = app.args
    words = stored.reply_expected_words
    if a.expect is not None or not (a.country or a.subdivision) or not words:
        return details
    said = said_day(app, stored)
    if said is None:
        return details
    country = a.country or (stored.country if not a.subdivision else None)
    subdivision = a.subdivision or (stored.subdivision if not a.country else None)
    day, kept = app.expected(words, said, country, subdivision)
    if day is None or day == stored.reply_expected_on:
        return details
    where = app.place_calendar(country, subdivision).place.describe()
    app.notes.append(reread(words, day, stored.reply_expected_on, where))
    return details._replace(reply_expected_on=day, reply_expected_words=kept)


def add_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("--all", action="store_true", help="include closed interviews")
    p.add_argument(
        "--status",
        type=status,
        metavar="STATUS",
        help="only these: waiting, emailed, 'heard back', 'moved on' or withdrawn",
    )
    p.add_argument(
        "--company", metavar="TEXT", help="only companies whose name contains TEXT (any case)"
    )
    p.add_argument("--ids", action="store_true", help=argparse.SUPPRESS)


def cmd_list(app: App) -> None:
    """The interviews, through the quick read path when it can answer; with the hidden
    ``--ids``, the candidates the shell completion offers for an interview's id."""
    views = app.listing.interviews(
        include_closed=app.args.all, status=app.args.status, company=app.args.company
    )
    if app.args.ids:
        app.say(id_candidates(views), end="")
        return
    filtered = app.args.status is not None or app.args.company is not None
    app.emit(
        lambda: interview_table(views, app.now, colour=app.colour, filtered=filtered),
        lambda: [interview_json(v) for v in views],
    )


def cmd_upcoming(app: App) -> None:
    """Reminders due since shown, then every pending one, through the quick read path."""
    due = app.listing.upcoming()
    app.emit(
        lambda: upcoming_table(due, app.now, colour=app.colour),
        lambda: [
            due_json(d, app.now, app.config.calendar.zone)
            for d in sorted(due, key=lambda d: not d.due_by(app.now))
        ],
    )


def add_delete(p: argparse.ArgumentParser) -> None:
    with_id(p).add_argument("--yes", action="store_true", help="confirm")


def cmd_delete(app: App) -> None:
    """Delete an interview and its history, only with ``--yes``; an unknown id is
    ``not_found`` with or without it."""
    if not app.args.yes:
        app.tracker.get(app.args.id, with_explanation=False)
        raise UsageError(delete_needs_yes(app.args.id))
    app.tracker.delete(app.args.id, app.now)
    app.say(deleted_text(app.args.id))


def cmd_history(app: App) -> None:
    """Every change to an interview, oldest first."""
    entries = app.tracker.history(app.args.id)
    zone = app.config.calendar.zone
    app.emit(history_text(entries, zone), lambda: history_json(entries, zone))


COMMANDS: Room = {
    "add": (add_add, cmd_add),
    "edit": (add_edit, cmd_edit),
    "show": (with_id, cmd_show),
    "list": (add_list, cmd_list),
    "upcoming": (None, cmd_upcoming),
    "delete": (add_delete, cmd_delete),
    "history": (with_id, cmd_history),
}
