"""What a command is handed: its arguments, the instant it runs at, its environment, and
the config, store and readers it needs, each made on first use (``countries`` opens no
database); and the one way a command prints what it has to say."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, TextIO

from followup.errors import OutputError
from followup.lifecycle.validation import visible

Day = date

if TYPE_CHECKING:
    import tempfile

    from followup.business_days import BusinessCalendar
    from followup.cli.arguments import Parser
    from followup.cli.environment import Environment
    from followup.cli.listing import Listing
    from followup.config import Config
    from followup.dates import DateReader, Direction
    from followup.lifecycle.service import Tracker
    from followup.machine import Machine
    from followup.records import Details
    from followup.values import InterviewView


class App:
    """What a command needs, built on first use: a ``countries`` call opens no database.

    ``now`` is aware (UTC), read once from the clock; ``env`` gives the streams and the
    environment variables; ``parser`` builds the whole parser (for ``help`` and
    ``completion``)."""

    def __init__(
        self,
        args: argparse.Namespace,
        now: datetime,
        env: Environment,
        parser: Callable[[], Parser],
    ) -> None:
        self.args = args
        self.now = now
        self.env = env
        self.parser = parser
        #: Lines saying which year was assumed for a date typed without one.
        self.notes: list[str] = []
        #: Warnings (or notes) to print once the command has succeeded: (text, label).
        self.warnings: list[tuple[str, str]] = []
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    @cached_property
    def config(self) -> Config:
        from followup.config import load

        config = load(self.args.config, self.env.environ)
        # Said once the command has succeeded: a failure is one line (or one JSON object).
        self.warnings += [(warning, "warning") for warning in config.warnings]
        return config

    def warn(self, warning: str) -> None:
        """Say ``warning`` now on standard error, or with ``--json`` once the command has
        succeeded (a failure is one object)."""
        from followup.cli.render.text import labelled

        if self.as_json:
            self.warnings.append((warning, "warning"))
        else:
            self.err(labelled(warning))

    @property
    def as_json(self) -> bool:
        """Whether ``--json`` was given, after the command or before it."""
        return bool(getattr(self.args, "json", False))

    @cached_property
    def machine(self) -> Machine | None:
        """This machine, when it has an id (its daemon made one); reading commands make none."""
        from followup.machine import known

        return known(self.env.environ)

    @cached_property
    def tracker(self) -> Tracker:
        from followup.lifecycle.service import Tracker
        from followup.store import Database

        db = Database(self._store_url(), clock=lambda: self.now)
        return Tracker(self.config, db, self.machine)

    def _store_url(self) -> str:
        """The configured store, or for a reading command when the configured file is not
        there, an empty one in a scratch folder (:mod:`followup.cli.storefile`)."""
        from followup.cli.storefile import choose
        from followup.paths import default_store_url

        url = self.config.store_url
        choice = choose(url, default_store_url(self.env.environ), self.args.command)
        if choice.warning is not None:
            self.warn(choice.warning)
        if choice.url is not None:
            return choice.url
        import tempfile

        self._scratch = tempfile.TemporaryDirectory(prefix="followup-empty-")
        return f"sqlite:///{self._scratch.name}/empty.db"

    def close(self) -> None:
        """Close the store's connections, if a command opened it, and remove any scratch
        store."""
        if "tracker" in self.__dict__:
            self.tracker.db.close()
        if self._scratch is not None:
            self._scratch.cleanup()

    @cached_property
    def listing(self) -> Listing:
        """The read side of ``list``, ``upcoming`` and ``status``: SQLAlchemy is imported
        only when the quick path cannot answer."""
        from followup.cli.listing import Listing

        return Listing(self.config, lambda: self.tracker, self.machine.id if self.machine else None)

    def resolve_id(self) -> None:
        """A company name typed where an interview's id goes becomes that interview's id:
        the one interview whose company starts with it (any case, any accents: "zurich" for
        "Zürich Re"; an exact name wins over longer ones). Raises NotFound when none does,
        and UsageError naming the candidates when several do."""
        text = getattr(self.args, "id", None)
        if not isinstance(text, str):
            return
        from followup.cli.render.interviews import ambiguous_company, no_company
        from followup.errors import NotFound, UsageError

        folded = _fold_name(text)
        views = self.listing.interviews(include_closed=True)
        found = [v for v in views if _fold_name(v.company).startswith(folded)]
        exact = [v for v in found if _fold_name(v.company) == folded]
        if len(exact) == 1 or len(found) == 1:
            self.args.id = (exact or found)[0].id
        elif not found:
            raise NotFound(no_company(text))
        else:
            raise UsageError(ambiguous_company(text, [(v.id, v.company) for v in found]))

    @property
    def today(self) -> date:
        return self.now.astimezone(self.config.calendar.zone).date()

    @cached_property
    def reader(self) -> DateReader:
        from followup.dates import DateReader

        calendar = self.config.calendar
        return DateReader(self.today, calendar.date_order, calendar.place.country)

    def date(
        self, text: str | None, direction: Direction, what: str, said: date | None = None
    ) -> date | None:
        """The date typed for ``what`` ("expected", "interviewed", "emailed", "replied",
        "moved on", "withdrew"; a promise ``said`` on a day); a year assumed is noted for
        the output, and a promised day long past warned of."""
        from followup.cli.render.interviews import long_past_promise, year_assumed
        from followup.dates import long_past

        if text is None:
            return None
        read = self.reader.read(text, direction, said)
        if read.year_assumed:
            self.notes.append(year_assumed(what, read.day))
        if what == "expected" and long_past(read.day, self.today):
            self.warnings.append((long_past_promise(read.day, self.today), "warning"))
        return read.day

    @property
    def colour(self) -> bool:
        """Highlight with colour: on a terminal, or with ``CLICOLOR_FORCE`` set; never with
        ``NO_COLOR`` set to anything (https://no-color.org) or ``TERM=dumb``."""
        environ = self.env.environ
        if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
            return False
        if environ.get("CLICOLOR_FORCE", "0") != "0":
            return True
        return self.env.stdout_isatty

    def details(self, stored: InterviewView | None = None) -> Details:
        """What the options give; a promise in words is counted from the day it was said:
        the interview day given, else ``stored``'s last next round, else its interview
        day, else today; in the interview's place (the one given, else ``stored``'s, else
        the config's)."""
        from followup.dates import Direction
        from followup.records import Details

        a = self.args
        interviewed = self.date(a.interviewed, Direction.BACKWARD, "interviewed")
        said = interviewed
        if said is None and stored is not None and a.expect is not None:
            said = self.tracker.next_round_day(stored.id) or stored.interviewed_on
        country = a.country or (stored.country if stored and not a.subdivision else None)
        subdivision = a.subdivision or (stored.subdivision if stored and not a.country else None)
        expected, words = self.expected(a.expect, said, country, subdivision)
        return Details(
            company=a.company,
            role=a.role,
            contact_name=a.contact,
            contact_email=a.email,
            interviewed_on=interviewed,
            reply_expected_on=expected,
            country=a.country,
            subdivision=a.subdivision,
            notes=a.note,
            reply_expected_words=words,
        )

    def expected(
        self, text: str | None, said: Day | None, country: str | None, subdivision: str | None
    ) -> tuple[Day | None, str | None]:
        """The promised day ``text`` names, said on ``said`` (None: not known, today is
        taken), and the words to keep (None for a date typed as a date). An ISO or
        numeric date is read as one (loading nothing more); words
        by the business-week rules of :mod:`followup.promises` in the place's calendar,
        then as a month name and day, then by ``dateparser``. The reading is noted for
        the output. Raises UsageError when the words name no day."""
        from followup.dates import MONTH_WORD, ORDINAL_DAY, Direction, is_plain

        if text is None:
            return None, None
        if is_plain(text) or ORDINAL_DAY.fullmatch(" ".join(text.split())):
            return self.date(text, Direction.FORWARD, "expected", said), None
        said = said or self.today
        from followup.cli.render.promises import reading, unreadable_promise
        from followup.errors import UsageError
        from followup.promises import read_generic, read_promise

        calendar = self.place_calendar(country, subdivision)
        try:
            promise = read_promise(text, said, calendar)
        except ValueError as exc:
            raise UsageError(f"{unreadable_promise(text)}: {exc}") from None
        if promise is None and MONTH_WORD.search(text):
            try:
                return self.date(text, Direction.FORWARD, "expected"), None
            except UsageError:
                pass
        promise = promise or read_generic(text, said, calendar)
        if promise is None:
            raise UsageError(unreadable_promise(text))
        self.notes.append(reading(text.strip(), promise, calendar.place.describe()))
        return self._promised(promise.day), text.strip()

    def _promised(self, day: Day) -> Day:
        from followup.cli.render.interviews import long_past_promise
        from followup.dates import long_past

        if long_past(day, self.today):
            self.warnings.append((long_past_promise(day, self.today), "warning"))
        return day

    def place_calendar(self, country: str | None, subdivision: str | None) -> BusinessCalendar:
        """The business calendar of an interview in ``country``/``subdivision`` as typed
        (the config's where not given); raises ConfigError for an unknown place."""
        from followup.lifecycle.validation import pin_country
        from followup.records import Details

        home = self.config.calendar.place.country
        placed = pin_country(
            Details(country=country, subdivision=subdivision), home, self.config.cache_dir
        )
        return self.tracker.calendar(placed)

    def emit(self, text: str | Callable[[], str], data: object | Callable[[], object]) -> None:
        """Print JSON with ``--json``, else the text; either may be given as a callable so
        that only the one printed is built."""
        from followup.cli.render.shapes import to_json
        from followup.cli.render.text import Safe

        as_json = self.as_json
        for note in self.notes:
            print(note, file=self.env.stderr if as_json else self.env.stdout)
        if as_json:
            self.say(to_json(data() if callable(data) else data))
        else:
            out = text() if callable(text) else text
            self.say(out if isinstance(out, Safe) else visible(out, keep_newlines=True))
        self.flush_warnings()

    def flush_warnings(self) -> None:
        """Print the warnings (and notes) kept for a command that succeeded, once."""
        from followup.cli.render.text import labelled

        for warning, label in self.warnings:
            self.err(labelled(warning, label))
        self.warnings.clear()

    def read_input(self, source: str) -> bytes:
        """The bytes of a file named on the command line, or of standard input for ``-``,
        at most ``IMPORT_MAX_BYTES`` of them (``/dev/zero`` is refused, not read forever).
        Raises UsageError for a file that is missing or cannot be read."""
        from followup.cli.render.text import cannot_read, no_such_file
        from followup.errors import UsageError
        from followup.lifecycle.validation import IMPORT_MAX_BYTES, too_large

        name = "<stdin>" if source == "-" else source
        try:
            if source == "-":
                data = self.env.stdin.buffer.read(IMPORT_MAX_BYTES + 1)
            else:
                with open(source, "rb") as handle:
                    data = handle.read(IMPORT_MAX_BYTES + 1)
            if len(data) > IMPORT_MAX_BYTES:
                raise too_large(name, IMPORT_MAX_BYTES)
            return data
        except FileNotFoundError:
            raise UsageError(no_such_file(source)) from None
        except OSError as exc:
            raise UsageError(cannot_read(source, exc.strerror or exc)) from None

    def say(self, text: str, end: str = "\n") -> None:
        """Print ``text`` as it is on standard output (render made it); see :func:`put`."""
        put(self.env.stdout, text, end)

    def err(self, text: str) -> None:
        """Print ``text`` as it is on standard error (render made it)."""
        print(text, file=self.env.stderr)


def _fold_name(text: str) -> str:
    """A company's name as typed names are compared with it: spaces as one, without case
    or accents (``"Zürich  Re"`` -> ``"zurich re"``), as people type on a keyboard without
    the letter."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def put(stream: TextIO, text: str, end: str = "\n") -> None:
    """Print ``text`` on ``stream``, standard output; raises OutputError when it refuses
    it (a full disk behind ``> file``), and lets BrokenPipeError (a reader gone) through."""
    try:
        print(text, end=end, file=stream)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise output_error(exc) from None


def output_error(exc: OSError) -> OutputError:
    """The one failure for standard output refusing a write (see :class:`OutputError`)."""
    from followup.cli.render.text import cannot_write_output

    return OutputError(cannot_write_output(exc.strerror or exc))
