"""Summaries of a data set: lengths and amino-acid composition per class, and the classes
too small for reliable test scores."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from protviz.core.alphabet import PROTEIN_ALPHABET
from protviz.core.config import TrainingConfig
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


RELIABLE_TEST_SEQUENCES = 10
"""Test sequences a class needs for its precision, recall and F1 to mean much."""


def expected_test_counts(
    dataset: Dataset, test_fraction: float = TrainingConfig.test_fraction
) -> pd.Series:
    """About how many test sequences each class gets when a run is trained on ``dataset``.

    With the data set's own split: its ``test`` sequences (or, when it marks none,
    ``test_fraction`` of its ``train`` ones, as training carves them out). Without a
    split: ``test_fraction`` of each class (the stratified split), rounded.

    Args:
        dataset: The data set.
        test_fraction: The test share of a stratified split (the Train page's default).

    Returns:
        Expected test sequences per class, in :attr:`Dataset.class_counts` order.
    """
    classes = dataset.class_counts.index
    labels = pd.Series(dataset.labels)
    if dataset.split is None:
        pool, fraction = labels, test_fraction
    else:
        split = pd.Series(dataset.split)
        has_test = (split == "test").any()
        pool = labels[split == ("test" if has_test else "train")]
        fraction = 1.0 if has_test else test_fraction
    counts = pool.value_counts().reindex(classes, fill_value=0)
    return (counts * fraction).round().astype(int).rename("test sequences")


def rare_classes(
    dataset: Dataset,
    *,
    minimum: int = RELIABLE_TEST_SEQUENCES,
    test_fraction: float = TrainingConfig.test_fraction,
) -> pd.Series:
    """The classes expected to get fewer than ``minimum`` test sequences, fewest first.

    Args:
        dataset: The data set.
        minimum: Test sequences a class needs (see :data:`RELIABLE_TEST_SEQUENCES`).
        test_fraction: The test share of a stratified split.

    Returns:
        Expected test sequences per rare class (empty when there is none).
    """
    counts = expected_test_counts(dataset, test_fraction)
    return counts[counts < minimum].sort_values(kind="stable")


def rare_class_message(
    dataset: Dataset,
    *,
    minimum: int = RELIABLE_TEST_SEQUENCES,
    test_fraction: float = TrainingConfig.test_fraction,
) -> str | None:
    """A warning naming the classes too small for reliable test scores, and what to do.

    Args:
        dataset: The data set.
        minimum: Test sequences a class needs.
        test_fraction: The test share of a stratified split.

    Returns:
        The warning, or None when every class gets at least ``minimum`` test sequences.
    """
    rare = rare_classes(dataset, minimum=minimum, test_fraction=test_fraction)
    if rare.empty:
        return None
    own_split = dataset.split is not None and "test" in set(dataset.split)
    how = "with the data set's own split" if own_split else f"with {test_fraction:.0%} held out"
    named = ", ".join(f"{label} ({count})" for label, count in rare.items())
    remedy = (
        "move more of their sequences into its test split"
        if own_split
        else "train with a larger test fraction (Train page)"
    )
    return (
        f"{len(rare)} {'class' if len(rare) == 1 else 'classes'} would get fewer than "
        f"{minimum} test sequences {how}: {named}. "
        "Their test scores (precision, recall, F1) would rest on a handful of sequences and "
        f"be unreliable. Collect more sequences of these classes, merge them with related "
        f"classes, or {remedy}."
    )
