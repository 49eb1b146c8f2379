"""Summaries as tables: data sets (lengths, composition per class) and saved runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from protviz.core.alphabet import PROTEIN_ALPHABET
from protviz.core.dataset import Dataset
from protviz.core.records import HEADLINE_METRICS

if TYPE_CHECKING:
    import keras

    from protviz.core.records import Metrics
    from protviz.model.runs import RunInfo


def composition_by_class(dataset: Dataset) -> pd.DataFrame:
    """Amino-acid composition of each class, in percent of its residues.

    Args:
        dataset: The data set.

    Returns:
        A frame of shape ``(n_classes, 21)``: rows are classes (largest first),
        columns the letters of ``PROTEIN_ALPHABET``; each row sums to 100.
    """
    counts: dict[str, Counter[str]] = {label: Counter() for label in dataset.class_counts.index}
    for label, sequence in zip(dataset.labels, dataset.sequences, strict=True):
        counts[label].update(sequence)
    frame = pd.DataFrame(
        [[counts[label][letter] for letter in PROTEIN_ALPHABET] for label in counts],
        index=pd.Index(list(counts), name="class"),
        columns=list(PROTEIN_ALPHABET),
        dtype=float,
    )
    return frame.div(frame.sum(axis=1), axis=0) * 100


def length_table(dataset: Dataset) -> pd.DataFrame:
    """Sequence length statistics per class and overall.

    Args:
        dataset: The data set.

    Returns:
        One row per class (largest first) plus a final ``all`` row, with columns
        ``sequences``, ``min``, ``median``, ``mean``, ``max``.
    """
    frame = pd.DataFrame({"class": list(dataset.labels), "length": dataset.lengths})
    stats = frame.groupby("class")["length"].agg(["count", "min", "median", "mean", "max"])
    stats = stats.loc[dataset.class_counts.index]
    overall = frame["length"].agg(["count", "min", "median", "mean", "max"]).rename("all")
    table = pd.concat([stats, overall.to_frame().T])
    table = table.rename(columns={"count": "sequences"})
    table.index.name = "class"
    return table.round({"mean": 1, "median": 1}).astype({"sequences": int, "min": int, "max": int})


# --------------------------------------------------------------------------- runs


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


def model_summary_frame(model: keras.Model) -> pd.DataFrame:
    """The layers of a Keras model as a table (what ``model.summary()`` prints).

    Args:
        model: A built Keras model.

    Returns:
        One row per layer: ``layer``, ``type``, ``output shape``, ``parameters``.
    """
    rows = []
    for layer in model.layers:
        try:
            outputs = layer.output if isinstance(layer.output, list | tuple) else [layer.output]
            shape = ", ".join(str(tuple(out.shape)) for out in outputs).replace("None", "?")
        except (AttributeError, ValueError):
            shape = ""
        rows.append(
            {
                "layer": layer.name,
                "type": type(layer).__name__,
                "output shape": shape,
                "parameters": int(layer.count_params()),
            }
        )
    return pd.DataFrame(rows)
