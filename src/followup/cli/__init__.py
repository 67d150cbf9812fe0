"""The ``followup`` command: :func:`main` runs one command, :func:`run` is the program.

Nothing is imported until one of them is asked for, so that naming a module of this
package (a command's, a renderer's) loads only that module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from followup.cli.core import main, run

__all__ = ["main", "run"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from followup.cli import core

        return getattr(core, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
