"""Display tables of saved runs: the runs list, runs side by side, per-class metrics, layers.

Cells are what a person reads (labelled columns, display strings where rows mix
numbers and text); the data behind them is the run store's
(:mod:`protviz.model.runs`) and the model readout's (:mod:`protviz.model.readout`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from protviz.core.records import HEADLINE_METRICS

if TYPE_CHECKING:
    from protviz.core.records import Metrics
    from protviz.model.readout import LayerSummary
    from protviz.model.runs import RunInfo


def runs_frame(runs: Sequence[RunInfo]) -> pd.DataFrame:
    """One row per saved run, for the Models page's table.

    Args:
        runs: Saved runs, e.g. from :func:`protviz.model.runs.list_runs`.

    Returns:
        Columns ``run_id``, ``name``, ``architecture``, ``data set``,
        ``classes``, ``sequences``, ``test accuracy``, ``macro F1``,
        ``created`` and ``training (s)``; missing values are NaN.
    """
    rows = []
    for run in runs:
        record = run.record
        rows.append(
            {
                "run_id": run.run_id,
                "name": run.name,
                "architecture": record.config.arch,
                "data set": record.dataset.name,
                "classes": len(record.class_names),
                "sequences": record.dataset.sequences,
                "test accuracy": record.metrics.accuracy,
                "macro F1": record.metrics.macro_f1,
                "created": record.created[:16].replace("T", " "),
                "training (s)": record.timings.train_seconds,
            }
        )
    columns = [
        "run_id", "name", "architecture", "data set", "classes", "sequences",
        "test accuracy", "macro F1", "created", "training (s)",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


COMPARED_METRICS = dict(
    zip(
        HEADLINE_METRICS,
        ("test accuracy", "balanced accuracy", "macro F1", "Matthews correlation"),
        strict=True,
    )
)
"""Test metrics shown when runs are compared: metric name -> row label."""


def compare_frame(runs: Sequence[RunInfo]) -> pd.DataFrame:
    """Runs side by side: one column per run, one row per metric or setting.

    Args:
        runs: The runs to compare (the page allows up to four).

    Returns:
        Rows: the test metrics of :data:`COMPARED_METRICS`, then architecture,
        data set, test sequences, parameters, epochs run and training time.
        Columns: run names (suffixed with the id when names repeat). Cells are
        display strings (metrics to three decimals), since rows mix numbers and text.
    """
    names = [run.name for run in runs]
    columns = [
        name if names.count(name) == 1 else f"{name} ({run.run_id[:6]})"
        for name, run in zip(names, runs, strict=True)
    ]
    table: dict[str, list] = {}
    for column, run in zip(columns, runs, strict=True):
        record = run.record
        headline = record.metrics.headline()
        values = {label: headline[key] for key, label in COMPARED_METRICS.items()}
        values.update(
            {
                "architecture": record.config.arch,
                "data set": record.dataset.name,
                "test sequences": record.metrics.n,
                "parameters": record.parameters,
                "epochs run": record.epochs_run,
                "training (s)": record.timings.train_seconds,
            }
        )
        table[column] = [_display(value) for value in values.values()]
    index = [
        *COMPARED_METRICS.values(),
        "architecture", "data set", "test sequences", "parameters", "epochs run", "training (s)",
    ]  # fmt: skip
    return pd.DataFrame(table, index=pd.Index(index, name=""))


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
    return frame


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
