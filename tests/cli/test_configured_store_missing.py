"""A ``store.url`` naming an SQLite file that is not there (a typo, most likely) never
becomes a new empty store by accident: a missing folder is one ``error:`` line and nothing is
created; a missing file in an existing folder is created only by ``add``, ``init`` and
``import``; reading commands answer from nothing with a warning naming the file; commands
that change interviews refuse. The default store (no ``store.url``) is made on first use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.own_store

Cli = Any


def configure(config_file: Path, db: Path) -> None:
    config_file.write_text(f'[calendar]\ncountry = "US"\n[store]\nurl = "sqlite:///{db}"\n')


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("--json", "list"),
        ("upcoming",),
        ("status",),
        ("export", "--format", "json"),
        ("add", "Acme", "--expect", "2026-12-30"),
        ("emailed", "1"),
        ("restore", "backup.json"),
    ],
)
def test_a_configured_store_in_a_missing_folder_is_one_error_and_creates_nothing(
    cli: Cli, config_file: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    url = f"sqlite:///{tmp_path}/typo/sub/folowup.db"
    config_file.write_text(f'[calendar]\ncountry = "US"\n[store]\nurl = "{url}"\n')

    done = cli(*args)
    code, out, err = done.code, done.out, done.err

    said = f"store.url '{url}': the folder {tmp_path}/typo/sub does not exist; nothing was created"
    if "--json" in args:
        assert (code, json.loads(err)) == (6, {"error": {"code": "store", "message": said}})
    else:
        assert (code, out, err.splitlines()) == (1, "", [f"error: {said}"])
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("list",), "No interviews.\n"),
        (("--json", "list"), "[]\n"),
        (("upcoming",), None),
        (("status",), None),
        (("export", "--format", "json"), None),
    ],
)
def test_a_reading_command_on_a_missing_store_file_warns_and_creates_nothing(
    cli: Cli, config_file: Path, tmp_path: Path, args: tuple[str, ...], said: str | None
) -> None:
    db = tmp_path / "folowup.db"
    configure(config_file, db)

    done = cli(*args)
    code, out, err = done.code, done.out, done.err

    assert code == 0, err
    if said is not None:
        assert out == said
    assert (
        f"the store {db} (store.url) does not exist yet, so it holds nothing; "
        "'followup add' or 'followup import' creates it"
    ) in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_an_id_looked_for_in_a_missing_store_file_names_the_file_before_the_error(
    cli: Cli, config_file: Path, tmp_path: Path
) -> None:
    db = tmp_path / "folowup.db"
    configure(config_file, db)

    done = cli("show", "1")

    assert (done.code, done.out, done.err.splitlines()) == (
        1,
        "",
        [
            f"warning: the store {db} (store.url) does not exist yet, so it holds nothing; "
            "'followup add' or 'followup import' creates it",
            "error: no interview with id 1",
        ],
    )
    assert not db.exists()


def test_a_changing_command_on_a_missing_store_file_refuses_and_creates_nothing(
    cli: Cli, config_file: Path, tmp_path: Path
) -> None:
    db = tmp_path / "folowup.db"
    configure(config_file, db)

    done = cli("emailed", "1")
    code, out, err = done.code, done.out, done.err

    assert (code, out, err.splitlines()) == (
        1,
        "",
        [
            f"error: the store {db} (store.url) does not exist; nothing was changed; "
            "'followup add' or 'followup import' creates it"
        ],
    )
    assert not db.exists()


def test_add_creates_the_configured_store_file(cli: Cli, config_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "followup.db"
    configure(config_file, db)

    assert cli("add", "Acme", "--expect", "2026-12-30").code == 0
    done = cli("--json", "list")
    code, out, err = done.code, done.out, done.err

    assert (code, [i["company"] for i in json.loads(out)], err) == (0, ["Acme"], "")
    assert db.is_file()


def test_import_creates_the_configured_store_file(
    cli: Cli, config_file: Path, tmp_path: Path
) -> None:
    db = tmp_path / "followup.db"
    configure(config_file, db)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Company,Expected\nAcme,2026-12-30\n")

    done = cli("import", str(sheet))
    code, _out, err = done.code, done.out, done.err

    assert (code, db.is_file()) == (0, True), err


def test_the_default_store_is_created_on_first_use(
    cli: Cli, config_file: Path, db_path: Path
) -> None:
    config_file.write_text('[calendar]\ncountry = "US"\n')

    done = cli("list")
    code, out, err = done.code, done.out, done.err

    assert (code, out, err) == (0, "No interviews.\n", "")
    assert db_path.is_file()
