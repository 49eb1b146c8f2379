"""The logic behind the Explore page: points, split membership, search, nearest neighbours,
exports."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import pairwise_distances

from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.model.runs import PROBABILITY_PREFIX, RunInfo, load_predictions
from protviz.model.splits import split_dataset

COLOR_CHOICES = {
    "label": "true label",
    "predicted": "predicted label",
    "correct": "correct / incorrect",
    "confidence": "prediction confidence",
    "length": "sequence length",
    "split": "train / valid / test",
}
"""Built-in colourings: points-frame column -> description (metadata columns come after)."""

POINT_COLUMNS = (
    "id",
    "label",
    "predicted",
    "confidence",
    "correct",
    "prediction",
    "length",
    "start",
    "split",
)
"""The columns :func:`points_frame` makes; every other column is metadata."""

CLASS_COLUMNS = ("label", "predicted")
"""Columns whose values are classes (they share one colour per class)."""


def points_frame(
    dataset: Dataset,
    probabilities: np.ndarray | None = None,
    class_names: Sequence[str] = (),
    split: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per sequence with what the scatter plot colours and shows on hover.

    Args:
        dataset: The sequences shown.
        probabilities: A run's predictions, shape ``(len(dataset), n_classes)``, or
            None without a run (the prediction columns are left out).
        class_names: The run's classes, in probability column order.
        split: Each sequence's split (:func:`split_membership`), or None for none.

    Returns:
        Columns ``id``, ``label``, then with predictions ``predicted``,
        ``confidence``, ``correct`` (``correct``/``incorrect``, or ``unknown
        class`` when the true label is not one of the run's classes) and
        ``prediction`` (text for hover), then ``length``, ``start`` (first
        residues), ``split`` (when given) and the metadata columns. The index is
        ``0..n-1``.
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
    if split is not None:
        frame["split"] = np.asarray(split, dtype=object)
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


def metadata_columns(points: pd.DataFrame) -> list[str]:
    """The metadata columns of a points frame (those :func:`points_frame` did not make)."""
    return [column for column in points.columns if column not in POINT_COLUMNS]


def searched_columns(points: pd.DataFrame) -> list[str]:
    """The columns a search looks in: ID, label, and every text metadata column."""
    text = [
        column
        for column in metadata_columns(points)
        if not pd.api.types.is_numeric_dtype(points[column])
        and not pd.api.types.is_bool_dtype(points[column])
    ]
    return ["id", "label", *text]


def search_mask(points: pd.DataFrame, query: str, *, regex: bool = False) -> np.ndarray:
    """Which sequences match a search on ID, label or text metadata (case-insensitive).

    A strain in a ``strain`` column is found by "whale" or "A/swine"; numeric metadata
    (years, positions) is left out, because a number would match too much.

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
    for column in searched_columns(points):
        text = points[column].astype(str).where(points[column].notna(), "")
        matches |= text.str.contains(query, case=False, regex=regex).to_numpy()
    return matches


def search_summary(matches: int) -> str:
    """What a search found, in words."""
    if matches == 0:
        return "No sequence matches the search."
    if matches == 1:
        return "1 sequence matches the search; it is ringed in the plot."
    return f"{matches:,} sequences match the search; they are ringed in the plot."


def training_split(
    dataset: Dataset, config: TrainingConfig, test_ids: Collection[str]
) -> np.ndarray:
    """The split of every sequence of a run trained on ``dataset``.

    The run's test sequences are those of its predictions. When the run's configuration
    reproduces that test set (it does for every run protviz trained: the split is
    seeded), the training and validation sequences are told apart too; otherwise they
    are ``train or valid``.

    Args:
        dataset: The data set the run was trained on.
        config: The run's configuration (its split fractions, seed and split source).
        test_ids: The IDs of the run's test sequences.

    Returns:
        One of ``train``, ``valid``, ``test``, ``train or valid`` or ``not used`` (a
        split value the run left out) per sequence, shape ``(len(dataset),)``.
    """
    ids = np.asarray(dataset.ids, dtype=object)
    wanted = set(test_ids)  # a set lookup per ID: np.isin sorts Python strings (seconds)
    is_test = np.fromiter((seq_id in wanted for seq_id in ids), dtype=bool, count=len(ids))
    try:
        split = split_dataset(dataset, config)
    except ProteinDataError:
        split = None
    if split is None or set(ids[split.test]) != set(ids[is_test]):
        return np.where(is_test, "test", "train or valid").astype(object)
    membership = np.full(len(ids), "not used", dtype=object)
    for name in ("train", "valid", "test"):
        membership[getattr(split, name)] = name
    return membership


def split_membership(run: RunInfo, dataset: Dataset) -> np.ndarray | None:
    """Each sequence's split as the Explore page shows it.

    For a run trained on ``dataset``: the run's own split (:func:`training_split`, its
    test sequences read from its predictions). Otherwise the data set's own split
    column, or None when it has none.

    Args:
        run: The run shown.
        dataset: The data set shown.

    Returns:
        The split of every sequence, shape ``(len(dataset),)``, or None.
    """
    if run.record.dataset.content_hash == dataset.content_hash:
        test_ids = set(_test_predictions(run)["id"])
        if test_ids:
            return training_split(dataset, run.record.config, test_ids)
    return None if dataset.split is None else np.asarray(dataset.split, dtype=object)


def _test_predictions(run: RunInfo) -> pd.DataFrame:
    """A run's test predictions; empty when it saved none (a bare model upload)."""
    try:
        return load_predictions(run.run_id, run.path.parent)
    except (OSError, ValueError):
        return pd.DataFrame(columns=["id", "true_label", "predicted_label"])


TELLING_LENGTH = 100
"""Residues a first sequence should have, when the run has such test sequences: a short
peptide shows little of where a model looks."""


def telling_sequence(run: RunInfo, dataset: Dataset) -> str | None:
    """The sequence a first look at a run starts with: the test sequence of at least
    :data:`TELLING_LENGTH` residues (any length when there is none) that the run
    classifies correctly with the highest confidence.

    Args:
        run: The run.
        dataset: The data set shown.

    Returns:
        Its ID, or None for a run trained on another data set or without predictions.
    """
    if run.record.dataset.content_hash != dataset.content_hash:
        return None
    predictions = _test_predictions(run)
    right = predictions[predictions["true_label"] == predictions["predicted_label"]]
    probabilities = [c for c in right.columns if c.startswith(PROBABILITY_PREFIX)]
    if right.empty or not probabilities:
        return None
    length = dict(zip(dataset.ids, dataset.lengths, strict=True))
    long_enough = right[right["id"].map(length).fillna(0) >= TELLING_LENGTH]
    chosen = long_enough if not long_enough.empty else right
    return str(chosen.loc[chosen[probabilities].max(axis=1).idxmax(), "id"])


def class_list(dataset: Dataset, class_names: Sequence[str] = ()) -> list[str]:
    """The classes every class colour comes from: the data set's, then a run's others.

    Args:
        dataset: The data set shown.
        class_names: The run's classes (a run trained elsewhere may know others).

    Returns:
        The sorted union of both.
    """
    return sorted(set(dataset.classes) | set(class_names))


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
