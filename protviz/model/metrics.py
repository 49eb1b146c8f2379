"""Score a classifier's test predictions and tabulate them (scikit-learn, no TensorFlow).

Every score of a run (the network's and its baselines') comes from
:func:`label_metrics`, with a :data:`CONFIDENCE` bootstrap interval over the test
sequences (:mod:`protviz.model.bootstrap`, seed 0, :data:`RESAMPLES` resamples), so
intervals computed later from the stored predictions are the same.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    matthews_corrcoef,
    precision_recall_fscore_support,
)

from protviz.core.records import HEADLINE_METRICS
from protviz.model.bootstrap import bootstrap_intervals
from protviz.model.runs import PROBABILITY_PREFIX

CONFIDENCE = 0.95
"""Confidence level of every interval protviz stores and shows."""

RESAMPLES = 1000
"""Bootstrap resamples of the test sequences behind every interval."""


def classification_metrics(
    true_ids: np.ndarray, probabilities: np.ndarray, class_names: Sequence[str]
) -> dict[str, Any]:
    """Score predicted probabilities (the most probable class is the prediction).

    Args:
        true_ids: True class index per sequence, shape ``(n,)``.
        probabilities: Predicted probabilities, shape ``(n, num_classes)``.
        class_names: Class names, length ``num_classes``.

    Returns:
        As :func:`label_metrics`.
    """
    return label_metrics(true_ids, probabilities.argmax(axis=1), class_names)


def label_metrics(
    true_ids: np.ndarray, predicted_ids: np.ndarray, class_names: Sequence[str]
) -> dict[str, Any]:
    """Score predicted classes with scikit-learn, with bootstrap intervals.

    Macro F1 averages over the classes present in ``true_ids``.

    Args:
        true_ids: True class index per sequence, shape ``(n,)``.
        predicted_ids: Predicted class index per sequence, shape ``(n,)``.
        class_names: Class names, length ``num_classes``.

    Returns:
        ``accuracy``, ``balanced_accuracy``, ``macro_f1``, ``mcc``, ``n``,
        ``per_class`` (name -> precision, recall, f1, support),
        ``confusion_matrix`` (rows true, columns predicted, in class order) and,
        unless ``n`` is 0, ``intervals`` (metric -> ``[low, high]``) with their
        ``confidence``.
    """
    true_ids, predicted = np.asarray(true_ids), np.asarray(predicted_ids)
    class_ids = list(range(len(class_names)))
    present = [i for i in class_ids if (true_ids == i).any()]
    with warnings.catch_warnings():
        # Tiny or one-class test sets make scikit-learn warn; the numbers stay defined.
        warnings.simplefilter("ignore")
        precision, recall, f1, support = precision_recall_fscore_support(
            true_ids, predicted, labels=class_ids, zero_division=0
        )
        scores = {
            "n": len(true_ids),
            "accuracy": float(accuracy_score(true_ids, predicted)),
            "balanced_accuracy": float(balanced_accuracy_score(true_ids, predicted)),
            "macro_f1": float(
                f1_score(true_ids, predicted, labels=present, average="macro", zero_division=0)
            ),
            "mcc": float(matthews_corrcoef(true_ids, predicted)),
            "per_class": {
                name: {
                    "precision": float(precision[i]),
                    "recall": float(recall[i]),
                    "f1": float(f1[i]),
                    "support": int(support[i]),
                }
                for i, name in enumerate(class_names)
            },
            "confusion_matrix": confusion_matrix(true_ids, predicted, labels=class_ids).tolist(),
        }
    if len(true_ids):
        scores["intervals"] = score_intervals(true_ids, predicted)
        scores["confidence"] = CONFIDENCE
    return scores


def score_intervals(true_labels: Sequence, predicted_labels: Sequence) -> dict[str, list[float]]:
    """The :data:`CONFIDENCE` bootstrap interval of each headline metric.

    Args:
        true_labels: True label (or class index) per test sequence, length ``n >= 1``.
        predicted_labels: Predicted label per test sequence, length ``n``.

    Returns:
        Metric name -> ``[low, high]``, for
        :data:`~protviz.core.records.HEADLINE_METRICS`.
    """
    intervals = bootstrap_intervals(
        true_labels, predicted_labels, HEADLINE_METRICS, n_resamples=RESAMPLES,
        confidence=CONFIDENCE,
    )  # fmt: skip
    return {name: [interval.low, interval.high] for name, interval in intervals.items()}


def predictions_frame(
    ids: Sequence[str],
    true_labels: Sequence[str],
    probabilities: np.ndarray,
    class_names: Sequence[str],
) -> pd.DataFrame:
    """Tabulate predictions: ``id``, ``true_label``, ``predicted_label``, probabilities.

    Args:
        ids: Sequence IDs, length ``n``.
        true_labels: True labels, length ``n``.
        probabilities: Shape ``(n, num_classes)``.
        class_names: Class names in output order.

    Returns:
        A frame with one ``probability:<class>`` column per class.
    """
    frame = pd.DataFrame(
        {
            "id": list(ids),
            "true_label": list(true_labels),
            "predicted_label": [class_names[i] for i in probabilities.argmax(axis=1)],
        }
    )
    for index, name in enumerate(class_names):
        frame[f"{PROBABILITY_PREFIX}{name}"] = probabilities[:, index].round(6)
    return frame
