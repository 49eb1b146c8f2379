"""Cached protviz calls that need no model: data sets, uploads and the store, and the
server's training scheduler.

Light by design: the Home and Data pages import this module, and nothing it imports
reaches TensorFlow (training runs in worker processes). Calls that load or run a model
are cached in :mod:`protviz.app.model_caches`.
"""

from __future__ import annotations

import importlib
import os
import threading

import pandas as pd
import streamlit as st

from protviz.app.errors import show_error
from protviz.core.dataset import Dataset
from protviz.core.errors import ProtvizError
from protviz.core.store import remove_stale_temporaries, store_root
from protviz.io.builtin import builtin_key, load_builtin
from protviz.io.datastore import datasets_root, load_dataset
from protviz.io.embedding_files import embeddings_root
from protviz.io.fasta import ParsedFasta, parse_fasta
from protviz.io.labels import read_label_table
from protviz.model import runs
from protviz.model.scheduler import JobScheduler

STALE_AFTER_SECONDS = 3600
"""Temporary folders in the store untouched this long are left over from a crash."""

FEATURED_RUN = "demo-scl2205-conv-attention"
"""The shipped run a first visit shows, when it is saved here: a conv_attention model of
real proteins (SCL2205), whose embeddings and attention have something to show (the motif
toy's ``mean`` run is a shapeless cloud by design)."""

PRELOAD_ENV = "PROTVIZ_PRELOAD"
"""Environment variable: ``0`` turns off importing the model pages' code in the background."""

MODEL_PAGES_MODULE = "protviz.app.model_caches"
"""The module every model page imports (it loads TensorFlow and Keras)."""


@st.cache_resource(show_spinner=False)
def preload_model_pages() -> threading.Thread | None:
    """Import the model pages' code (TensorFlow and Keras: about 6 s of one core), then
    load the featured run's built-in data set (SCL2205: about 2 s), in a background
    thread, once per server process.

    Called after the first page a server shows is drawn, so that the first visit to a
    model page, often a colleague's share link, does not wait for either. Returns the
    thread, or None when :data:`PRELOAD_ENV` is ``0``.
    """
    if os.environ.get(PRELOAD_ENV, "1").strip().lower() in {"0", "false", "no", "off"}:
        return None
    thread = threading.Thread(
        target=_preload, args=(store_folder(),), name="protviz-preload", daemon=True
    )
    thread.start()
    return thread


def _preload(root: str) -> None:
    """What :func:`preload_model_pages`'s thread does."""
    importlib.import_module(MODEL_PAGES_MODULE)
    key = featured_builtin(root)
    if key is not None:
        cached_builtin(key)


def featured_builtin(root: str) -> str | None:
    """The key of the built-in data set the featured run (:data:`FEATURED_RUN`) was
    trained on, or None when that run is not in the store ``root`` (or was trained on
    another data set)."""
    try:
        run = runs.get_run(FEATURED_RUN, root)
    except ProtvizError:
        return None
    return builtin_key(run.record.dataset.name)


def store_folder() -> str:
    """The run store's root folder (``PROTVIZ_HOME``), as a cache key."""
    return str(store_root())


@st.cache_resource(show_spinner=False)
def tidy_store_once(root: str) -> int:
    """Remove temporary folders that a crash (e.g. a killed server) left in the store,
    once per server process and store. Only folders untouched for an hour go, so a
    save in progress in another process is left alone."""
    return sum(
        remove_stale_temporaries(folder, older_than_seconds=STALE_AFTER_SECONDS)
        for folder in (root, datasets_root(root), embeddings_root(root))
    )


@st.cache_resource(show_spinner=False)
def job_scheduler(root: str) -> JobScheduler:
    """The server's training scheduler for the store ``root`` (one per process and store)."""
    return JobScheduler(root)


def keep_jobs_moving() -> None:
    """Make sure queued training jobs start and running ones are watched.

    Called on every page run (app.py) and after a submission: it starts the scheduler's
    light thread if it is not running (it ends by itself when no job is active), so a
    restarted server picks up the queue at its first visit. A bad ``PROTVIZ_MAX_JOBS``
    is shown on the page.
    """
    try:
        job_scheduler(store_folder()).ensure_running()
    except ProtvizError as error:
        show_error(error)


@st.cache_resource(show_spinner="Loading the built-in data set...")
def cached_builtin(key: str) -> Dataset:
    """Load a built-in data set once per server process (it is never modified)."""
    return load_builtin(key)


@st.cache_resource(max_entries=4, show_spinner="Loading the data set...")
def cached_dataset(ref: str, root: str) -> Dataset:
    """A built-in or saved data set by reference, loaded once per server process.

    ``root`` (the store root) is part of the key, so another PROTVIZ_HOME never shares it.
    """
    return load_dataset(ref, root)


@st.cache_data(show_spinner="Reading the FASTA file...", max_entries=4)
def cached_parse(_data: bytes, digest: str, filename: str, keep_first: bool) -> ParsedFasta:
    """Parse an upload once per content (``digest``) and duplicate mode."""
    return parse_fasta(_data, filename=filename, duplicates="keep_first" if keep_first else "error")


@st.cache_data(show_spinner=False, max_entries=4)
def cached_table(_data: bytes, digest: str, filename: str) -> pd.DataFrame:
    """Read a label table once per content (``digest``)."""
    return read_label_table(_data, filename)
