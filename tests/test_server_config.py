"""The Streamlit server settings the app relies on (``.streamlit/config.toml``)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def settings() -> dict:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def test_no_full_garbage_collection_after_every_script_run():
    # With TensorFlow loaded a full collection holds the GIL for a third of a second,
    # and live job views rerun every 2 s (issue 14).
    assert settings()["runner"]["postScriptGC"] is False


def test_tracebacks_are_never_shown_and_bare_strings_never_written():
    config = settings()
    assert config["client"]["showErrorDetails"] == "none"
    assert config["runner"]["magicEnabled"] is False


PRELOAD = (
    "import sys\n"
    "from protviz.app import caches\n"
    "assert 'tensorflow' not in sys.modules\n"
    "thread = caches.preload_model_pages()\n"
    "if thread is not None:\n"
    "    thread.join(120)\n"
    "caches.load_builtin = lambda key: None  # from here on, only a cached data set is found\n"
    "print('tensorflow' in sys.modules, 'protviz.app.model_caches' in sys.modules,\n"
    "      caches.cached_builtin('scl2205') is not None)\n"
)


def preloaded(env: dict[str, str]) -> str:
    """What a fresh process has imported after :func:`preload_model_pages`."""
    done = subprocess.run(
        [sys.executable, "-c", PRELOAD],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=CONFIG.parent.parent,
        env={**os.environ, "PROTVIZ_HOME": str(CONFIG.parent.parent / "models"), **env},
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_the_server_imports_the_model_pages_code_in_the_background_unless_told_not_to():
    # A share link to a model page must not wait for TensorFlow's import, nor for the
    # featured run's data set to be parsed (issue 15).
    assert preloaded({"PROTVIZ_PRELOAD": "1"}) == "True True True"
    assert preloaded({"PROTVIZ_PRELOAD": "0"}) == "False False False"
