"""Summaries of a data set as tables: lengths and amino-acid composition per class."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from protviz.core.alphabet import PROTEIN_ALPHABET
from protviz.core.dataset import Dataset


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
