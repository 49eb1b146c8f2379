"""The house rules: import-linter contracts in pyproject.toml, and page and function sizes.

The contracts say which sub-package may import which (layers), that only protviz.model
imports TensorFlow/Keras, that only pages/ and protviz.app import Streamlit, and that the
first pages never reach TensorFlow through the import graph. docs/ARCHITECTURE.md explains
them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MAX_PAGE_LINES = 160
"""A page reads widgets, calls protviz and renders (about 150 lines)."""

MAX_FUNCTION_LINES = 60
"""Longer functions are split into named steps (declarative tables excepted)."""


def test_import_contracts_hold():
    # A fresh interpreter in the project root, so that `pages` and `protviz` are found
    # from here and the graph is built from the files as they are (no cache).
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(no_cache=True, no_logo=True))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def _python_files() -> list[Path]:
    return sorted([*ROOT.joinpath("protviz").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py")])


def test_pages_are_thin():
    fat = {
        path.name: n
        for path in ROOT.joinpath("pages").glob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_PAGE_LINES
    }
    assert not fat, f"pages over {MAX_PAGE_LINES} lines (move logic into protviz): {fat}"


def test_functions_are_short():
    long_functions = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert not long_functions, "functions over 60 lines: " + ", ".join(long_functions)
