"""The interviews in and out: export, import, stats."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from followup.cli.app import App
    from followup.cli.parser import Room


def add_export(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["ics", "json", "csv"], help="default: FILE's suffix")
    p.add_argument("-o", "--output", metavar="FILE", help="default: standard output")


def cmd_export(app: App) -> None:
    """Write every interview as a calendar, a backup or a sheet: to ``-o FILE`` (left
    alone when it would not change) or as bytes to standard output."""
    from pathlib import Path

    from followup.cli.render.transfer import exported_text
    from followup.lifecycle.validation import visible
    from followup.transfer import exporter
    from followup.transfer.files import write_atomic

    path = Path(app.args.output).expanduser() if app.args.output else None
    export = exporter.export(app.tracker, exporter.format_for(path, app.args.format), app.now)
    if path is None:
        from followup.cli.app import output_error

        out = app.env.stdout
        try:
            out.flush()
            out.buffer.write(export.data)
            out.buffer.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise output_error(exc) from None
        return
    written = write_atomic(path, export.data)
    app.say(visible(exported_text(export, str(path), written)))


def add_import(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the file to read ('-': standard input)")
    p.add_argument(
        "--format", choices=["json", "csv"], help="default: FILE's suffix, else its content"
    )
    p.add_argument("--dry-run", action="store_true", help="say what would change, only")


def cmd_import(app: App) -> None:
    """Add (or change) interviews from a backup or a sheet; a dry run on a store not yet
    made is matched against an empty one, so that it makes none."""
    from followup.cli.render.transfer import import_json, import_text, long_past_rows
    from followup.transfer import importer

    source = app.args.file
    data = app.read_input(source)
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
        app.warnings.append((long_past_rows(report.sheet.long_past), "warning"))
    app.emit(lambda: import_text(report), lambda: import_json(report))


def add_restore(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "backup",
        metavar="BACKUP",
        help="a copy of the store (followup.db.*.bak) or a JSON backup (followup export)",
    )


def cmd_restore(app: App) -> None:
    """Replace the store with a backup, the current store saved beside it first; a JSON
    backup is built into a new store file first, then copied in the same way."""
    import tempfile
    from pathlib import Path

    from followup.cli.render.text import cannot_read, no_such_file
    from followup.cli.render.transfer import (
        restore_needs_backup,
        restore_needs_file,
        restored_text,
    )
    from followup.errors import UsageError
    from followup.store.database import sqlite_file
    from followup.store.restore import is_sqlite, restore

    backup = Path(app.args.backup).expanduser()
    if sqlite_file(app.config.store_url) is None:
        raise UsageError(restore_needs_file())
    from followup.cli.storefile import choose
    from followup.paths import default_store_url

    choose(app.config.store_url, default_store_url(app.env.environ), "restore")
    try:
        copy = is_sqlite(backup)
    except FileNotFoundError:
        raise UsageError(no_such_file(str(backup))) from None
    except OSError as exc:
        raise UsageError(cannot_read(str(backup), exc.strerror or exc)) from None
    if copy:
        done = restore(app.tracker.db, backup, app.now)
    else:
        from followup.lifecycle.service import Tracker
        from followup.store import Database
        from followup.transfer import importer

        data = app.read_input(str(backup))
        sheet = backup.suffix.lower() in (".csv", ".tsv")
        if sheet or not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
            raise UsageError(restore_needs_backup(app.args.backup))
        with tempfile.TemporaryDirectory(prefix="followup-restore-") as scratch:
            built = Path(scratch) / "restored.db"
            db = Database(f"sqlite:///{built}", clock=lambda: app.now)
            try:
                importer.run(
                    Tracker(app.config, db), data, str(backup), "json", app.now, dry_run=False
                )
            finally:
                db.close()
            done = restore(app.tracker.db, built, app.now)._replace(backup=backup)
    app.say(restored_text(done))


def _store_missing(url: str) -> bool:
    from followup.store.database import sqlite_file

    path = sqlite_file(url)
    return path is not None and not path.exists()


def cmd_stats(app: App) -> None:
    """How companies replied, over every interview and by company."""
    from followup import stats
    from followup.cli.render.stats import stats_json, stats_text

    figures = stats.compute(app.tracker.records(), app.tracker.calendar, app.config.calendar.zone)
    app.emit(lambda: stats_text(figures), lambda: stats_json(figures))


COMMANDS: Room = {
    "export": (add_export, cmd_export),
    "import": (add_import, cmd_import),
    "stats": (None, cmd_stats),
    "restore": (add_restore, cmd_restore),
}
