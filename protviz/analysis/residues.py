"""What the per-residue tools (attention, saliency, filter logos) share.

Sequences longer than a run's ``max_length`` are truncated by the run's policy
(:func:`protviz.model.encoding.truncate`); every per-residue result keeps the
1-based positions in the full sequence of the residues the model saw
(:func:`seen_positions`), so nothing is drawn where the model did not look.
A model is read on length-bucketed padded batches by a
:data:`~protviz.model.readout.BatchReader`; :func:`read_per_sequence` unpads
its outputs, one array per sequence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from protviz.core.errors import ProtvizError
from protviz.model.encoding import bucket_batches, check_truncation, encode_all, pad_batch

if TYPE_CHECKING:
    from protviz.model.readout import BatchReader

DEFAULT_MAX_PER_CLASS = 500
"""Most sequences per class used for a class profile or a filter logo (a random sample)."""


class AttentionError(ProtvizError):
    """A request the attention tools cannot serve, with what to do instead."""


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


def checked_tokens(
    sequences: Sequence[str], max_length: int | None, truncation: str
) -> list[np.ndarray]:
    """The sequences encoded (and truncated) for a model.

    Raises:
        AttentionError: If there are no sequences.
    """
    if not sequences:
        raise AttentionError("There are no sequences to score.")
    return encode_all(sequences, max_length, truncation)  # type: ignore[arg-type]


def read_per_sequence(
    reader: BatchReader, tokens: Sequence[np.ndarray], batch_size: int
) -> list[np.ndarray]:
    """Run ``reader`` on length-bucketed padded batches; one unpadded array per sequence.

    Args:
        reader: Padded batch ``(batch, length)`` -> outputs ``(batch, length, ...)``.
        tokens: Encoded sequences, each ``(length_i,)``.
        batch_size: Sequences per batch.

    Returns:
        One array per sequence, shape ``(length_i, ...)``, in input order.
    """
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    results: list[np.ndarray] = [np.empty(0)] * len(tokens)
    for indices in bucket_batches(lengths, batch_size):
        outputs = reader(pad_batch([tokens[i] for i in indices]))
        for row, index in enumerate(indices):
            results[index] = outputs[row, : lengths[index]]
    return results


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
