"""Score a classifier's test predictions and tabulate them (scikit-learn, no TensorFlow)."""

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

from protviz.model.runs import PROBABILITY_PREFIX


def classification_metrics(
    true_ids: np.ndarray, probabilities: np.ndarray, class_names: Sequence[str]
) -> dict[str, Any]:
    """Score predictions with scikit-learn.

    Args:
        true_ids: True class index per sequence, shape ``(n,)``.
        probabilities: Predicted probabilities, shape ``(n, num_classes)``.
        class_names: Class names, length ``num_classes``.

    Returns:
        ``accuracy``, ``balanced_accuracy``, ``macro_f1``, ``mcc``, ``n``,
        ``per_class`` (name -> precision, recall, f1, support) and
        ``confusion_matrix`` (rows true, columns predicted, in class order).
    """
    predicted = probabilities.argmax(axis=1)
    class_ids = list(range(len(class_names)))
    present = [i for i in class_ids if (true_ids == i).any()]
    with warnings.catch_warnings():
        # Tiny or one-class test sets make scikit-learn warn; the numbers stay defined.
        warnings.simplefilter("ignore")
        precision, recall, f1, support = precision_recall_fscore_support(
            true_ids, predicted, labels=class_ids, zero_division=0
        )
        return {
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
