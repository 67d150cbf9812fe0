"""Specification of the package's shape, read from the source: layers that point one way (no
import cycle between files), a pure core that loads without the store, the scheduler or the
desktop bus, SQLAlchemy kept inside ``followup/store/``, and rooms small enough to read (no
module over 500 lines, no class over 300).

The import graph is read statically with :mod:`ast`: every ``import`` and ``from ... import``
of a ``followup`` module, relative or absolute, at module level or inside a function (a lazy
import, which still runs and still ties two files together: the cycle checks count it and
name it), or under ``if TYPE_CHECKING:`` (read by the type checker only, never run, so left
out of the cycle checks). The pure modules are imported for real, in a fresh interpreter
each.

Every contract holds without exceptions: no cycle at all, lazy imports included.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent.parent / "src"
PACKAGE = "followup"

MAX_MODULE_LINES = 500
MAX_CLASS_LINES = 300

#: Modules that must import without these: the rules and the calendar, the statistics, the
#: value types, the checks, the planning, the phrase checker, the mail matcher and the command
#: line's text are functions of their arguments.
PURE_MODULES = (
    "followup.rules",
    "followup.business_days",
    "followup.dates",
    "followup.places",
    "followup.country_names",
    "followup.promises",
    "followup.cli.render.promises",
    "followup.stats",
    "followup.values",
    "followup.records",
    "followup.paths",
    "followup.ownfiles",
    "followup.cleaning",
    "followup.lifecycle.planning",
    "followup.lifecycle.validation",
    "followup.mail.lint",
    "followup.mail.matching",
    "followup.cli.render.text",
    "followup.cli.render.shapes",
    "followup.cli.render.interviews",
    "followup.cli.render.status",
    "followup.cli.render.transfer",
    "followup.cli.render.stats",
    "followup.cli.render.mail",
    "followup.cli.render.setup",
)
HEAVY = ("sqlalchemy", "alembic", "apscheduler", "jeepney", "plyer")
#: Sub-packages whose ``__init__`` imports nothing, so that naming one of their modules loads
#: only that module (``followup.notify`` in particular must not load jeepney or plyer).
LIGHT_PACKAGES = (
    "followup.channels",
    "followup.cli",
    "followup.cli.commands",
    "followup.cli.render",
    "followup.lifecycle",
    "followup.daemon",
    "followup.mail",
    "followup.notify",
    "followup.store",
    "followup.transfer",
    "followup.transfer.spreadsheet",
)
#: Libraries only the store speaks to (the migrations, outside the package, use them too).
STORE_LIBRARIES = ("sqlalchemy", "alembic")
STORE = "followup/store/"


# -- reading the source ---------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    """One import of a package module by another: ``source`` and ``target`` are file paths
    relative to the source root (``followup/store/database.py``), ``line`` the import's."""

    source: str
    target: str
    line: int
    #: Inside a function: runs when the function first does, not when the file is imported.
    lazy: bool = False
    #: Under ``if TYPE_CHECKING:``: never runs.
    type_only: bool = False

    def describe(self) -> str:
        """The target, then where it is imported: ``b.py [a.py:12, lazy: inside a function]``."""
        how = ", lazy: inside a function" if self.lazy else ""
        how = ", type checking only" if self.type_only else how
        return f"{self.target} [{self.source}:{self.line}{how}]"


@dataclass(frozen=True)
class Source:
    """Every module file of one package under a source root, read once."""

    root: Path
    #: Dotted module name -> file path relative to ``root``.
    files: Mapping[str, str]
    #: File path -> its syntax tree.
    trees: Mapping[str, ast.Module]
    #: File path -> its number of lines.
    lines: Mapping[str, int]

    @classmethod
    def read(cls, root: Path, package: str) -> Source:
        files: dict[str, str] = {}
        trees: dict[str, ast.Module] = {}
        lines: dict[str, int] = {}
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            parts = rel.removesuffix(".py").split("/")
            if parts[-1] == "__init__":
                parts.pop()
            text = path.read_text(encoding="utf-8")
            files[".".join(parts)] = rel
            trees[rel] = ast.parse(text, filename=rel)
            lines[rel] = len(text.splitlines())
        return cls(root, files, trees, lines)

    def imports(self, rel: str) -> list[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
        """Each import statement of file ``rel`` with (lazy, type_only)."""
        found: list[tuple[ast.Import | ast.ImportFrom, bool, bool]] = []

        def visit(nodes: Iterable[ast.AST], lazy: bool, type_only: bool) -> None:
            for node in nodes:
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found.append((node, lazy, type_only))
                elif isinstance(node, ast.If) and _is_type_checking(node.test):
                    visit(node.body, lazy, True)
                    visit(node.orelse, lazy, type_only)
                else:
                    inner = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                    visit(ast.iter_child_nodes(node), lazy or inner, type_only)

        visit(self.trees[rel].body, False, False)
        return found

    def edges(self) -> list[Edge]:
        """Every import of a package module by another, relative or absolute."""
        edges: list[Edge] = []
        for name, rel in self.files.items():
            is_package = rel.endswith("/__init__.py")
            for node, lazy, type_only in self.imports(rel):
                for target in self._targets(name, is_package, node):
                    if target != rel:
                        edges.append(Edge(rel, target, node.lineno, lazy, type_only))
        return edges

    def libraries(self, rel: str) -> set[str]:
        """The top-level names of everything outside the package that ``rel`` imports,
        anywhere in the file."""
        names: set[str] = set()
        for node, _lazy, _type_only in self.imports(rel):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        return names - {PACKAGE}

    def _targets(self, name: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> set[str]:
        if isinstance(node, ast.Import):
            wanted = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_package else name.split(".")[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            wanted = [f"{base}.{alias.name}" for alias in node.names]
        targets: set[str] = set()
        for dotted in wanted:
            while dotted and dotted not in self.files:
                dotted = dotted.rpartition(".")[0]
            if dotted:
                targets.add(self.files[dotted])
        return targets


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def cycles(edges: Iterable[Edge]) -> list[list[Edge]]:
    """One cycle of edges through each group of files that import each other (a strongly
    connected component of more than one file), each starting at its first file by name."""
    graph: dict[str, dict[str, Edge]] = {}
    for edge in edges:
        graph.setdefault(edge.source, {}).setdefault(edge.target, edge)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, {})):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(graph, component) for component in components]


def _cycle_in(graph: Mapping[str, Mapping[str, Edge]], component: set[str]) -> list[Edge]:
    """The shortest way round from the component's first file back to it."""
    start = min(component)
    paths: dict[str, list[Edge]] = {start: []}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt, edge in sorted(graph.get(node, {}).items()):
                if nxt == start:
                    return [*paths[node], edge]
                if nxt in component and nxt not in paths:
                    paths[nxt] = [*paths[node], edge]
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no cycle through {sorted(component)}")


def show(cycle: list[Edge]) -> str:
    """``a.py -> b.py [a.py:3] -> a.py [b.py:40, lazy: inside a function]``."""
    return " -> ".join([cycle[0].source, *(edge.describe() for edge in cycle)])


def long_classes(source: Source) -> dict[str, int]:
    """Lines of each class over MAX_CLASS_LINES, by ``file::Class`` (decorators included;
    a nested class is named by its own name)."""
    found: dict[str, int] = {}
    for rel, tree in source.trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                size = (node.end_lineno or node.lineno) - first + 1
                if size > MAX_CLASS_LINES:
                    found[f"{rel}::{node.name}"] = size
    return found


def store_library_users(source: Source) -> set[str]:
    """Files outside followup/store/ that import SQLAlchemy or Alembic, anywhere in them."""
    return {
        rel
        for rel in source.trees
        if not rel.startswith(STORE) and source.libraries(rel) & set(STORE_LIBRARIES)
    }


def loaded_after(statement: str) -> dict[str, list[str]]:
    """What a fresh interpreter has loaded after ``statement``: the heavy libraries, and the
    package's own modules."""
    code = "\n".join(
        [
            "import json, sys",
            statement,
            f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})",
            f"own = sorted(m for m in sys.modules if m.split('.')[0] == {PACKAGE!r})",
            "print(json.dumps({'heavy': heavy, 'own': own}))",
        ]
    )
    # Run from SRC: the package is the one whose files are read here, installed or not.
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=SRC,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded: dict[str, list[str]] = json.loads(done.stdout)
    return loaded


@pytest.fixture(scope="module")
def source() -> Source:
    return Source.read(SRC, PACKAGE)


# -- the reader itself, on a package written for it -----------------------------------------


def write(root: Path, files: Mapping[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_the_reader_resolves_relative_absolute_lazy_and_type_only_imports(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "followup/__init__.py": "",
            "followup/core.py": "",
            "followup/room/__init__.py": "from . import parts\n",
            "followup/room/parts.py": (
                "from typing import TYPE_CHECKING\n"
                "import sqlalchemy.orm\n"
                "from ..core import x\n"
                "import followup.room\n"
                "if TYPE_CHECKING:\n"
                "    from followup.room.other import Y\n"
                "def later():\n"
                "    from followup import core\n"
            ),
            "followup/room/other.py": "from .parts import z\nfrom followup.room import parts\n",
        },
    )
    read = Source.read(tmp_path, "followup")
    assert sorted(read.edges(), key=lambda e: (e.source, e.line)) == [
        Edge("followup/room/__init__.py", "followup/room/parts.py", 1),
        Edge("followup/room/other.py", "followup/room/parts.py", 1),
        Edge("followup/room/other.py", "followup/room/parts.py", 2),
        Edge("followup/room/parts.py", "followup/core.py", 3),
        Edge("followup/room/parts.py", "followup/room/__init__.py", 4),
        Edge("followup/room/parts.py", "followup/room/other.py", 6, type_only=True),
        Edge("followup/room/parts.py", "followup/core.py", 8, lazy=True),
    ]
    assert read.libraries("followup/room/parts.py") == {"typing", "sqlalchemy"}


def test_the_reader_finds_a_cycle_and_says_which_import_is_lazy(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "followup/__init__.py": "",
            "followup/a.py": "from followup import b\n",
            "followup/b.py": "def f():\n    from followup import a\n",
            "followup/c.py": "from followup import a\n",
        },
    )
    read = Source.read(tmp_path, "followup")
    assert cycles(e for e in read.edges() if not e.lazy) == []
    (cycle,) = cycles(read.edges())
    assert show(cycle) == (
        "followup/a.py -> followup/b.py [followup/a.py:1] -> "
        "followup/a.py [followup/b.py:2, lazy: inside a function]"
    )


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("followup/store/database.py", "followup/store/migrate.py"),
        ("followup/notify/choose.py", "followup/notify/dbus_backend.py"),
    ],
)
def test_the_reader_sees_the_lazy_imports_of_the_package(
    source: Source, importer: str, imported: str
) -> None:
    """Alembic and jeepney are loaded only when needed: these imports are inside functions."""
    found = {
        (edge.lazy, edge.type_only)
        for edge in source.edges()
        if (edge.source, edge.target) == (importer, imported)
    }
    assert found == {(True, False)}


# -- the contracts ----------------------------------------------------------------------


def test_no_import_cycle_between_files_at_module_level(source: Source) -> None:
    found = cycles(e for e in source.edges() if not e.lazy and not e.type_only)
    assert [show(c) for c in found] == []


def test_no_import_cycle_between_files_even_through_lazy_imports(source: Source) -> None:
    found = cycles(e for e in source.edges() if not e.type_only)
    assert [show(c) for c in found] == []


@pytest.mark.system
@pytest.mark.parametrize("module", PURE_MODULES)
def test_a_pure_module_imports_without_the_store_the_scheduler_or_the_bus(module: str) -> None:
    assert loaded_after(f"import {module}")["heavy"] == []


@pytest.mark.system
@pytest.mark.parametrize("package", LIGHT_PACKAGES)
def test_a_room_package_imports_nothing_of_its_own(package: str) -> None:
    loaded = loaded_after(f"import {package}")
    parents = {".".join(package.split(".")[:n]) for n in range(1, package.count(".") + 2)}
    assert (loaded["own"], loaded["heavy"]) == (sorted(parents), [])


def test_only_the_store_imports_sqlalchemy(source: Source) -> None:
    assert store_library_users(source) == set()


def test_no_module_over_500_lines(source: Source) -> None:
    long = {rel: n for rel, n in source.lines.items() if n > MAX_MODULE_LINES}
    assert long == {}


def test_no_class_over_300_lines(source: Source) -> None:
    long = long_classes(source)
    assert long == {}
