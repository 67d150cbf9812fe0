"""Specification of what the daemon does with an exception no one expected: the part it
came in is logged with the traceback and named in the state file, the other parts go on,
and a failure of the loop itself ends the daemon (non-zero, so the unit restarts it) but
leaves the failure for ``followup status`` and the next daemon.

In-process: a :class:`Daemon` on the test's own SQLite store, with a recording notifier;
each part's step is replaced by one that records its call, or by one that raises.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from followup.config import load
from followup.daemon.failures import log_to_file, thread_failed
from followup.daemon.loop import Daemon
from followup.daemon.mail import Outcome
from followup.daemon.state import new_state, read_state
from followup.notify.base import BusSignal, Note
from followup.paths import state_dir
from followup.rules import Kind
from tests.support.inprocess import discard, mail_watch_of
from tests.support.specs import Cli, ok

#: Monday 30 November 2026, 15:00 UTC (10:00 in New York, inside the window).
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


class Recording:
    """A notifier that keeps what it was asked to show."""

    def __init__(self) -> None:
        self.shown: list[Note] = []

    def show(self, note: Note) -> int | None:
        self.shown.append(note)
        return len(self.shown)

    def capabilities(self) -> frozenset[str]:
        return frozenset({"actions", "body"})

    def close_notification(self, notification_id: int) -> None:
        pass


@pytest.fixture
def daemon() -> Iterator[Daemon]:
    """A daemon made as ``followup daemon`` makes it, not started: its loop is not run."""
    made = Daemon(load(), env=dict(os.environ), notifier=Recording(), clock=lambda: NOW)
    yield made
    discard(made)


class MailStandIn:
    """The mail watch's two hooks of a wake, recorded."""

    def __init__(self, step: Callable[[str], None]) -> None:
        self.step = step

    def store_changed(self) -> None:
        self.step("mail watch: store changed")

    def work(self, now: datetime) -> None:
        self.step("mail watch: work")


#: Every step of one wake's work: (the part the log and the state name, the step).
STEPS = [
    ("delivery", "delivery: confirm"),
    ("store watch", "store watch: changed"),
    ("jobs", "jobs: sync"),
    ("mail watch", "mail watch: store changed"),
    ("buttons", "buttons: signals"),
    ("mail watch", "mail watch: work"),
    ("jobs", "jobs: fired"),
    ("delivery", "delivery: deliver"),
]


def rig(daemon: Daemon, broken: str) -> list[str]:
    """Make every step of a wake due, each recording its call; the ``broken`` one raises.
    Returns the list the calls are recorded in."""
    calls: list[str] = []

    def step(name: str) -> Any:
        calls.append(name)
        if name == broken:
            raise RuntimeError(f"boom in {name}")
        return True

    key = (1, Kind.EMAIL, NOW)
    daemon.delivery.unconfirmed[key] = NOW
    daemon.buttons.signals.put(BusSignal(1, "default"))
    daemon.jobs.fired.put(NOW)
    daemon.held[key] = None  # type: ignore[assignment]
    daemon.flags.changed = True
    daemon.mail = MailStandIn(step)  # type: ignore[assignment]
    patch: dict[tuple[object, str], Callable[..., Any]] = {
        (daemon.delivery, "confirm_pending"): lambda: step("delivery: confirm"),
        (daemon._watch, "changed"): lambda: step("store watch: changed"),
        (daemon, "_sync"): lambda everything: step("jobs: sync"),
        (daemon.buttons, "handle_signals"): lambda now, mail: step("buttons: signals"),
        (daemon.jobs, "collect_fired"): lambda now: step("jobs: fired"),
        (daemon.delivery, "deliver_ready"): lambda now: step("delivery: deliver"),
    }
    for (owner, name), replacement in patch.items():
        setattr(owner, name, replacement)
    return calls


@pytest.mark.parametrize(("part", "broken"), STEPS, ids=[b for _p, b in STEPS])
def test_a_part_that_fails_is_logged_with_its_traceback_and_the_other_parts_go_on(
    daemon: Daemon, caplog: pytest.LogCaptureFixture, part: str, broken: str
) -> None:
    calls = rig(daemon, broken)
    with caplog.at_level(logging.ERROR, logger="followup.daemon"):
        daemon._work(NOW)
    assert calls == [name for _part, name in STEPS]
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.getMessage() == f"unexpected failure in the {part}; the other parts go on"
    assert record.exc_info is not None and str(record.exc_info[1]) == f"boom in {broken}"
    assert "Traceback (most recent call last)" in caplog.text


@pytest.mark.parametrize(("part", "broken"), STEPS, ids=[b for _p, b in STEPS])
def test_a_part_that_fails_is_named_in_the_state_file(
    daemon: Daemon, part: str, broken: str
) -> None:
    daemon.lock.acquire()
    try:
        rig(daemon, broken)
        daemon._work(NOW)
        state = read_state(state_dir(os.environ))
    finally:
        daemon.lock.release()
    assert state is not None
    assert (state["failure_part"], state["failure"], state["failure_at"]) == (
        part,
        f"RuntimeError: boom in {broken}",
        "2026-11-30T15:00:00+00:00",
    )


def test_the_same_failure_again_is_one_line_without_the_traceback(
    daemon: Daemon, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="followup.daemon"):
        for _wake in range(3):
            rig(daemon, "buttons: signals")
            daemon._work(NOW)
    first, second, third = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert first.exc_info is not None
    assert (second.exc_info, third.getMessage()) == (
        None,
        "unexpected failure in the buttons again (3 times in a row): "
        "RuntimeError: boom in buttons: signals",
    )


@pytest.fixture
def signals_kept() -> Iterator[None]:
    """The handlers :meth:`Daemon.run` installs are this process's: put pytest's back."""
    kept = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    kept_usr1 = signal.getsignal(signal.SIGUSR1)
    yield
    signal.set_wakeup_fd(-1)
    for signum, handler in kept.items():
        signal.signal(signum, handler)
    signal.signal(signal.SIGUSR1, kept_usr1)


def test_a_failing_loop_ends_the_run_and_leaves_its_failure_for_the_next_daemon(
    daemon: Daemon, caplog: pytest.LogCaptureFixture, signals_kept: None
) -> None:
    def loop() -> None:
        raise ValueError("the loop broke")

    daemon._loop = loop  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="followup.daemon"), pytest.raises(ValueError):
        daemon.run()
    assert "Traceback (most recent call last)" in caplog.text
    left = read_state(state_dir(os.environ))
    assert left is not None
    assert (left["failure_part"], left["failure"]) == ("loop", "ValueError: the loop broke")
    after = Daemon(load(), env=dict(os.environ), notifier=Recording(), clock=lambda: NOW)
    try:
        assert (after.state["failure_part"], after.state["failure"]) == (
            "loop",
            "ValueError: the loop broke",
        )
    finally:
        discard(after)


@pytest.mark.parametrize(
    ("env", "place"),
    [
        ({"INVOCATION_ID": "0123abcd"}, "journalctl --user -u followup"),
        ({}, "{state}/daemon.log"),
    ],
    ids=["the user unit: the journal", "autostart or by hand: the log file"],
)
def test_the_state_says_where_the_log_is(env: dict[str, str], place: str) -> None:
    environ = {k: v for k, v in os.environ.items() if k != "INVOCATION_ID"} | env
    made = Daemon(load(), env=environ, notifier=Recording(), clock=lambda: NOW)
    try:
        assert made.state["log"] == place.format(state=state_dir(os.environ))
    finally:
        discard(made)


def test_a_new_state_names_no_failure() -> None:
    state = new_state(1, "2026-11-30T15:00:00+00:00")
    assert (state["failure"], state["failure_part"], state["failure_at"]) == (None, None, None)


def test_an_unexpected_failure_of_a_mail_thread_is_logged_with_its_traceback(
    config_file: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "Maildir").mkdir()
    config_file.write_text(f'[mail]\nmaildir = "{tmp_path / "Maildir"}"\n')
    made = Daemon(load(), env=dict(os.environ), notifier=Recording(), clock=lambda: NOW)
    published: list[str | None] = []
    try:
        watch = mail_watch_of(made, publish=lambda: published.append(made.state["failure"]))
        trace = "Traceback (most recent call last):\n  ...\nKeyError: 'x'\n"
        with caplog.at_level(logging.ERROR, logger="followup.daemon"):
            for _look in range(2):
                watch._results.put(Outcome("failed", why="KeyError: 'x'", trace=trace))
                watch._take_outcomes(NOW)
    finally:
        discard(made)
    assert caplog.text.count("Traceback (most recent call last)") == 1
    assert "unexpected failure in the mail watch" in caplog.text
    assert (made.state["failure_part"], made.state["failure"]) == ("mail watch", "KeyError: 'x'")
    assert "KeyError: 'x'" in published


def test_an_exception_that_ends_a_thread_is_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(threading, "excepthook", thread_failed)

    def broken() -> None:
        raise LookupError("nothing here")

    thread = threading.Thread(target=broken, name="bus-reader")
    with caplog.at_level(logging.ERROR, logger="followup.daemon"):
        thread.start()
        thread.join()
    [record] = caplog.records
    assert record.getMessage() == "unexpected failure in bus-reader; the other parts go on"
    assert record.exc_info is not None and isinstance(record.exc_info[1], LookupError)


@pytest.fixture
def root_handlers() -> Iterator[None]:
    """The root logger's handlers as they were: :func:`log_to_file` adds one."""
    root = logging.getLogger()
    kept = list(root.handlers)
    yield
    for handler in root.handlers:
        if handler not in kept:
            root.removeHandler(handler)
            handler.close()


@pytest.mark.parametrize(
    ("invocation", "written"),
    [(None, True), ("0123abcd", False)],
    ids=["outside systemd: to the log file too", "in the unit: to the journal only"],
)
def test_outside_systemd_the_log_is_written_to_the_state_folder(
    root_handlers: None, invocation: str | None, written: bool
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "INVOCATION_ID"}
    if invocation is not None:
        env["INVOCATION_ID"] = invocation
    log_to_file(env)
    logging.getLogger("followup.daemon").error("a line to find")
    path = state_dir(os.environ) / "daemon.log"
    assert path.exists() == written
    if written:
        assert "ERROR followup.daemon: a line to find" in path.read_text(encoding="utf-8")


def test_followup_daemon_whose_loop_fails_exits_1_with_the_traceback_logged(
    cli: Cli,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    signals_kept: None,
    root_handlers: None,
) -> None:
    def loop(self: Daemon) -> None:
        raise ValueError("the loop broke")

    monkeypatch.setattr(Daemon, "_loop", loop)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    with caplog.at_level(logging.INFO, logger="followup.daemon"):
        result = cli("daemon")
    assert (result.code, result.out, result.err) == (1, "", "")
    [died] = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert died.getMessage() == "the daemon's loop failed; exiting (the service restarts it)"
    assert died.exc_info is not None and str(died.exc_info[1]) == "the loop broke"
    logged = (state_dir(os.environ) / "daemon.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "ValueError: the loop broke" in ok(cli("status"))


def test_followup_daemon_with_a_calendar_it_cannot_make_exits_with_one_line_logged(
    cli: Cli,
    config_file: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    signals_kept: None,
    root_handlers: None,
) -> None:
    assert cli("add", "Acme", "--expect", "2026-12-10").code == 0
    config_file.write_text('[calendar]\ncountry = "DE"\ncategories = ["public", "catolic"]\n')
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    with caplog.at_level(logging.INFO, logger="followup.daemon"):
        result = cli("daemon")
    assert result.code != 0
    [died] = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert died.getMessage().startswith("cannot go on: ")
    assert "calendar.categories: 'catolic' is no holiday category" in died.getMessage()
    assert died.exc_info is None
    logged = (state_dir(os.environ) / "daemon.log").read_text(encoding="utf-8")
    assert "Traceback" not in logged


def test_a_thread_s_failure_is_named_in_the_state_file_by_the_loop(
    daemon: Daemon, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(threading, "excepthook", daemon.failures.thread_failed)

    def broken() -> None:
        raise LookupError("nothing here")

    daemon.lock.acquire()
    try:
        thread = threading.Thread(target=broken, name="bus-reader")
        with caplog.at_level(logging.ERROR, logger="followup.daemon"):
            thread.start()
            thread.join()
        before = read_state(state_dir(os.environ))
        daemon.failures.publish_pending()
        after = read_state(state_dir(os.environ))
    finally:
        daemon.lock.release()
    assert "Traceback (most recent call last)" in caplog.text
    assert before is None  # the thread wrote nothing itself
    assert after is not None
    assert (after["failure_part"], after["failure"]) == ("bus-reader", "LookupError: nothing here")
    assert daemon._waker._read.recv(16)  # the loop was woken to write it
