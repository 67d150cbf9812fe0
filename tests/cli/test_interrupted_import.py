"""Ctrl-C during an import says whether anything was saved: before the commit, nothing;
after it, the change; during it, that it cannot be known and how to see."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

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


def test_ctrl_c_while_the_commit_runs_says_it_cannot_be_known(
    cli, backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def interrupt(_session: Session) -> None:
        raise KeyboardInterrupt

    event.listen(Session, "after_commit", interrupt)
    try:
        done = cli("import", str(backup))
    finally:
        event.remove(Session, "after_commit", interrupt)
    assert done.code == 130
    assert done.err == (
        "interrupted while the change was being saved: it may or may not be saved; "
        "'followup list' shows which\n"
    )
