"""Choose the training, validation and test sequences of a run, and class weights.

Plain NumPy and scikit-learn (no TensorFlow): the data set's own split when it
has one and the configuration allows it, else a seeded stratified split. Classes
are weighted when the configuration says so, or, by default, when they are
imbalanced (:func:`class_weighting`); the network and the baselines
(:mod:`protviz.model.baselines`) follow the same rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split

from protviz.core.config import TrainingConfig
from protviz.core.dataset import SPLITS, Dataset, ProteinDataError

IMBALANCE_RATIO = 1.5
"""Largest / smallest training class size above which classes are weighted by default."""


@dataclass(frozen=True)
class Split:
    """Indices of the sequences in each split.

    Attributes:
        train: Indices into the data set, shape ``(n_train,)``.
        valid: Shape ``(n_valid,)``.
        test: Shape ``(n_test,)``.
        source: ``dataset`` (the data set's own split) or ``stratified``.
        notes: Sentences about what was done (e.g. a validation set carved out).
    """

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    source: str
    notes: tuple[str, ...] = ()

    def sizes(self) -> dict[str, int]:
        """Sequences per split."""
        return {"train": len(self.train), "valid": len(self.valid), "test": len(self.test)}


def _carve(
    indices: np.ndarray, labels: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Split ``indices`` into (rest, carved), stratified when every class allows it."""
    if len(indices) < 2:
        return indices, indices[:0], False
    counts = Counter(labels[indices].tolist())
    carved_size = max(1, round(fraction * len(indices)))
    stratify = (
        labels[indices]
        if min(counts.values()) >= 2
        and len(indices) - carved_size >= len(counts)
        and carved_size >= len(counts)
        else None
    )
    rest, carved = train_test_split(
        indices, test_size=carved_size, random_state=seed, shuffle=True, stratify=stratify
    )
    return np.sort(rest), np.sort(carved), stratify is not None


def stratified_split(
    labels: Sequence[str],
    *,
    valid_fraction: float = 0.1,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> Split:
    """Split sequences into train, validation and test, keeping class proportions.

    Classes with fewer than 2 members (or splits too small to hold every
    class) make the split fall back to an unstratified shuffle, noted in
    :attr:`Split.notes`.

    Args:
        labels: Class label per sequence, length ``n``.
        valid_fraction: Share of all sequences for validation.
        test_fraction: Share of all sequences for testing.
        seed: Random seed; the same seed gives the same split.

    Returns:
        The split, with sorted index arrays.
    """
    label_array = np.asarray(labels)
    everything = np.arange(len(label_array))
    rest, test, stratified_test = _carve(everything, label_array, test_fraction, seed)
    train, valid, stratified_valid = _carve(
        rest, label_array, valid_fraction / (1.0 - test_fraction), seed
    )
    notes = ()
    if not (stratified_test and stratified_valid):
        notes = ("Some classes are too small to stratify; the split is a plain shuffle.",)
    return Split(train, valid, test, "stratified", notes)


def split_dataset(dataset: Dataset, config: TrainingConfig) -> Split:
    """Choose the training, validation and test sequences for a run.

    With ``config.use_dataset_split`` and a data set split, sequences marked
    ``train``/``valid``/``test`` are used as marked and other split values are
    left out. A missing validation (or test) part is carved out of the
    training part, stratified, with ``config.valid_fraction``
    (``config.test_fraction``). Otherwise the whole data set is split with
    :func:`stratified_split`.

    Args:
        dataset: The data set.
        config: Fractions, seed and ``use_dataset_split``.

    Returns:
        The split.

    Raises:
        ProteinDataError: If the data set's split has no training sequences.
    """
    labels = np.asarray(dataset.labels)
    if dataset.split is None or not config.use_dataset_split:
        return stratified_split(
            labels,
            valid_fraction=config.valid_fraction,
            test_fraction=config.test_fraction,
            seed=config.seed,
        )
    split = np.asarray(dataset.split)
    parts = {name: np.flatnonzero(split == name) for name in SPLITS}
    if len(parts["train"]) == 0:
        raise ProteinDataError(
            f"The split of '{dataset.name}' marks no sequence as 'train' (values found: "
            f"{', '.join(sorted(set(dataset.split)))}). Fix the split field or train with "
            "use_dataset_split=False for a stratified split."
        )
    notes: list[str] = []
    left_out = len(split) - sum(len(p) for p in parts.values())
    if left_out:
        notes.append(f"{left_out} sequence(s) with other split values were left out.")
    if len(parts["test"]) == 0:
        parts["train"], parts["test"], _ = _carve(
            parts["train"], labels, config.test_fraction, config.seed
        )
        notes.append(f"No test split: {config.test_fraction:.0%} of 'train' was held out.")
    if len(parts["valid"]) == 0:
        parts["train"], parts["valid"], _ = _carve(
            parts["train"], labels, config.valid_fraction, config.seed
        )
        notes.append(f"No validation split: {config.valid_fraction:.0%} of 'train' is used.")
    return Split(parts["train"], parts["valid"], parts["test"], "dataset", tuple(notes))


def balanced_class_weights(label_ids: np.ndarray, num_classes: int) -> np.ndarray:
    """Class weights ``n / (num_classes * count)`` (scikit-learn's ``balanced``).

    Args:
        label_ids: Class index per training sequence, shape ``(n,)``.
        num_classes: Number of classes.

    Returns:
        Weight per class, shape ``(num_classes,)``; classes absent from
        ``label_ids`` get weight 0.
    """
    counts = np.bincount(label_ids, minlength=num_classes).astype(float)
    weights = np.zeros(num_classes)
    present = counts > 0
    weights[present] = len(label_ids) / (present.sum() * counts[present])
    return weights


def class_weighting(labels: Sequence[str], setting: bool | None = None) -> tuple[bool, str]:
    """Whether to weight classes in training, and why, in words.

    Args:
        labels: Label per training sequence.
        setting: True or False to decide by hand; None (automatic) weights the
            classes when the largest holds more than :data:`IMBALANCE_RATIO`
            times the sequences of the smallest.

    Returns:
        The decision and its reason, e.g. ``(True, "the classes are imbalanced:
        the largest has 3.0 times the sequences of the smallest (> 1.5)")``.
    """
    counts = Counter(labels).values()
    ratio = max(counts) / min(counts) if counts else 1.0
    sizes = f"the largest has {ratio:.1f} times the training sequences of the smallest"
    if setting is not None:
        return bool(setting), f"set by hand ({sizes})"
    if ratio > IMBALANCE_RATIO:
        return True, f"the classes are imbalanced: {sizes} (> {IMBALANCE_RATIO})"
    return False, f"the classes are balanced enough: {sizes} (<= {IMBALANCE_RATIO})"
