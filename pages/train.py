"""Train page: choose an architecture and hyper-parameters, train in a worker process,
and follow any of the server's training jobs (``?job=<id>``)."""

from __future__ import annotations

import streamlit as st

from protviz.app import state
from protviz.app.caches import cached_builtin
from protviz.app.errors import as_text, page_errors, section_errors
from protviz.app.model_caches import cached_summary
from protviz.app.navigation import use_app_navigation
from protviz.app.panels.jobs import job_ui, jobs_list_ui, linked_job_ui, view_or_none
from protviz.app.panels.train import settings_ui, time_estimate_ui
from protviz.app.state import TrainKeys
from protviz.app.submit import submit
from protviz.app.widgets import current_dataset, is_read_only, read_only_notice, share_link_ui
from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset, require_classes
from protviz.io.builtin import BUILTINS

use_app_navigation()


def dataset_ui() -> tuple[Dataset, str]:
    """The data set to train on, the Data page's choice or a built-in one, and its
    reference (a built-in key or the content hash it is saved under)."""
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
    return dataset, (state.dataset_ref() or "") if source == "current" else source


def summary_ui(config: TrainingConfig, num_classes: int) -> int:
    """The model's layers and parameter count, before training; returns the count."""
    summary = cached_summary(config, num_classes)
    parameters = int(summary["parameters"].sum())
    with st.expander(f"Model summary: {len(summary)} layers, {parameters:,} parameters"):
        st.dataframe(summary, hide_index=True, key="model_summary")
    return parameters


def start_ui(dataset: Dataset, ref: str, config: TrainingConfig, run_name: str) -> None:
    """The Start button (off while this session's job on show is active); it queues a job."""
    shown = view_or_none(state.TRAIN_JOB.get())
    busy = (
        shown is not None and not shown.is_finished and shown.record.owner == state.session_owner()
    )
    if st.button(
        "Start training",
        key=TrainKeys.START,
        type="primary",
        disabled=busy,
        help="Your previous training is still running." if busy else None,
    ):
        (job_id,) = submit(dataset, ref, [(config, run_name)])
        state.show_job(job_id)
        st.rerun()


def training_form_ui() -> None:
    """Data set, settings, model summary and Start (a read-only server offers none)."""
    if is_read_only():
        read_only_notice("training")
        st.page_link("pages/models.py", label="See the saved runs", icon=":material/inventory_2:")
        return
    dataset, ref = dataset_ui()
    require_classes(dataset)
    config, run_name = settings_ui(dataset)
    parameters = summary_ui(config, len(dataset.classes))
    time_estimate_ui(dataset, config, parameters)
    start_ui(dataset, ref, config, run_name)


def main() -> None:
    """The page."""
    st.title("Train")
    linked_job_ui()
    job_ui()
    with section_errors():
        training_form_ui()
    st.divider()
    jobs_list_ui()
    share_link_ui({"job": state.TRAIN_JOB.get()})


with page_errors():
    main()
