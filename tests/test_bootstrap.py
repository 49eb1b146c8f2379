"""Bootstrap confidence intervals and paired comparisons (protviz.model.bootstrap)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, matthews_corrcoef

from protviz.core.errors import ProtvizError
from protviz.model.bootstrap import (
    METRICS,
    BootstrapError,
    bootstrap_interval,
    paired_difference,
)


def noisy_predictions(truth: np.ndarray, hit_rate: float, seed: int, n_classes: int = 4):
    """Predictions equal to ``truth`` with probability ``hit_rate``, else a random class."""
    rng = np.random.default_rng(seed)
    guesses = rng.integers(0, n_classes, size=len(truth))
    return np.where(rng.random(len(truth)) < hit_rate, truth, guesses)


def random_truth(n: int, seed: int = 0, n_classes: int = 4) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n_classes, size=n)


def sklearn_score(metric: str, truth, predicted) -> float:
    present = sorted(set(truth))
    return {
        "accuracy": lambda: accuracy_score(truth, predicted),
        "balanced_accuracy": lambda: balanced_accuracy_score(truth, predicted),
        "macro_f1": lambda: f1_score(
            truth, predicted, labels=present, average="macro", zero_division=0
        ),
        "mcc": lambda: matthews_corrcoef(truth, predicted),
    }[metric]()


@pytest.mark.filterwarnings("ignore:y_pred contains classes not in y_true")
@pytest.mark.parametrize("metric", METRICS)
def test_estimate_equals_scikit_learn(metric):
    truth = np.array(["a", "b", "c", "a", "b", "c", "a", "a", "b", "c", "a", "b"])
    # 'd' is predicted but never true; 'c' is true but never predicted correctly.
    predicted = np.array(["a", "b", "a", "a", "d", "b", "a", "c", "b", "d", "a", "b"])
    estimate, _, _ = bootstrap_interval(truth, predicted, metric, n_resamples=50)
    assert estimate == pytest.approx(sklearn_score(metric, truth, predicted), abs=1e-12)


@pytest.mark.parametrize("metric", METRICS)
def test_interval_contains_the_estimate(metric):
    truth = random_truth(500)
    interval = bootstrap_interval(truth, noisy_predictions(truth, 0.7, seed=1), metric)
    assert interval.low < interval.estimate < interval.high


def test_interval_shrinks_with_more_sequences():
    widths = []
    for n in (200, 2000):
        truth = random_truth(n)
        interval = bootstrap_interval(truth, noisy_predictions(truth, 0.8, seed=1), "accuracy")
        widths.append(interval.high - interval.low)
    assert widths[1] < 0.5 * widths[0]


def test_same_seed_gives_the_same_interval():
    truth = random_truth(300)
    predicted = noisy_predictions(truth, 0.8, seed=1)
    first = bootstrap_interval(truth, predicted, "macro_f1", seed=3)
    assert bootstrap_interval(truth, predicted, "macro_f1", seed=3) == first
    assert bootstrap_interval(truth, predicted, "macro_f1", seed=4) != first


def test_paired_difference_of_identical_predictions_is_exactly_zero():
    truth = random_truth(300)
    predicted = noisy_predictions(truth, 0.8, seed=1)
    comparison = paired_difference(truth, predicted, predicted, "accuracy")
    assert tuple(comparison.difference) == (0.0, 0.0, 0.0)
    assert comparison.within_noise


def test_paired_scores_equal_the_single_intervals():
    truth = random_truth(300)
    pred_a = noisy_predictions(truth, 0.8, seed=1)
    pred_b = noisy_predictions(truth, 0.6, seed=2)
    comparison = paired_difference(truth, pred_a, pred_b, "balanced_accuracy", seed=5)
    assert comparison.first == bootstrap_interval(truth, pred_a, "balanced_accuracy", seed=5)
    assert comparison.second == bootstrap_interval(truth, pred_b, "balanced_accuracy", seed=5)
    assert comparison.difference.estimate == pytest.approx(
        comparison.first.estimate - comparison.second.estimate
    )


def test_a_clear_difference_is_beyond_the_noise():
    truth = random_truth(1000)
    comparison = paired_difference(
        truth,
        noisy_predictions(truth, 0.9, seed=1),
        noisy_predictions(truth, 0.6, seed=2),
        "accuracy",
    )
    assert not comparison.within_noise
    assert comparison.difference.low > 0


def test_predictors_that_err_on_different_sequences_but_as_often_are_within_the_noise():
    truth = random_truth(400)
    comparison = paired_difference(
        truth,
        noisy_predictions(truth, 0.8, seed=1),
        noisy_predictions(truth, 0.8, seed=2),
        "accuracy",
    )
    assert comparison.within_noise
    assert comparison.difference.low < 0 < comparison.difference.high


def test_paired_interval_is_narrower_than_the_single_intervals_suggest():
    truth = random_truth(500)
    pred_a = noisy_predictions(truth, 0.85, seed=1)
    # pred_b: pred_a with a few extra errors, so the two are strongly correlated.
    pred_b = np.where(np.random.default_rng(9).random(500) < 0.05, (truth + 1) % 4, pred_a)
    comparison = paired_difference(truth, pred_a, pred_b, "accuracy")
    difference_width = comparison.difference.high - comparison.difference.low
    # Unpaired, the two intervals would suggest a width of about sqrt(2) times one of them.
    assert difference_width < comparison.first.high - comparison.first.low


def test_accuracy_of_3000_sequences_with_1000_resamples_takes_under_a_second():
    truth = random_truth(3000, n_classes=11)
    predicted = noisy_predictions(truth, 0.8, seed=1, n_classes=11)
    started = time.perf_counter()
    bootstrap_interval(truth, predicted, "accuracy", n_resamples=1000)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((["a"], ["a"], "auc"), "Unknown metric"),
        ((["a", "b"], ["a"], "accuracy"), "one label per test sequence"),
        (([], [], "accuracy"), "empty"),
    ],
)
def test_bad_input_is_a_protviz_error(arguments, message):
    with pytest.raises(BootstrapError, match=message) as caught:
        bootstrap_interval(*arguments)
    assert isinstance(caught.value, ProtvizError)


def test_bad_confidence_is_an_error():
    with pytest.raises(BootstrapError, match="confidence"):
        bootstrap_interval(["a", "b"], ["a", "b"], "accuracy", confidence=95)
