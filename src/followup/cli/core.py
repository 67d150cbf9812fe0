"""The ``followup`` program's entry: parse, run the command, and turn every failure into
one line and an exit status, in this one place.

Every failure a user can cause is a :class:`~followup.errors.FollowupError`; :func:`main`
prints it as one ``error:`` line and returns its exit status, or with ``--json`` prints
``{"error": {"code": CODE, "message": TEXT}}`` and returns the code's own status.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from followup.cleaning import MAX_LINE, redact, visible
from followup.cli.environment import Clock, Environment, system_clock
from followup.cli.parser import build_parser, handler_of, typed_command
from followup.errors import Code, FollowupError, OutputError


def main(
    argv: Sequence[str] | None = None,
    env: Environment | None = None,
    clock: Clock = system_clock,
) -> int:
    """Run one command and return its exit status.

    ``argv`` are the words after ``followup`` (default: the process's); ``env`` the
    streams and environment variables (default: the process's, taken now); ``clock`` is
    called once for the instant the command runs at (aware, UTC). ``--help`` and
    ``--version`` raise SystemExit, as argparse does.
    """
    env = Environment() if env is None else env
    app: Any = None
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = wants_json(argv)
    try:
        typed = typed_command(argv)
        args = build_parser(typed, env).parse_args(argv)
        if (args.command or "") != typed:  # never expected; the whole parser is right
            args = build_parser(env=env).parse_args(argv)
        from followup.cli.app import App

        app = App(args, clock(), env, build_parser)
        try:
            app.resolve_id()
            code: int = handler_of(args)(app) or 0
        finally:
            app.close()
        app.flush_warnings()
        from followup.cli.storefile import WRITES

        if args.command in WRITES:
            from followup.daemon.state import poke

            poke(env.environ)
        flush_output(env)
    except OutputError as exc:
        # What could not be written is dropped, so that exit does not try it again.
        _discard_output(env)
        return fail(env, as_json, exc.code, exc.message, exc.exit_code)
    except FollowupError as exc:
        from followup.cli.render.errors import words

        return fail(env, as_json, exc.code, words(exc), exc.exit_code)
    except KeyboardInterrupt:
        from followup.cli.render.text import interrupted

        db = app.__dict__["tracker"].db if app is not None and "tracker" in app.__dict__ else None
        saved = "maybe" if db is not None and db.committing else bool(db and db.commits)
        if as_json:
            return fail(env, as_json, Code.INTERRUPTED, interrupted(saved), 130)
        print(interrupted(saved), file=env.stderr)
        return 130
    except BrokenPipeError:
        # The reader took what it wanted and closed the pipe (``followup list | head -1``):
        # the command did its work, so it succeeds quietly, as under ``set -o pipefail``.
        _discard_output(env)
        return 0
    except Exception as exc:  # a defect: say so in one line, keep the details for a report
        if env.environ.get("FOLLOWUP_DEBUG"):
            import traceback

            traceback.print_exc(file=env.stderr)
        message = f"unexpected {type(exc).__name__}: {exc}"
        if not as_json:
            message += " (set FOLLOWUP_DEBUG=1 for details)"
        return fail(env, as_json, Code.INTERNAL, message, 1)
    return code


def flush_output(env: Environment) -> None:
    """Flush standard output: a reader gone (``| head -1``) shows here as BrokenPipeError,
    not at exit; an output that refuses the rest (a full disk) raises OutputError."""
    try:
        env.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        from followup.cli.app import output_error

        raise output_error(exc) from None


def _discard_output(env: Environment) -> None:
    """Point standard output at ``/dev/null``, so that what is still buffered for a closed
    pipe is dropped when the stream is flushed at exit, not reported there as an
    exception ignored (the recipe of Python's ``signal`` documentation)."""
    import os

    try:
        fd = env.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a file (a test's buffer): nothing to flush to a closed pipe
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def wants_json(argv: Sequence[str]) -> bool:
    """Whether ``--json`` was typed (before a ``--`` that ends the options): a failure is
    then one JSON object, even one argparse finds before the options are read."""
    for word in argv:
        if word == "--":
            return False
        if word == "--json":
            return True
    return False


def fail(env: Environment, as_json: bool, code: Code, message: str, plain_status: int) -> int:
    """Print a failure and return the exit status: with ``as_json`` the one object
    ``{"error": {"code": ..., "message": ...}}`` and the code's own status
    (:data:`followup.errors.EXIT_STATUS`), else the ``error:`` line and ``plain_status``
    (2 for usage, else 1, as before the codes). The message is cut at
    :data:`~followup.cleaning.MAX_LINE` characters, with any URL password redacted and
    control characters made visible."""
    message = visible(redact(message)[:MAX_LINE])
    if as_json:
        from followup.cli.render.errors import error_json

        print(error_json(code.value, message), file=env.stderr)
        return code.exit_status
    print(f"error: {message}", file=env.stderr)
    return plain_status


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
    code = main(None, Environment(), system_clock)
    gc.freeze()
    raise SystemExit(code)
