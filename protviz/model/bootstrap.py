"""Bootstrap confidence intervals for test scores, and paired comparisons.

Test sets are small: 1,192 MultiLoc test sequences give an accuracy that moves
by a few points from one random test set to the next. Every score therefore
comes with a 95% percentile-bootstrap interval over the test sequences
(:func:`bootstrap_interval`), and two predictors scored on the *same* test
sequences are compared with a paired bootstrap (:func:`paired_difference`):
each resample scores both on the same draw of sequences, so the interval of
the difference is much narrower than the two intervals side by side suggest.
A difference whose interval contains 0 lies *within the noise*.

The resamples depend only on the number of test sequences, ``n_resamples``
and ``seed``, so with the same seed every score of the same test set is
computed on the same resamples: the interval of a predictor is the same
whether it is scored alone or in a comparison.

The metrics follow :mod:`sklearn.metrics` (``accuracy_score``,
``balanced_accuracy_score``, ``f1_score(average="macro")`` over the classes
present in the true labels, ``matthews_corrcoef``) but are computed from one
confusion matrix per resample, all resamples at once, with numpy only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from protviz.core.errors import ProtvizError

METRICS = ("accuracy", "balanced_accuracy", "macro_f1", "mcc")
"""Metric names :func:`bootstrap_interval` and :func:`paired_difference` accept."""

CHUNK_ITEMS = 4_000_000
"""Most resampled items held in memory at once (resamples are drawn in chunks)."""


class BootstrapError(ProtvizError):
    """Scores that cannot be bootstrapped (unknown metric, mismatched or empty labels)."""


class Interval(NamedTuple):
    """A score and its bootstrap confidence interval.

    Attributes:
        estimate: The score on all test sequences.
        low: Lower end of the interval.
        high: Upper end of the interval.
    """

    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class PairedDifference:
    """Two predictors scored on the same test sequences, and their difference.

    Attributes:
        metric: The metric (one of :data:`METRICS`).
        first: Score of the first predictor with its interval.
        second: Score of the second predictor with its interval.
        difference: First minus second, with its paired interval.
        within_noise: True when the interval of the difference contains 0.
        n: Number of test sequences.
        confidence: Confidence level of the intervals, e.g. 0.95.
        others: The other metrics on the same sequences: name -> (first, second) point
            estimates (no intervals), so a sentence can give them beside ``metric``.
    """

    metric: str
    first: Interval
    second: Interval
    difference: Interval
    within_noise: bool
    n: int
    confidence: float
    others: dict[str, tuple[float, float]] = field(default_factory=dict)


# --------------------------------------------------------------------------- metrics


def _present_mean(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Mean of ``values`` over the ``present`` classes, per resample (0 when none)."""
    total = np.where(present, values, 0.0).sum(axis=1)
    return total / np.maximum(present.sum(axis=1), 1)


def _accuracy(confusion: np.ndarray) -> np.ndarray:
    correct = np.trace(confusion, axis1=1, axis2=2)
    return correct / confusion.sum(axis=(1, 2))


def _balanced_accuracy(confusion: np.ndarray) -> np.ndarray:
    support = confusion.sum(axis=2)
    hits = np.diagonal(confusion, axis1=1, axis2=2)
    recall = hits / np.maximum(support, 1)
    return _present_mean(recall, support > 0)


def _macro_f1(confusion: np.ndarray) -> np.ndarray:
    support = confusion.sum(axis=2)
    predicted = confusion.sum(axis=1)
    hits = np.diagonal(confusion, axis1=1, axis2=2)
    denominator = support + predicted
    f1 = 2.0 * hits / np.maximum(denominator, 1)
    return _present_mean(f1, support > 0)


def _mcc(confusion: np.ndarray) -> np.ndarray:
    true_sum = confusion.sum(axis=2).astype(float)
    predicted_sum = confusion.sum(axis=1).astype(float)
    correct = np.trace(confusion, axis1=1, axis2=2).astype(float)
    total = confusion.sum(axis=(1, 2)).astype(float)
    covariance = correct * total - (true_sum * predicted_sum).sum(axis=1)
    true_spread = total**2 - (true_sum**2).sum(axis=1)
    predicted_spread = total**2 - (predicted_sum**2).sum(axis=1)
    product = true_spread * predicted_spread
    return np.where(product > 0, covariance / np.sqrt(np.maximum(product, 1.0)), 0.0)


_METRIC_FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "accuracy": _accuracy,
    "balanced_accuracy": _balanced_accuracy,
    "macro_f1": _macro_f1,
    "mcc": _mcc,
}
"""Metric name -> function of confusion matrices ``(r, k, k)`` returning ``(r,)``."""


# --------------------------------------------------------------------------- resampling


def _check(
    y_true: Sequence,
    predictions: Sequence[Sequence],
    metric: str,
    n_resamples: int,
    confidence: float,
) -> None:
    """Raise :class:`BootstrapError` for inputs that cannot be bootstrapped."""
    if metric not in METRICS:
        raise BootstrapError(f"Unknown metric {metric!r}; choose one of {', '.join(METRICS)}.")
    if len(y_true) == 0:
        raise BootstrapError("No test sequences to score: the true labels are empty.")
    lengths = [len(prediction) for prediction in predictions]
    if any(length != len(y_true) for length in lengths):
        raise BootstrapError(
            f"Predictions must have one label per test sequence ({len(y_true)}); got "
            f"{', '.join(str(length) for length in lengths)}. Compare predictors only on "
            "the same test sequences."
        )
    if not isinstance(n_resamples, int) or n_resamples < 1:
        raise BootstrapError(f"n_resamples must be a whole number >= 1; got {n_resamples!r}.")
    if not 0.0 < confidence < 1.0:
        raise BootstrapError(f"confidence must be in (0, 1), e.g. 0.95; got {confidence!r}.")


def _resampled_counts(cells: np.ndarray, n_cells: int, n_resamples: int, seed: int) -> np.ndarray:
    """Count, per resample of the test sequences, how many fall in each cell.

    Args:
        cells: Cell index per test sequence, shape ``(n,)``.
        n_cells: Number of cells.
        n_resamples: Number of resamples.
        seed: Random seed; the draws depend only on ``n``, ``n_resamples`` and it.

    Returns:
        Counts, shape ``(n_resamples, n_cells)``.
    """
    rng = np.random.default_rng(seed)
    n = len(cells)
    counts = np.empty((n_resamples, n_cells), dtype=np.int64)
    rows_per_chunk = max(1, CHUNK_ITEMS // n)
    for start in range(0, n_resamples, rows_per_chunk):
        rows = min(rows_per_chunk, n_resamples - start)
        drawn = cells[rng.integers(0, n, size=(rows, n))]
        drawn += np.arange(rows)[:, None] * n_cells
        counts[start : start + rows] = np.bincount(drawn.ravel(), minlength=rows * n_cells).reshape(
            rows, n_cells
        )
    return counts


def _confusions(
    y_true: Sequence, predictions: Sequence[Sequence], n_resamples: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Confusion matrices of each predictor, on all test sequences and per resample.

    The sequences are grouped by their joint (true, first prediction, second
    prediction, ...) labels, so one draw of resamples serves every predictor.

    Returns:
        Per predictor, ``(full, resampled)``: shapes ``(1, k, k)`` and
        ``(n_resamples, k, k)``, rows true classes, columns predicted.
    """
    _, codes = np.unique(
        np.concatenate([np.asarray(y_true), *map(np.asarray, predictions)]).astype(str),
        return_inverse=True,
    )
    n_classes = int(codes.max()) + 1
    joint = codes.reshape(1 + len(predictions), len(y_true))
    groups, cells = np.unique(joint, axis=1, return_inverse=True)
    cells = cells.ravel()
    full = np.bincount(cells, minlength=groups.shape[1])[None, :]
    resampled = _resampled_counts(cells, groups.shape[1], n_resamples, seed)
    result = []
    for row in range(1, len(joint)):
        # One-hot map from group to confusion cell (true, predicted) of this predictor.
        mapping = np.zeros((groups.shape[1], n_classes * n_classes))
        mapping[np.arange(groups.shape[1]), groups[0] * n_classes + groups[row]] = 1.0
        shape = (-1, n_classes, n_classes)
        result.append(((full @ mapping).reshape(shape), (resampled @ mapping).reshape(shape)))
    return result


def _interval(estimate: float, resampled: np.ndarray, confidence: float) -> Interval:
    """Percentile interval of ``resampled`` around ``estimate``."""
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(resampled, [tail, 1.0 - tail])
    return Interval(float(estimate), float(low), float(high))


# --------------------------------------------------------------------------- public


def bootstrap_intervals(
    y_true: Sequence,
    y_pred: Sequence,
    metrics: Sequence[str] = METRICS,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Interval]:
    """Score predictions on several metrics, each with a percentile-bootstrap interval.

    Every metric is computed on the same resamples of the test sequences.

    Args:
        y_true: True label per test sequence, length ``n`` (strings or integers).
        y_pred: Predicted label per test sequence, length ``n``.
        metrics: Metric names, each one of :data:`METRICS`.
        n_resamples: Number of bootstrap resamples of the test sequences.
        confidence: Confidence level of the intervals.
        seed: Random seed; the same seed draws the same resamples.

    Returns:
        Metric name -> ``(estimate, low, high)``: the score on all sequences and
        its interval.

    Raises:
        BootstrapError: If a metric is unknown, the lengths differ, there are
            no sequences, or ``n_resamples``/``confidence`` are out of range.
    """
    for metric in metrics:
        _check(y_true, [y_pred], metric, n_resamples, confidence)
    [(full, resampled)] = _confusions(y_true, [y_pred], n_resamples, seed)
    return {
        metric: _interval(
            _METRIC_FUNCTIONS[metric](full)[0], _METRIC_FUNCTIONS[metric](resampled), confidence
        )
        for metric in metrics
    }


def bootstrap_interval(
    y_true: Sequence,
    y_pred: Sequence,
    metric: str,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Score predictions with a percentile-bootstrap confidence interval.

    Args:
        y_true: True label per test sequence, length ``n`` (strings or integers).
        y_pred: Predicted label per test sequence, length ``n``.
        metric: ``accuracy``, ``balanced_accuracy``, ``macro_f1`` or ``mcc``.
        n_resamples: Number of bootstrap resamples of the test sequences.
        confidence: Confidence level of the interval.
        seed: Random seed; the same seed draws the same resamples.

    Returns:
        ``(estimate, low, high)``: the score on all sequences and the interval.

    Raises:
        BootstrapError: As :func:`bootstrap_intervals`.
    """
    options = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
    return bootstrap_intervals(y_true, y_pred, [metric], **options)[metric]


def paired_difference(
    y_true: Sequence,
    pred_a: Sequence,
    pred_b: Sequence,
    metric: str,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> PairedDifference:
    """Compare two predictors on the same test sequences with a paired bootstrap.

    Each resample of the test sequences scores both predictors; the interval of
    the difference ``a - b`` is the percentile interval of those paired
    differences. Identical predictions give a difference of exactly 0 with the
    interval ``(0, 0)``.

    Args:
        y_true: True label per test sequence, length ``n``.
        pred_a: Predictions of the first predictor, length ``n``.
        pred_b: Predictions of the second predictor, length ``n``.
        metric: ``accuracy``, ``balanced_accuracy``, ``macro_f1`` or ``mcc``.
        n_resamples: Number of bootstrap resamples.
        confidence: Confidence level of the intervals.
        seed: Random seed; with the same seed, :attr:`PairedDifference.first`
            equals ``bootstrap_interval(y_true, pred_a, metric, seed=seed)``.

    Returns:
        Both scores with their intervals, the difference with its interval and
        whether it lies within the noise (its interval contains 0).

    Raises:
        BootstrapError: As :func:`bootstrap_interval`.
    """
    _check(y_true, [pred_a, pred_b], metric, n_resamples, confidence)
    (full_a, resampled_a), (full_b, resampled_b) = _confusions(
        y_true, [pred_a, pred_b], n_resamples, seed
    )
    score = _METRIC_FUNCTIONS[metric]
    scores_a, scores_b = score(resampled_a), score(resampled_b)
    first = _interval(score(full_a)[0], scores_a, confidence)
    second = _interval(score(full_b)[0], scores_b, confidence)
    difference = _interval(first.estimate - second.estimate, scores_a - scores_b, confidence)
    return PairedDifference(
        metric=metric,
        first=first,
        second=second,
        difference=difference,
        within_noise=difference.low <= 0.0 <= difference.high,
        n=len(y_true),
        confidence=confidence,
        others={
            name: (float(function(full_a)[0]), float(function(full_b)[0]))
            for name, function in _METRIC_FUNCTIONS.items()
            if name != metric
        },
    )
