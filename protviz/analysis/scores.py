"""A run's scores with their intervals, and paired comparisons on the same test sequences.

Every score a page shows for a run carries its 95% bootstrap interval over the
test sequences. Runs saved by this protviz store them in their record (the
network's under ``metrics.intervals``, each baseline's under ``baselines``);
for older runs they are computed here from ``predictions.csv`` with the same
resamples (:mod:`protviz.model.metrics`).

Comparisons are paired: two predictors are scored on the same resamples of the
same test sequences (:func:`~protviz.model.bootstrap.paired_difference`), so the
interval of their difference says whether it lies within the noise:

- a baseline against the network of its run (:func:`baseline_comparisons`), from
  the ``baseline:<name>`` columns of ``predictions.csv``;
- two runs (:func:`runs_comparison`), on the test sequences they share, matched
  by ID.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from protviz.core.records import Metrics
from protviz.model.bootstrap import Interval, PairedDifference, paired_difference
from protviz.model.metrics import CONFIDENCE, RESAMPLES, score_intervals
from protviz.model.runs import BASELINE_PREFIX, RunInfo, RunStoreError, load_predictions

NETWORK = "network"
"""The name of a run's own model among its predictors."""

MIN_SHARED = 10
"""Fewest shared test sequences for a comparison of two runs."""


@dataclass(frozen=True)
class PredictorScores:
    """One predictor's headline scores on a run's test sequences.

    Attributes:
        name: :data:`NETWORK` or a baseline name (``composition``, ``kmer``).
        scores: Metric name -> ``(estimate, low, high)``; ``low`` and ``high``
            are NaN when the interval is unknown (no stored predictions).
        n: Test sequences scored (None when unknown).
    """

    name: str
    scores: Mapping[str, Interval]
    n: int | None

    def get(self, metric: str) -> Interval | None:
        """The score of ``metric`` with its interval, or None when not measured."""
        return self.scores.get(metric)


def _from_metrics(
    name: str, metrics: Metrics, computed: Mapping[str, list[float]]
) -> PredictorScores:
    """Scores from a record's metrics, with stored intervals or ``computed`` ones."""
    nan = float("nan")
    scores = {}
    for metric, value in metrics.headline().items():
        if value is None:
            continue
        low, high = metrics.interval(metric) or computed.get(metric) or (nan, nan)
        scores[metric] = Interval(value, low, high)
    return PredictorScores(name, scores, metrics.n)


def run_scores(run: RunInfo) -> list[PredictorScores]:
    """The network's and each baseline's headline scores with their 95% intervals.

    Args:
        run: A saved run.

    Returns:
        The network first, then the baselines in the order the record lists them.
    """
    record = run.record
    computed: Mapping[str, list[float]] = {}
    if record.metrics.n and not record.metrics.intervals:
        predictions = _predictions_or_none(run)
        if predictions is not None and len(predictions):
            computed = score_intervals(predictions["true_label"], predictions["predicted_label"])
    scores = [_from_metrics(NETWORK, record.metrics, computed)]
    scores += [_from_metrics(name, metrics, {}) for name, metrics in record.baselines.items()]
    return scores


def _predictions_or_none(run: RunInfo) -> pd.DataFrame | None:
    """The run's test predictions, or None when it has no readable ``predictions.csv``."""
    try:
        return load_predictions(run.run_id, run.path.parent)
    except (OSError, RunStoreError, ValueError):
        return None


def baseline_columns(predictions: pd.DataFrame) -> dict[str, str]:
    """Baseline name -> its column of predicted labels in ``predictions.csv``."""
    return {
        column.removeprefix(BASELINE_PREFIX): column
        for column in predictions.columns
        if column.startswith(BASELINE_PREFIX)
    }


def baseline_comparisons(
    predictions: pd.DataFrame, metric: str = "accuracy"
) -> dict[str, PairedDifference]:
    """Each baseline against the network, paired on the run's test sequences.

    Args:
        predictions: The run's ``predictions.csv`` (with ``baseline:<name>`` columns).
        metric: One of :data:`~protviz.core.records.HEADLINE_METRICS`.

    Returns:
        Baseline name -> the comparison (baseline first, network second); empty
        for runs saved without baselines or without test sequences.
    """
    if predictions.empty:
        return {}
    truth = predictions["true_label"]
    return {
        name: _paired(truth, predictions[column], predictions["predicted_label"], metric)
        for name, column in baseline_columns(predictions).items()
    }


def runs_comparison(
    first: pd.DataFrame, second: pd.DataFrame, metric: str = "accuracy"
) -> PairedDifference | None:
    """Two runs' networks compared on the test sequences they share (matched by ID).

    Args:
        first: The first run's ``predictions.csv``.
        second: The second run's.
        metric: One of :data:`~protviz.core.records.HEADLINE_METRICS`.

    Returns:
        The paired comparison (first minus second), or None when they share
        fewer than :data:`MIN_SHARED` test sequences or disagree on a true label
        (they were not tested on the same data).
    """
    shared = first[["id", "true_label", "predicted_label"]].merge(
        second[["id", "true_label", "predicted_label"]], on="id", suffixes=("_a", "_b")
    )
    if len(shared) < MIN_SHARED or (shared["true_label_a"] != shared["true_label_b"]).any():
        return None
    truth = shared["true_label_a"]
    return _paired(truth, shared["predicted_label_a"], shared["predicted_label_b"], metric)


def _paired(truth: Sequence, first: Sequence, second: Sequence, metric: str) -> PairedDifference:
    """The paired bootstrap with protviz's settings (the intervals the runs store)."""
    return paired_difference(
        list(truth), list(first), list(second), metric, n_resamples=RESAMPLES,
        confidence=CONFIDENCE,
    )  # fmt: skip
