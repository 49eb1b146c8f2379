"""Where a model looks along a sequence: attention, saliency, class profiles, filter logos.

- **Attention** (``conv_attention`` runs): the weights of the attention pooling
  layer, one per residue the model saw; they sum to 1 over those residues.
- **Saliency** (every architecture): gradient x input on the predicted class.
  The gradient of the predicted class's score (the logit before the softmax,
  which does not saturate when the model is confident) is taken with respect to the
  output of the embedding layer (the token input is not differentiable), and
  ``sum(gradient * embedding)`` over the embedding dimensions gives one signed
  value per residue: positive values support the predicted class, negative ones
  speak against it. Saliency is *not* attention: it is a first-order estimate of
  how much each residue's embedding moves the prediction.
- **Class profiles**: the mean relative attention (weight x residues seen, so
  1 = uniform) along the normalised position, N- to C-terminus, per class.
- **Filter logos**: the windows of the data set that most activate one
  convolution filter of a ``conv_attention`` run, as letter frequencies or
  information content per window position.

Sequences longer than a run's ``max_length`` are truncated by the run's policy
(:func:`protviz.model.encoding.truncate`); every result keeps the 1-based positions in
the full sequence of the residues the model saw, so nothing is drawn where the
model did not look.

TensorFlow is imported only inside the functions that run a model.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from protviz.core.alphabet import STANDARD_AMINO_ACIDS
from protviz.core.dataset import Dataset
from protviz.core.errors import ProtvizError
from protviz.model.encoding import bucket_batches, check_truncation, encode_all, pad_batch, truncate

if TYPE_CHECKING:
    import keras

ScoreKind = Literal["attention", "saliency"]
LogoKind = Literal["information", "frequency"]

RESIDUES_PER_ROW = 60
"""Residues per row when a sequence is drawn with its per-residue scores."""

PROFILE_BINS = 50
"""Bins along the normalised position (N- to C-terminus) of a class profile."""

DEFAULT_MAX_PER_CLASS = 500
"""Most sequences per class used for a class profile or a filter logo (a random sample)."""

DEFAULT_TOP_K = 50
"""Windows that make a filter logo."""

CONVOLUTION_LAYER = "convolutions"
"""Name of the :class:`~protviz.model.layers.MultiWidthConv1D` layer of ``conv_attention``."""

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

LOGO_HELP: dict[str, str] = {
    "information": (
        "Letter height = frequency x information content (bits; at most log2(20) = 4.32). "
        "Tall stacks are positions the filter is picky about."
    ),
    "frequency": "Letter height = frequency of the amino acid at that window position.",
}


class AttentionError(ProtvizError):
    """A request the attention tools cannot serve, with what to do instead."""


def has_attention(model: keras.Model) -> bool:
    """Whether a model has an attention layer (``conv_attention`` runs)."""
    from protviz.model.architectures import ATTENTION_LAYER

    return any(layer.name == ATTENTION_LAYER for layer in model.layers)


def seen_positions(length: int, max_length: int | None, policy: str = "ends") -> np.ndarray:
    """The 1-based positions of a sequence's residues that the model sees after truncation.

    Args:
        length: The full sequence length.
        max_length: The run's truncation length, or None.
        policy: The run's truncation policy (``ends`` or ``start``).

    Returns:
        Int array, shape ``(min(length, max_length),)``, increasing.
    """
    check_truncation(max_length, policy)
    if max_length is None or length <= max_length:
        return np.arange(1, length + 1)
    if policy == "start":
        return np.arange(1, max_length + 1)
    head = (max_length + 1) // 2
    tail = max_length - head
    return np.concatenate([np.arange(1, head + 1), np.arange(length - tail + 1, length + 1)])


def _per_sequence(
    compute: Callable[[np.ndarray], np.ndarray],
    tokens: Sequence[np.ndarray],
    batch_size: int,
) -> list[np.ndarray]:
    """Run ``compute`` on length-bucketed padded batches; one unpadded array per sequence."""
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    results: list[np.ndarray] = [np.empty(0)] * len(tokens)
    for indices in bucket_batches(lengths, batch_size):
        outputs = np.asarray(compute(pad_batch([tokens[i] for i in indices])))
        for row, index in enumerate(indices):
            results[index] = outputs[row, : lengths[index]]
    return results


def _checked_tokens(
    sequences: Sequence[str], max_length: int | None, truncation: str
) -> list[np.ndarray]:
    if not sequences:
        raise AttentionError("There are no sequences to score.")
    return encode_all(sequences, max_length, truncation)  # type: ignore[arg-type]


def _fixed_signature(function: Callable) -> Callable:
    """Compile ``function(tokens)`` once for every batch shape (no retracing)."""
    import tensorflow as tf

    return tf.function(
        function,
        input_signature=[tf.TensorSpec(shape=(None, None), dtype=tf.int32)],
        reduce_retracing=True,
    )


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
    from protviz.model.architectures import attention_model

    weights_model = attention_model(model)
    tokens = _checked_tokens(sequences, max_length, truncation)
    compute = _fixed_signature(lambda batch: weights_model(batch, training=False))
    return [w.astype(np.float32) for w in _per_sequence(compute, tokens, batch_size)]


def _embedding_probe():
    """A pass-through layer after the embedding that lets a gradient tape watch its output."""
    import keras

    class EmbeddingProbe(keras.layers.Layer):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self.supports_masking = True
            self.tape = None
            self.watched = None

        def call(self, inputs, mask=None):
            if self.tape is not None:
                self.tape.watch(inputs)
            self.watched = inputs
            return inputs

        def compute_mask(self, inputs, mask=None):
            return mask

    return EmbeddingProbe(name="embedding_probe")


def _share_or_copy(layer):
    """For :func:`saliency`'s re-wired model: share every layer but two.

    The classifier is copied without its softmax, so the model outputs class
    scores (logits). The embedding is copied without ``mask_zero``: the
    original graph already computes the padding mask from the tokens and hands
    it to the next layers, and a second mask computation would clash with it.
    """
    from protviz.model.architectures import CLASSIFIER_LAYER, EMBEDDING_LAYER

    if layer.name == CLASSIFIER_LAYER:
        changes = {"activation": "linear"}
    elif layer.name == EMBEDDING_LAYER:
        changes = {"mask_zero": False}
    else:
        return layer
    copy = type(layer).from_config({**layer.get_config(), **changes})
    copy.build(layer.input.shape)
    copy.set_weights(layer.get_weights())
    return copy


def saliency(
    model: keras.Model,
    sequences: Sequence[str],
    *,
    max_length: int | None = None,
    truncation: str = "ends",
    batch_size: int = 16,
) -> list[np.ndarray]:
    """Gradient x input per residue, on each sequence's predicted class.

    The model is re-wired (sharing its layers and weights) with a pass-through
    layer after the embedding, so the gradient can be taken with respect to the
    embedding output, and with the classifier's softmax left out: the gradient
    is that of the predicted class's score (logit), which does not vanish when
    the model is confident, as the gradient of a probability near 1 does.

    Args:
        model: Any protviz model.
        sequences: Cleaned sequences.
        max_length: The run's truncation length.
        truncation: The run's truncation policy.
        batch_size: Sequences per batch.

    Returns:
        One float32 array per sequence, shape ``(residues seen,)``: the sum over
        the embedding dimensions of gradient x embedding at each residue.

    Raises:
        AttentionError: If there are no sequences.
    """
    import keras
    import tensorflow as tf

    from protviz.model.architectures import EMBEDDING_LAYER

    tokens = _checked_tokens(sequences, max_length, truncation)
    probe = _embedding_probe()

    def call_through_probe(layer, *args, **kwargs):
        outputs = layer(*args, **kwargs)
        return probe(outputs) if layer.name == EMBEDDING_LAYER else outputs

    probed = keras.models.clone_model(
        model, clone_function=_share_or_copy, call_function=call_through_probe
    )

    def compute(batch: np.ndarray) -> np.ndarray:
        with tf.GradientTape() as tape:
            probe.tape = tape
            logits = probed(tf.constant(batch), training=False)
            predicted = tf.argmax(logits, axis=-1)
            chosen = tf.gather(logits, predicted, batch_dims=1)
        embedded = probe.watched
        probe.tape = None
        gradient = tape.gradient(chosen, embedded)
        scores = tf.reduce_sum(gradient * embedded, axis=-1)
        return scores.numpy() * (batch != 0)

    return [s.astype(np.float32) for s in _per_sequence(compute, tokens, batch_size)]


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
    import keras

    if not 0 <= row < len(dataset):
        raise AttentionError(f"Row {row} is outside the data set ({len(dataset)} sequences).")
    sequence = dataset.sequences[row]
    kind: ScoreKind = "attention" if has_attention(model) else "saliency"
    scorer = attention_weights if kind == "attention" else saliency
    scores = scorer(model, [sequence], max_length=max_length, truncation=truncation)[0]
    tokens = pad_batch(encode_all([sequence], max_length, truncation))  # type: ignore[arg-type]
    probabilities = keras.ops.convert_to_numpy(model(tokens, training=False))[0]
    return ResidueScores(
        seq_id=dataset.ids[row],
        sequence=sequence,
        positions=seen_positions(len(sequence), max_length, truncation),
        scores=scores,
        kind=kind,
        class_names=list(class_names),
        probabilities=probabilities,
    )


def sample_per_class(
    labels: Sequence[str], max_per_class: int, *, seed: int = 0
) -> tuple[np.ndarray, bool]:
    """At most ``max_per_class`` random rows of each class.

    Args:
        labels: One label per row.
        max_per_class: Most rows kept per class.
        seed: Random seed.

    Returns:
        The kept rows (sorted) and whether any class was capped.

    Raises:
        AttentionError: If ``max_per_class`` is below 1.
    """
    if max_per_class < 1:
        raise AttentionError(f"max_per_class must be at least 1; got {max_per_class}.")
    labels = np.asarray(labels, dtype=object)
    rng = np.random.default_rng(seed)
    kept: list[np.ndarray] = []
    capped = False
    for label in sorted(set(labels)):
        rows = np.flatnonzero(labels == label)
        if len(rows) > max_per_class:
            capped = True
            rows = rng.choice(rows, size=max_per_class, replace=False)
        kept.append(rows)
    return np.sort(np.concatenate(kept)), capped


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


@dataclass(frozen=True)
class ClassProfile:
    """Per-class attention profile of a data set.

    Attributes:
        profile: See :func:`class_profiles`.
        counts: Sequences used per class.
        capped: Whether classes were sampled down to ``max_per_class``.
        max_per_class: The cap.
        truncated: Sequences the model saw only in part.
    """

    profile: pd.DataFrame
    counts: dict[str, int]
    capped: bool
    max_per_class: int
    truncated: int

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
    profile = class_profiles(weights, positions, lengths, labels, classes, bins=bins)
    counts = {label: labels.count(label) for label in classes}
    truncated = sum(len(p) < length for p, length in zip(positions, lengths, strict=True))
    return ClassProfile(profile, counts, capped, max_per_class, truncated)


@dataclass(frozen=True)
class FilterMaxima:
    """The strongest activation of every convolution filter in every sequence.

    Attributes:
        widths: Convolution widths, in the layer's order.
        filters: Filters per width.
        values: Shape ``(n_sequences, len(widths) * filters)``: each sequence's
            highest activation of each filter (column ``w * filters + f`` is
            filter ``f`` of width ``widths[w]``).
        positions: Same shape: the 0-based position (in the truncated sequence
            the model saw) of that activation.
        sequences: The truncated sequences the model saw.
        ids: Their IDs.
    """

    widths: tuple[int, ...]
    filters: int
    values: np.ndarray
    positions: np.ndarray
    sequences: list[str]
    ids: list[str]
    capped: bool = False
    max_per_class: int = DEFAULT_MAX_PER_CLASS

    def column(self, width: int, filter_index: int) -> int:
        """The column of filter ``filter_index`` of width ``width``."""
        if width not in self.widths or not 0 <= filter_index < self.filters:
            raise AttentionError(
                f"No filter {filter_index} of width {width}; widths are "
                f"{', '.join(map(str, self.widths))} with filters 0-{self.filters - 1}."
            )
        return self.widths.index(width) * self.filters + filter_index


def convolution_shape(model: keras.Model) -> tuple[tuple[int, ...], int]:
    """The widths and filters per width of a model's multi-width convolution.

    Raises:
        AttentionError: If the model has no ``convolutions`` layer.
    """
    try:
        layer = model.get_layer(CONVOLUTION_LAYER)
    except ValueError:
        raise AttentionError(
            f"Model {model.name!r} has no convolution layer; filter logos need a "
            "conv_attention run."
        ) from None
    return tuple(layer.widths), int(layer.filters)


def filter_maxima(
    model: keras.Model,
    dataset: Dataset,
    *,
    max_length: int | None = None,
    truncation: str = "ends",
    max_per_class: int = DEFAULT_MAX_PER_CLASS,
    seed: int = 0,
    batch_size: int = 64,
) -> FilterMaxima:
    """Each sequence's strongest activation of every convolution filter.

    Args:
        model: A ``conv_attention`` model.
        dataset: The data set.
        max_length: The run's truncation length.
        truncation: The run's truncation policy.
        max_per_class: Most sequences per class (a random sample beyond that).
        seed: Sampling seed.
        batch_size: Sequences per batch.

    Returns:
        The maxima and where they are.

    Raises:
        AttentionError: If the model has no convolution layer.
    """
    import keras

    widths, filters = convolution_shape(model)
    layer = model.get_layer(CONVOLUTION_LAYER)
    activations_model = keras.Model(model.inputs, layer.output)
    rows, capped = sample_per_class(dataset.labels, max_per_class, seed=seed)
    sequences = [truncate(dataset.sequences[i], max_length, truncation) for i in rows]  # type: ignore[arg-type]
    tokens = _checked_tokens(sequences, None, "ends")
    compute = _fixed_signature(lambda batch: activations_model(batch, training=False))
    activations = _per_sequence(compute, tokens, batch_size)
    values = np.stack([a.max(axis=0) for a in activations]).astype(np.float32)
    positions = np.stack([a.argmax(axis=0) for a in activations])
    return FilterMaxima(
        widths=widths,
        filters=filters,
        values=values,
        positions=positions,
        sequences=sequences,
        ids=[dataset.ids[i] for i in rows],
        capped=capped,
        max_per_class=max_per_class,
    )


def activation_window(sequence: str, position: int, width: int) -> str:
    """The input window of a ``padding="same"`` convolution output at ``position``.

    Keras pads ``(width - 1) // 2`` positions on the left, so output ``t`` reads
    residues ``t - (width - 1) // 2`` onwards. Positions outside the sequence
    (padding) are ``-``.

    Args:
        sequence: The sequence the model saw.
        position: 0-based output position.
        width: Kernel width.

    Returns:
        A string of ``width`` letters.
    """
    start = position - (width - 1) // 2
    return "".join(
        sequence[i] if 0 <= i < len(sequence) else "-" for i in range(start, start + width)
    )


@dataclass(frozen=True)
class FilterLogo:
    """A sequence logo of one filter's top-activating windows.

    Attributes:
        width: Kernel width.
        filter_index: Filter number within that width.
        windows: Top windows, strongest first, with ``id`` and ``activation``.
        frequencies: Shape ``(width, 20)``: amino-acid frequency per window
            position (columns ``ACDEFGHIKLMNPQRSTVWY``; X and padding not counted).
        heights: Letter heights of the logo (``kind``), same shape.
        kind: ``information`` or ``frequency``.
    """

    width: int
    filter_index: int
    windows: pd.DataFrame
    frequencies: pd.DataFrame
    heights: pd.DataFrame
    kind: LogoKind

    @property
    def consensus(self) -> str:
        """The most frequent amino acid per window position."""
        return "".join(self.frequencies.idxmax(axis=1))


def window_frequencies(windows: Sequence[str]) -> pd.DataFrame:
    """Amino-acid frequencies per position of equal-length windows.

    Args:
        windows: Windows of the same width (``-`` and ``X`` are not counted).

    Returns:
        Frame ``(width, 20)``, rows summing to 1 (0 where nothing was counted).
    """
    width = len(windows[0])
    counts = np.zeros((width, len(STANDARD_AMINO_ACIDS)))
    column = {letter: j for j, letter in enumerate(STANDARD_AMINO_ACIDS)}
    for window in windows:
        for i, letter in enumerate(window):
            if letter in column:
                counts[i, column[letter]] += 1
    totals = counts.sum(axis=1, keepdims=True)
    frequencies = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    return pd.DataFrame(
        frequencies,
        index=pd.RangeIndex(1, width + 1, name="position"),
        columns=list(STANDARD_AMINO_ACIDS),
    )


def information_heights(frequencies: pd.DataFrame) -> pd.DataFrame:
    """Letter heights ``frequency * (log2(20) - entropy)`` per position (bits).

    Args:
        frequencies: As from :func:`window_frequencies`.

    Returns:
        Same shape; each row sums to the position's information content.
    """
    values = frequencies.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.nansum(np.where(values > 0, values * np.log2(values), 0.0), axis=1)
    information = np.where(values.sum(axis=1) > 0, np.log2(values.shape[1]) - entropy, 0.0)
    return frequencies * information[:, None]


def filter_logo(
    maxima: FilterMaxima,
    width: int,
    filter_index: int,
    *,
    top_k: int = DEFAULT_TOP_K,
    kind: LogoKind = "information",
) -> FilterLogo:
    """A logo of the ``top_k`` sequences that most activate one filter.

    Each sequence contributes its single best window, so one sequence with a
    repeated motif does not fill the logo.

    Args:
        maxima: From :func:`filter_maxima`.
        width: Kernel width of the filter.
        filter_index: Filter number within that width.
        top_k: Windows used.
        kind: ``information`` (bits) or ``frequency``.

    Returns:
        The logo.

    Raises:
        AttentionError: For an unknown filter, ``top_k`` below 1 or an unknown kind.
    """
    if top_k < 1:
        raise AttentionError(f"top_k must be at least 1; got {top_k}.")
    if kind not in LOGO_HELP:
        raise AttentionError(f"Unknown logo kind {kind!r}; choose one of {', '.join(LOGO_HELP)}.")
    column = maxima.column(width, filter_index)
    values = maxima.values[:, column]
    best = np.argsort(-values, kind="stable")[:top_k]
    windows = [
        activation_window(maxima.sequences[i], int(maxima.positions[i, column]), width)
        for i in best
    ]
    table = pd.DataFrame(
        {
            "id": [maxima.ids[i] for i in best],
            "window": windows,
            "start": [int(maxima.positions[i, column]) - (width - 1) // 2 + 1 for i in best],
            "activation": values[best],
        }
    )
    frequencies = window_frequencies(windows)
    heights = information_heights(frequencies) if kind == "information" else frequencies
    return FilterLogo(width, filter_index, table, frequencies, heights, kind)
