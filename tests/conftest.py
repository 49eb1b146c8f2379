"""Shared fixtures and paths for the protviz test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED_DATASETS = ROOT.parent / "shared" / "datasets"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point PROTVIZ_HOME at a fresh folder so no test touches models/ in the repo."""
    if "PROTVIZ_HOME" not in os.environ or os.environ.get("PROTVIZ_TEST_KEEP_HOME") != "1":
        monkeypatch.setenv("PROTVIZ_HOME", str(tmp_path_factory.mktemp("protviz_home")))


DEMO_RUN = "demo-motif-conv-attention"
"""The shipped conv_attention run on the motif toy."""


def copy_demo_run(home: Path, run_id: str = DEMO_RUN) -> Path:
    """Copy a shipped run into ``home`` (without its local embedding cache)."""
    import shutil

    target = home / run_id
    shutil.copytree(ROOT / "models" / run_id, target, ignore=shutil.ignore_patterns("embeddings"))
    return target


def data_file(name: str) -> Path:
    """Path of a file under tests/data."""
    return DATA / name
