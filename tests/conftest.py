"""Shared fixtures and paths for the protviz test suite."""

from __future__ import annotations

import logging
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


class _IncidentCatcher(logging.Handler):
    """Collects the protviz incidents (bugs a page apologised for) logged during a test."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "incident" in record.getMessage():
            self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def _no_incidents(request: pytest.FixtureRequest):
    """Fail any test during which a page hit a bug (an apology with an incident id).

    AppTests find widgets by label and often pass although part of a page apologised; this
    makes such a bug fail the test. Tests that provoke one on purpose are marked
    ``@pytest.mark.expect_incident``.
    """
    catcher = _IncidentCatcher()
    logger = logging.getLogger("protviz")
    logger.addHandler(catcher)
    try:
        yield
    finally:
        logger.removeHandler(catcher)
    if catcher.messages and request.node.get_closest_marker("expect_incident") is None:
        pytest.fail("a page hit a bug during this test: " + "; ".join(catcher.messages))


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
