"""Train page: choose an architecture and hyper-parameters, train in the background."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from protviz.app.common import (
    RUN_ID,
    as_text,
    cached_builtin,
    current_dataset,
    is_read_only,
    read_only_notice,
    session_owner,
    share_link_ui,
    show_error,
    use_app_navigation,
)
from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset, ProteinDataError, require_classes
from protviz.core.records import METRIC_LABELS
from protviz.io.builtin import BUILTINS
from protviz.model.jobs import JobView, default_queue
from protviz.report import figures as plots
from protviz.report.tables import model_summary_frame, per_class_frame

use_app_navigation()

# Session-state key: the id of this session's latest training job.
TRAIN_JOB = "train_job_id"
# Session-state key: the job whose finished run was already made current.
SHOWN_RESULT = "train_result_shown_for"

ARCHITECTURE_HELP = {
    "mean": (
        "Averages the learned amino-acid embeddings over the sequence, then one dense "
        "layer. Ignores residue order: a shuffled sequence gets the same prediction. "
        "The baseline, and the fastest."
    ),
    "lstm": (
        "An LSTM reads the sequence from the N- to the C-terminus. Sees order and "
        "position, but remembers the start less well than the end of long proteins."
    ),
    "bilstm": (
        "Two LSTMs, one reading each way. Sees order from both termini (signal peptides "
        "at the N-terminus, retention signals at the C-terminus)."
    ),
    "conv_attention": (
        "Convolutions detect short motifs of several widths, a bidirectional LSTM puts "
        "them in context, and attention weighs each position (Sønderby et al. 2015). "
        "The attention weights show where the model looks. The slowest."
    ),
}


def settings_ui(dataset: Dataset) -> tuple[TrainingConfig, str]:
    """Architecture and hyper-parameter widgets; returns the configuration and run name."""
    arch = st.radio(
        "Architecture",
        list(ARCHITECTURE_HELP),
        captions=list(ARCHITECTURE_HELP.values()),
        key="train_arch",
    )
    left, middle, right = st.columns(3)
    embedding_dim = left.number_input(
        "Embedding dimension", 2, 128, 10, key="train_embedding_dim",
        help="Length of the learned vector of each amino acid.",
    )  # fmt: skip
    units = middle.number_input(
        "Units", 4, 512, 64, key="train_units", help="LSTM units per direction; dense units."
    )
    dropout = right.slider("Dropout", 0.0, 0.8, 0.2, 0.05, key="train_dropout")
    epochs = left.number_input("Epochs (most)", 1, 500, 10, key="train_epochs")
    batch_size = middle.selectbox("Batch size", [8, 16, 32, 64, 128], index=2, key="train_batch")
    learning_rate = right.select_slider(
        "Learning rate", [1e-4, 3e-4, 1e-3, 3e-3, 1e-2], value=1e-3, key="train_lr"
    )
    max_length = left.number_input(
        "Max length (0 = no limit)", 0, 100_000, 1000, step=100, key="train_max_length",
        help="Longer proteins keep their N- and C-terminal halves.",
    )  # fmt: skip
    seed = middle.number_input("Seed", 0, 2**31 - 1, 0, key="train_seed")
    patience = right.number_input(
        "Early-stopping patience (epochs)", 1, 100, 3, key="train_patience"
    )
    conv_widths: tuple[int, ...] = TrainingConfig.conv_widths
    conv_filters = TrainingConfig.conv_filters
    if arch == "conv_attention":
        widths_text = left.text_input(
            "Convolution widths", "1, 3, 5, 9, 15, 21", key="train_conv_widths"
        )
        try:
            conv_widths = tuple(int(w) for w in widths_text.replace(",", " ").split())
        except ValueError:
            raise ProteinDataError(
                f"Convolution widths must be whole numbers separated by commas; got "
                f"{widths_text!r}."
            ) from None
        conv_filters = middle.number_input(
            "Filters per width", 1, 256, 20, key="train_conv_filters"
        )
    class_weights = st.checkbox(
        "Weight classes by inverse frequency (for imbalanced data)", key="train_class_weights"
    )
    use_split = False
    if dataset.split is not None:
        use_split = st.checkbox(
            "Use the data set's own train/valid/test split", value=True, key="train_use_split"
        )
    valid_fraction, test_fraction = 0.1, 0.2
    if not use_split:
        left, right = st.columns(2)
        valid_fraction = left.slider("Validation fraction", 0.05, 0.4, 0.1, 0.05, key="train_val")
        test_fraction = right.slider("Test fraction", 0.05, 0.4, 0.2, 0.05, key="train_test")
    config = TrainingConfig(
        arch=arch,
        embedding_dim=int(embedding_dim),
        units=int(units),
        dropout=float(dropout),
        conv_widths=conv_widths,
        conv_filters=int(conv_filters),
        epochs=int(epochs),
        batch_size=int(batch_size),
        learning_rate=float(learning_rate),
        max_length=int(max_length) or None,
        class_weights=class_weights,
        valid_fraction=valid_fraction,
        test_fraction=test_fraction,
        use_dataset_split=use_split,
        seed=int(seed),
        patience=int(patience),
    )
    default_name = f"{arch} on {dataset.name}"
    name = st.text_input("Run name", placeholder=default_name, key="train_name")
    return config, name.strip() or default_name


@st.cache_data(show_spinner="Building the model...", max_entries=16)
def cached_summary(config: TrainingConfig, num_classes: int) -> pd.DataFrame:
    """The layer table of the model a configuration builds."""
    from protviz.model.architectures import build_model
    from protviz.model.readout import layer_summaries

    model = build_model(
        config.arch,
        num_classes,
        embedding_dim=config.embedding_dim,
        units=config.units,
        dropout=config.dropout,
        conv_widths=config.conv_widths,
        conv_filters=config.conv_filters,
    )
    return model_summary_frame(layer_summaries(model))


def summary_ui(config: TrainingConfig, num_classes: int) -> None:
    """The model's layers and parameter count, before training."""
    summary = cached_summary(config, num_classes)
    with st.expander(
        f"Model summary: {len(summary)} layers, {summary['parameters'].sum():,} parameters"
    ):
        st.dataframe(summary, hide_index=True, key="model_summary")


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "estimating..."
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d} left"


def progress_ui(view: JobView) -> None:
    """A queued or running job: position or progress bar, live curves, Cancel."""
    queue = default_queue()
    if view.status == "queued":
        st.info(
            f"Waiting for the trainer: {view.queue_position} job(s) ahead. This server trains "
            "one model at a time.",
            icon=":material/hourglass_top:",
        )
    else:
        progress = view.progress
        if progress is None:
            st.progress(0.0, text=f"{view.title}: preparing the data and the model...")
        elif progress.phase == "evaluate":
            st.progress(
                progress.fraction,
                text=f"{view.title}: scoring the test set, batch {progress.batch}/"
                f"{progress.batches}",
            )
        else:
            st.progress(
                progress.fraction,
                text=f"{view.title}: epoch {progress.epoch}/{progress.epochs}, batch "
                f"{progress.batch}/{progress.batches}, loss {progress.loss or 0:.4f}, "
                f"{_eta(progress.eta_seconds)}",
            )
        st.plotly_chart(plots.training_curves_figure(view.history), key="live_curves")
    if st.button("Cancel training", key="cancel_training", icon=":material/stop:"):
        queue.cancel(view.job_id, session_owner())
        st.rerun()


def result_ui(view: JobView) -> None:
    """A finished job: its outcome, and for a saved run its test results."""
    if view.status == "cancelled":
        st.info("Training was cancelled. Nothing was saved.", icon=":material/block:")
        return
    if view.status == "failed":
        st.error(as_text(view.error), icon=":material/error:")
        return
    from protviz.model import runs

    try:
        run = runs.get_run(view.run_id or "")
    except ValueError as error:
        show_error(error)
        return
    if st.session_state.get(SHOWN_RESULT) != view.job_id:
        st.session_state[SHOWN_RESULT] = view.job_id
        st.session_state[RUN_ID] = run.run_id
    st.success(
        as_text(f"Saved '{run.name}' and made it the current run for the other pages."),
        icon=":material/check:",
    )
    metrics = run.record.metrics
    headline = metrics.headline()
    columns = st.columns(4)
    for column, (key, label) in zip(columns, METRIC_LABELS.items(), strict=True):
        value = headline[key]
        column.metric(label, "n/a" if value is None else f"{value:.3f}")
    st.plotly_chart(plots.training_curves_figure(run.record.history), key="curves")
    st.dataframe(per_class_frame(metrics), key="result_per_class")
    matrix = metrics.confusion_matrix
    if matrix:
        left, right = st.columns(2)
        names = run.class_names
        left.plotly_chart(plots.confusion_matrix_figure(matrix, names), key="confusion_counts")
        right.plotly_chart(
            plots.confusion_matrix_figure(matrix, names, normalise=True), key="confusion_rows"
        )


def job_ui() -> None:
    """This session's latest job; refreshes itself every second while it runs."""
    job_id = st.session_state.get(TRAIN_JOB)
    view = default_queue().view(job_id) if job_id else None
    if view is None:
        return
    active = not view.is_finished

    @st.fragment(run_every=1.0 if active else None)
    def live() -> None:
        current = default_queue().view(view.job_id)
        if current is None:
            return
        if current.is_finished and active:
            st.rerun(scope="app")
        if current.is_finished:
            result_ui(current)
        else:
            progress_ui(current)

    st.subheader(as_text(view.title))
    live()


def dataset_ui() -> Dataset:
    """The data set to train on: the Data page's choice or a built-in one."""
    chosen = current_dataset()
    options = ["current", *BUILTINS]
    source = st.selectbox(
        "Data set",
        options,
        format_func=lambda key: (
            f"{chosen.name} (chosen on the Data page)" if key == "current" else BUILTINS[key].title
        ),
        key="train_dataset",
    )
    dataset = chosen if source == "current" else cached_builtin(source)
    st.caption(
        as_text(
            f"{len(dataset):,} sequences, {len(dataset.classes)} classes"
            + ("" if dataset.split is None else ", with its own train/valid/test split")
            + ". Upload your own on the Data page."
        )
    )
    return dataset


st.title("Train")
if is_read_only():
    read_only_notice("training")
    st.page_link("pages/models.py", label="See the saved runs", icon=":material/inventory_2:")
    st.stop()
try:
    dataset = dataset_ui()
    require_classes(dataset)
    config, run_name = settings_ui(dataset)
    summary_ui(config, len(dataset.classes))
except ValueError as error:
    show_error(error)
    st.stop()

running = st.session_state.get(TRAIN_JOB)
running_view = default_queue().view(running) if running else None
busy = running_view is not None and not running_view.is_finished
if st.button(
    "Start training",
    key="start_training",
    type="primary",
    disabled=busy,
    help="Your previous training is still running." if busy else None,
):
    st.session_state[TRAIN_JOB] = default_queue().submit(
        dataset, config, owner=session_owner(), name=run_name
    )
    st.rerun()
job_ui()
share_link_ui({})
