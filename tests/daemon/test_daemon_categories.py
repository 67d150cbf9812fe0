"""Specification: the daemon names a holiday category a country lacks once per country, in
one warning line, at start and after each reload, and plans on all the same (in this
process: ``tests/support/inprocess.py``). A Munich user keeps ``categories = ["public",
"catholic"]``; Austria has no ``catholic`` category. Dates in 2030, zone UTC."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.inprocess import Clock, InProcessDaemon, RecordingNotifier
from tests.support.specs import Cli, ok

pytestmark = pytest.mark.own_store

MON_7_JAN = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
MUNICH = """\
[calendar]
country = "DE"
subdivision = "BY"
timezone = "UTC"
categories = [{categories}]

[notify]
backend = "plyer"
"""
LINE = "catholic: no such holiday category in AT; left out"


@pytest.fixture
def clock() -> Clock:
    return Clock(MON_7_JAN)


@pytest.fixture
def daemon(cli: Cli, config_file: Path, clock: Clock) -> Iterator[InProcessDaemon]:
    """Two Austrian interviews and a German one, on a config with ``catholic``."""
    config_file.write_text(MUNICH.format(categories='"public", "catholic"'))
    for company, country in (("Wien AG", "AT"), ("Graz AG", "AT"), ("München GmbH", "DE")):
        ok(cli("add", company, "--country", country, "--expect", "2030-01-15", at=MON_7_JAN))
    with InProcessDaemon(clock, RecordingNotifier()) as daemon:
        yield daemon


def categories_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "categor" in r.getMessage()]


def test_the_daemon_names_the_category_once_at_start(
    daemon: InProcessDaemon, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, "followup.daemon"):
        daemon.start()
    assert categories_lines(caplog) == [LINE]
    assert [r.levelname for r in caplog.records if r.getMessage() == LINE] == ["WARNING"]


def test_the_daemon_names_it_again_after_a_reload_only(
    daemon: InProcessDaemon, caplog: pytest.LogCaptureFixture
) -> None:
    daemon.start()
    caplog.clear()
    with caplog.at_level(logging.INFO, "followup.daemon"):
        daemon.tick()
        assert categories_lines(caplog) == []
        daemon.reload()
    assert categories_lines(caplog) == [LINE]


def test_a_reload_to_public_only_names_nothing(
    daemon: InProcessDaemon, config_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    daemon.start()
    config_file.write_text(MUNICH.format(categories='"public"'))
    caplog.clear()
    with caplog.at_level(logging.INFO, "followup.daemon"):
        daemon.reload()
    assert categories_lines(caplog) == []
