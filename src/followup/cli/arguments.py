"""What every command's options are made of: the argparse parser with followup's usage
errors and suggestions, the option types (an interview id, a status, a whole number), and
the options several commands share.

Each command's own options are built beside its handler, in :mod:`followup.cli.commands`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from followup.errors import UsageError
from followup.lifecycle.validation import MAX_ID, shown

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from followup.cli.environment import Environment
    from followup.rules import Status


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``error:`` line and exit status 2, and a
    mistyped command, choice or option says what was probably meant (argparse itself
    suggests only from Python 3.14 on). What argparse prints itself (``--help``,
    ``--version``) goes to :attr:`env`'s streams once one is set (:func:`attach`)."""

    #: The command's streams; None: the process's own.
    env: Environment | None = None

    def error(self, message: str) -> NoReturn:
        option = re.fullmatch(r"argument (--[\w-]+)(?:/-\w)?: expected one argument", message)
        if option:
            message += f" (one that starts with '-' is written {option[1]}=-VALUE)"
        raise UsageError(message)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if self.env is not None:
            file = self.env.stdout if file is sys.stdout else self.env.stderr
        super()._print_message(message, file)

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
            command = next((a for a in argv if a in command_parsers(self)), None)
            known = self._option_names(command)
            options = argv[: argv.index("--")] if "--" in argv else argv
            typo = [a for a in options if a.startswith("--") and a.split("=", 1)[0] not in known]
            if typo:
                word = typo[0].split("=", 1)[0]
                hint = did_you_mean(word, [k for k in known if k != word])
                self.error(f"unrecognized arguments: {' '.join(typo)}{hint}")
            raise
        if extras:
            from followup.config import did_you_mean

            known = self._option_names(getattr(parsed, "command", None))
            first = next((e for e in extras if e.startswith("-")), extras[0])
            word = first.split("=", 1)[0]
            others = [k for k in known if k != word]
            hint = did_you_mean(word, others) if first.startswith("-") else ""
            self.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
        return parsed

    def _option_names(self, command: str | None) -> list[str]:
        """The options of this parser and of ``command``'s, for suggestions."""
        names = list(self._option_string_actions)
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and command in action.choices:
                names += list(action.choices[command]._option_string_actions)
        return [n for n in names if n.startswith("--")]


def command_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each command's own parser, by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def attach(parser: argparse.ArgumentParser, env: Environment) -> None:
    """Have ``parser`` and every command's parser under it print to ``env``'s streams."""
    if isinstance(parser, Parser):
        parser.env = env
    for sub in command_parsers(parser).values():
        attach(sub, env)


#: How a DATE may be written, for option help (``followup help dates`` has them all).
DATE_EXAMPLE = "e.g. 2026-11-24, 'fri', 'Nov 24', 'end of next week'; see: followup help dates"


def global_options(p: argparse.ArgumentParser, *, top: bool) -> None:
    """``--config``: before the command (``top``) or after it; given after, it is left out
    of the namespace unless typed, so that it never hides one given before."""
    p.add_argument(
        "--config",
        metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help="config file to use (default: $FOLLOWUP_CONFIG, else ~/.config/followup/config.toml)",
    )


def json_option(p: argparse.ArgumentParser, help: str) -> None:
    """``--json`` after a command's name (or a subcommand's): left out of the namespace
    unless typed, so that one given before the command, or before its subcommand, is not
    undone by the later parser's default."""
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=help)


def with_id(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the interview's id, the first argument of every command about one interview."""
    p.add_argument(
        "id",
        type=interview_id,
        help="the interview's id, or the start of its company's name (see: followup list)",
    )
    return p


def interview_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    """What ``add`` records and ``edit`` changes; ``add`` requires the company and
    ``--expect``."""
    if adding:
        p.add_argument("company", help="the company you interviewed with")
        p.add_argument(
            "--expect",
            metavar="DATE",
            help=f"the day they said they would get back to you ({DATE_EXAMPLE}); without "
            "it, --interviewed is required and the reply is expected "
            "rules.default_wait_business_days business days after the interview",
        )
    else:
        p.add_argument("--company", help="the company's name")
        p.add_argument(
            "--expect", metavar="DATE", help=f"the day they said they would reply ({DATE_EXAMPLE})"
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


def status(text: str) -> Status:
    """A status as people write it ("moved on", "moved_on"); argparse names the bad one."""
    from followup.config import did_you_mean
    from followup.rules import Status

    status = Status.from_words(text)
    if status is None:
        labels = [s.label for s in Status]
        listed = did_you_mean(text, labels) or f" (choose from {', '.join(labels)})"
        raise argparse.ArgumentTypeError(f"unknown status {text!r}{listed}")
    return status


def interview_id(text: str) -> int | str:
    """An interview's id (digits, from 1 to the largest the store holds), or the start of
    its company's name, which :meth:`followup.cli.app.App.resolve_id` looks up; a name
    that starts with ``-`` is typed after ``--`` (``followup show -- -Weird``). A number
    out of range (``0``, ``-1``) is neither, and is refused in the same words."""
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ID:
        return int(text)
    if not text.strip() or re.fullmatch(r"[+-]?[0-9]+", text.strip()):
        raise argparse.ArgumentTypeError(f"not an interview id or company name: {shown(text)}")
    return text


def finding_id(text: str) -> int:
    """A mail finding's id: digits, from 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a finding id: {text!r}")
    return int(text)


def whole_number(text: str) -> int:
    """A whole number, negative or not."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
