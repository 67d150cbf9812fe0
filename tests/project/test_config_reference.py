"""Specification: docs/reference/config.md names every config key there is, the core's
(``config/options.py``) and every channel's, so that the reference cannot fall behind the
one declaration."""

from __future__ import annotations

from pathlib import Path

import pytest

from followup.channels import registry
from followup.config import OPTIONS

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "config.md"


@pytest.mark.parametrize("name", [opt.name for opt in registry.all_options(OPTIONS)])
def test_every_config_key_has_a_row_in_the_reference(name: str) -> None:
    rows = [line for line in REFERENCE.read_text(encoding="utf-8").splitlines() if line[:1] == "|"]
    assert any(row.startswith(f"| `{name}` |") for row in rows), f"{name} is not in {REFERENCE}"
