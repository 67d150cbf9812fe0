"""Email: draft, lint, and what the mailbox says (mail check, mail dismiss)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from followup.cli.arguments import Parser, finding_id, global_options, json_option, with_id
from followup.errors import UsageError

if TYPE_CHECKING:
    from followup.cli.app import App
    from followup.cli.parser import Room


def add_draft(p: argparse.ArgumentParser) -> None:
    with_id(p)
    p.add_argument(
        "--other-offers",
        action="store_true",
        help="add that they remain your first choice (only if you have offers)",
    )
    p.add_argument("--open", action="store_true", help="open it in your mail client")
    p.add_argument("--template", metavar="PATH", help="use this template file")


def cmd_draft(app: App) -> None:
    """A polite follow-up email for an interview; with ``--open`` handed to the mail
    client, and printed when none takes it."""
    from pathlib import Path

    from followup.cli.render.mail import (
        cannot_open_mail_client,
        draft_json,
        draft_opened,
        unsigned_draft,
    )
    from followup.mail import drafting

    environ = app.env.environ
    view = app.tracker.get(app.args.id, with_explanation=False)
    template = drafting.load_template(
        Path(app.args.template).expanduser() if app.args.template else None, environ
    )
    draft = drafting.compose(
        view, app.config.you, other_offers=app.args.other_offers, template=template
    )
    if app.args.open:
        reason = drafting.open_mail_client(draft, environ)
        if reason is None:
            app.say(draft_opened(view.id))
            return
        app.warnings.append((cannot_open_mail_client(reason), "warning"))
    if draft.unsigned:
        app.warnings.append((unsigned_draft(app.config.path), "warning"))
    app.emit(draft.text, lambda: draft_json(draft))


def add_lint(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="the email's text (default: standard input)",
    )


def cmd_lint(app: App) -> int:
    """Flag pressing phrases in an email (a file, or standard input); exit status 1 when
    any is found, so that a script can stop on it."""
    from followup.cli.render.mail import LINT_WAITING, finding_json, lint_text
    from followup.cli.render.text import cannot_read
    from followup.mail import lint

    source = app.args.file
    if source == "-" and app.env.stdin_isatty:
        app.err(LINT_WAITING)
    try:
        text = app.read_input(source).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(cannot_read(source, exc)) from None
    findings = lint.lint(text, lint.load_rules(app.config.lint_phrases))
    app.emit(lambda: lint_text(findings), lambda: [finding_json(f) for f in findings])
    return 1 if findings else 0


def add_mail(p: argparse.ArgumentParser) -> None:
    """``mail`` is made of commands of its own, each with its options and handler."""
    p.description = "Read your mailbox (read-only) for follow-ups you sent and replies."
    mail_sub = p.add_subparsers(
        dest="mail_command", metavar="MAIL_COMMAND", required=True, parser_class=Parser
    )
    check = mail_sub.add_parser(
        "check",
        help="look now, keep new findings, print every pending one",
        description="look now, keep new findings, print every pending one",
    )
    check.set_defaults(handler=cmd_mail_check)
    global_options(check, top=False)
    json_option(check, "print JSON")
    check.add_argument(
        "--verbose",
        action="store_true",
        help="first list the folders read and why each (as 'mail folders' does)",
    )
    folders = mail_sub.add_parser(
        "folders",
        help="which folders are read and why (Sent: flag, known name or setting)",
        description="which folders are read and why (Sent: flag, known name or setting)",
    )
    folders.set_defaults(handler=cmd_mail_folders)
    global_options(folders, top=False)
    json_option(folders, "print JSON")
    dismiss = mail_sub.add_parser(
        "dismiss", help="a finding that is not what it seemed", description="dismiss a finding"
    )
    dismiss.set_defaults(handler=cmd_mail_dismiss)
    global_options(dismiss, top=False)
    json_option(dismiss, "print a failure as one JSON object")
    dismiss.add_argument("finding_id", type=finding_id, metavar="FINDING_ID")


def cmd_mail_check(app: App) -> int:
    """Look in the mailbox now, keep what is new, print every finding that waits. When
    part of the look failed, what was found is kept and printed all the same, each part
    is named on standard error, and the exit status is a failure's (:func:`partly_failed`)."""
    from followup.cli.render.mail import mail_check_text, mail_finding_json, mail_folders_text
    from followup.mail.check import check, folders, settings_of

    if app.args.verbose and not app.as_json:
        settings = settings_of(app.config)
        uses, _problems = folders(settings)
        app.say(mail_folders_text(uses, settings))
    result = check(app.tracker, app.now)
    app.emit(
        lambda: mail_check_text(result),
        lambda: [mail_finding_json(f) for f in result.pending],
    )
    return partly_failed(app, result.problems)


def cmd_mail_folders(app: App) -> int:
    """Which folders a look reads and why; a missing Sent folder is named on standard
    error with a failure's exit status (:func:`partly_failed`)."""
    from followup.cli.render.mail import mail_folders_json, mail_folders_text
    from followup.mail.check import folders, settings_of

    settings = settings_of(app.config)
    uses, problems = folders(settings)
    app.emit(lambda: mail_folders_text(uses, settings), lambda: mail_folders_json(uses))
    return partly_failed(app, problems)


def partly_failed(app: App, problems: Sequence[str]) -> int:
    """Name each part of a look that failed, after the output, and return the exit
    status: 0 when none did, else the ``mail`` failure's (1, or 9 with ``--json``), whatever
    the kind of part (a search the server refused, a message that cannot be read)."""
    from followup.cli.render.mail import failed_parts
    from followup.errors import Code

    for line in failed_parts(problems, app.as_json):
        app.err(line)
    if not problems:
        return 0
    return Code.MAIL.exit_status if app.as_json else 1


def cmd_mail_dismiss(app: App) -> None:
    """Set aside a finding that is not what it seemed."""
    from followup.cli.render.mail import dismissed_text

    found = app.tracker.dismiss_finding(app.args.finding_id, app.now)
    app.say(dismissed_text(found))


COMMANDS: Room = {
    "draft": (add_draft, cmd_draft),
    "lint": (add_lint, cmd_lint),
    "mail": (add_mail, None),
}
