"""Data page: choose a built-in data set or upload a labeled FASTA, then inspect it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from protviz.app import state
from protviz.app.caches import cached_builtin, cached_dataset, store_folder
from protviz.app.errors import page_errors, show_error
from protviz.app.navigation import use_app_navigation
from protviz.app.panels.data import chosen_note_ui, lead_to, summary_ui, upload_ui
from protviz.app.state import DataKeys
from protviz.app.widgets import current_dataset, is_read_only, read_only_notice, share_link_ui
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.io.builtin import BUILTINS
from protviz.io.datastore import list_datasets

use_app_navigation()

BUILTIN_SOURCE = "Built-in data set"
SAVED_SOURCE = "Saved on this server"
UPLOAD_SOURCE = "Upload FASTA"


def source_ui(read_only: bool) -> str:
    """Where the data set comes from (no uploads, and no list of saved ones, when read-only:
    there, saved data sets are reached through links only)."""
    sources = [BUILTIN_SOURCE] if read_only else [BUILTIN_SOURCE, SAVED_SOURCE, UPLOAD_SOURCE]
    if read_only:
        read_only_notice("uploading data")
    return st.radio("Source", sources, horizontal=True, key=DataKeys.SOURCE)


def use_button_ui(key: str, load: Callable[[], Dataset], ref: str) -> None:
    """A "Use this data set" button that loads ``ref``, makes it current and leads to it."""
    if st.button("Use this data set", key=key, type="primary"):
        try:
            dataset = load()
        except ProteinDataError as error:
            show_error(error)
            return
        lead_to(dataset, None, ref)


def saved_ui() -> None:
    """Choose a data set uploaded earlier (saved on this server) and make it current."""
    saved = list_datasets()
    if not saved:
        st.info("No uploaded data sets are saved on this server yet.")
        return
    by_ref = {entry.ref: entry for entry in saved}
    ref = st.selectbox(
        "Saved data set (newest first)",
        list(by_ref),
        format_func=lambda r: (
            f"{by_ref[r].name}: {by_ref[r].sequences:,} sequences, {by_ref[r].classes} classes "
            f"[{r[:12]}]"
        ),
        key=DataKeys.SAVED_REF,
    )
    use_button_ui(DataKeys.USE_SAVED, lambda: cached_dataset(ref, store_folder()), ref)


def builtin_ui() -> None:
    """Choose a built-in data set (the current one, if built in) and make it current."""
    if state.widget_value(DataKeys.BUILTIN) is None and state.dataset_ref() in BUILTINS:
        state.set_widget_value(DataKeys.BUILTIN, state.dataset_ref())
    key = st.selectbox(
        "Built-in data set",
        list(BUILTINS),
        format_func=lambda k: BUILTINS[k].title,
        key=DataKeys.BUILTIN,
    )
    st.caption(BUILTINS[key].description)
    use_button_ui(DataKeys.USE_BUILTIN, lambda: cached_builtin(key), key)


def chooser_ui() -> None:
    """Where the data set comes from, and the widgets of that source."""
    source = source_ui(is_read_only())
    if source == BUILTIN_SOURCE:
        builtin_ui()
    elif source == SAVED_SOURCE:
        saved_ui()
    else:
        upload_ui()


def main() -> None:
    """The page: the chooser, then the current data set. Once a data set was chosen here,
    the page leads with it and the chooser folds away."""
    st.title("Data")
    st.caption(
        "Choose the labeled proteins to train on and explore: a built-in data set, or your own "
        "FASTA file with the class (host species, location, family) in the headers or a table."
    )
    dataset = current_dataset(stop_on_broken_link=False)  # a shared link's data set first
    if state.DATA_CHOSEN.get() == state.dataset_ref():
        chosen_note_ui(dataset)
        with st.expander("Choose another data set (built-in, saved or uploaded)"):
            chooser_ui()
    else:
        chooser_ui()
    summary_ui(dataset)
    share_link_ui({})


with page_errors():
    main()
