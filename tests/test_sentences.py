"""Sentences comparing two scores (protviz.report.sentences)."""

from __future__ import annotations

import math

from protviz.core.records import Metrics
from protviz.model.bootstrap import Interval, PairedDifference, paired_difference
from protviz.report.sentences import compare_sentence, interval_text, range_text
from protviz.report.tables import never_predicted, per_class_frame


def comparison(difference: Interval, within_noise: bool, metric: str = "accuracy"):
    return PairedDifference(
        metric=metric,
        first=Interval(0.987, 0.978, 0.994),
        second=Interval(0.953, 0.935, 0.969),
        difference=difference,
        within_noise=within_noise,
        n=1192,
        confidence=0.95,
    )


def test_a_difference_beyond_the_noise_names_the_better_one():
    sentence = compare_sentence(
        comparison(Interval(0.034, 0.020, 0.048), within_noise=False),
        "a bag of 1-3-mers",
        "this network",
        short_a="the baseline",
        short_b="the network",
    )
    assert sentence == (
        "A bag of 1-3-mers scores 0.987 accuracy (95% CI 0.978-0.994) on the same 1,192 test "
        "sequences; this network 0.953 (0.935-0.969): the baseline is better, beyond the "
        "noise (difference +0.034, 95% CI +0.020 to +0.048)."
    )


def test_a_negative_difference_makes_the_second_the_better_one():
    sentence = compare_sentence(
        comparison(Interval(-0.034, -0.048, -0.020), within_noise=False),
        "amino-acid composition",
        "this network",
    )
    assert sentence.endswith(
        "this network is better, beyond the noise (difference -0.034, 95% CI -0.048 to -0.020)."
    )


def test_an_interval_around_zero_is_within_the_noise():
    sentence = compare_sentence(
        comparison(Interval(0.004, -0.010, 0.019), within_noise=True, metric="macro_f1"),
        "run A",
        "run B",
    )
    assert "scores 0.987 macro F1" in sentence
    assert sentence.endswith(
        "the difference (+0.004, 95% CI -0.010 to +0.019) lies within the noise."
    )


def test_ranges_with_a_minus_sign_use_to():
    assert range_text(0.1, 0.2) == "0.100-0.200"
    assert range_text(-0.05, 0.2) == "-0.050 to 0.200"
    assert interval_text(Interval(0.5, 0.4, 0.6)) == "0.500 (95% CI 0.400-0.600)"


def test_a_comparison_gives_balanced_accuracy_and_macro_f1_beside_accuracy():
    truth = ["host"] * 8 + ["swine"] * 2
    network = ["host"] * 10  # swine is never predicted
    baseline = ["host"] * 8 + ["swine", "host"]
    paired = paired_difference(truth, baseline, network, "accuracy", n_resamples=200)
    sentence = compare_sentence(paired, "the baseline", "this network")
    assert sentence.endswith("Balanced accuracy 0.750 against 0.500; macro F1 0.804 against 0.444.")


def test_per_class_precision_of_a_class_never_predicted_is_undefined_and_flagged():
    metrics = Metrics(
        n=10,
        accuracy=0.8,
        per_class={
            "host": {"precision": 0.8, "recall": 1.0, "f1": 0.889, "support": 8},
            "swine": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2},
        },
        confusion_matrix=[[8, 0], [2, 0]],
    )
    frame = per_class_frame(metrics)
    assert frame["predicted"].tolist() == [10, 0]
    assert frame.loc["host", "precision"] == 0.8
    assert math.isnan(frame.loc["swine", "precision"])
    assert never_predicted(metrics) == {"swine": 2}
