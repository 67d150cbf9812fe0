"""Writes ``man/followup.1``, the manual page, from the command's own parser.

It is made with argparse-manpage (a test dependency: the page is generated here and shipped
as a file, so installing followup needs nothing more), dated by the package version's
release rather than the day it was run, so that the file changes only when the commands do.
``tests/cli/test_first_hour.py`` checks that the shipped page is what the parser makes now.

Run: ``.venv/bin/python -m tools.manpage``
"""

from __future__ import annotations

from pathlib import Path

from followup import __version__, paths
from followup.cli.parser import build_parser
from followup.errors import EXIT_STATUS, Code

PAGE = Path(__file__).resolve().parent.parent / "man" / "followup.1"
#: The date on the page: when this version of the commands was written.
DATE = "2026-11-29"
#: What each failure code means, for the EXIT STATUS section (its status comes from
#: ``followup.errors.EXIT_STATUS``, the one table; every code must be here).
MEANINGS = {
    Code.INTERNAL: "a defect: an exception no one foresaw",
    Code.USAGE: "the command line, or a value given on it or in a file read, is wrong",
    Code.NOT_FOUND: "no interview (or mail finding) has the id given",
    Code.INVALID_CHANGE: "the change contradicts the interview's state",
    Code.CONFIG: "the config file cannot be read or holds a bad value",
    Code.STORE: "the store cannot be opened, created, upgraded, read or written",
    Code.STORE_LOCKED: "another program held the store's write lock for the whole wait",
    Code.DELIVERY: "a notification could not be shown",
    Code.MAIL: "the mailbox could not be read",
    Code.SYSTEM: "a file of followup's own (state, machine id) cannot be used",
    Code.INTERRUPTED: "interrupted (Ctrl-C); the message says whether the change was saved",
}
#: The environment the FILES section is written for: every XDG folder at its default.
_HOME = {"HOME": "~"}


def exit_status() -> str:
    """The EXIT STATUS section (roff): the plain statuses, then each ``--json`` code's."""
    lines = [
        "0 on success. Without \\fB--json\\fR, a usage mistake exits 2, Ctrl-C 130 and",
        "every other failure 1. With \\fB--json\\fR, each kind of failure has its own",
        "status, and the error object names its code:",
    ]
    for code, status in sorted(EXIT_STATUS.items(), key=lambda item: item[1]):
        lines += [".TP", f".B {status}", f"{code.value}: {MEANINGS[code]}"]
    return "\n".join(lines)


def files() -> str:
    """The FILES section (roff): where followup reads and writes, at the XDG defaults."""
    entries = [
        (
            paths.config_path(None, _HOME),
            "the config file (or \\fB--config\\fR, or $FOLLOWUP_CONFIG)",
        ),
        (
            paths.templates_dir(_HOME),
            "your email templates, each replacing the built-in one of its name",
        ),
        (
            paths.data_dir(_HOME) / paths.STORE_FILE,
            "the store, unless store.url names another; its backups lie beside it",
        ),
        (paths.drafts_dir(_HOME), "the drafts saved by \\fBdraft --save\\fR"),
        (
            paths.state_dir(_HOME),
            "the daemon's lock, state file (daemon.json) and log (daemon.log, outside "
            "systemd), and this machine's id (machine.json)",
        ),
        (
            paths.cache_dir(_HOME),
            "the business days worked out from the holidays, kept to start quickly",
        ),
        (paths.unit_path(_HOME), "the systemd user service (\\fBinstall-service\\fR)"),
        (
            paths.autostart_path(_HOME),
            "the XDG autostart entry (\\fBinstall-service --autostart\\fR)",
        ),
    ]
    lines = ["$XDG_CONFIG_HOME, $XDG_DATA_HOME, $XDG_STATE_HOME and $XDG_CACHE_HOME move them."]
    for path, what in entries:
        lines += [".TP", f".I {path}", what]
    return "\n".join(lines)


def render_manpage() -> str:
    """The page as roff text."""
    from argparse_manpage.manpage import Manpage

    page = Manpage(
        build_parser(),
        _data={
            "date": DATE,
            "project_name": "followup",
            "version": __version__,
            "description": "Tells you when to email after an interview, and when to move on.",
            "manual_title": "followup manual",
            "url": "",
        },
    )
    page.add_section("EXIT STATUS", ">", exit_status())
    page.add_section("FILES", ">", files())
    return str(page)


if __name__ == "__main__":
    PAGE.parent.mkdir(exist_ok=True)
    PAGE.write_text(render_manpage(), encoding="utf-8")
    print(f"Wrote {PAGE}")
