"""What happened to an interview: emailed, heard, moved-on, withdraw, reopen, snooze."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from followup.cli.arguments import DATE_EXAMPLE, whole_number, with_id
from followup.cli.render.interviews import (
    emailed_early,
    emailed_text,
    heard_text,
    moved_on_text,
    reopened_text,
    snoozed_text,
    withdrawn_text,
)
from followup.cli.render.shapes import interview_json
from followup.values import OUTCOMES

if TYPE_CHECKING:
    from followup.cli.app import App
    from followup.cli.parser import Room


def add_emailed(p: argparse.ArgumentParser) -> None:
    with_id(p).add_argument(
        "--on", metavar="DATE", help="the day you sent it (default: today; e.g. 'mon')"
    )


def cmd_emailed(app: App) -> None:
    """Record the follow-up email (on ``--on``, else today); a note when it was sent on or
    before the promised day, which the advice is to wait past."""
    from followup.dates import Direction
    from followup.rules import Status

    on = app.date(app.args.on, Direction.BACKWARD, "emailed") or app.today
    prior = app.tracker.get(app.args.id, with_explanation=False)
    again = (prior.status, prior.emailed_on) == (Status.EMAILED, on)
    view = app.tracker.emailed(app.args.id, on, app.now)
    if on <= view.reply_expected_on and not again:
        app.warnings.append((emailed_early(on, view.reply_expected_on, app.config.rules), "note"))
    app.emit(emailed_text(view, on, app.now, prior.emailed_on, again=again), interview_json(view))


def add_heard(p: argparse.ArgumentParser) -> None:
    with_id(p)
    p.add_argument("--outcome", required=True, choices=list(OUTCOMES))
    p.add_argument(
        "--expect", metavar="DATE", help=f"with next-round: when they will reply ({DATE_EXAMPLE})"
    )
    p.add_argument(
        "--on", metavar="DATE", help="the day they replied (default: today; e.g. 'yesterday')"
    )


def cmd_heard(app: App) -> None:
    """Record their reply: an outcome closes the interview, a next round (``--expect``)
    starts a new wait."""
    from followup.dates import Direction

    replied = app.date(app.args.on, Direction.BACKWARD, "replied")
    expect, words = None, None
    if app.args.expect is not None:
        stored = app.tracker.get(app.args.id, with_explanation=False)
        said = replied or app.today
        expect, words = app.expected(app.args.expect, said, stored.country, stored.subdivision)
    view = app.tracker.heard(app.args.id, app.args.outcome, expect, app.now, replied, words)
    app.emit(heard_text(view, app.now), interview_json(view))


def add_close(p: argparse.ArgumentParser) -> None:
    with_id(p).add_argument(
        "--on", metavar="DATE", help="the day you decided (default: today; e.g. 'fri')"
    )


def cmd_moved_on(app: App) -> None:
    """Close the interview: you moved on (on ``--on``, else today)."""
    from followup.dates import Direction
    from followup.rules import Status

    on = app.date(app.args.on, Direction.BACKWARD, "moved on")
    view = app.tracker.close(app.args.id, Status.MOVED_ON, app.now, on)
    app.emit(moved_on_text(view), interview_json(view))


def cmd_withdraw(app: App) -> None:
    """Close the interview: you withdrew (on ``--on``, else today)."""
    from followup.dates import Direction
    from followup.rules import Status

    on = app.date(app.args.on, Direction.BACKWARD, "withdrew")
    view = app.tracker.close(app.args.id, Status.WITHDRAWN, app.now, on)
    app.emit(withdrawn_text(view), interview_json(view))


def cmd_reopen(app: App) -> None:
    """Take back a close: the interview is waiting (or emailed) again."""
    view = app.tracker.reopen(app.args.id, app.now)
    app.emit(reopened_text(view, app.now), interview_json(view))


def add_snooze(p: argparse.ArgumentParser) -> None:
    with_id(p).add_argument(
        "--days", type=whole_number, default=1, help="business days to push it by (default: 1)"
    )


def cmd_snooze(app: App) -> None:
    """Push the pending reminder back by ``--days`` business days (one when not given)."""
    view = app.tracker.snooze(app.args.id, app.args.days, app.now)
    assert view.next_reminder is not None
    app.emit(snoozed_text(view.company, view.next_reminder), interview_json(view))


COMMANDS: Room = {
    "emailed": (add_emailed, cmd_emailed),
    "heard": (add_heard, cmd_heard),
    "moved-on": (add_close, cmd_moved_on),
    "withdraw": (add_close, cmd_withdraw),
    "reopen": (with_id, cmd_reopen),
    "snooze": (add_snooze, cmd_snooze),
}
