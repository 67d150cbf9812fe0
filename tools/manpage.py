"""Writes ``man/followup.1``, the manual page, from the command's own parser.

It is made with argparse-manpage (a test dependency: the page is generated here and shipped
as a file, so installing followup needs nothing more), dated by the package version's
release rather than the day it was run, so that the file changes only when the commands do.
``tests/cli/test_first_hour.py`` checks that the shipped page is what the parser makes now.

Run: ``.venv/bin/python -m tools.manpage``
"""

from __future__ import annotations

from pathlib import Path

from followup import __version__
from followup.cli.parser import build_parser

PAGE = Path(__file__).resolve().parent.parent / "man" / "followup.1"
#: The date on the page: when this version of the commands was written.
DATE = "2026-11-29"


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
    return str(page)


if __name__ == "__main__":
    PAGE.parent.mkdir(exist_ok=True)
    PAGE.write_text(render_manpage(), encoding="utf-8")
    print(f"Wrote {PAGE}")
