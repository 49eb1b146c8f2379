"""The first pages stay light through the import graph, not through lazy imports: what
pages/home.py and pages/data.py import never reaches a module that loads TensorFlow."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = (
    "tensorflow",
    "keras",
    "protviz.model.architectures",
    "protviz.model.layers",
    "protviz.model.encoding",
    "protviz.model.training",
    "protviz.app.model_caches",
)
"""Modules that load TensorFlow (or exist to load it)."""


def imported_modules(page: str) -> list[str]:
    """The modules a page script imports at its top level."""
    tree = ast.parse((ROOT / page).read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


@pytest.mark.parametrize("page", ["pages/home.py", "pages/data.py"])
def test_first_pages_import_nothing_heavy(page):
    imports = "; ".join(f"import {name}" for name in imported_modules(page) if name != "__future__")
    code = f"import sys; {imports}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"
