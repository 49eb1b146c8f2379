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


def data_file(name: str) -> Path:
    """Path of a file under tests/data."""
    return DATA / name
