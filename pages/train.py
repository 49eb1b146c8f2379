"""Train page: choose an architecture and hyper-parameters, train in the background."""

from __future__ import annotations

import streamlit as st

from protviz.app import state
from protviz.app.caches import cached_builtin
from protviz.app.errors import as_text, page_errors
from protviz.app.model_caches import cached_summary
from protviz.app.navigation import use_app_navigation
from protviz.app.panels.train import job_ui, settings_ui
from protviz.app.state import TrainKeys
from protviz.app.widgets import current_dataset, is_read_only, read_only_notice, share_link_ui
from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset, require_classes
from protviz.io.builtin import BUILTINS
from protviz.model.jobs import default_queue

use_app_navigation()


def dataset_ui() -> Dataset:
    """The data set to train on: the Data page's choice or a built-in one."""
    chosen = current_dataset()
    options = ["current", *BUILTINS]
    source = st.selectbox(
        "Data set",
        options,
        format_func=lambda key: (
            f"{chosen.name} (the current data set)" if key == "current" else BUILTINS[key].title
        ),
        key=TrainKeys.DATASET,
    )
    dataset = chosen if source == "current" else cached_builtin(source)
    uploaded = state.dataset_ref() not in BUILTINS  # the current data set is the user's own
    st.caption(
        as_text(
            f"{len(dataset):,} sequences, {len(dataset.classes)} classes"
            + ("" if dataset.split is None else ", with its own train/valid/test split")
            + ("." if uploaded else ". Upload your own on the Data page.")
        )
    )
    return dataset


def summary_ui(config: TrainingConfig, num_classes: int) -> None:
    """The model's layers and parameter count, before training."""
    summary = cached_summary(config, num_classes)
    with st.expander(
        f"Model summary: {len(summary)} layers, {summary['parameters'].sum():,} parameters"
    ):
        st.dataframe(summary, hide_index=True, key="model_summary")


def start_ui(dataset: Dataset, config: TrainingConfig, run_name: str) -> None:
    """The Start button (off while this session's previous job runs); it queues a job."""
    running = state.TRAIN_JOB.get()
    running_view = default_queue().view(running) if running else None
    busy = running_view is not None and not running_view.is_finished
    if st.button(
        "Start training",
        key=TrainKeys.START,
        type="primary",
        disabled=busy,
        help="Your previous training is still running." if busy else None,
    ):
        state.TRAIN_JOB.set(
            default_queue().submit(dataset, config, owner=state.session_owner(), name=run_name)
        )
        st.rerun()


def main() -> None:
    """The page."""
    st.title("Train")
    if is_read_only():
        read_only_notice("training")
        st.page_link("pages/models.py", label="See the saved runs", icon=":material/inventory_2:")
        st.stop()
    dataset = dataset_ui()
    require_classes(dataset)
    config, run_name = settings_ui(dataset)
    summary_ui(config, len(dataset.classes))
    start_ui(dataset, config, run_name)
    job_ui()
    share_link_ui({})


with page_errors():
    main()
