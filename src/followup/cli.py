"""The ``followup`` command: parse, call the core, render. Nothing else lives here.

Every failure a user can cause is a :class:`~followup.errors.FollowupError`; :func:`main`
turns it into one ``error:`` line and its exit status, in this one place.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import cached_property
from typing import NoReturn

from followup import __version__, render
from followup.config import Config, load
from followup.dates import parse_date
from followup.errors import ConfigError, FollowupError, UsageError
from followup.rules import long_day
from followup.tracker import Details, Tracker

WRITES = frozenset(
    {"add", "edit", "emailed", "heard", "moved-on", "withdraw", "snooze", "delete", "import"}
)


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``error:`` line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


class App:
    """What a command needs, built on first use: a ``countries`` call opens no database."""

    def __init__(self, args: argparse.Namespace, now: datetime) -> None:
        self.args = args
        self.now = now

    @cached_property
    def config(self) -> Config:
        config = load(self.args.config)
        for warning in config.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return config

    @cached_property
    def tracker(self) -> Tracker:
        from followup.store import Database

        return Tracker(self.config, Database(self.config.store_url))

    def close(self) -> None:
        """Close the store's connections, if a command opened it."""
        if "tracker" in self.__dict__:
            self.tracker.db.close()

    @property
    def today(self) -> date:
        return self.now.astimezone(self.config.calendar.zone).date()

    def date(self, text: str | None) -> date | None:
        return None if text is None else parse_date(text, self.today)

    def details(self) -> Details:
        a = self.args
        return Details(
            company=a.company,
            role=a.role,
            contact_name=a.contact,
            contact_email=a.email,
            interviewed_on=self.date(a.interviewed),
            reply_expected_on=self.date(a.expect),
            country=a.country.upper() if a.country else None,
            subdivision=a.subdivision,
            notes=a.note,
        )

    def emit(self, text: str | Callable[[], str], data: object | Callable[[], object]) -> None:
        """Print JSON with ``--json``, else the text; either may be given as a callable so
        that only the one printed is built."""
        if getattr(self.args, "json", False):
            print(render.to_json(data() if callable(data) else data))
        else:
            print(text() if callable(text) else text)


# -- commands ------------------------------------------------------------------------------


def cmd_add(app: App) -> None:
    view = app.tracker.add(app.details(), app.now)
    app.emit(render.added_text(view), render.interview_json(view))


def cmd_edit(app: App) -> None:
    view = app.tracker.edit(app.args.id, app.details(), app.now)
    app.emit(
        render.interview_text(view, app.config.calendar.zone, app.now), render.interview_json(view)
    )


def cmd_show(app: App) -> None:
    view = app.tracker.get(app.args.id)
    app.emit(
        render.interview_text(view, app.config.calendar.zone, app.now), render.interview_json(view)
    )


def cmd_list(app: App) -> None:
    views = app.tracker.interviews(include_closed=app.args.all)
    app.emit(
        lambda: render.interview_table(views), lambda: [render.interview_json(v) for v in views]
    )


def cmd_upcoming(app: App) -> None:
    due = app.tracker.upcoming()
    app.emit(render.upcoming_table(due), [render.due_json(d) for d in due])


def cmd_emailed(app: App) -> None:
    on = app.date(app.args.on) or app.today
    view = app.tracker.emailed(app.args.id, on, app.now)
    app.emit(
        f"Recorded: emailed {view.company} on {long_day(on)}.\n"
        f"If there is no reply, you will be told to move on on "
        f"{render.when(view.next_reminder.at) if view.next_reminder else '-'}.",
        render.interview_json(view),
    )


def cmd_heard(app: App) -> None:
    view = app.tracker.heard(
        app.args.id, app.args.outcome, app.date(app.args.expect), app.now, app.date(app.args.on)
    )
    if view.next_reminder is not None:
        text = (
            f"Recorded: next round with {view.company}. Reminder to email if no reply: "
            f"{render.when(view.next_reminder.at)}."
        )
    else:
        text = f"Recorded: heard back from {view.company} ({view.outcome}). No more reminders."
    app.emit(text, render.interview_json(view))


def cmd_moved_on(app: App) -> None:
    from followup.rules import Status

    view = app.tracker.close(app.args.id, Status.MOVED_ON, app.now)
    app.emit(
        f"Recorded: moved on from {view.company}. No more reminders.", render.interview_json(view)
    )


def cmd_withdraw(app: App) -> None:
    from followup.rules import Status

    view = app.tracker.close(app.args.id, Status.WITHDRAWN, app.now)
    app.emit(
        f"Recorded: withdrew from {view.company}. No more reminders.", render.interview_json(view)
    )


def cmd_snooze(app: App) -> None:
    view = app.tracker.snooze(app.args.id, app.args.days, app.now)
    assert view.next_reminder is not None
    app.emit(
        f"Snoozed {view.company}: {render.reminder_text(view.next_reminder)}.",
        render.interview_json(view),
    )


def cmd_delete(app: App) -> None:
    if not app.args.yes:
        raise UsageError(f"deleting interview {app.args.id} cannot be undone: add --yes")
    app.tracker.delete(app.args.id)
    print(f"Deleted interview {app.args.id}.")


def cmd_history(app: App) -> None:
    entries = app.tracker.history(app.args.id)
    app.emit(render.history_text(entries, app.config.calendar.zone), render.history_json(entries))


def cmd_countries(app: App) -> None:
    from followup.business_days import supported_countries

    known = supported_countries()
    app.emit(
        "\n".join(f"{code}  {', '.join(subs)}".rstrip() for code, subs in sorted(known.items())),
        known,
    )


def cmd_config(app: App) -> None:
    from followup import config_docs

    config = app.config
    from followup.business_days import calendar_for

    calendar_for(config.calendar.place)
    app.emit(config_docs.effective(config), config_docs.effective_json(config))


def cmd_init(app: App) -> None:
    from followup import config_docs
    from followup.config import config_path

    path = config_path(app.args.config, os.environ)
    if path.exists():
        raise UsageError(f"a config file already exists at {path}; edit it, or remove it first")
    text = config_docs.example(
        country=app.args.country, subdivision=app.args.subdivision, timezone=app.args.timezone
    )
    try:
        config_docs.check_example(text, path)
    except ConfigError as exc:
        raise UsageError(exc.message.removeprefix(f"{path}: ")) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"Wrote {path}")


def cmd_draft(app: App) -> None:
    from pathlib import Path

    from followup import drafting

    view = app.tracker.get(app.args.id, with_explanation=False)
    template = drafting.load_template(
        Path(app.args.template).expanduser() if app.args.template else None, os.environ
    )
    draft = drafting.compose(
        view, app.config.you, other_offers=app.args.other_offers, template=template
    )
    if app.args.open:
        reason = drafting.open_mail_client(draft, os.environ)
        if reason is None:
            print(f"Opened the draft in your mail client. Once sent: followup emailed {view.id}")
            return
        print(f"warning: cannot open a mail client: {reason}; here is the draft", file=sys.stderr)
    app.emit(draft.text, lambda: render.draft_json(draft))


def cmd_lint(app: App) -> int:
    from followup import lint

    source = app.args.file
    try:
        text = _read_input(source).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read {source!r}: {exc}") from None
    findings = lint.lint(text, lint.load_rules(app.config.lint_phrases))
    app.emit(
        lambda: (
            "\n".join(lint.finding_line(f) for f in findings)
            if findings
            else "No pressing phrases found."
        ),
        lambda: [render.finding_json(f) for f in findings],
    )
    return 1 if findings else 0


def cmd_export(app: App) -> None:
    from pathlib import Path

    from followup.transfer import exporter
    from followup.transfer.files import write_atomic

    path = Path(app.args.output).expanduser() if app.args.output else None
    export = exporter.export(app.tracker, exporter.format_for(path, app.args.format), app.now)
    if path is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(export.data)
        sys.stdout.buffer.flush()
        return
    written = write_atomic(path, export.data)
    print(render.exported_text(export, str(path), written))


def cmd_import(app: App) -> None:
    from followup.transfer import importer

    source = app.args.file
    data = _read_input(source)
    name = importer.STDIN if source == "-" else source
    report = importer.run(
        app.tracker,
        data,
        name,
        importer.format_of(name, data, app.args.format),
        app.now,
        dry_run=app.args.dry_run,
    )
    app.emit(lambda: render.import_text(report), lambda: render.import_json(report))


def cmd_stats(app: App) -> None:
    from followup import stats

    figures = stats.compute(app.tracker.records(), app.tracker.calendar, app.config.calendar.zone)
    app.emit(lambda: render.stats_text(figures), lambda: render.stats_json(figures))


def cmd_daemon(app: App) -> int:
    from followup import daemon

    return daemon.run(app.args.config)


def cmd_status(app: App) -> None:
    from followup import runstate

    state = runstate.running_daemon(os.environ)
    due = app.tracker.upcoming()
    last = app.tracker.last_shown()
    app.emit(
        lambda: render.status_text(state, due, last, app.config, app.now),
        lambda: render.status_json(state, due, last),
    )


def cmd_test_notification(app: App) -> None:
    from followup.notifier import Note, make_notifier

    make_notifier(app.config.notify.backend, os.environ).show(
        Note(
            "followup works",
            "Reminders to follow up after your interviews will look like this.",
            app.config.notify.app_name,
        )
    )
    print("Notification sent: check your desktop.")


def cmd_install_service(app: App) -> None:
    from followup import user_service

    print(user_service.install(os.environ).message)


def cmd_uninstall_service(app: App) -> None:
    from followup import user_service

    print(user_service.uninstall(os.environ).message)


# -- the parser ----------------------------------------------------------------------------


def _interview_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    if adding:
        p.add_argument("company", help="the company you interviewed with")
        p.add_argument(
            "--expect",
            required=True,
            metavar="DATE",
            help="the day they said they would get back to you",
        )
    else:
        p.add_argument("--company", help="the company's name")
        p.add_argument("--expect", metavar="DATE", help="the day they said they would reply")
    p.add_argument("--role", help="the job title")
    p.add_argument("--contact", metavar="NAME", help="who said they would get back to you")
    p.add_argument("--email", metavar="ADDR", help="their email address")
    p.add_argument("--interviewed", metavar="DATE", help="the day of the interview")
    p.add_argument(
        "--country",
        metavar="CC",
        help="count the interviewer's business days (default: the config's)",
    )
    p.add_argument("--subdivision", metavar="SD", help="the interviewer's state or region")
    p.add_argument("--note", help="anything worth remembering")


def build_parser() -> Parser:
    parser = Parser(
        prog="followup",
        description=("Tells you when to email after an interview, and when to move on."),
    )
    parser.add_argument("--config", metavar="PATH", help="config file to use")
    parser.add_argument("--version", action="version", version=f"followup {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=Parser
    )

    def command(
        name: str, handler: Callable[[App], int | None], help: str, json: bool = False
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler)
        if json:
            p.add_argument("--json", action="store_true", help="print JSON")
        return p

    def with_id(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("id", type=_interview_id, help="the interview's id")
        return p

    _interview_options(command("add", cmd_add, "record an interview", json=True), adding=True)
    _interview_options(
        with_id(command("edit", cmd_edit, "change an interview", json=True)), adding=False
    )
    with_id(
        command("show", cmd_show, "an interview and how its reminder date was reached", json=True)
    )
    command("list", cmd_list, "open interviews (all with --all)", json=True).add_argument(
        "--all", action="store_true", help="include closed interviews"
    )
    command("upcoming", cmd_upcoming, "every pending reminder, soonest first", json=True)
    with_id(
        command("emailed", cmd_emailed, "record that you sent the follow-up email", json=True)
    ).add_argument("--on", metavar="DATE", help="default: today")
    heard = with_id(command("heard", cmd_heard, "record that they replied", json=True))
    heard.add_argument(
        "--outcome", required=True, choices=["offer", "rejected", "next-round", "other"]
    )
    heard.add_argument("--expect", metavar="DATE", help="with next-round: when they will reply")
    heard.add_argument("--on", metavar="DATE", help="the day they replied (default: today)")
    with_id(command("moved-on", cmd_moved_on, "record that you moved on", json=True))
    with_id(command("withdraw", cmd_withdraw, "record that you withdrew", json=True))
    with_id(
        command("snooze", cmd_snooze, "push the pending reminder back", json=True)
    ).add_argument("--days", type=_whole_number, required=True, help="business days to push it by")
    with_id(command("delete", cmd_delete, "delete an interview and its history")).add_argument(
        "--yes", action="store_true", help="confirm"
    )
    with_id(command("history", cmd_history, "every change to an interview", json=True))
    command("countries", cmd_countries, "supported country codes and their subdivisions", json=True)
    command("config", cmd_config, "the config file's path and the effective settings", json=True)
    draft = with_id(command("draft", cmd_draft, "a polite follow-up email to send", json=True))
    draft.add_argument(
        "--other-offers",
        action="store_true",
        help="add that they remain your first choice (only if you have offers)",
    )
    draft.add_argument("--open", action="store_true", help="open it in your mail client")
    draft.add_argument("--template", metavar="PATH", help="use this template file")
    command(
        "lint", cmd_lint, "flag pressing, accusing or anxious phrases in an email", json=True
    ).add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="the email's text (default: standard input)",
    )
    export = command(
        "export", cmd_export, "the interviews as a calendar (ics), a backup (json) or a sheet (csv)"
    )
    export.add_argument("--format", choices=["ics", "json", "csv"], help="default: FILE's suffix")
    export.add_argument("-o", "--output", metavar="FILE", help="default: standard output")
    imports = command(
        "import", cmd_import, "add interviews from a backup (json) or a sheet (csv)", json=True
    )
    imports.add_argument("file", metavar="FILE", help="the file to read ('-': standard input)")
    imports.add_argument(
        "--format", choices=["json", "csv"], help="default: FILE's suffix, else its content"
    )
    imports.add_argument("--dry-run", action="store_true", help="say what would change, only")
    command(
        "stats", cmd_stats, "how companies replied: shares, business days, by company", json=True
    )
    command("daemon", cmd_daemon, "run the reminder daemon in the foreground (systemd runs it)")
    command(
        "status", cmd_status, "whether the daemon runs, the next and the last reminder", json=True
    )
    command(
        "test-notification",
        cmd_test_notification,
        "show a notification now, through the daemon's path",
    )
    command(
        "install-service",
        cmd_install_service,
        "install and start the daemon as a systemd user service",
    )
    command("uninstall-service", cmd_uninstall_service, "stop and remove the user service")
    init = command("init", cmd_init, "write a commented config file")
    init.add_argument("--country", metavar="CC", type=str.upper)
    init.add_argument("--subdivision", metavar="SD")
    init.add_argument("--timezone", metavar="ZONE")
    return parser


def _read_input(source: str) -> bytes:
    """The bytes of a file named on the command line, or of standard input for ``-``."""
    try:
        if source == "-":
            return sys.stdin.buffer.read()
        with open(source, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise UsageError(f"no such file: {source!r}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {source!r}: {exc.strerror}") from None


def _interview_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not an interview id: {text!r}")
    return int(text)


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        app = App(args, datetime.now(UTC))
        try:
            code: int = args.handler(app) or 0
        finally:
            app.close()
        if args.command in WRITES:
            from followup.runstate import poke

            poke(os.environ)
    except FollowupError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a defect: say so in one line, keep the details for a report
        if os.environ.get("FOLLOWUP_DEBUG"):
            traceback.print_exc()
        print(
            f"error: unexpected {type(exc).__name__}: {exc} (set FOLLOWUP_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1
    return code
