"""A run's results as the Train page's result and the Models page show them: its scores
with 95% intervals, its baselines on the same test sequences, why training stopped, and
"Continue training" when it stopped at a cap."""

from __future__ import annotations

import streamlit as st

from protviz.analysis.scores import PredictorScores, baseline_comparisons, run_scores
from protviz.app import state
from protviz.app.errors import as_text
from protviz.app.state import ContinueKeys
from protviz.app.submit import submit_continuation
from protviz.app.widgets import is_read_only
from protviz.core.records import METRIC_LABELS, Metrics
from protviz.model.runs import RunInfo, load_predictions
from protviz.report import figures as plots
from protviz.report.sentences import (
    baseline_sentence,
    class_weighting_sentence,
    range_text,
    split_text,
    stop_sentence,
)
from protviz.report.tables import never_predicted, per_class_frame, scores_frame

CAPS = ("epoch_cap", "time_cap")
"""Stop reasons after which training can be continued."""


def headline_ui(network: PredictorScores) -> None:
    """A run's test metrics in a row, each with its 95% interval (``n/a`` for those it lacks)."""
    columns = st.columns(len(METRIC_LABELS))
    for column, (key, label) in zip(columns, METRIC_LABELS.items(), strict=True):
        score = network.get(key)
        column.metric(label, "n/a" if score is None else f"{score.estimate:.3f}")
        if score is not None and score.low == score.low:
            column.caption(f"95% CI {range_text(score.low, score.high)}")


def scores_ui(run: RunInfo) -> None:
    """The headline with intervals, the baselines beside the network, and what they say."""
    network, *baselines = run_scores(run)
    headline_ui(network)
    never_predicted_ui(run)
    st.caption(as_text(f"Scores on the test sequences of the {split_text(run.record)}."))
    if run.record.control_of:
        st.caption(
            as_text(
                f"This is the shuffled control of run {run.record.control_of}: the same "
                "architecture and settings, trained and tested on residue-shuffled sequences."
            )
        )
    if network.n:
        st.caption(
            f"Intervals: 95% bootstrap over the {network.n:,} test sequences (a score moves "
            "this much from one test set of this size to the next)."
        )
    if not baselines:
        st.caption("This run was saved without baselines; runs trained now are saved with them.")
        return
    st.markdown("**Against simple baselines on the same test sequences**")
    st.dataframe(scores_frame([network, *baselines]), key="baselines_table")
    predictions = load_predictions(run.run_id, run.path.parent)
    for name, comparison in baseline_comparisons(predictions, "accuracy").items():
        st.markdown("- " + as_text(baseline_sentence(name, comparison)))


def outcome_ui(run: RunInfo) -> None:
    """Why training stopped and whether classes were weighted; "Continue training" after a
    cap (not when the server is read-only)."""
    record = run.record
    for sentence in (stop_sentence(record), class_weighting_sentence(record)):
        if sentence:
            st.markdown(as_text(sentence))
    if record.parent:
        st.caption(as_text(f"Continued from run {record.parent}."))
    if record.stop_reason in CAPS and not is_read_only():
        with st.expander("Continue training", expanded=bool(record.still_improving)):
            continue_ui(run)


def continue_ui(run: RunInfo) -> None:
    """More epochs and a time cap; the button queues a job that continues the run from its
    saved model and optimizer state and saves a new run, then opens the Train page."""
    record = run.record
    st.caption(
        "Training goes on from the saved model and optimizer state, on the same split, and "
        "is saved as a new run (this one stays as it is)."
    )
    left, middle, right = st.columns(3)
    more = left.number_input(
        "More epochs", 1, 500, record.config.epochs, key=ContinueKeys.more_epochs(run.run_id)
    )
    cap = record.config.time_budget_seconds
    minutes = middle.number_input(
        "Time cap (minutes, 0 = none)", 0, 24 * 60, round(cap / 60) if cap else 30,
        key=ContinueKeys.time_cap(run.run_id),
    )  # fmt: skip
    if right.button("Continue training", key=ContinueKeys.start(run.run_id), type="primary"):
        config = record.config.continuation(len(record.history), int(more), minutes * 60 or None)
        state.TRAIN_JOB.set(submit_continuation(run, config))
        st.switch_page("pages/train.py")


def run_results_ui(run: RunInfo) -> None:
    """A run's scores with baselines, why it stopped, training curves, per-class table and
    confusion matrices."""
    metrics = run.record.metrics
    scores_ui(run)
    outcome_ui(run)
    st.plotly_chart(plots.training_curves_figure(run.record.history), key="curves")
    per_class_ui(metrics, "result_per_class")
    matrix = metrics.confusion_matrix
    if matrix:
        left, right = st.columns(2)
        names = run.class_names
        left.plotly_chart(plots.confusion_matrix_figure(matrix, names), key="confusion_counts")
        right.plotly_chart(
            plots.confusion_matrix_figure(matrix, names, normalise=True), key="confusion_rows"
        )


def never_predicted_ui(run: RunInfo) -> None:
    """A warning naming the classes with test sequences that the model never predicted."""
    missed = never_predicted(run.record.metrics)
    if not missed:
        return
    named = ", ".join(f"{name} ({count:,} test sequences)" for name, count in missed.items())
    st.warning(
        as_text(
            f"Never predicted on the test set: {named}. Recall is 0 for "
            f"{'it' if len(missed) == 1 else 'them'}, precision undefined (—), and macro F1 "
            "counts them as 0. "
            + (
                "Training again with class weighting on (Train page, 'Weight classes by "
                "inverse frequency'), more epochs or more sequences of these classes can help."
                if not run.record.class_weighted
                else "More epochs or more sequences of these classes can help."
            )
        ),
        icon=":material/visibility_off:",
    )


def per_class_ui(metrics: Metrics, key: str) -> None:
    """Per-class precision, recall, F1, support and predictions; an undefined precision
    (a class never predicted) shows as "—"."""
    frame = per_class_frame(metrics)
    if frame.empty:
        st.info("This run has no test metrics (it was uploaded as a bare model).")
        return
    numbers = [c for c in ("precision", "recall", "f1-score", "f1") if c in frame.columns]
    st.dataframe(frame.style.format("{:.3f}", subset=numbers, na_rep="—"), key=key)
