"""The README and the pages under docs/ tell the truth: every ``$ followup ...`` command of
the README's worked example and of the import example (docs/howto/data.md) is run, at the
day the example is set on, and its output compared with what the page prints (a line
``...`` stands for lines left out); the table of exit statuses and the keys of an
interview's and of ``status``'s JSON (docs/reference/json.md) are the program's; every
relative link resolves.

The worked example is a user in California (America/Los_Angeles, US-CA holidays) who
records the interview on Fri 20 Nov 2026 and emails on Mon 30 Nov 2026.
"""

from __future__ import annotations

import json
import re
import shlex
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.specs import Cli

REPO = Path(__file__).resolve().parent.parent.parent
README = REPO / "README.md"
DATA = REPO / "docs" / "howto" / "data.md"
JSON_REFERENCE = REPO / "docs" / "reference" / "json.md"
#: Every page a user or contributor reads: their relative links must resolve.
PAGES = sorted(
    [README, REPO / "CHANGELOG.md", REPO / "CONTRIBUTING.md", *REPO.glob("docs/**/*.md")]
)

#: When each command is typed (the rest: Fri 20 Nov 2026, 10:00 in California).
TYPED_AT = {
    "followup emailed 1": datetime(2026, 11, 30, 18, tzinfo=UTC),  # Mon 10:00 PST
    "followup import sheet.csv --dry-run": datetime(2026, 11, 30, 18, tzinfo=UTC),
}
DEFAULT_AT = datetime(2026, 11, 20, 18, tzinfo=UTC)

#: The sheet the import example reads, as its report describes it.
SHEET = (
    "Company Name,Position,Recruiter,Date Applied,Expected Reply,Followed Up,Status,"
    "Comments,Salary\n"
    "Acme,Engineer,Dana Chen,2026-11-13,2026-11-20,2026-11-25,waiting,,100\n"
    "Globex,Analyst,,2026-11-05,2026-11-12,,rejected,,\n"
    "Initech,Dev,,2026-11-17,2026-11-24,,,,\n"
)


def section(title: str, page: Path = README) -> str:
    text = page.read_text(encoding="utf-8")
    start = text.index(title)
    end = text.index("\n## ", start + len(title))
    return text[start:end]


def sessions(text: str) -> list[tuple[str, list[str]]]:
    """Each ``$ followup ...`` command of the section's code blocks with its output lines."""
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ followup "):
                found.append((line[2:], []))
            elif found and line:
                found[-1][1].append(line)
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """``actual`` is ``expected`` with any ``...`` line standing for lines left out."""
    if "..." not in expected:
        return expected == actual
    cut = expected.index("...")
    head, tail = expected[:cut], expected[cut + 1 :]
    return actual[: len(head)] == head and (not tail or actual[-len(tail) :] == tail)


@pytest.fixture
def california(config_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config_file.write_text('[calendar]\ncountry = "US"\ntimezone = "America/Los_Angeles"\n')
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sheet.csv").write_text(SHEET)


@pytest.mark.parametrize(
    ("page", "title"),
    [(README, "### A worked example"), (DATA, "**A spreadsheet.**")],
    ids=["worked example", "import"],
)
def test_every_command_in_the_docs_prints_what_it_says(
    cli: Cli, california: None, page: Path, title: str
) -> None:
    steps = sessions(section(title, page))
    assert steps, f"no commands found under {title!r}"
    for command, expected in steps:
        result = cli(*shlex.split(command)[1:], at=TYPED_AT.get(command, DEFAULT_AT))
        assert result.code == 0, (command, result)
        assert matches(expected, result.out.splitlines()), (command, result.out)


@pytest.mark.parametrize(
    "phrase",
    [
        "reminder to email comes on **Monday 30 November 2026 at 09:00**",
        "so on **Tuesday 8 December at 09:00** you are told to",
    ],
)
def test_the_worked_examples_prose_names_the_days_the_commands_give(
    cli: Cli, california: None, phrase: str
) -> None:
    prose = " ".join(section("### A worked example").split())
    assert phrase in prose
    cli("add", "Acme", "--expect", "2026-11-23", "--subdivision", "CA", at=DEFAULT_AT)
    cli("emailed", "1", at=TYPED_AT["followup emailed 1"])
    history = cli("history", "1", "--json").out
    assert '"on": "2026-11-30"' in history
    shown = cli("show", "1").out
    assert "Move-on reminder: Tue 8 Dec 2026 at 09:00 (America/Los_Angeles)." in shown


def test_the_exit_status_table_is_the_program_s() -> None:
    from followup.errors import EXIT_STATUS

    rows = re.findall(r"^\| `(\w+)` \| (\d+) \|", JSON_REFERENCE.read_text(encoding="utf-8"), re.M)
    assert {code: int(status) for code, status in rows} == {
        code.value: status for code, status in EXIT_STATUS.items()
    }


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings, as GitHub makes them."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {
        re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        for title in re.findall(r"^#+ (.*)$", text, flags=re.M)
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    relative = [link for link in links if not re.match(r"^[a-z]+:", link)]
    assert relative or page.name == "CHANGELOG.md", f"{page} links nowhere"
    for link in relative:
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), f"{page.relative_to(REPO)}: {link} does not resolve"
        if anchor and path.suffix == ".md":
            assert anchor in anchors(path), f"{page.relative_to(REPO)}: no #{anchor} in {target}"


def documented_keys(heading: str) -> set[str]:
    """The keys of the first code block under ``heading`` in docs/reference/json.md."""
    block = re.search(r"```\n(.*?)```", section(heading, JSON_REFERENCE), flags=re.S)
    assert block is not None, heading
    return set(re.findall(r'"(\w+)"', block[1]))


@pytest.mark.parametrize(
    ("heading", "argv"),
    [("## Interviews", ("show", "1", "--json")), ("## Reminders", ("status", "--json"))],
    ids=["an interview", "status"],
)
def test_the_json_reference_names_every_key_the_command_prints(
    cli: Cli, california: None, heading: str, argv: tuple[str, ...]
) -> None:
    cli("add", "Acme", "--expect", "2026-11-23", at=DEFAULT_AT)
    printed = json.loads(cli(*argv, at=DEFAULT_AT).out)
    assert set(printed) == documented_keys(heading)
