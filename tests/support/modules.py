"""What a ``followup`` command loads: the command run in a fresh interpreter (with the
environment of the test, so in its home), and the modules it left in ``sys.modules``."""

from __future__ import annotations

import json
import subprocess
import sys

_SCRIPT = (
    "import json, sys\n"
    "from followup.cli import main\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    "print(json.dumps([code, sorted(sys.modules)]))\n"
)


def modules_loaded(args: list[str]) -> set[str]:
    """Every module ``followup ARGS`` loads; the command must succeed."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *args], capture_output=True, text=True, check=True
    )
    code, names = json.loads(done.stdout.strip().splitlines()[-1])
    assert code in (0, None), done.stderr
    return set(names)


def packages_loaded(args: list[str], among: set[str]) -> set[str]:
    """The packages of ``among`` (top-level names) that ``followup ARGS`` loads."""
    return {name.split(".")[0] for name in modules_loaded(args)} & among
