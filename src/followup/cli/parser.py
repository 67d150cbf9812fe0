"""The whole command line: every command by name and help, in the order ``--help`` lists
them, each one's options and handler taken from its room under :mod:`followup.cli.commands`
only when that command is the one typed.

argparse makes a parser and a help formatter for every command and option (3.6 ms of CPU
for all of them, 0.3 ms for a listing's own), and importing every command's module costs
more: so a command's module is imported, and its options built, only for the command run
(or for the whole parser: help, the completion script, the manual page).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from followup import __version__
from followup.cli.arguments import Parser, attach, command_parsers, global_options, json_option

if TYPE_CHECKING:
    from followup.cli.app import App
    from followup.cli.environment import Environment

#: What runs a command: its exit status, None for 0.
Handler = Callable[["App"], "int | None"]
#: How a command's options are added to its parser (None: it has none but ``--config``).
Options = Callable[[argparse.ArgumentParser], object] | None
#: A room's commands: name -> (options, handler); a command made of commands of its own
#: (``mail``) has no handler: its options give each of them theirs.
Room = Mapping[str, tuple[Options, Handler | None]]

#: Every command: (name, room under followup.cli.commands, one-line help, prints data).
#: Every command takes ``--json``; one that prints no data then prints only a failure as JSON.
COMMANDS: tuple[tuple[str, str, str, bool], ...] = (
    ("add", "interviews", "record an interview", True),
    ("edit", "interviews", "change an interview", True),
    ("show", "interviews", "an interview and how its reminder date was reached", True),
    ("list", "interviews", "open interviews (all with --all)", True),
    ("upcoming", "interviews", "reminders due since shown, then every pending one", True),
    ("emailed", "actions", "record that you sent the follow-up email", True),
    ("heard", "actions", "record that they replied", True),
    ("moved-on", "actions", "record that you moved on", True),
    ("withdraw", "actions", "record that you withdrew", True),
    (
        "reopen",
        "actions",
        "take back a heard, moved-on or withdraw: the interview is open again",
        True,
    ),
    ("snooze", "actions", "push the pending reminder back", True),
    ("delete", "interviews", "delete an interview and its history", False),
    ("history", "interviews", "every change to an interview", True),
    ("countries", "setup", "country and subdivision codes, with their names", True),
    ("config", "setup", "the config file's path and the effective settings", True),
    ("draft", "mail", "a polite follow-up email to send", True),
    ("lint", "mail", "flag pressing, accusing or anxious phrases in an email", True),
    (
        "export",
        "data",
        "the interviews as a calendar (ics), a backup (json) or a sheet (csv)",
        False,
    ),
    ("import", "data", "add interviews from a backup (json) or a sheet (csv)", True),
    (
        "restore",
        "data",
        "replace the store with a backup; the current store is saved beside it first",
        False,
    ),
    ("stats", "data", "how companies replied: shares, business days, by company", True),
    ("mail", "mail", "what your mailbox says: follow-ups you sent, replies you got", False),
    ("daemon", "service", "run the reminder daemon in the foreground (systemd runs it)", False),
    ("status", "service", "whether the daemon runs, the next and the last reminder", True),
    ("test-notification", "service", "show a notification now, through the daemon's path", True),
    (
        "install-service",
        "service",
        "install and start the daemon as a systemd user service",
        False,
    ),
    ("uninstall-service", "service", "stop and remove the user service", False),
    ("init", "setup", "write a commented config file, then say what comes next", False),
    ("help", "setup", "help on a command, or on dates: how dates may be written", False),
    ("completion", "setup", "print the shell completion script for bash, zsh or fish", False),
)


def room(name: str) -> Room:
    """The commands of one room of :mod:`followup.cli.commands`, imported now."""
    if name == "interviews":
        from followup.cli.commands import interviews

        return interviews.COMMANDS
    if name == "actions":
        from followup.cli.commands import actions

        return actions.COMMANDS
    if name == "data":
        from followup.cli.commands import data

        return data.COMMANDS
    if name == "mail":
        from followup.cli.commands import mail

        return mail.COMMANDS
    if name == "service":
        from followup.cli.commands import service

        return service.COMMANDS
    from followup.cli.commands import setup

    return setup.COMMANDS


def build_parser(only: str | None = None, env: Environment | None = None) -> Parser:
    """The whole parser, or with ``only`` (the command typed, as :func:`typed_command`
    finds it) the part that parses it: that command alone, with its options. With ``only``
    empty (no command typed: ``--help``, ``--version``) or not a command, every command is
    known by name and help, for the listing and the suggestions, but none has its options.
    With ``env``, what argparse prints itself goes to its streams."""
    parser = _build_parser(only)
    if only and not command_parsers(parser):
        parser = _build_parser("")
    if env is not None:
        attach(parser, env)
    return parser


def _build_parser(only: str | None) -> Parser:
    parser = Parser(
        prog="followup",
        description=("Tells you when to email after an interview, and when to move on."),
        epilog="followup COMMAND --help: a command's options; followup help dates: date forms.",
    )
    global_options(parser, top=True)
    parser.add_argument(
        "--json",
        action="store_true",
        help="before any command: print JSON where the command prints data, and a failure "
        "as one JSON object on standard error",
    )
    parser.add_argument("--version", action="version", version=f"followup {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, where, help, json in COMMANDS:
        if only and name != only:
            continue
        p = sub.add_parser(name, help=help, description=help)
        if only is not None and name != only:
            continue
        options, handler = room(where)[name]
        if handler is not None:
            p.set_defaults(handler=handler)
        global_options(p, top=False)
        json_option(p, "print JSON" if json else "print a failure as one JSON object")
        if options is not None:
            options(p)
    return parser


def handler_of(args: argparse.Namespace) -> Handler:
    """What runs the command parsed; ``followup`` alone shows the overview."""
    found: Any = getattr(args, "handler", None)
    if found is None:
        from followup.cli.commands.setup import cmd_overview

        return cmd_overview
    return cast(Handler, found)


def typed_command(argv: list[str]) -> str:
    """The command in ``argv``: its first word that is neither an option nor the value of
    the one option that comes before the command (``--config PATH``); "" for none."""
    words = iter(argv)
    for word in words:
        if word == "--config":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return ""
