"""``main(argv, env, clock)``: a command reads its streams and environment variables only
from the environment it is handed, and the time only from the clock, called once."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup.cli import main
from followup.cli.environment import Environment

#: Each test's store is the SQLite file its own variables place.
pytestmark = pytest.mark.own_store

#: Mon 30 Nov 2026, 15:00 UTC (10:00 in New York).
MONDAY = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


class Streams:
    """Text streams over bytes, as a process's are: ``out.buffer`` takes an export."""

    def __init__(self, stdin: bytes = b"") -> None:
        self.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
        self.stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        self.stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")

    def env(self, environ: dict[str, str]) -> Environment:
        return Environment(
            stdin=self.stdin, stdout=self.stdout, stderr=self.stderr, environ=environ
        )

    def out(self) -> str:
        return _read(self.stdout)

    def err(self) -> str:
        return _read(self.stderr)


def _read(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


@pytest.fixture
def elsewhere(tmp_path: Path) -> dict[str, str]:
    """Variables whose folders are not the ones the process's own variables name."""
    root = tmp_path / "elsewhere"
    return {
        "HOME": str(root),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_STATE_HOME": str(root / "state"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "LANG": "en_US.UTF-8",
        "TZ": "America/New_York",
    }


def test_a_command_writes_to_the_streams_it_is_handed(
    capsys: pytest.CaptureFixture[str], elsewhere: dict[str, str]
) -> None:
    streams = Streams()
    code = main(["countries", "luxembourg"], streams.env(elsewhere), lambda: MONDAY)
    assert (code, streams.out(), streams.err()) == (0, "LU  Luxembourg\n", "")
    assert capsys.readouterr() == ("", "")


def test_the_store_is_where_the_environment_s_variables_say(
    elsewhere: dict[str, str], db_path: Path
) -> None:
    streams = Streams()
    env = streams.env(elsewhere)
    assert main(["add", "Acme", "--expect", "2026-12-01"], env, lambda: MONDAY) == 0
    assert (Path(elsewhere["XDG_DATA_HOME"]) / "followup/followup.db").is_file()
    assert not db_path.exists()
    assert os.environ["XDG_DATA_HOME"] != elsewhere["XDG_DATA_HOME"]


def test_the_clock_is_read_once_and_its_instant_is_the_command_s(
    elsewhere: dict[str, str],
) -> None:
    calls: list[datetime] = []

    def clock() -> datetime:
        calls.append(MONDAY)
        return MONDAY

    streams = Streams()
    env = streams.env(elsewhere)
    assert main(["add", "Acme", "--expect", "2026-12-01", "--json"], env, clock) == 0
    assert len(calls) == 1
    assert main(["history", "1", "--json"], env, clock) == 0
    history = json.loads(streams.out().split("\n}\n", 1)[1])
    assert history[0]["at"] == "2026-11-30T10:00:00-05:00"  # 15:00 UTC, in New York


def test_an_error_is_one_line_on_the_environment_s_stderr(elsewhere: dict[str, str]) -> None:
    streams = Streams()
    code = main(["show", "0"], streams.env(elsewhere), lambda: MONDAY)
    assert (code, streams.out()) == (2, "")
    assert streams.err() == "error: argument id: not an interview id or company name: '0'\n"


@pytest.mark.parametrize("argv", [["--version"], ["list", "--help"]], ids=" ".join)
def test_what_argparse_prints_itself_goes_to_the_environment_s_stdout(
    capsys: pytest.CaptureFixture[str], elsewhere: dict[str, str], argv: list[str]
) -> None:
    streams = Streams()
    with pytest.raises(SystemExit) as raised:
        main(argv, streams.env(elsewhere), lambda: MONDAY)
    assert raised.value.code == 0
    assert streams.out().startswith(("followup ", "usage: followup list"))
    assert capsys.readouterr() == ("", "")


def test_an_export_to_standard_output_writes_to_the_environment_s_stdout(
    elsewhere: dict[str, str],
) -> None:
    assert main(["add", "Acme", "--expect", "2026-12-01"], Streams().env(elsewhere)) == 0
    streams = Streams()
    assert main(["export", "--format", "json"], streams.env(elsewhere), lambda: MONDAY) == 0
    backup = json.loads(streams.out())
    assert [i["company"] for i in backup["interviews"]] == ["Acme"]


def test_lint_reads_the_environment_s_stdin(elsewhere: dict[str, str]) -> None:
    streams = Streams(b"As I have not heard back, I wondered where things stand.\n")
    code = main(["lint"], streams.env(elsewhere), lambda: MONDAY)
    assert (code, streams.out()) == (
        1,
        '1:6  pressing  "have not heard back"  suggestion: leave out how long you have '
        "waited; ask once, kindly, where they are in the process\n",
    )
