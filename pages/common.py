"""Session-state keys and small helpers shared by the pages."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import streamlit as st

from protviz.dataset import CleaningReport, Dataset
from protviz.datasets import BUILTINS, load_builtin
from protviz.runs import RunInfo


def _leave_legacy_multipage_mode() -> None:
    """Make sure app.py's ``st.navigation`` decides the pages, not the folder name.

    Streamlit (1.67) runs an app whose main script sits beside a folder named
    ``pages/`` in its legacy multipage mode, executing ``pages/*.py`` directly,
    until the first ``st.navigation`` call of the process clears a class flag.
    A first visitor who opens ``/data`` directly would get the legacy sidebar
    (listing this helper module as a page). Clearing the flag and rerunning
    hands the run to app.py, which routes to the same URL path.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_legacy_multipage_mode()

DATASET = "dataset"
"""Session-state key of the current :class:`Dataset`."""
DATASET_REPORT = "dataset_report"
"""Session-state key of the current data set's :class:`CleaningReport` (None for built-ins)."""
OWNER = "session_owner"
"""Session-state key of this browser session's random id (owner of its training jobs)."""
RUN_ID = "run_id"
"""Session-state key of the current run's id (chosen on the Train or Models page)."""
DEFAULT_BUILTIN = "motif"

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def as_text(message: str) -> str:
    """Escape Markdown so user-supplied IDs and labels render as plain text.

    Line breaks are kept as Markdown line breaks.
    """
    return "  \n".join(_MARKDOWN_SPECIAL.sub(r"\\\1", line) for line in message.split("\n"))


def show_error(error: Exception) -> None:
    """Show a protviz error message (never a traceback)."""
    st.error(as_text(str(error)), icon=":material/error:")


@st.cache_resource(show_spinner="Loading the built-in data set...")
def cached_builtin(key: str) -> Dataset:
    """Load a built-in data set once per server process (it is never modified)."""
    return load_builtin(key)


@st.cache_resource(max_entries=8, show_spinner="Loading the model...")
def cached_model(run_id: str, run_path: str):
    """A run's Keras model, loaded once (safe_mode) per server process and shared by pages.

    ``run_path`` is part of the cache key, so a run store moved by PROTVIZ_HOME never
    returns another store's model.
    """
    from protviz import runs

    return runs.load_model(run_id, str(Path(run_path).parent))


def saved_runs_or_stop() -> list[RunInfo]:
    """The saved runs, newest first; with none, a message and the page stops."""
    from protviz import runs

    all_runs = runs.list_runs()
    if not all_runs:
        st.info("No saved runs yet: train one on the Train page or upload one on the Models page.")
        st.stop()
    return all_runs


def run_picker(all_runs: list[RunInfo], dataset: Dataset | None, key: str) -> RunInfo:
    """A selectbox of the saved runs that reads and sets the current run.

    The default is the current run; else the newest run trained on ``dataset``;
    else the newest run. Choosing another run makes it current on every page.

    Args:
        all_runs: The saved runs, newest first (not empty).
        dataset: The data set on screen, or None.
        key: The selectbox's widget key (one per page).

    Returns:
        The chosen run.
    """
    by_id = {run.run_id: run for run in all_runs}
    current = st.session_state.get(RUN_ID)
    if current not in by_id:
        matching = [
            run
            for run in all_runs
            if dataset is not None
            and (run.record.get("dataset") or {}).get("content_hash") == dataset.content_hash
        ]
        current = (matching or all_runs)[0].run_id
        st.session_state[RUN_ID] = current
    st.session_state[key] = current

    def choose() -> None:
        st.session_state[RUN_ID] = st.session_state[key]

    st.selectbox(
        "Run",
        list(by_id),
        format_func=lambda run_id: f"{by_id[run_id].name}  [{run_id}] ({by_id[run_id].arch})",
        key=key,
        on_change=choose,
    )
    return by_id[current]


def current_dataset() -> Dataset:
    """The data set chosen on the Data page, or the default built-in one."""
    if DATASET not in st.session_state:
        st.session_state[DATASET] = cached_builtin(DEFAULT_BUILTIN)
        st.session_state[DATASET_REPORT] = None
    return st.session_state[DATASET]


def set_current_dataset(dataset: Dataset, report: CleaningReport | None) -> None:
    """Make ``dataset`` the one every page works on."""
    st.session_state[DATASET] = dataset
    st.session_state[DATASET_REPORT] = report


def session_owner() -> str:
    """A random id for this browser session, so its jobs are its own."""
    if OWNER not in st.session_state:
        st.session_state[OWNER] = secrets.token_hex(8)
    return st.session_state[OWNER]


def builtin_title(key: str) -> str:
    """Human-readable title of a built-in data set."""
    return BUILTINS[key].title
