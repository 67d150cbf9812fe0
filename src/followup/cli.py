"""The ``followup`` command: parse, call the core, render. Nothing else lives here.

Every failure a user can cause is a :class:`~followup.errors.FollowupError`; :func:`main`
turns it into one ``error:`` line and its exit status, in this one place.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, NoReturn, cast

from followup import __version__
from followup.errors import ConfigError, FollowupError, UsageError
from followup.lifecycle.validation import IMPORT_MAX_BYTES, MAX_ID, shown, too_large, visible

if TYPE_CHECKING:
    from followup.config import Config
    from followup.dates import DateReader, Direction
    from followup.lifecycle.service import Tracker
    from followup.listing import Listing
    from followup.machine import Machine
    from followup.rules import Status
    from followup.values import Details

WRITES = frozenset(
    {
        "add",
        "edit",
        "emailed",
        "heard",
        "moved-on",
        "withdraw",
        "reopen",
        "snooze",
        "delete",
        "import",
        "mail",
    }
)


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``error:`` line and exit status 2, and a
    mistyped command, choice or option says what was probably meant (argparse itself
    suggests only from Python 3.14 on)."""

    def error(self, message: str) -> NoReturn:
        option = re.fullmatch(r"argument (--[\w-]+)(?:/-\w)?: expected one argument", message)
        if option:
            message += f" (one that starts with '-' is written {option[1]}=-VALUE)"
        raise UsageError(message)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is None or value in choices:
            return
        from followup.config import did_you_mean

        names = [str(c) for c in choices]
        hint = did_you_mean(str(value), names)
        if action.dest == "command":
            raise UsageError(f"unknown command {value!r}{hint}; see: followup --help")
        listed = hint or f" (choose from {', '.join(names)})"
        raise argparse.ArgumentError(action, f"invalid choice: {value!r}{listed}")

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: None = None
    ) -> argparse.Namespace:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            parsed, extras = self.parse_known_args(argv, namespace)
        except UsageError:
            from followup.config import did_you_mean

            # A mistyped option also hides a required one ("--expcet" for "--expect"):
            # name the mistyped one, which is the mistake to fix.
            command = next((a for a in argv if a in _commands(self)), None)
            known = self._option_names(command)
            typo = [a for a in argv if a.startswith("--") and a.split("=", 1)[0] not in known]
            if typo:
                hint = did_you_mean(typo[0].split("=", 1)[0], known)
                self.error(f"unrecognized arguments: {' '.join(typo)}{hint}")
            raise
        if extras:
            from followup.config import did_you_mean

            known = self._option_names(getattr(parsed, "command", None))
            first = next((e for e in extras if e.startswith("-")), extras[0])
            hint = did_you_mean(first.split("=", 1)[0], known) if first.startswith("-") else ""
            self.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
        return parsed

    def _option_names(self, command: str | None) -> list[str]:
        """The options of this parser and of ``command``'s, for suggestions."""
        names = list(self._option_string_actions)
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and command in action.choices:
                names += list(action.choices[command]._option_string_actions)
        return [n for n in names if n.startswith("--")]


class App:
    """What a command needs, built on first use: a ``countries`` call opens no database."""

    def __init__(self, args: argparse.Namespace, now: datetime) -> None:
        self.args = args
        self.now = now
        #: Lines saying which year was assumed for a date typed without one.
        self.notes: list[str] = []
        #: Warnings (or notes) to print once the command has succeeded: (text, label).
        self.warnings: list[tuple[str, str]] = []

    @cached_property
    def config(self) -> Config:
        from followup.config import load

        config = load(self.args.config)
        for warning in config.warnings:
            print(f"warning: {visible(warning)}", file=sys.stderr)
        return config

    @cached_property
    def machine(self) -> Machine | None:
        """This machine, when it has an id (its daemon made one); reading commands make none."""
        from followup.machine import known

        return known(os.environ)

    @cached_property
    def tracker(self) -> Tracker:
        from followup.lifecycle.service import Tracker
        from followup.store import Database

        return Tracker(self.config, Database(self.config.store_url), self.machine)

    def close(self) -> None:
        """Close the store's connections, if a command opened it."""
        if "tracker" in self.__dict__:
            self.tracker.db.close()

    @cached_property
    def listing(self) -> Listing:
        """The read side of ``list``, ``upcoming`` and ``status``: SQLAlchemy is imported
        only when the quick path cannot answer."""
        from followup.listing import Listing

        return Listing(self.config, lambda: self.tracker, self.machine.id if self.machine else None)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.config.calendar.zone).date()

    @cached_property
    def reader(self) -> DateReader:
        from followup.dates import DateReader

        calendar = self.config.calendar
        return DateReader(self.today, calendar.date_order, calendar.place.country)

    def date(self, text: str | None, direction: Direction, what: str) -> date | None:
        """The date typed for ``what`` ("expected", "interviewed", "emailed", "replied");
        a year assumed is noted for the output, and a promised day long past warned of."""
        from followup import render
        from followup.dates import long_past

        if text is None:
            return None
        read = self.reader.read(text, direction)
        if read.year_assumed:
            self.notes.append(render.year_assumed(what, read.day))
        if what == "expected" and long_past(read.day, self.today):
            self.warnings.append((render.long_past_promise(read.day, self.today), "warning"))
        return read.day

    @property
    def colour(self) -> bool:
        """Highlight with colour: on a terminal, or with ``CLICOLOR_FORCE`` set; never with
        ``NO_COLOR`` set to anything (https://no-color.org) or ``TERM=dumb``."""
        if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
            return False
        if os.environ.get("CLICOLOR_FORCE", "0") != "0":
            return True
        return sys.stdout.isatty()

    def details(self) -> Details:
        from followup.dates import Direction
        from followup.values import Details

        a = self.args
        return Details(
            company=a.company,
            role=a.role,
            contact_name=a.contact,
            contact_email=a.email,
            interviewed_on=self.date(a.interviewed, Direction.BACKWARD, "interviewed"),
            reply_expected_on=self.date(a.expect, Direction.FORWARD, "expected"),
            country=a.country,
            subdivision=a.subdivision,
            notes=a.note,
        )

    def emit(self, text: str | Callable[[], str], data: object | Callable[[], object]) -> None:
        """Print JSON with ``--json``, else the text; either may be given as a callable so
        that only the one printed is built."""
        from followup import render

        as_json = getattr(self.args, "json", False)
        for note in self.notes:
            print(note, file=sys.stderr if as_json else sys.stdout)
        if as_json:
            print(render.to_json(data() if callable(data) else data))
        else:
            out = text() if callable(text) else text
            print(out if isinstance(out, render.Safe) else visible(out, keep_newlines=True))
        for warning, label in self.warnings:
            print(f"{label}: {visible(warning)}", file=sys.stderr)


# -- commands ------------------------------------------------------------------------------


def cmd_add(app: App) -> None:
    from followup import render

    view = app.tracker.add(app.details(), app.now)
    app.emit(render.added_text(view, app.now), render.interview_json(view))


def cmd_edit(app: App) -> None:
    from followup import render
    from followup.dates import Direction

    emailed = app.date(app.args.emailed, Direction.BACKWARD, "emailed")
    view = app.tracker.edit(app.args.id, app.details(), app.now, emailed_on=emailed)
    app.emit(
        render.interview_text(view, app.config.calendar.zone, app.now), render.interview_json(view)
    )


def cmd_show(app: App) -> None:
    from followup import render

    view = app.tracker.get(app.args.id)
    found = app.tracker.pending_findings(view.id)
    app.emit(
        lambda: (
            render.interview_text(view, app.config.calendar.zone, app.now)
            + render.mail_findings_section(found)
        ),
        lambda: render.interview_json(view),
    )


def cmd_list(app: App) -> None:
    from followup import render

    views = app.listing.interviews(
        include_closed=app.args.all, status=app.args.status, company=app.args.company
    )
    filtered = app.args.status is not None or app.args.company is not None
    app.emit(
        lambda: render.interview_table(views, colour=app.colour, filtered=filtered),
        lambda: [render.interview_json(v) for v in views],
    )


def cmd_upcoming(app: App) -> None:
    from followup import render

    due = app.listing.upcoming()
    app.emit(
        lambda: render.upcoming_table(due, colour=app.colour),
        lambda: [render.due_json(d) for d in due],
    )


def cmd_emailed(app: App) -> None:
    from followup import render
    from followup.dates import Direction
    from followup.rules import long_day

    on = app.date(app.args.on, Direction.BACKWARD, "emailed") or app.today
    view = app.tracker.emailed(app.args.id, on, app.now)
    if on <= view.reply_expected_on:
        app.warnings.append(
            (render.emailed_early(on, view.reply_expected_on, app.config.rules), "note")
        )
    app.emit(
        f"Recorded: emailed {view.company} on {long_day(on)}.\n"
        f"If there is no reply, you will be told to move on on "
        f"{render.when(view.next_reminder.at) if view.next_reminder else '-'}.",
        render.interview_json(view),
    )


def cmd_reopen(app: App) -> None:
    from followup import render

    view = app.tracker.reopen(app.args.id, app.now)
    app.emit(render.reopened_text(view, app.now), render.interview_json(view))


def cmd_heard(app: App) -> None:
    from followup import render
    from followup.dates import Direction

    view = app.tracker.heard(
        app.args.id,
        app.args.outcome,
        app.date(app.args.expect, Direction.FORWARD, "expected"),
        app.now,
        app.date(app.args.on, Direction.BACKWARD, "replied"),
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
    from followup import render
    from followup.rules import Status

    view = app.tracker.close(app.args.id, Status.MOVED_ON, app.now)
    app.emit(
        f"Recorded: moved on from {view.company}. No more reminders.", render.interview_json(view)
    )


def cmd_withdraw(app: App) -> None:
    from followup import render
    from followup.rules import Status

    view = app.tracker.close(app.args.id, Status.WITHDRAWN, app.now)
    app.emit(
        f"Recorded: withdrew from {view.company}. No more reminders.", render.interview_json(view)
    )


def cmd_snooze(app: App) -> None:
    from followup import render

    view = app.tracker.snooze(app.args.id, app.args.days, app.now)
    assert view.next_reminder is not None
    app.emit(
        f"Snoozed {view.company}: {render.reminder_text(view.next_reminder)}.",
        render.interview_json(view),
    )


def cmd_delete(app: App) -> None:
    if not app.args.yes:
        raise UsageError(f"deleting interview {app.args.id} cannot be undone: add --yes")
    app.tracker.delete(app.args.id, app.now)
    print(f"Deleted interview {app.args.id}.")


def cmd_history(app: App) -> None:
    from followup import render

    entries = app.tracker.history(app.args.id)
    app.emit(render.history_text(entries, app.config.calendar.zone), render.history_json(entries))


def cmd_countries(app: App) -> None:
    from followup import places, render

    found = places.entries(app.args.text)
    if not found:
        close = places.suggest_country(app.args.text)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise UsageError(f"no country or subdivision matches {app.args.text!r}{hint}")
    app.emit(
        lambda: render.countries_text(found, subdivisions=app.args.text is not None),
        lambda: render.countries_json(found),
    )


def cmd_config(app: App) -> None:
    from followup import config_docs

    config = app.config
    from followup.business_days import calendar_for

    calendar_for(config.calendar.place)
    app.emit(config_docs.effective(config), config_docs.effective_json(config))


def cmd_init(app: App) -> None:
    from followup import config_docs, render
    from followup.config import config_path
    from followup.daemon.install import user_manager_available
    from followup.places import canonical_place

    path = config_path(app.args.config, os.environ)
    if path.exists():
        raise UsageError(f"a config file already exists at {path}; edit it, or remove it first")
    country, subdivision = canonical_place(app.args.country, app.args.subdivision)
    text = config_docs.example(
        country=country,
        subdivision=subdivision,
        timezone=app.args.timezone,
        name=app.args.name,
        signature=app.args.signature,
    )
    try:
        config_docs.check_example(text, path)
    except ConfigError as exc:
        raise UsageError(exc.message.removeprefix(f"{path}: ")) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"Wrote {path}")
    print(render.next_steps(country, app.args.name, service=user_manager_available()))


def cmd_draft(app: App) -> None:
    from pathlib import Path

    from followup import render
    from followup.mail import drafting

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
    if draft.unsigned:
        app.warnings.append((render.unsigned_draft(app.config.path), "warning"))
    app.emit(draft.text, lambda: render.draft_json(draft))


def cmd_lint(app: App) -> int:
    from followup import render
    from followup.mail import lint

    source = app.args.file
    if source == "-" and sys.stdin.isatty():
        print(render.LINT_WAITING, file=sys.stderr)
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

    from followup import render
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
    print(visible(render.exported_text(export, str(path), written)))


def cmd_import(app: App) -> None:
    from followup import render
    from followup.transfer import importer

    source = app.args.file
    data = _read_input(source)
    name = importer.STDIN if source == "-" else source
    fmt = importer.format_of(name, data, app.args.format)
    if app.args.dry_run and _store_missing(app.config.store_url):
        # A dry run writes nothing, not even an empty store: match against an empty one.
        import tempfile

        from followup.store import Database

        with tempfile.TemporaryDirectory(prefix="followup-dry-run-") as scratch:
            db = Database(f"sqlite:///{scratch}/empty.db")
            try:
                from followup.lifecycle.service import Tracker

                report = importer.run(
                    Tracker(app.config, db), data, name, fmt, app.now, dry_run=True
                )
            finally:
                db.close()
    else:
        report = importer.run(app.tracker, data, name, fmt, app.now, dry_run=app.args.dry_run)
    if report.sheet is not None and report.sheet.long_past:
        app.warnings.append((render.long_past_rows(report.sheet.long_past), "warning"))
    app.emit(lambda: render.import_text(report), lambda: render.import_json(report))


def _store_missing(url: str) -> bool:
    from followup.store.database import sqlite_file

    path = sqlite_file(url)
    return path is not None and not path.exists()


def cmd_stats(app: App) -> None:
    from followup import render, stats

    figures = stats.compute(app.tracker.records(), app.tracker.calendar, app.config.calendar.zone)
    app.emit(lambda: render.stats_text(figures), lambda: render.stats_json(figures))


def cmd_mail_check(app: App) -> None:
    from followup import render
    from followup.mail.check import check

    result = check(app.tracker, app.now)
    app.emit(
        lambda: render.mail_check_text(result),
        lambda: [render.mail_finding_json(f) for f in result.pending],
    )


def cmd_mail_dismiss(app: App) -> None:
    from followup import render

    found = app.tracker.dismiss_finding(app.args.finding_id, app.now)
    print(f"Dismissed: {render.mail_question(found)}")


def cmd_daemon(app: App) -> int:
    from followup import daemon

    return daemon.run(app.args.config)


def cmd_status(app: App) -> None:
    from followup import render
    from followup.daemon import state as runstate

    state = runstate.running_daemon(os.environ)
    try:
        due, last, shown_on = app.listing.status()
    except ConfigError:
        # A config the daemon refused to reload: still say that it runs, on the old one.
        if state is not None:
            print("\n".join(render.daemon_lines(state, service=False)))
        raise
    here = app.machine.id if app.machine else None

    def text() -> str:
        from followup.daemon.install import user_manager_available

        service = state is None and user_manager_available()
        return render.status_text(
            state, due, last, app.config, app.now, service=service, shown_on=shown_on, here=here
        )

    app.emit(text, lambda: render.status_json(state, due, last, shown_on, here))


def cmd_test_notification(app: App) -> None:
    from followup.notify.base import Note
    from followup.notify.choose import make_notifier

    make_notifier(app.config.notify.backend, os.environ).show(
        Note(
            "followup works",
            "Reminders to follow up after your interviews will look like this.",
            app.config.notify.app_name,
        )
    )
    print("Notification sent: check your desktop.")


def cmd_help(app: App) -> None:
    from followup import render
    from followup.config import did_you_mean

    topic = app.args.topic
    if topic is None:
        print(build_parser().format_help(), end="")
    elif topic == "dates":
        print(render.DATE_FORMS)
    else:
        commands = _commands(build_parser())
        if topic not in commands:
            choices = ["dates", *commands]
            raise UsageError(f"no help on {topic!r}{did_you_mean(topic, choices)}")
        print(commands[topic].format_help(), end="")


def cmd_completion(app: App) -> None:
    import shtab

    print(shtab.complete(build_parser(), shell=app.args.shell), end="")


def cmd_install_service(app: App) -> None:
    from followup.daemon import install as user_service

    print(user_service.install(os.environ, autostart=app.args.autostart).message)


def cmd_uninstall_service(app: App) -> None:
    from followup.daemon import install as user_service

    print(user_service.uninstall(os.environ).message)


# -- the parser ----------------------------------------------------------------------------


#: How a DATE may be written, for option help (``followup help dates`` has them all).
_DATE_EXAMPLE = "e.g. 2026-11-24, 'fri', 'Nov 24', 'tomorrow'; see: followup help dates"


def _interview_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    if adding:
        p.add_argument("company", help="the company you interviewed with")
        p.add_argument(
            "--expect",
            required=True,
            metavar="DATE",
            help=f"the day they said they would get back to you ({_DATE_EXAMPLE})",
        )
    else:
        p.add_argument("--company", help="the company's name")
        p.add_argument(
            "--expect", metavar="DATE", help=f"the day they said they would reply ({_DATE_EXAMPLE})"
        )
    p.add_argument("--role", help="the job title")
    p.add_argument("--contact", metavar="NAME", help="who said they would get back to you")
    p.add_argument("--email", metavar="ADDR", help="their email address")
    p.add_argument(
        "--interviewed", metavar="DATE", help="the day of the interview (e.g. 2026-11-19, 'thu')"
    )
    p.add_argument(
        "--country",
        metavar="CC",
        help="count the interviewer's business days, e.g. 'de' (default: the config's; "
        "codes: followup countries)",
    )
    p.add_argument(
        "--subdivision",
        metavar="SD",
        help="the interviewer's state or region, e.g. 'ca' (in --country, else the config's)",
    )
    p.add_argument("--note", help="anything worth remembering")


def _global_options(p: argparse.ArgumentParser, *, top: bool) -> None:
    """``--config``: before the command (``top``) or after it; given after, it is left out
    of the namespace unless typed, so that it never hides one given before."""
    p.add_argument(
        "--config",
        metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help="config file to use (default: $FOLLOWUP_CONFIG, else ~/.config/followup/config.toml)",
    )


class _Unbuilt:
    """Stands in for the parser of a command that is not being run, so that its options
    are not built: argparse makes a parser and a help formatter for every command and
    option (3.6 ms of CPU for all of them, 0.3 ms for a listing's own)."""

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        return None


def build_parser(only: str | None = None) -> Parser:
    """The whole parser, or with ``only`` (the command typed, as :func:`_typed_command`
    finds it) the part that parses it: that command alone, with its options. With ``only``
    empty (no command typed: ``--help``, ``--version``) or not a command, every command is
    known by name and help, for the listing and the suggestions, but none has its options."""
    parser = _build_parser(only)
    if only and not _commands(parser):
        parser = _build_parser("")
    return parser


def _build_parser(only: str | None) -> Parser:
    parser = Parser(
        prog="followup",
        description=("Tells you when to email after an interview, and when to move on."),
        epilog="followup COMMAND --help: a command's options; followup help dates: date forms.",
    )
    _global_options(parser, top=True)
    parser.add_argument("--version", action="version", version=f"followup {__version__}")
    parser.set_defaults(handler=cmd_overview)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(
        name: str, handler: Callable[[App], int | None], help: str, json: bool = False
    ) -> argparse.ArgumentParser:
        if only and name != only:
            return cast(argparse.ArgumentParser, _Unbuilt())
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler)
        if only is not None and name != only:
            return cast(argparse.ArgumentParser, _Unbuilt())
        _global_options(p, top=False)
        if json:
            p.add_argument("--json", action="store_true", help="print JSON")
        return p

    def with_id(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("id", type=_interview_id, help="the interview's id (see: followup list)")
        return p

    _interview_options(command("add", cmd_add, "record an interview", json=True), adding=True)
    edit = with_id(command("edit", cmd_edit, "change an interview", json=True))
    _interview_options(edit, adding=False)
    edit.add_argument(
        "--emailed",
        metavar="DATE",
        help="correct the day of the email you recorded (e.g. 2026-11-30, 'mon')",
    )
    with_id(
        command("show", cmd_show, "an interview and how its reminder date was reached", json=True)
    )
    listing = command("list", cmd_list, "open interviews (all with --all)", json=True)
    listing.add_argument("--all", action="store_true", help="include closed interviews")
    listing.add_argument(
        "--status",
        type=_status,
        metavar="STATUS",
        help="only these: waiting, emailed, 'heard back', 'moved on' or withdrawn",
    )
    listing.add_argument(
        "--company", metavar="TEXT", help="only companies whose name contains TEXT (any case)"
    )
    command(
        "upcoming", cmd_upcoming, "reminders due since shown, then every pending one", json=True
    )
    with_id(
        command("emailed", cmd_emailed, "record that you sent the follow-up email", json=True)
    ).add_argument("--on", metavar="DATE", help="the day you sent it (default: today; e.g. 'mon')")
    heard = with_id(command("heard", cmd_heard, "record that they replied", json=True))
    heard.add_argument(
        "--outcome", required=True, choices=["offer", "rejected", "next-round", "other"]
    )
    heard.add_argument(
        "--expect", metavar="DATE", help=f"with next-round: when they will reply ({_DATE_EXAMPLE})"
    )
    heard.add_argument(
        "--on", metavar="DATE", help="the day they replied (default: today; e.g. 'yesterday')"
    )
    with_id(command("moved-on", cmd_moved_on, "record that you moved on", json=True))
    with_id(command("withdraw", cmd_withdraw, "record that you withdrew", json=True))
    with_id(
        command(
            "reopen",
            cmd_reopen,
            "take back a heard, moved-on or withdraw: the interview is open again",
            json=True,
        )
    )
    with_id(
        command("snooze", cmd_snooze, "push the pending reminder back", json=True)
    ).add_argument("--days", type=_whole_number, required=True, help="business days to push it by")
    with_id(command("delete", cmd_delete, "delete an interview and its history")).add_argument(
        "--yes", action="store_true", help="confirm"
    )
    with_id(command("history", cmd_history, "every change to an interview", json=True))
    command(
        "countries", cmd_countries, "country and subdivision codes, with their names", json=True
    ).add_argument(
        "text",
        nargs="?",
        metavar="TEXT",
        help="only those whose code or name contains TEXT, e.g. 'germany' or 'ca'",
    )
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
    if not only or only == "mail":
        mail = sub.add_parser(
            "mail",
            help="what your mailbox says: follow-ups you sent, replies you got",
            description="Read your mailbox (read-only) for follow-ups you sent and replies.",
        )
        _global_options(mail, top=False)
        mail_sub = mail.add_subparsers(
            dest="mail_command", metavar="MAIL_COMMAND", required=True, parser_class=Parser
        )
        check = mail_sub.add_parser(
            "check",
            help="look now, keep new findings, print every pending one",
            description="look now, keep new findings, print every pending one",
        )
        check.set_defaults(handler=cmd_mail_check)
        _global_options(check, top=False)
        check.add_argument("--json", action="store_true", help="print JSON")
        dismiss = mail_sub.add_parser(
            "dismiss", help="a finding that is not what it seemed", description="dismiss a finding"
        )
        dismiss.set_defaults(handler=cmd_mail_dismiss)
        _global_options(dismiss, top=False)
        dismiss.add_argument("finding_id", type=_finding_id, metavar="FINDING_ID")
    command("daemon", cmd_daemon, "run the reminder daemon in the foreground (systemd runs it)")
    command(
        "status", cmd_status, "whether the daemon runs, the next and the last reminder", json=True
    )
    command(
        "test-notification",
        cmd_test_notification,
        "show a notification now, through the daemon's path",
    )
    install = command(
        "install-service",
        cmd_install_service,
        "install and start the daemon as a systemd user service",
    )
    install.add_argument(
        "--autostart",
        action="store_true",
        help="without systemd: start the daemon at login (an XDG autostart entry)",
    )
    command("uninstall-service", cmd_uninstall_service, "stop and remove the user service")
    init = command("init", cmd_init, "write a commented config file, then say what comes next")
    init.add_argument(
        "--country", metavar="CC", help="your country, for its public holidays, e.g. 'us', 'de'"
    )
    init.add_argument("--subdivision", metavar="SD", help="your state or region, e.g. 'ca'")
    init.add_argument("--timezone", metavar="ZONE", help="e.g. 'Europe/Berlin'")
    init.add_argument("--name", metavar="NAME", help="your name, to sign drafted emails")
    init.add_argument(
        "--signature", metavar="TEXT", help="lines under your name ('\\n' between lines)"
    )
    command(
        "help", cmd_help, "help on a command, or on dates: how dates may be written"
    ).add_argument("topic", nargs="?", metavar="TOPIC", help="dates, or a command")
    completion = command(
        "completion", cmd_completion, "print the shell completion script for bash, zsh or fish"
    )
    completion.add_argument("shell", choices=["bash", "zsh", "fish"])
    return parser


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each command's own parser, by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def cmd_overview(app: App) -> None:
    """``followup`` alone: what it does, where to start, where the config is."""
    from followup import render
    from followup.config import config_path

    path = config_path(app.args.config, os.environ)
    print(render.overview(path, path.exists()))


def _read_input(source: str) -> bytes:
    """The bytes of a file named on the command line, or of standard input for ``-``, at
    most ``IMPORT_MAX_BYTES`` of them (``/dev/zero`` is refused, not read forever)."""
    name = "<stdin>" if source == "-" else source
    try:
        if source == "-":
            data = sys.stdin.buffer.read(IMPORT_MAX_BYTES + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(IMPORT_MAX_BYTES + 1)
        if len(data) > IMPORT_MAX_BYTES:
            raise too_large(name, IMPORT_MAX_BYTES)
        return data
    except FileNotFoundError:
        raise UsageError(f"no such file: {source!r}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {source!r}: {exc.strerror or exc}") from None


def _status(text: str) -> Status:
    from followup.config import did_you_mean
    from followup.rules import Status

    status = Status.from_words(text)
    if status is None:
        labels = [s.label for s in Status]
        listed = did_you_mean(text, labels) or f" (choose from {', '.join(labels)})"
        raise argparse.ArgumentTypeError(f"unknown status {text!r}{listed}")
    return status


def _interview_id(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise argparse.ArgumentTypeError(f"not an interview id: {shown(text)}")
    return int(text)


def _finding_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a finding id: {text!r}")
    return int(text)


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def _typed_command(argv: Sequence[str]) -> str:
    """The command in ``argv``: its first word that is neither an option nor the value of
    the one option that comes before the command (``--config PATH``); "" for none."""
    words = iter(argv)
    for word in words:
        if word == "--config":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return ""


def main(argv: Sequence[str] | None = None, now: datetime | None = None) -> int:
    """Run one command; ``now`` (aware) is the instant it runs at, the clock's by default."""
    try:
        argv = list(sys.argv[1:] if argv is None else argv)
        typed = _typed_command(argv)
        args = build_parser(typed).parse_args(argv)
        if (args.command or "") != typed:  # never expected; the whole parser is right
            args = build_parser().parse_args(argv)
        app = App(args, now or datetime.now(UTC))
        try:
            code: int = args.handler(app) or 0
        finally:
            app.close()
        if args.command in WRITES:
            from followup.daemon.state import poke

            poke(os.environ)
    except FollowupError as exc:
        print(f"error: {visible(exc.message)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a defect: say so in one line, keep the details for a report
        if os.environ.get("FOLLOWUP_DEBUG"):
            import traceback

            traceback.print_exc()
        print(
            f"error: unexpected {type(exc).__name__}: {exc} (set FOLLOWUP_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1
    return code


def run() -> NoReturn:
    """The ``followup`` program: :func:`main` in a process of its own, which then ends.

    A command runs without the cycle collector, and what it leaves is freed with the
    process: the collector's passes over the objects of SQLAlchemy and the other modules a
    command imports cost about 25 ms of CPU, and its last pass at exit about 50 ms more,
    while it finds next to nothing to free (importing or exporting 10,000 interviews peaks
    at the same memory without it). The daemon, which runs for days, turns it back on
    (:func:`followup.daemon.run`). :func:`main` itself leaves the collector as it is (the
    tests call it in-process).
    """
    gc.disable()
    code = main()
    gc.freeze()
    raise SystemExit(code)
