"""Home page: what protviz is, what is loaded, and where to go next."""

import streamlit as st

from protviz.app import state
from protviz.app.errors import as_text, page_errors
from protviz.app.navigation import use_app_navigation
from protviz.app.widgets import session_run, share_link_ui
from protviz.io.builtin import BUILTINS

use_app_navigation()


def dataset_note() -> None:
    """What data set is loaded, if any."""
    dataset = state.chosen_dataset()
    if dataset is None:
        run = session_run()
        start = (
            f"the run '{run.name}' and the data set it was trained on ({run.record.dataset.name})"
            if run is not None
            else "the built-in motif-position toy"
        )
        st.info(
            as_text(f"No data set chosen yet: the app starts with {start}."),
            icon=":material/dataset:",
        )
        return
    st.info(
        as_text(
            f"Current data set: {dataset.name}: {len(dataset):,} sequences, "
            f"{len(dataset.classes)} classes."
        ),
        icon=":material/dataset:",
    )


def main() -> None:
    """The page."""
    st.title("protviz")
    st.markdown(
        "**See what a neural network learned from your protein sequences.** Upload proteins "
        "labelled with a class (host species, subcellular location, family), train a "
        "classifier, and explore what it learned: sequence embeddings in 2-D, the learned "
        "amino-acid embedding matrix, and where an attention model looks along each sequence."
    )
    st.markdown(
        "The question behind protviz: *does an LSTM make better sequence embeddings than "
        "averaging amino-acid embeddings, and why?* Averaging ignores order: "
        "`MNTQILVF...AKGDKICL` and `AKGDKICL...MNTQILVF` average to the same vector. "
        "The built-in **motif position** data set is made so that only order tells the classes "
        "apart."
    )
    dataset_note()
    st.page_link("pages/data.py", label="Choose or upload data", icon=":material/arrow_forward:")
    st.subheader("Built-in data sets")
    for builtin in BUILTINS.values():
        st.markdown(f"- **{builtin.title}**: {builtin.description}")
    share_link_ui({})


with page_errors():
    main()
