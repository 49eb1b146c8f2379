"""Display tables of saved runs: the runs list, runs side by side, per-class metrics, layers.

Cells are what a person reads (labelled columns, display strings where rows mix
numbers and text); the data behind them is the run store's
(:mod:`protviz.model.runs`) and the model readout's (:mod:`protviz.model.readout`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from protviz.analysis.scores import NETWORK, PredictorScores, run_scores
from protviz.core.records import HEADLINE_METRICS
from protviz.model.bootstrap import Interval
from protviz.report.sentences import baseline_label, range_text

if TYPE_CHECKING:
    from protviz.core.records import Metrics, RunRecord
    from protviz.model.readout import LayerSummary
    from protviz.model.runs import RunInfo


def runs_frame(runs: Sequence[RunInfo]) -> pd.DataFrame:
    """One row per saved run, for the Models page's table.

    Args:
        runs: Saved runs, e.g. from :func:`protviz.model.runs.list_runs`.

    Returns:
        Columns ``run_id``, ``name``, ``architecture``, ``data set``,
        ``classes``, ``sequences``, ``test accuracy``, ``accuracy 95% CI``,
        ``balanced accuracy``, ``macro F1``, ``macro F1 95% CI``,
        ``1-3-mer baseline`` (its accuracy on the same test sequences),
        ``stopped``, ``created`` and ``training (s)``; missing values are NaN
        (or empty text).
    """
    rows = []
    for run in runs:
        record = run.record
        network, *baselines = run_scores(run)
        kmer = next((b.get("accuracy") for b in baselines if b.name == "kmer"), None)
        rows.append(
            {
                "run_id": run.run_id,
                "name": run.name,
                "architecture": record.config.arch,
                "data set": record.dataset.name,
                "classes": len(record.class_names),
                "sequences": record.dataset.sequences,
                "test accuracy": record.metrics.accuracy,
                "accuracy 95% CI": range_cell(network.get("accuracy")),
                "balanced accuracy": record.metrics.balanced_accuracy,
                "macro F1": record.metrics.macro_f1,
                "macro F1 95% CI": range_cell(network.get("macro_f1")),
                "1-3-mer baseline": None if kmer is None else kmer.estimate,
                "stopped": stopped_text(record),
                "created": record.created[:16].replace("T", " "),
                "training (s)": record.timings.train_seconds,
            }
        )
    return pd.DataFrame(rows, columns=RUNS_COLUMNS)


RUNS_COLUMNS = [
    "run_id", "name", "architecture", "data set", "classes", "sequences", "test accuracy",
    "accuracy 95% CI", "balanced accuracy", "macro F1", "macro F1 95% CI", "1-3-mer baseline",
    "stopped", "created", "training (s)",
]  # fmt: skip
"""The columns of :func:`runs_frame`."""

STOP_LABELS = {
    "converged": "converged",
    "epoch_cap": "epoch cap",
    "time_cap": "time cap",
    "cancelled": "by hand",
}
"""Stop reason -> how a table names it."""


def stopped_text(record: RunRecord) -> str:
    """Why training stopped, in a table cell: ``time cap, still improving``."""
    text = STOP_LABELS.get(record.stop_reason or "", "")
    return f"{text}, still improving" if text and record.still_improving else text


COMPARED_METRICS = dict(
    zip(
        HEADLINE_METRICS,
        ("test accuracy", "balanced accuracy", "macro F1", "Matthews correlation"),
        strict=True,
    )
)
"""Test metrics shown when runs are compared: metric name -> row label."""


def range_cell(interval: Interval | None) -> str:
    """``0.935-0.969``, or empty text when the interval is unknown."""
    if interval is None or interval.low != interval.low:
        return ""
    return range_text(interval.low, interval.high)


def _with_interval(interval: Interval | None) -> str:
    """``0.953 (0.935-0.969)``; the score alone when its interval is unknown."""
    if interval is None:
        return ""
    bounds = range_cell(interval)
    return f"{interval.estimate:.3f}" + (f" ({bounds})" if bounds else "")


def scores_frame(scores: Sequence[PredictorScores]) -> pd.DataFrame:
    """A run's network and baselines on the same test sequences, with 95% intervals.

    Args:
        scores: From :func:`protviz.analysis.scores.run_scores`.

    Returns:
        One row per predictor (``this network``, then each baseline), one column
        per metric of :data:`COMPARED_METRICS`; cells such as ``0.953 (0.935-0.969)``.
    """
    rows = {
        "this network" if entry.name == NETWORK else baseline_label(entry.name): {
            label: _with_interval(entry.get(metric)) for metric, label in COMPARED_METRICS.items()
        }
        for entry in scores
    }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "95% CI over the test sequences"
    return frame


def compare_frame(runs: Sequence[RunInfo]) -> pd.DataFrame:
    """Runs side by side: one column per run, one row per metric or setting.

    Args:
        runs: The runs to compare (the page allows up to four).

    Returns:
        Rows: the test metrics of :data:`COMPARED_METRICS` with their 95%
        intervals, the accuracy and macro F1 of each baseline on the same test
        sequences, then architecture, data set, test sequences, parameters,
        epochs run, why training stopped and training time. Columns: run names
        (suffixed with the id when names repeat). Cells are display strings
        (metrics to three decimals), since rows mix numbers and text.
    """
    names = [run.name for run in runs]
    columns = [
        name if names.count(name) == 1 else f"{name} ({run.run_id[:6]})"
        for name, run in zip(names, runs, strict=True)
    ]
    table = {column: _compared_values(run) for column, run in zip(columns, runs, strict=True)}
    frame = pd.DataFrame(table).fillna("")
    frame.index.name = ""
    return frame


def _compared_values(run: RunInfo) -> dict[str, str]:
    """One run's column of :func:`compare_frame`, by row label."""
    record = run.record
    network, *baselines = run_scores(run)
    values = {
        label: _with_interval(network.get(metric)) for metric, label in COMPARED_METRICS.items()
    }
    for baseline in baselines:
        for metric in ("accuracy", "macro_f1"):
            label = f"{baseline_label(baseline.name)}: {COMPARED_METRICS[metric]}"
            values[label] = _with_interval(baseline.get(metric))
    settings = {
        "architecture": record.config.arch,
        "data set": record.dataset.name,
        "test sequences": record.metrics.n,
        "parameters": record.parameters,
        "epochs run": record.epochs_run,
        "stopped": stopped_text(record),
        "training (s)": record.timings.train_seconds,
    }
    return values | {label: _display(value) for label, value in settings.items()}


def _display(value: object) -> str:
    """Format one table cell: metrics to 3 decimals, counts with thousands separators."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def per_class_frame(metrics: Metrics) -> pd.DataFrame:
    """Per-class precision, recall, F1 and support from a run's test metrics.

    Args:
        metrics: The test metrics of a run record.

    Returns:
        One row per class (index: class name); empty when the run has none.
    """
    frame = pd.DataFrame.from_dict(metrics.per_class, orient="index")
    frame.index.name = "class"
    predicted = _predicted_counts(metrics)
    if predicted is not None and len(predicted) == len(frame) and "precision" in frame:
        frame.insert(frame.columns.get_loc("precision"), "predicted", predicted)
        frame["precision"] = frame["precision"].where(predicted > 0)  # undefined: NaN, not 0
    return frame


def _predicted_counts(metrics: Metrics) -> np.ndarray | None:
    """How often each class was predicted on the test set (the confusion matrix's column
    sums, in class order), or None without a confusion matrix."""
    matrix = metrics.confusion_matrix
    return np.asarray(matrix).sum(axis=0) if matrix else None


def never_predicted(metrics: Metrics) -> dict[str, int]:
    """The classes with test sequences that the model never predicted.

    Args:
        metrics: The test metrics of a run record.

    Returns:
        Class name -> its number of test sequences, in class order; empty when every
        class with test sequences was predicted at least once (or there is no
        confusion matrix).
    """
    predicted = _predicted_counts(metrics)
    if predicted is None or len(predicted) != len(metrics.per_class):
        return {}
    support = np.asarray(metrics.confusion_matrix).sum(axis=1)
    names = list(metrics.per_class)
    return {
        names[i]: int(support[i]) for i in range(len(names)) if predicted[i] == 0 and support[i] > 0
    }


def model_summary_frame(layers: Sequence[LayerSummary]) -> pd.DataFrame:
    """The layers of a Keras model as a table (what ``model.summary()`` prints).

    Args:
        layers: The model's layers, from :func:`protviz.model.readout.layer_summaries`.

    Returns:
        One row per layer: ``layer``, ``type``, ``output shape`` (``?`` for a free
        axis) and ``parameters``.
    """
    rows = [
        {
            "layer": layer.name,
            "type": layer.type_name,
            "output shape": _shape_text(layer.output_shapes),
            "parameters": layer.parameters,
        }
        for layer in layers
    ]
    return pd.DataFrame(rows)


def _shape_text(shapes: Sequence[tuple[int | None, ...]]) -> str:
    """Output shapes as ``(?, 64)``: ``?`` for a free axis, several outputs comma-separated."""
    return ", ".join(str(shape) for shape in shapes).replace("None", "?")
