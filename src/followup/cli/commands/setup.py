"""Setting followup up: init, config, countries, help, completion, and ``followup`` alone."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from followup.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from followup.cli.app import App
    from followup.cli.parser import Room


def cmd_overview(app: App) -> None:
    """``followup`` alone: what it does, where to start, where the config is."""
    from followup.cli.render.setup import overview
    from followup.paths import config_path

    path = config_path(app.args.config, app.env.environ)
    app.say(overview(path, path.exists()))


def add_init(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--country", metavar="CC", help="your country, for its public holidays, e.g. 'us', 'de'"
    )
    p.add_argument("--subdivision", metavar="SD", help="your state or region, e.g. 'ca'")
    p.add_argument("--timezone", metavar="ZONE", help="e.g. 'Europe/Berlin'")
    p.add_argument("--name", metavar="NAME", help="your name, to sign drafted emails")
    p.add_argument(
        "--signature", metavar="TEXT", help="lines under your name ('\\n' between lines)"
    )


def cmd_init(app: App) -> None:
    """Write the commented config file with the values given, checked first; refuses to
    overwrite one."""
    from followup.cli import config_docs
    from followup.cli.render.setup import config_exists, next_steps, wrote_config
    from followup.daemon.install import user_manager_available
    from followup.paths import config_path
    from followup.places import canonical_place

    path = config_path(app.args.config, app.env.environ)
    if path.exists():
        raise UsageError(config_exists(path))
    country, subdivision = canonical_place(app.args.country, app.args.subdivision)
    text = config_docs.example(
        country=country,
        subdivision=subdivision,
        timezone=app.args.timezone,
        name=app.args.name,
        signature=app.args.signature,
    )
    try:
        config_docs.check_example(text, path, app.env.environ)
    except ConfigError as exc:
        raise UsageError(exc.message.removeprefix(f"{path}: ")) from None
    from followup.ownfiles import write_file

    try:
        write_file(path, text.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    app.say(wrote_config(path))
    app.say(next_steps(country, app.args.name, service=user_manager_available()))


def cmd_config(app: App) -> None:
    """The config file's path and every setting in effect; the calendar is made first, so
    that a country or subdivision the holidays package does not know is an error here. A
    channel's table that is not complete is a warning while ``notify.channels`` does not
    name it (an error once it does)."""
    from followup.business_days import calendar_for
    from followup.cli import config_docs

    config = app.config
    calendar_for(config.calendar.place)
    from followup.channels import registry
    from followup.cli.render.setup import channel_incomplete

    for name, settings in config.channels.items():
        missing = registry.load(name).missing(settings)
        if name not in config.notify.channels and missing is not None:
            app.warnings.append((channel_incomplete(name, missing), "warning"))
    for line in _categories_left_out(app):
        app.warnings.append((line, "warning"))
    app.emit(config_docs.effective(config), config_docs.effective_json(config))


def _categories_left_out(app: App) -> list[str]:
    """One line per country, among the config's and the open interviews' (read through
    the quick path), that lacks a configured holiday category; nothing is read when only
    ``public`` is configured, and a store that cannot be read leaves its interviews out
    (``list`` reports that)."""
    from followup.business_days import categories_left_out
    from followup.cli.render.interviews import ignored_categories_text
    from followup.errors import StoreError

    config = app.config
    places = [config.calendar.place]
    if places[0].categories != ("public",):
        try:
            views = app.listing.interviews()
        except StoreError:
            views = []
        places += [config.place_for(v.country, v.subdivision) for v in views]
    return [ignored_categories_text(c, None, lacked) for c, lacked in categories_left_out(places)]


def add_countries(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "text",
        nargs="?",
        metavar="TEXT",
        help="a country's code gives that country with every subdivision; other TEXT, those whose "
        "code or name contains it, e.g. 'germany' or 'california'",
    )


def cmd_countries(app: App) -> None:
    """The countries whose holidays are known, with their subdivisions; ``TEXT`` filters."""
    from followup import places
    from followup.cli.render.setup import countries_json, countries_text, no_country_match

    found = places.entries(app.args.text)
    if not found:
        raise UsageError(no_country_match(app.args.text, places.suggest_country(app.args.text)))
    app.emit(
        lambda: countries_text(found, subdivisions=app.args.text is not None),
        lambda: countries_json(found),
    )


def add_help(p: argparse.ArgumentParser) -> None:
    p.add_argument("topic", nargs="?", metavar="TOPIC", help="dates, or a command")


def cmd_help(app: App) -> None:
    """The whole help, how dates may be written, or one command's help."""
    from followup.cli.arguments import command_parsers
    from followup.cli.render.setup import DATE_FORMS, no_help_on
    from followup.config import did_you_mean

    topic = app.args.topic
    if topic is None:
        app.say(app.parser().format_help(), end="")
    elif topic == "dates":
        app.say(DATE_FORMS)
    else:
        commands = command_parsers(app.parser())
        if topic not in commands:
            raise UsageError(no_help_on(topic, did_you_mean(topic, ["dates", *commands])))
        app.say(commands[topic].format_help(), end="")


def add_completion(p: argparse.ArgumentParser) -> None:
    p.add_argument("shell", choices=["bash", "zsh", "fish"])


#: The metavars of arguments that name a file: the shell completes file names for them.
FILE_METAVARS = frozenset({"FILE", "PATH", "BACKUP"})


#: The shell functions that complete an interview's id or company name from the
#: candidates ``followup list --all --ids`` prints ("ID<TAB>company", "company<TAB>interview
#: ID"): bash offers the values starting with the word as typed (its backslashes or opening
#: quote read as bash reads them), each quoted as bash would (``Acme\ Labs``; as it is
#: after an opening quote, which readline closes), since bash inserts a value as given;
#: zsh and fish quote a value themselves and show each with its description. The listing
#: takes the quick read path (sqlite3 only), so a TAB costs about one ``list``.
ID_COMPLETION = {
    "bash": "_followup_interview_ids",
    "zsh": "_followup_interview_ids",
    "fish": "(followup list --all --ids 2>/dev/null)",
    "preamble": {
        "bash": (
            "_followup_interview_ids() {\n"
            "  local word=$1 quote= plain= name i\n"
            "  case $word in\n"
            "    \\\"*|\\'*) quote=${word:0:1}; word=${word:1} ;;\n"
            "    *)\n"
            "      for ((i = 0; i < ${#word}; i++)); do\n"
            "        [[ ${word:i:1} == \\\\ ]] && ((i++))\n"
            "        plain+=${word:i:1}\n"
            "      done\n"
            "      word=$plain ;;\n"
            "  esac\n"
            "  while IFS= read -r name; do\n"
            '    [[ $name == "$word"* ]] || continue\n'
            "    if [[ -n $quote ]]; then printf '%s\\n' \"$name\"\n"
            "    else printf '%q\\n' \"$name\"; fi\n"
            "  done < <(followup list --all --ids 2>/dev/null | cut -f1)\n"
            "}\n"
        ),
        "zsh": (
            "_followup_interview_ids() {\n"
            "  local -a found\n"
            "  local line\n"
            '  for line in ${(f)"$(followup list --all --ids 2>/dev/null)"}; do\n'
            "    found+=(\"${${line%%$'\\t'*}//:/\\:}:${line#*$'\\t'}\")\n"
            "  done\n"
            "  _describe -t interviews interview found\n"
            "}\n"
        ),
    },
}


def cmd_completion(app: App) -> None:
    """The completion script for a shell, made from the whole parser; arguments that name
    a file (:data:`FILE_METAVARS`) complete file names, and an interview's id completes
    the ids and company names in the store (:data:`ID_COMPLETION`)."""
    import shtab

    parser = app.parser()
    _complete_arguments(parser, shtab.FILE)
    app.say(shtab.complete(parser, shell=app.args.shell), end="")


def _complete_arguments(parser: argparse.ArgumentParser, files: object) -> None:
    from followup.cli.arguments import command_parsers, interview_id

    for action in parser._actions:
        if action.metavar in FILE_METAVARS:
            action.complete = files  # type: ignore[attr-defined]
        elif action.type is interview_id and not action.option_strings:
            action.complete = ID_COMPLETION  # type: ignore[attr-defined]
    for sub in command_parsers(parser).values():
        _complete_arguments(sub, files)


COMMANDS: Room = {
    "countries": (add_countries, cmd_countries),
    "config": (None, cmd_config),
    "init": (add_init, cmd_init),
    "help": (add_help, cmd_help),
    "completion": (add_completion, cmd_completion),
}
