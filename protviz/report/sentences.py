"""Sentences that put a score next to another, with its uncertainty, for a biologist.

Example::

    comparison = paired_difference(truth, kmer_predictions, network_predictions, "accuracy")
    compare_sentence(comparison, "a bag of 1-3-mers", "this network",
                     short_a="the baseline", short_b="the network")
    # 'A bag of 1-3-mers scores 0.987 accuracy (95% CI 0.978-0.994) on the same
    #  1,192 test sequences; this network 0.953 (0.935-0.969): the baseline is
    #  better, beyond the noise (difference +0.034, 95% CI +0.020 to +0.048).'
"""

from __future__ import annotations

from protviz.model.bootstrap import Interval, PairedDifference

METRIC_LABELS = {
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced accuracy",
    "macro_f1": "macro F1",
    "mcc": "MCC",
}
"""Metric name -> how a sentence names it."""


def _capitalised(text: str) -> str:
    """``text`` with its first letter upper-case (the rest unchanged, unlike ``str.capitalize``)."""
    return text[:1].upper() + text[1:]


def range_text(low: float, high: float, *, signed: bool = False) -> str:
    """An interval as text: ``0.978-0.994``, or ``-0.004 to +0.027`` when signed.

    Args:
        low: Lower end.
        high: Upper end.
        signed: Write a sign on both ends (for differences).

    Returns:
        The range with three decimals; ``to`` separates the ends when a minus
        sign would make a hyphen ambiguous.
    """
    number = "{:+.3f}" if signed else "{:.3f}"
    separator = " to " if signed or low < 0 or high < 0 else "-"
    return f"{number.format(low)}{separator}{number.format(high)}"


def interval_text(interval: Interval, *, confidence: float | None = 0.95) -> str:
    """A score with its interval: ``0.987 (95% CI 0.978-0.994)``.

    Args:
        interval: The score and its interval.
        confidence: Confidence level to name, or None to give the range alone
            (``0.953 (0.935-0.969)``).

    Returns:
        The text.
    """
    label = "" if confidence is None else f"{confidence:.0%} CI "
    return f"{interval.estimate:.3f} ({label}{range_text(interval.low, interval.high)})"


def verdict_text(comparison: PairedDifference, short_a: str, short_b: str) -> str:
    """Which of two predictors is better, or that the difference lies within the noise.

    Args:
        comparison: The paired comparison (first minus second).
        short_a: Short name of the first predictor, e.g. ``the baseline``.
        short_b: Short name of the second predictor, e.g. ``the network``.

    Returns:
        E.g. ``the baseline is better, beyond the noise (difference +0.034, 95%
        CI +0.020 to +0.048)``, or ``the difference (-0.004, 95% CI -0.021 to
        +0.013) lies within the noise``.
    """
    difference = comparison.difference
    detail = (
        f"{difference.estimate:+.3f}, {comparison.confidence:.0%} CI "
        f"{range_text(difference.low, difference.high, signed=True)}"
    )
    if comparison.within_noise:
        return f"the difference ({detail}) lies within the noise"
    better = short_a if difference.estimate > 0 else short_b
    return f"{better} is better, beyond the noise (difference {detail})"


def compare_sentence(
    comparison: PairedDifference,
    name_a: str,
    name_b: str,
    *,
    short_a: str | None = None,
    short_b: str | None = None,
) -> str:
    """One sentence comparing two predictors on the same test sequences.

    Args:
        comparison: From :func:`protviz.model.bootstrap.paired_difference`.
        name_a: Noun phrase for the first predictor, e.g. ``a bag of 1-3-mers``.
        name_b: Noun phrase for the second predictor, e.g. ``this network``.
        short_a: Short name for the verdict, e.g. ``the baseline`` (default ``name_a``).
        short_b: Short name for the verdict, e.g. ``the network`` (default ``name_b``).

    Returns:
        E.g. ``A bag of 1-3-mers scores 0.987 accuracy (95% CI 0.978-0.994) on
        the same 1,192 test sequences; this network 0.953 (0.935-0.969): the
        baseline is better, beyond the noise (difference +0.034, 95% CI +0.020
        to +0.048).``
    """
    metric = METRIC_LABELS.get(comparison.metric, comparison.metric)
    first = comparison.first
    first_range = range_text(first.low, first.high)
    second = interval_text(comparison.second, confidence=None)
    verdict = verdict_text(comparison, short_a or name_a, short_b or name_b)
    return (
        f"{_capitalised(name_a)} scores {first.estimate:.3f} {metric} "
        f"({comparison.confidence:.0%} CI {first_range}) on the same {comparison.n:,} test "
        f"sequences; {name_b} {second}: {verdict}."
    )
