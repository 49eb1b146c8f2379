"""Filter logos: what the convolution filters of a ``conv_attention`` run respond to.

Each filter's strongest activation is found in every sequence of a data set
(a random sample per class); the windows of the ``top_k`` sequences that
activate it most make a logo, as letter frequencies or information content per
window position. Filters are ranked by how class-specific that strongest
activation is (:func:`filter_specificity`: the ANOVA F statistic across classes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from sklearn.feature_selection import f_classif

from protviz.analysis.residues import (
    DEFAULT_MAX_PER_CLASS,
    AttentionError,
    checked_tokens,
    read_per_sequence,
    sample_per_class,
    seen_positions,
)
from protviz.core.alphabet import STANDARD_AMINO_ACIDS
from protviz.core.dataset import Dataset
from protviz.model import readout
from protviz.model.encoding import truncate

if TYPE_CHECKING:
    import keras

LogoKind = Literal["information", "frequency"]

DEFAULT_TOP_K = 50
"""Windows that make a filter logo."""

LOGO_HELP: dict[str, str] = {
    "information": (
        "Letter height = frequency x information content (bits; at most log2(20) = 4.32). "
        "Tall stacks are positions the filter is picky about."
    ),
    "frequency": "Letter height = frequency of the amino acid at that window position.",
}


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
        labels: Their classes.
        lengths: Their full lengths (before truncation), shape ``(n_sequences,)``.
        max_length: The run's truncation length.
        truncation: The run's truncation policy.
        capped: Whether classes were sampled down to ``max_per_class``.
        max_per_class: The cap.
    """

    widths: tuple[int, ...]
    filters: int
    values: np.ndarray
    positions: np.ndarray
    sequences: list[str]
    ids: list[str]
    labels: list[str]
    lengths: np.ndarray
    max_length: int | None = None
    truncation: str = "ends"
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

    def filter_of(self, column: int) -> tuple[int, int]:
        """The width and filter number of column ``column``."""
        return self.widths[column // self.filters], column % self.filters

    def window_start(self, row: int, column: int, width: int) -> int:
        """The residue number (1-based, in the full sequence) where the window of a
        sequence's strongest activation starts; 0 or less when it hangs over the
        N-terminus."""
        start = int(self.positions[row, column]) - (width - 1) // 2
        if start < 0:
            return start + 1
        seen = seen_positions(int(self.lengths[row]), self.max_length, self.truncation)
        return int(seen[start])


def convolution_shape(model: keras.Model) -> tuple[tuple[int, ...], int]:
    """The widths and filters per width of a model's multi-width convolution.

    Raises:
        AttentionError: If the model has no ``convolutions`` layer.
    """
    shape = readout.convolution_shape(model)
    if shape is None:
        raise AttentionError(
            f"Model {model.name!r} has no convolution layer; filter logos need a "
            "conv_attention run."
        )
    return shape


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
    widths, filters = convolution_shape(model)
    reader = readout.convolution_reader(model)
    rows, capped = sample_per_class(dataset.labels, max_per_class, seed=seed)
    sequences = [truncate(dataset.sequences[i], max_length, truncation) for i in rows]  # type: ignore[arg-type]
    tokens = checked_tokens(sequences, None, "ends")
    activations = read_per_sequence(reader, tokens, batch_size)
    values = np.stack([a.max(axis=0) for a in activations]).astype(np.float32)
    positions = np.stack([a.argmax(axis=0) for a in activations])
    return FilterMaxima(
        widths=widths,
        filters=filters,
        values=values,
        positions=positions,
        sequences=sequences,
        ids=[dataset.ids[i] for i in rows],
        labels=[dataset.labels[i] for i in rows],
        lengths=np.array([len(dataset.sequences[i]) for i in rows], dtype=np.int64),
        max_length=max_length,
        truncation=truncation,
        capped=capped,
        max_per_class=max_per_class,
    )


def filter_specificity(maxima: FilterMaxima) -> pd.DataFrame:
    """Every filter, most class-specific first.

    A filter's specificity is the one-way ANOVA F statistic of its strongest activation
    per sequence across the classes (scikit-learn's ``f_classif``): the variance between
    the class means over the variance within the classes. A high F means the filter
    fires at very different strengths in different classes; a filter that responds
    alike everywhere has F near 0.

    Args:
        maxima: From :func:`filter_maxima`.

    Returns:
        One row per filter: ``column`` (in ``maxima.values``), ``width``, ``filter``,
        ``F`` (0 where undefined: one class, or a filter that never varies) and
        ``strongest in`` (the class with the highest mean activation), sorted by ``F``.
    """
    labels = np.asarray(maxima.labels, dtype=object)
    if len(set(labels)) >= 2:
        with np.errstate(divide="ignore", invalid="ignore"):
            scores, _ = f_classif(maxima.values, labels)
        scores = np.nan_to_num(scores, nan=0.0, posinf=np.finfo(np.float32).max)
    else:
        scores = np.zeros(maxima.values.shape[1])
    means = pd.DataFrame(maxima.values).groupby(labels).mean()
    columns = np.arange(maxima.values.shape[1])
    table = pd.DataFrame(
        {
            "column": columns,
            "width": [maxima.filter_of(c)[0] for c in columns],
            "filter": [maxima.filter_of(c)[1] for c in columns],
            "F": scores,
            "strongest in": means.idxmax(axis=0).to_numpy(),
        }
    )
    return table.sort_values("F", ascending=False, kind="stable").reset_index(drop=True)


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
        windows: Top windows, strongest first: ``id``, ``class``, ``window``, ``start``
            (the residue number of the window's first residue in the full sequence,
            1-based; 0 or less when it hangs over the N-terminus) and ``activation``.
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
            "class": [maxima.labels[i] for i in best],
            "window": windows,
            "start": [maxima.window_start(i, column, width) for i in best],
            "activation": values[best],
        }
    )
    frequencies = window_frequencies(windows)
    heights = information_heights(frequencies) if kind == "information" else frequencies
    return FilterLogo(width, filter_index, table, frequencies, heights, kind)
