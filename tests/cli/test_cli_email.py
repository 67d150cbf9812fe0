"""``followup draft`` and ``followup lint`` as a user runs them, and the hint in ``show``."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from followup.cli import main

ADD = (
    "add",
    "Acme",
    "--expect",
    "2026-11-23",
    "--role",
    "Data Engineer",
    "--contact",
    "Dana Chen",
    "--email",
    "dana@acme.example",
    "--interviewed",
    "2026-11-19",
)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def acme(run, config_file: Path) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text('[you]\nname = "Alex Morgan"\n')
    assert run(*ADD)[0] == 0


@pytest.mark.usefixtures("acme")
def test_draft_prints_to_subject_and_a_signed_body(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("draft", "1")
    assert (code, err) == (0, "")
    head, body = out.split("\n\n", 1)
    assert head == "To: dana@acme.example\nSubject: Following up on my interview with Acme"
    assert body.startswith("Dear Dana Chen,\n")
    assert body.rstrip().endswith("Best regards,\nAlex Morgan")


@pytest.mark.usefixtures("acme")
def test_draft_json_has_to_subject_and_body(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("draft", "1", "--other-offers", "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"to", "subject", "body"}
    assert "Acme is still my first choice" in data["body"]


@pytest.mark.usefixtures("acme")
def test_every_draft_passes_lint_through_the_cli(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for extra in ((), ("--other-offers",)):
        draft = tmp_path / "draft.txt"
        draft.write_text(run("draft", "1", *extra)[1])
        assert run("lint", str(draft)) == (0, "No pressing phrases found.\n", "")


@pytest.mark.system
@pytest.mark.usefixtures("acme")
def test_draft_open_hands_a_mailto_link_to_the_desktop_opener(
    run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    record = tmp_path / "opened.txt"
    opener = tmp_path / "bin" / "xdg-open"
    opener.parent.mkdir()
    opener.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {record}\n')
    opener.chmod(opener.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{opener.parent}{os.pathsep}{os.environ['PATH']}")
    code, out, err = run("draft", "1", "--open")
    assert (code, err) == (0, "")
    assert out == "Opened the draft in your mail client. Once sent: followup emailed 1\n"
    link = urlsplit(record.read_text())
    assert (link.scheme, unquote(link.path)) == ("mailto", "dana@acme.example")
    query = parse_qs(link.query)
    assert query["subject"] == ["Following up on my interview with Acme"]
    assert query["body"][0].startswith("Dear Dana Chen,\r\n\r\nThank you")


@pytest.mark.usefixtures("acme")
def test_draft_open_without_an_opener_says_so_and_prints_the_draft(
    run,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, out, err = run("draft", "1", "--open")
    assert code == 0
    assert err == (
        "warning: the draft above was not opened in a mail client (no desktop opener "
        "(xdg-open) found); choose one with: xdg-mime default APP.desktop "
        "x-scheme-handler/mailto\n"
    )
    assert out.startswith("To: dana@acme.example\nSubject: ")


@pytest.mark.usefixtures("acme")
def test_draft_of_a_closed_interview_is_an_error_that_says_why(run) -> None:  # type: ignore[no-untyped-def]
    assert run("moved-on", "1")[0] == 0
    assert run("draft", "1") == (
        1,
        "",
        "error: interview 1 (Acme) is closed: you moved on; there is nothing to follow up\n",
    )


@pytest.mark.usefixtures("acme")
def test_draft_with_an_unknown_placeholder_names_it(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    template = tmp_path / "mine.txt"
    template.write_text("Subject: Hello $company\n\n$greeting $nickname\n")
    code, out, err = run("draft", "1", "--template", str(template))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: template {template}: unknown placeholder $nickname")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "code", "out"),
    [
        ("Thank you again for your time.\n", 0, "No pressing phrases found.\n"),
        ("Hello,\nI still haven't heard back. Please reply ASAP.\n", 1, None),
    ],
    ids=["polite", "pressing"],
)
def test_lint_reads_standard_input_and_exits_1_on_findings(
    run,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    code: int,
    out: str | None,  # type: ignore[no-untyped-def]
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    result = run("lint")
    assert result[0] == code
    if out is not None:
        assert result[1] == out
    else:
        lines = result[1].splitlines()
        found = [line.split("  ")[:3] for line in lines]
        assert found == [
            ["2:3", "pressing", '"still haven\'t heard"'],
            ["2:42", "pressing", '"ASAP"'],
        ]


def test_lint_json_lists_findings_with_their_positions(
    run,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    email = tmp_path / "email.txt"
    email.write_text("Hi,\nyou were supposed to\nget back to me.\n")
    code, out, _ = run("lint", str(email), "--json")
    assert code == 1
    [finding] = json.loads(out)
    assert finding["line"] == 2 and finding["column"] == 1
    assert finding["category"] == "accusing"
    assert finding["phrase"] == "you were supposed to"
    assert set(finding) == {"line", "column", "category", "phrase", "suggestion"}


def test_lint_flags_the_users_own_phrases(run, tmp_path: Path, config_file: Path) -> None:  # type: ignore[no-untyped-def]
    config_file.write_text('[lint]\nextra_phrases = ["circling back"]\n')
    email = tmp_path / "email.txt"
    email.write_text("Just circling back on this.\n")
    code, out, _ = run("lint", str(email))
    assert code == 1
    assert out.startswith('1:6  custom  "circling back"  suggestion: ')


def test_lint_of_a_missing_file_is_a_usage_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nope.txt"
    assert run("lint", str(missing)) == (2, "", f"error: no such file: '{missing}'\n")


def test_show_names_the_draft_command_once_the_email_is_due(run) -> None:  # type: ignore[no-untyped-def]
    assert run("add", "Beta", "--expect", "2026-01-05")[0] == 0
    code, out, _ = run("show", "1")
    assert code == 0
    assert "It is time to email them; a polite draft: followup draft 1" in out


def test_show_does_not_name_the_draft_command_before_the_email_is_due(run) -> None:  # type: ignore[no-untyped-def]
    assert run("add", "Beta", "--expect", "2099-01-05")[0] == 0
    assert "followup draft" not in run("show", "1")[1]
