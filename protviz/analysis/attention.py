"""Where a model looks along a sequence: attention, per-residue scores, class profiles.

- **Attention** (``conv_attention`` runs): the weights of the attention pooling
  layer, one per residue the model saw; they sum to 1 over those residues.
- **Residue scores**: one sequence's attention weights, or its saliency
  (:mod:`protviz.analysis.saliency`) for the architectures without attention,
  with the model's prediction.
- **Class profiles**: the mean relative attention (weight x residues seen, so
  1 = uniform) per class, along the normalised position (N- to C-terminus, in
  bins), or at each residue number counted from the N- or the C-terminus.

Only the residues the model saw after truncation are scored, at their true
positions (:func:`protviz.analysis.residues.seen_positions`). The model is read
by :mod:`protviz.model.readout`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from protviz.analysis.residues import (
    DEFAULT_MAX_PER_CLASS,
    AttentionError,
    checked_tokens,
    read_per_sequence,
    sample_per_class,
    seen_positions,
)
from protviz.analysis.saliency import saliency
from protviz.core.dataset import Dataset
from protviz.model import readout
from protviz.model.encoding import encode_all, pad_batch

if TYPE_CHECKING:
    import keras

ScoreKind = Literal["attention", "saliency"]

RESIDUES_PER_ROW = 60
"""Residues per row when a sequence is drawn with its per-residue scores."""

PROFILE_BINS = 50
"""Bins along the normalised position (N- to C-terminus) of a class profile."""

PROFILE_SCALES: dict[str, str] = {
    "relative": "relative position",
    "n_terminus": "residue number",
    "c_terminus": "from the C-terminus",
}
"""The positions a class profile can be drawn along: scale -> its name on the page."""

PROFILE_PERCENTILE = 99
"""A residue-number profile runs from residue 1 to this percentile of the lengths."""

MIN_SEQUENCES_PER_RESIDUE = 5
"""Fewest sequences of a class behind a point of a residue-number profile (fewer: left out)."""

SCORE_HELP: dict[str, str] = {
    "attention": (
        "Attention: the weight the model's attention pooling gives each residue "
        "(the weights of the residues it saw sum to 1)."
    ),
    "saliency": (
        "Saliency, not attention: this architecture has no attention layer. Each value is "
        "gradient x input on the predicted class: the gradient of the class score (the logit "
        "before the softmax) with respect to the residue's embedding, times the embedding, "
        "summed over its dimensions. Positive: the residue supports the prediction; negative: "
        "it speaks against it."
    ),
}
"""How to read each kind of per-residue score, for the page."""


def attention_weights(
    model: keras.Model,
    sequences: Sequence[str],
    *,
    max_length: int | None = None,
    truncation: str = "ends",
    batch_size: int = 64,
) -> list[np.ndarray]:
    """Per-residue attention weights of a ``conv_attention`` model.

    Args:
        model: A model with an ``attention`` layer.
        sequences: Cleaned sequences.
        max_length: The run's truncation length.
        truncation: The run's truncation policy.
        batch_size: Sequences per batch (batches group similar lengths).

    Returns:
        One float32 array per sequence, shape ``(residues seen,)``, summing to 1.

    Raises:
        ArchitectureError: If the model has no attention layer.
        AttentionError: If there are no sequences.
    """
    reader = readout.attention_reader(model)
    tokens = checked_tokens(sequences, max_length, truncation)
    return [w.astype(np.float32) for w in read_per_sequence(reader, tokens, batch_size)]


@dataclass(frozen=True)
class ResidueScores:
    """Per-residue scores of one sequence and the model's prediction for it.

    Attributes:
        seq_id: The sequence ID.
        sequence: The full sequence.
        positions: 1-based positions (in ``sequence``) of the residues the model
            saw, shape ``(n_seen,)``.
        scores: One score per seen residue, shape ``(n_seen,)``.
        kind: ``attention`` or ``saliency``.
        class_names: The run's classes.
        probabilities: Predicted probabilities, shape ``(n_classes,)``.
    """

    seq_id: str
    sequence: str
    positions: np.ndarray
    scores: np.ndarray
    kind: ScoreKind
    class_names: list[str]
    probabilities: np.ndarray

    @property
    def truncated(self) -> bool:
        """Whether the model saw only part of the sequence."""
        return len(self.positions) < len(self.sequence)

    @property
    def predicted_class(self) -> str:
        """The class with the highest probability."""
        return self.class_names[int(np.argmax(self.probabilities))]

    def full_scores(self) -> np.ndarray:
        """Scores over the whole sequence, shape ``(len(sequence),)``; NaN where unseen."""
        full = np.full(len(self.sequence), np.nan)
        full[self.positions - 1] = self.scores
        return full

    def truncation_note(self) -> str:
        """A sentence on what the model did not see ('' when it saw everything)."""
        if not self.truncated:
            return ""
        return (
            f"This sequence has {len(self.sequence):,} residues; the run truncates to "
            f"{len(self.positions):,}, so the model saw only positions "
            f"{_ranges(self.positions)}. The other residues have no {self.kind} value."
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per residue: ``position``, ``residue``, ``seen``, the score column."""
        full = self.full_scores()
        return pd.DataFrame(
            {
                "position": np.arange(1, len(self.sequence) + 1),
                "residue": list(self.sequence),
                "seen": ~np.isnan(full),
                self.kind: full,
            }
        )

    def to_csv(self) -> str:
        """The per-residue table as CSV text, with a comment line naming the sequence."""
        buffer = io.StringIO()
        buffer.write(f"# {self.kind} of {self.seq_id}; predicted {self.predicted_class}\n")
        self.to_frame().to_csv(buffer, index=False, float_format="%.6g")
        return buffer.getvalue()


def _ranges(positions: np.ndarray) -> str:
    breaks = np.flatnonzero(np.diff(positions) != 1)
    starts = np.concatenate([[positions[0]], positions[breaks + 1]])
    ends = np.concatenate([positions[breaks], [positions[-1]]])
    return " and ".join(f"{s:,}-{e:,}" for s, e in zip(starts, ends, strict=True))


def find_sequence(dataset: Dataset, seq_id: str) -> int | None:
    """The row of a sequence ID in a data set, or None when it is not there."""
    try:
        return dataset.ids.index(seq_id)
    except ValueError:
        return None


def residue_scores(
    model: keras.Model,
    dataset: Dataset,
    row: int,
    class_names: Sequence[str],
    *,
    max_length: int | None = None,
    truncation: str = "ends",
) -> ResidueScores:
    """Attention weights (``conv_attention``) or else saliency of one sequence.

    Args:
        model: The run's model.
        dataset: The data set holding the sequence.
        row: The sequence's row in ``dataset``.
        class_names: The run's classes, in output order.
        max_length: The run's truncation length.
        truncation: The run's truncation policy.

    Returns:
        The scores, the positions the model saw and its prediction.

    Raises:
        AttentionError: If ``row`` is outside the data set.
    """
    if not 0 <= row < len(dataset):
        raise AttentionError(f"Row {row} is outside the data set ({len(dataset)} sequences).")
    sequence = dataset.sequences[row]
    kind: ScoreKind = "attention" if readout.has_attention(model) else "saliency"
    scorer = attention_weights if kind == "attention" else saliency
    scores = scorer(model, [sequence], max_length=max_length, truncation=truncation)[0]
    tokens = pad_batch(encode_all([sequence], max_length, truncation))  # type: ignore[arg-type]
    probabilities = readout.batch_probabilities(model, tokens)[0]
    return ResidueScores(
        seq_id=dataset.ids[row],
        sequence=sequence,
        positions=seen_positions(len(sequence), max_length, truncation),
        scores=scores,
        kind=kind,
        class_names=list(class_names),
        probabilities=probabilities,
    )


def class_profiles(
    weights: Sequence[np.ndarray],
    positions: Sequence[np.ndarray],
    lengths: Sequence[int],
    labels: Sequence[str],
    classes: Sequence[str],
    *,
    bins: int = PROFILE_BINS,
) -> pd.DataFrame:
    """Mean relative attention along the normalised position, per class.

    Each residue at 1-based position ``p`` of a sequence of length ``L`` falls
    in bin ``floor((p - 0.5) / L * bins)``. Its relative weight is its weight
    times the number of residues the model saw (1 = uniform attention), so
    short and long sequences are comparable. Each sequence's bins are averaged
    first (bins without residues are skipped), then the sequences of a class.

    Args:
        weights: Per-sequence weights, each ``(n_seen_i,)``.
        positions: Per-sequence 1-based positions of those residues.
        lengths: Full length of each sequence.
        labels: Class of each sequence.
        classes: Classes to profile, in row order.
        bins: Number of position bins.

    Returns:
        Frame of shape ``(len(classes), bins)``: index = class, columns = bin
        centres (0..1); NaN where a class has no residue in a bin.
    """
    n = len(weights)
    sums = np.zeros((n, bins))
    counts = np.zeros((n, bins))
    for i, (w, p, length) in enumerate(zip(weights, positions, lengths, strict=True)):
        index = np.minimum(((np.asarray(p) - 0.5) / length * bins).astype(int), bins - 1)
        sums[i] = np.bincount(index, weights=np.asarray(w) * len(w), minlength=bins)
        counts[i] = np.bincount(index, minlength=bins)
    with np.errstate(invalid="ignore"):
        per_sequence = sums / counts  # NaN where a sequence has no residue in a bin
    labels = np.asarray(labels, dtype=object)
    rows = []
    for label in classes:
        members = per_sequence[labels == label]
        present = ~np.isnan(members)
        total = np.where(present, members, 0.0).sum(axis=0)
        number = present.sum(axis=0)
        rows.append(np.divide(total, number, out=np.full(bins, np.nan), where=number > 0))
    centres = (np.arange(bins) + 0.5) / bins
    return pd.DataFrame(rows, index=pd.Index(list(classes), name="class"), columns=centres)


def residue_profiles(
    weights: Sequence[np.ndarray],
    positions: Sequence[np.ndarray],
    lengths: Sequence[int],
    labels: Sequence[str],
    classes: Sequence[str],
    *,
    max_residue: int,
    from_end: bool = False,
    min_sequences: int = MIN_SEQUENCES_PER_RESIDUE,
) -> pd.DataFrame:
    """Mean relative attention at each residue number, per class.

    Unlike :func:`class_profiles`, positions are not stretched to the sequence length:
    residue 30 is residue 30 in every sequence, so a signal at a fixed distance from a
    terminus stays sharp when the proteins differ in length (truncated forms, say). A
    residue number is averaged over the sequences of the class long enough to have it
    (and whose residue there the model saw); one reached by fewer than
    ``min_sequences`` of them is left out (NaN).

    Args:
        weights: Per-sequence weights, each ``(n_seen_i,)``.
        positions: Per-sequence 1-based positions of those residues.
        lengths: Full length of each sequence.
        labels: Class of each sequence.
        classes: Classes to profile, in row order.
        max_residue: The last residue number shown.
        from_end: Count residues from the C-terminus (1 = the last residue).
        min_sequences: Fewest sequences behind a value.

    Returns:
        Frame of shape ``(len(classes), max_residue)``: index = class, columns =
        residue numbers ``1..max_residue``.
    """
    row_of = {label: row for row, label in enumerate(classes)}
    sums = np.zeros((len(classes), max_residue))
    counts = np.zeros((len(classes), max_residue))
    for w, p, length, label in zip(weights, positions, lengths, labels, strict=True):
        if label not in row_of:
            continue
        residue = length - np.asarray(p) + 1 if from_end else np.asarray(p)
        kept = residue <= max_residue
        np.add.at(sums[row_of[label]], residue[kept] - 1, np.asarray(w)[kept] * len(w))
        np.add.at(counts[row_of[label]], residue[kept] - 1, 1)
    enough = counts >= max(1, min_sequences)
    values = np.divide(sums, counts, out=np.full(sums.shape, np.nan), where=enough)
    return pd.DataFrame(
        values,
        index=pd.Index(list(classes), name="class"),
        columns=pd.RangeIndex(1, max_residue + 1, name="residue"),
    )


@dataclass(frozen=True)
class ClassProfile:
    """Per-class attention profiles of a data set.

    Attributes:
        profiles: Scale (see :data:`PROFILE_SCALES`) -> the profile: ``relative`` from
            :func:`class_profiles`, ``n_terminus`` and ``c_terminus`` from
            :func:`residue_profiles`.
        counts: Sequences used per class.
        capped: Whether classes were sampled down to ``max_per_class``.
        max_per_class: The cap.
        truncated: Sequences the model saw only in part.
    """

    profiles: dict[str, pd.DataFrame]
    counts: dict[str, int]
    capped: bool
    max_per_class: int
    truncated: int

    @property
    def profile(self) -> pd.DataFrame:
        """The profile along the relative position."""
        return self.profiles["relative"]

    def note(self) -> str:
        """A sentence on the sample and truncation, for the page."""
        used = sum(self.counts.values())
        text = f"Computed on {used:,} sequences"
        if self.capped:
            text += f" (a random sample of at most {self.max_per_class:,} per class)"
        text += "."
        if self.truncated:
            text += (
                f" {self.truncated:,} of them are longer than the run's max_length; only the "
                "residues the model saw count, at their true positions."
            )
        return text


def dataset_class_profile(
    model: keras.Model,
    dataset: Dataset,
    *,
    max_length: int | None = None,
    truncation: str = "ends",
    bins: int = PROFILE_BINS,
    max_per_class: int = DEFAULT_MAX_PER_CLASS,
    seed: int = 0,
) -> ClassProfile:
    """The per-class attention profile of a ``conv_attention`` model on a data set.

    Args:
        model: A model with an attention layer.
        dataset: The data set.
        max_length: The run's truncation length.
        truncation: The run's truncation policy.
        bins: Position bins.
        max_per_class: Most sequences per class (a random sample beyond that).
        seed: Sampling seed.

    Returns:
        The profile, with the sample sizes.
    """
    rows, capped = sample_per_class(dataset.labels, max_per_class, seed=seed)
    sequences = [dataset.sequences[i] for i in rows]
    labels = [dataset.labels[i] for i in rows]
    weights = attention_weights(model, sequences, max_length=max_length, truncation=truncation)
    lengths = [len(s) for s in sequences]
    positions = [seen_positions(length, max_length, truncation) for length in lengths]
    classes = list(dataset.class_counts.index)
    shared = (weights, positions, lengths, labels, classes)
    max_residue = max(1, int(np.percentile(lengths, PROFILE_PERCENTILE)))
    profiles = {
        "relative": class_profiles(*shared, bins=bins),
        "n_terminus": residue_profiles(*shared, max_residue=max_residue),
        "c_terminus": residue_profiles(*shared, max_residue=max_residue, from_end=True),
    }
    counts = {label: labels.count(label) for label in classes}
    truncated = sum(len(p) < length for p, length in zip(positions, lengths, strict=True))
    return ClassProfile(profiles, counts, capped, max_per_class, truncated)
