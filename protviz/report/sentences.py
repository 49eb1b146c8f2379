"""Sentences for a biologist: a score next to another with its uncertainty, why
training stopped, and how it was set up.

Example::

    comparison = paired_difference(truth, kmer_predictions, network_predictions, "accuracy")
    compare_sentence(comparison, "a bag of 1-3-mers", "this network",
                     short_a="the baseline", short_b="the network")
    # 'A bag of 1-3-mers scores 0.987 accuracy (95% CI 0.978-0.994) on the same
    #  1,192 test sequences; this network 0.953 (0.935-0.969): the baseline is
    #  better, beyond the noise (difference +0.034, 95% CI +0.020 to +0.048).'
"""

from __future__ import annotations

from protviz.core.config import TrainingConfig
from protviz.core.records import STOP_REASONS, RunRecord
from protviz.model.bootstrap import Interval, PairedDifference
from protviz.model.timing import TrainingTime

BASELINE_TITLES = {
    "composition": "amino-acid composition alone (logistic regression)",
    "kmer": "a bag of 1-3-mers (TF-IDF, logistic regression)",
}
"""Baseline name -> how a sentence names it."""

BASELINE_LABELS = {"composition": "composition baseline", "kmer": "1-3-mer baseline"}
"""Baseline name -> how a table names it."""

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
        f"sequences; {name_b} {second}: {verdict}.{_other_scores(comparison)}"
    )


BESIDE_ACCURACY = ("balanced_accuracy", "macro_f1")
"""The metrics a comparison's sentence gives beside its own (rare classes count in them)."""


def _other_scores(comparison: PairedDifference) -> str:
    """`` Balanced accuracy 0.512 against 0.431; macro F1 0.402 against 0.388.`` (empty
    when the comparison carries no other metric)."""
    parts = [
        f"{METRIC_LABELS.get(name, name)} {first:.3f} against {second:.3f}"
        for name in BESIDE_ACCURACY
        if name != comparison.metric and name in comparison.others
        for first, second in [comparison.others[name]]
    ]
    return f" {_capitalised('; '.join(parts))}." if parts else ""


def baseline_label(name: str) -> str:
    """How a table names a baseline, e.g. ``1-3-mer baseline``."""
    return BASELINE_LABELS.get(name, f"{name} baseline")


def baseline_sentence(name: str, comparison: PairedDifference) -> str:
    """A baseline against the network of its run, on the same test sequences.

    Args:
        name: The baseline (``composition`` or ``kmer``).
        comparison: Baseline first, network second (see
            :func:`protviz.analysis.scores.baseline_comparisons`).

    Returns:
        E.g. ``A bag of 1-3-mers (TF-IDF, logistic regression) scores 0.987
        accuracy (95% CI ...) on the same 600 test sequences; this network 0.953
        (...): the baseline is better, beyond the noise (...).``
    """
    title = BASELINE_TITLES.get(name, f"the {name} baseline")
    return compare_sentence(
        comparison, title, "this network", short_a="the baseline", short_b="the network"
    )


SPLIT_METHOD_NAMES = {"mmseqs2": "MMseqs2", "kmer": "shared 5-mers"}
"""Clustering method -> how a sentence names it."""


def _group_counts(record: RunRecord, unit: str) -> str:
    groups = record.split.groups
    if not groups:
        return ""
    counts = " / ".join(f"{groups.get(part, 0):,}" for part in ("train", "valid", "test"))
    return f"; {counts} {unit} in train / valid / test"


def split_text(record: RunRecord) -> str:
    """The split a run's scores come from, e.g. ``cluster split at 50% identity
    (MMseqs2; 40 / 5 / 10 clusters in train / valid / test)``."""
    split = record.split
    if split.kind == "cluster":
        method = SPLIT_METHOD_NAMES.get(split.method, split.method or "unknown method")
        identity = "?" if split.identity is None else f"{split.identity:.0%}"
        return f"cluster split at {identity} identity ({method}{_group_counts(record, 'clusters')})"
    if split.kind == "metadata":
        counts = _group_counts(record, "groups").removeprefix("; ")
        return f"metadata split by '{split.column}'" + (f" ({counts})" if counts else "")
    if record.dataset.split_source == "dataset":
        return "the data set's own split"
    if record.dataset.split_source == "stratified":
        return f"random stratified split (seed {record.config.seed})"
    return "random split"


def same_split(first: RunRecord, second: RunRecord) -> bool:
    """Whether two runs were split the same way (kind, column, threshold, method)."""
    keys = ("kind", "column", "identity", "method")
    one, other = first.split, second.split
    return all(getattr(one, key) == getattr(other, key) for key in keys) and (
        first.dataset.split_source == second.dataset.split_source
    )


def care_problem(records: dict[str, RunRecord]) -> str | None:
    """Why runs were not trained with equal care (None when every one converged).

    Args:
        records: Run name -> its record.

    Returns:
        E.g. ``mean on X stopped because it reached the epoch cap, not because
        validation loss stopped improving``, or None.
    """
    problems = []
    for name, record in records.items():
        if record.stop_reason is None:
            problems.append(f"{name} was saved before protviz recorded why training stopped")
        elif record.stop_reason != "converged":
            problems.append(
                f"{name} stopped because {STOP_REASONS[record.stop_reason]}, not because "
                "validation loss stopped improving"
            )
    return "; ".join(problems) or None


def stopping_plan(config: TrainingConfig) -> str:
    """When training will stop, and what the learning rate does, before it starts."""
    caps = [f"after {config.epochs} epochs"]
    if config.time_budget_seconds is not None:
        caps.append(f"after {_duration(config.time_budget_seconds)} of training")
    text = (
        f"Training stops when validation loss has not improved for {config.patience} "
        f"epochs (the weights of its best epoch are kept), or {' or '.join(caps)}, whichever "
        "comes first."
    )
    if config.lr_schedule == "plateau":
        text += (
            f" The learning rate ({config.learning_rate:g} at first) halves whenever "
            f"validation loss has not improved for {config.lr_patience} epochs."
        )
    return text


def _duration(seconds: float) -> str:
    minutes = seconds / 60
    if minutes >= 120:
        return f"{minutes / 60:g} hours"
    return f"{minutes:g} minutes" if minutes != 1 else "1 minute"


def rough_duration(seconds: float) -> str:
    """A duration as a person says it: ``40 s``, ``4 min``, ``1 h 20 min``."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def training_time_sentence(estimate: TrainingTime | None, config: TrainingConfig) -> str:
    """How long training will take on this machine, what the estimate is based on, and
    that early stopping usually ends it sooner (never more than the time cap)."""
    if estimate is None:
        return (
            f"No estimate of the training time: no saved run of the {config.arch} "
            "architecture says how fast it trains here."
        )
    speed = estimate.speed
    epochs = f"{estimate.epochs} epoch{'s' * (estimate.epochs != 1)}"
    cap = ""
    if estimate.capped_by_time and config.time_budget_seconds is not None:
        cap = f" (the time cap of {_duration(config.time_budget_seconds)} allows about {epochs})"
    return (
        f"Estimated training time on this machine: about "
        f"{rough_duration(estimate.epoch_seconds)} per epoch, at most "
        f"{rough_duration(estimate.seconds)} for {epochs}{cap}. Early stopping usually ends "
        "training sooner; start-up (loading TensorFlow, the baselines) adds a little. Based "
        f"on {speed.source} ({speed.arch}, {speed.parameters:,} parameters, "
        f"{speed.residues_per_second:,.0f} residues/s on {speed.device}), scaled to "
        f"{estimate.residues:,} training residues per epoch and {estimate.parameters:,} "
        "parameters."
    )


def stop_sentence(record: RunRecord) -> str | None:
    """Why a run's training stopped and whether it converged (None for older runs)."""
    if record.stop_reason is None:
        return None
    epochs = record.epochs_run or 0
    text = (
        f"Training stopped after {epochs} epoch{'' if epochs == 1 else 's'} because "
        f"{STOP_REASONS[record.stop_reason]}; the weights of epoch {record.best_epoch} "
        "(lowest validation loss) are kept."
    )
    if record.still_improving:
        text += (
            " Validation loss was still improving: the model has probably not converged, "
            "and training it for more epochs may help."
        )
    elif record.stop_reason != "converged" and record.still_improving is False:
        text += " Validation loss had stopped improving, so more epochs would likely not help."
    return text


def class_weighting_sentence(record: RunRecord) -> str | None:
    """Whether a run weighted its classes, and why (None for older runs)."""
    if record.class_weighted is None:
        return None
    reason = record.class_weighting_reason
    if record.class_weighted:
        return (
            f"Classes were weighted by inverse frequency in training ({reason}), so that "
            "rare classes get predicted; balanced accuracy and macro F1 show how well they are."
        )
    return f"Classes were not weighted in training ({reason})."
