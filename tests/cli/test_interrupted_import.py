"""Ctrl-C during an import says whether anything was saved: before the commit, nothing;
after it (a Ctrl-C that comes while the commit runs too), the change."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from followup.transfer import importer


@pytest.fixture
def backup(cli, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A JSON backup of two interviews, the store emptied again."""
    for company in ("Acme", "Beta"):
        cli("add", company, "--expect", "2026-12-01")
    path = tmp_path / "backup.json"
    assert cli("export", "-o", str(path)).code == 0
    for interview_id in ("1", "2"):
        cli("delete", interview_id, "--yes")
    return path


def ctrl_c(before: bool) -> Callable[..., Any]:
    real = importer.run

    def run(*args: Any, **kwargs: Any) -> Any:
        if before:
            raise KeyboardInterrupt
        real(*args, **kwargs)
        raise KeyboardInterrupt

    return run


@pytest.mark.parametrize(
    ("before", "said", "listed"),
    [
        (True, "interrupted: nothing was changed\n", []),
        (False, "interrupted: the change was already saved\n", ["Acme", "Beta"]),
    ],
    ids=["before the commit", "after the commit"],
)
def test_ctrl_c_says_whether_the_import_was_saved(
    cli, backup: Path, monkeypatch: pytest.MonkeyPatch, before: bool, said: str, listed: list[str]
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(importer, "run", ctrl_c(before))
    done = cli("import", str(backup))
    assert (done.code, done.out, done.err) == (130, "", said)
    assert [i["company"] for i in json.loads(cli("list", "--json").out)] == listed


@pytest.mark.parametrize(
    ("moment", "said", "listed"),
    [
        ("after_cursor_execute", "interrupted: nothing was changed\n", []),
        ("commit", "interrupted: the change was already saved\n", ["Acme", "Beta"]),
    ],
    ids=["while the rows are written", "while the commit runs"],
)
def test_a_real_ctrl_c_says_whether_the_import_was_saved(
    cli, backup: Path, moment: str, said: str, listed: list[str]
) -> None:  # type: ignore[no-untyped-def]
    """A SIGINT sent to this process once the first row is written (before the commit is
    asked for), or just as the database's COMMIT starts: Python raises it only once that
    call returns, the commit done."""
    sent: list[int] = []

    def ctrl_c(*args: Any) -> None:
        statement = args[2] if moment == "after_cursor_execute" else "COMMIT"
        if not sent and statement.lstrip().upper().startswith(("INSERT", "COMMIT")):
            sent.append(signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)

    event.listen(Engine, moment, ctrl_c)
    try:
        done = cli("import", str(backup))
    finally:
        event.remove(Engine, moment, ctrl_c)
    assert sent == [signal.SIGINT]
    assert (done.code, done.out, done.err) == (130, "", said)
    assert [i["company"] for i in json.loads(cli("list", "--json").out)] == listed
