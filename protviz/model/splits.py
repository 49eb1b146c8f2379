"""Choose the training, validation and test sequences of a run, and class weights.

Plain NumPy and scikit-learn (no TensorFlow). ``TrainingConfig.split`` chooses:

- ``random``: the data set's own split when it has one and the configuration
  allows it, else a seeded stratified split;
- ``metadata``: whole groups of a metadata column (year, lineage, study) go to
  one side (:func:`group_split`), stratified by class as well as the groups allow;
- ``cluster``: whole clusters of similar sequences
  (:func:`protviz.model.clusters.cluster_sequences`, at ``config.identity``) go to
  one side, so no two sequences at or above the threshold sit on both sides.

Classes
are weighted when the configuration says so, or, by default, when they are
imbalanced (:func:`class_weighting`); the network and the baselines
(:mod:`protviz.model.baselines`) follow the same rule.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold, train_test_split

from protviz.core.config import TrainingConfig
from protviz.core.dataset import SPLITS, Dataset, ProteinDataError
from protviz.model.clusters import cluster_sequences

IMBALANCE_RATIO = 1.5
"""Largest / smallest training class size above which classes are weighted by default."""

UNWEIGHTED_BY_DEFAULT = ("conv_attention",)
"""Architectures that "automatic" never weights. Weighted, ``conv_attention`` stayed near
chance on MultiLoc (imbalance 14 to 1): validation accuracy 0.07, 0.22, 0.17, 0.18 in its
first four epochs at its defaults, against 0.53 and 0.62 in two epochs unweighted (0.28
and 0.29 with square-root weights); BENCHMARKS.md, "Class weighting and convergence".
The Train page offers weighting by hand, and a class that is never predicted is named
in the results."""

MISSING_GROUP = "(no value)"
"""The group of sequences whose split column is empty (they stay together)."""


class SplitError(ProteinDataError):
    """A split that cannot be made: a missing column, or too few groups or clusters."""


@dataclass(frozen=True)
class Split:
    """Indices of the sequences in each split.

    Attributes:
        train: Indices into the data set, shape ``(n_train,)``.
        valid: Shape ``(n_valid,)``.
        test: Shape ``(n_test,)``.
        source: ``dataset`` (the data set's own split), ``stratified``,
            ``metadata`` or ``cluster``.
        notes: Sentences about what was done (e.g. a validation set carved out).
        method: How groups were made: the clustering method (``mmseqs2``,
            ``kmer``) of a cluster split; empty otherwise.
        column: The metadata column of a metadata split.
        identity: The identity threshold of a cluster split.
        groups: Groups (or clusters) per split, for metadata and cluster splits.
    """

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    source: str
    notes: tuple[str, ...] = ()
    method: str = ""
    column: str | None = None
    identity: float | None = None
    groups: Mapping[str, int] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """``random`` (the data set's own or a stratified split), ``metadata`` or ``cluster``."""
        return self.source if self.source in ("metadata", "cluster") else "random"

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
    if config.split == "metadata":
        return metadata_split(dataset, config)
    if config.split == "cluster":
        return cluster_split(dataset, config)
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


def _folds(fraction: float) -> int:
    """Folds whose one makes about ``fraction`` of the sequences (at least 2)."""
    return max(2, round(1 / fraction))


def _carve_groups(
    indices: np.ndarray, labels: np.ndarray, groups: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Split ``indices`` into (rest, carved) with whole groups on each side.

    The carved part is the fold of a seeded ``StratifiedGroupKFold`` whose size is
    closest to ``fraction`` of ``indices`` (stratified as well as the groups allow;
    with fewer groups than folds, one fold per group).
    """
    folds = min(_folds(fraction), len(set(groups[indices].tolist())))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    target = fraction * len(indices)
    with warnings.catch_warnings():  # "least populated class has fewer members than folds"
        warnings.simplefilter("ignore", UserWarning)
        candidates = list(splitter.split(indices, labels[indices], groups[indices]))
    rest, carved = min(candidates, key=lambda pair: abs(len(pair[1]) - target))
    return np.sort(indices[rest]), np.sort(indices[carved])


def group_split(
    labels: Sequence[str],
    groups: Sequence[object],
    *,
    valid_fraction: float = 0.1,
    test_fraction: float = 0.2,
    seed: int = 0,
    unit: str = "groups",
) -> Split:
    """Split sequences into train, validation and test with whole groups on each side.

    Sides are stratified by class as well as the groups allow (scikit-learn's
    ``StratifiedGroupKFold``); their sizes follow the fractions as closely as the
    group sizes allow. When a single group is left for training and validation,
    validation sequences are drawn at random from it (a note says so; test scores
    are unaffected).

    Args:
        labels: Class label per sequence, length ``n``.
        groups: Group per sequence (a metadata value or a cluster index), length ``n``.
        valid_fraction: Share of all sequences for validation.
        test_fraction: Share of all sequences for testing.
        seed: Random seed; the same seed gives the same split.
        unit: What a group is called in messages (``groups``, ``clusters``).

    Returns:
        The split (``source`` ``groups``; callers set theirs) with ``groups``
        counted per side.

    Raises:
        SplitError: If there are too few groups for a test split of this size.
    """
    label_array = np.asarray(labels)
    group_codes = pd.factorize(pd.Series(list(groups), dtype=object))[0]
    n_groups = len(set(group_codes.tolist()))
    needed = _folds(test_fraction)
    if n_groups < needed:
        raise SplitError(
            f"The sequences form {n_groups} {unit}; a test share of {test_fraction:.0%} with "
            f"whole {unit} on each side needs at least {needed}."
        )
    everything = np.arange(len(label_array))
    rest, test = _carve_groups(everything, label_array, group_codes, test_fraction, seed)
    notes = []
    valid_share = valid_fraction / (1.0 - test_fraction)
    if len(set(group_codes[rest].tolist())) >= 2:
        train, valid = _carve_groups(rest, label_array, group_codes, valid_share, seed)
    else:
        train, valid, _ = _carve(rest, label_array, valid_share, seed)
        notes.append(
            f"Too few {unit} were left for a validation split by {unit[:-1]}: validation "
            f"sequences were drawn at random from the training {unit}, so early stopping may "
            "be optimistic (test scores are not affected)."
        )
    notes += _untrained_classes(label_array, train, test)
    counts = {
        name: len(set(group_codes[part].tolist()))
        for name, part in (("train", train), ("valid", valid), ("test", test))
    }
    return Split(train, valid, test, "groups", tuple(notes), groups=counts)


def _untrained_classes(labels: np.ndarray, train: np.ndarray, test: np.ndarray) -> list[str]:
    """A note when test classes have no training sequence (whole groups can do that)."""
    missing = sorted(set(labels[test].tolist()) - set(labels[train].tolist()))
    if not missing:
        return []
    return [
        f"No training sequence has the class(es) {', '.join(missing)}; the test sequences "
        "of those classes cannot be predicted right."
    ]


def _own_split_note(dataset: Dataset, config: TrainingConfig) -> tuple[str, ...]:
    if dataset.split is not None and config.use_dataset_split:
        return (f"The data set's own split was not used (a {config.split} split was chosen).",)
    return ()


def _whole_groups(
    dataset: Dataset, config: TrainingConfig, groups: Sequence, unit: str, name: str, hint: str
) -> Split:
    """:func:`group_split` with the configured fractions and seed; a refusal says which
    split (``name``), why, and what to do (``hint``)."""
    try:
        return group_split(
            dataset.labels,
            groups,
            valid_fraction=config.valid_fraction,
            test_fraction=config.test_fraction,
            seed=config.seed,
            unit=unit,
        )
    except SplitError as error:
        raise SplitError(f"{name}: {error} {hint}") from None


def metadata_split(dataset: Dataset, config: TrainingConfig) -> Split:
    """Whole groups of the metadata column ``config.split_column`` on each side.

    Sequences with no value in the column form one group of their own.

    Raises:
        SplitError: If the data set has no such column, or too few groups.
    """
    column = config.split_column or ""
    if column not in dataset.metadata.columns:
        available = ", ".join(map(str, dataset.metadata.columns)) or "none"
        raise SplitError(
            f"'{dataset.name}' has no metadata column '{column}' to split by (its columns: "
            f"{available}). Choose one of those, or add the column to the FASTA headers "
            "(e.g. year=2009) and load the file again."
        )
    values = dataset.metadata[column].reset_index(drop=True)
    groups = values.astype(object).where(values.notna() & (values.astype(str) != ""))
    groups = groups.fillna(MISSING_GROUP).astype(str).tolist()
    split = _whole_groups(
        dataset,
        config,
        groups,
        "groups",
        f"Metadata split by '{column}'",
        "Choose a column with more distinct values, or a larger test fraction.",
    )
    notes = _own_split_note(dataset, config) + split.notes
    if MISSING_GROUP in groups:
        notes += (f"{groups.count(MISSING_GROUP)} sequence(s) with no '{column}' form one group.",)
    return dataclasses.replace(split, source="metadata", column=column, notes=notes)


def cluster_split(dataset: Dataset, config: TrainingConfig) -> Split:
    """Whole clusters of similar sequences (at ``config.identity``) on each side.

    Raises:
        SplitError: If the sequences form too few clusters.
    """
    clusters = cluster_sequences(dataset.sequences, config.identity)
    split = _whole_groups(
        dataset,
        config,
        clusters.labels,
        "clusters",
        f"Cluster split at {config.identity:.0%} identity",
        "Choose a higher identity threshold (fewer sequences are then linked), or a random split.",
    )
    return dataclasses.replace(
        split,
        source="cluster",
        method=clusters.method,
        identity=config.identity,
        notes=_own_split_note(dataset, config) + split.notes,
    )


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


def class_weighting(
    labels: Sequence[str], setting: bool | None = None, arch: str | None = None
) -> tuple[bool, str]:
    """Whether to weight classes in training, and why, in words.

    Args:
        labels: Label per training sequence.
        setting: True or False to decide by hand; None (automatic) weights the
            classes when the largest holds more than :data:`IMBALANCE_RATIO`
            times the sequences of the smallest, unless ``arch`` is one of
            :data:`UNWEIGHTED_BY_DEFAULT`.
        arch: The architecture trained (None: decide on the classes alone).

    Returns:
        The decision and its reason, e.g. ``(True, "the classes are imbalanced:
        the largest has 3.0 times the sequences of the smallest (> 1.5)")``.
    """
    counts = Counter(labels).values()
    ratio = max(counts) / min(counts) if counts else 1.0
    sizes = f"the largest has {ratio:.1f} times the training sequences of the smallest"
    if setting is not None:
        return bool(setting), f"set by hand ({sizes})"
    if ratio > IMBALANCE_RATIO and arch in UNWEIGHTED_BY_DEFAULT:
        return False, (
            f"{sizes}, but {arch} is trained unweighted unless you ask: weighted, its training "
            "stalled near chance on imbalanced data; turn weighting on if a class is never "
            "predicted"
        )
    if ratio > IMBALANCE_RATIO:
        return True, f"the classes are imbalanced: {sizes} (> {IMBALANCE_RATIO})"
    return False, f"the classes are balanced enough: {sizes} (<= {IMBALANCE_RATIO})"
