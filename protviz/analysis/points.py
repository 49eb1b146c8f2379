"""The logic behind the Explore page: points, search, nearest neighbours, exports."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import pairwise_distances

from protviz.core.dataset import Dataset, ProteinDataError

COLOR_CHOICES = {
    "label": "true label",
    "predicted": "predicted label",
    "correct": "correct / incorrect",
    "confidence": "prediction confidence",
    "length": "sequence length",
}
"""Built-in colourings: points-frame column -> description (metadata columns come after)."""


def points_frame(
    dataset: Dataset,
    probabilities: np.ndarray | None = None,
    class_names: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per sequence with what the scatter plot colours and shows on hover.

    Args:
        dataset: The sequences shown.
        probabilities: A run's predictions, shape ``(len(dataset), n_classes)``, or
            None without a run (the prediction columns are left out).
        class_names: The run's classes, in probability column order.

    Returns:
        Columns ``id``, ``label``, then with predictions ``predicted``,
        ``confidence``, ``correct`` (``correct``/``incorrect``, or ``unknown
        class`` when the true label is not one of the run's classes) and
        ``prediction`` (text for hover), then ``length``, ``start`` (first
        residues) and the metadata columns. The index is ``0..n-1``.
    """
    labels = np.asarray(dataset.labels, dtype=object)
    columns: dict[str, object] = {"id": list(dataset.ids), "label": labels}
    if probabilities is not None:
        columns |= _prediction_columns(labels, probabilities, class_names)
    columns |= {
        "length": dataset.lengths,
        "start": [s[:20] + ("..." if len(s) > 20 else "") for s in dataset.sequences],
    }
    frame = pd.DataFrame(columns)
    metadata = dataset.metadata.reset_index(drop=True)
    extra = [c for c in metadata.columns if c not in frame.columns]
    return pd.concat([frame, metadata[extra]], axis=1)


def _prediction_columns(
    labels: np.ndarray, probabilities: np.ndarray, class_names: Sequence[str]
) -> dict[str, object]:
    """The columns ``predicted``, ``confidence``, ``correct`` and ``prediction`` of a run."""
    names = np.asarray(class_names, dtype=object)
    best = probabilities.argmax(axis=1)
    predicted = names[best]
    confidence = probabilities[np.arange(len(best)), best]
    known = np.isin(labels, names)
    correct = np.where(
        known, np.where(predicted == labels, "correct", "incorrect"), "unknown class"
    )
    return {
        "predicted": predicted,
        "confidence": confidence.round(4),
        "correct": correct,
        "prediction": [f"{p} ({c:.2f})" for p, c in zip(predicted, confidence, strict=True)],
    }


def search_mask(points: pd.DataFrame, query: str, *, regex: bool = False) -> np.ndarray:
    """Which sequences match a search on ID or label (case-insensitive).

    Args:
        points: From :func:`points_frame`.
        query: Text, or a regular expression when ``regex`` is true.
        regex: Treat ``query`` as a regular expression.

    Returns:
        Boolean mask, shape ``(n,)``; all False for an empty query.

    Raises:
        ProteinDataError: If ``query`` is not a valid regular expression.
    """
    if not query:
        return np.zeros(len(points), dtype=bool)
    if regex:
        try:
            re.compile(query)
        except re.error as error:
            raise ProteinDataError(
                f"The search {query!r} is not a valid regular expression: {error}."
            ) from None
    matches = np.zeros(len(points), dtype=bool)
    for column in ("id", "label"):
        matches |= (
            points[column].astype(str).str.contains(query, case=False, regex=regex).to_numpy()
        )
    return matches


def nearest_neighbours(
    vectors: np.ndarray, index: int, k: int = 10, metric: str = "cosine"
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest other sequences of one sequence in the original embedding space.

    Args:
        vectors: Shape ``(n, features)``.
        index: The chosen sequence's row.
        k: How many neighbours (clamped to ``n - 1``).
        metric: ``cosine`` or ``euclidean``.

    Returns:
        ``(rows, distances)``, each shape ``(k,)``, nearest first.
    """
    distances = pairwise_distances(vectors[index : index + 1], vectors, metric=metric)[0]
    distances[index] = np.inf
    k = min(k, len(vectors) - 1)
    rows = np.argsort(distances, kind="stable")[:k]
    return rows, distances[rows]


def selection_fasta(dataset: Dataset, rows: Sequence[int]) -> str:
    """The selected sequences as FASTA (``>ID label=LABEL``), in data set order.

    Args:
        dataset: The data set shown.
        rows: Selected rows.

    Returns:
        FASTA text.
    """
    chosen = sorted(set(int(r) for r in rows))
    subset = Dataset.create(
        dataset.name,
        [dataset.ids[r] for r in chosen],
        [dataset.sequences[r] for r in chosen],
        [dataset.labels[r] for r in chosen],
    )
    return subset.to_fasta()
