"""The Streamlit server settings the app relies on (``.streamlit/config.toml``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def settings() -> dict:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def test_no_full_garbage_collection_after_every_script_run():
    # With TensorFlow loaded a full collection holds the GIL for a third of a second,
    # and live job views rerun every second (issue 14).
    assert settings()["runner"]["postScriptGC"] is False


def test_tracebacks_are_never_shown_and_bare_strings_never_written():
    config = settings()
    assert config["client"]["showErrorDetails"] == "none"
    assert config["runner"]["magicEnabled"] is False
