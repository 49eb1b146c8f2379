"""Residue-shuffled sequences: the order test's inputs and the shuffled control's.

A shuffle permutes the residues of each sequence, so its composition (and
length) stays the same and only the order is lost. Two uses:

- the *order test* (:func:`protviz.analysis.compare.order_test`) shuffles the
  test sequences of a model trained on ordered ones: it measures how the model
  reacts to inputs unlike anything it saw in training;
- the *shuffled control* (``TrainingConfig(shuffle_residues=True)``,
  :func:`protviz.model.training.train`) trains and tests the same architecture
  on shuffled sequences: a fresh shuffle of every training sequence each epoch
  (:func:`shuffle_tokens`, in :mod:`protviz.model.batches`), validation and test
  sequences shuffled once with the run's seed (:func:`control_inputs`). Its gap
  to the normal model is what order is worth on the data.

Plain NumPy (no TensorFlow).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from protviz.core.truncation import Truncation
from protviz.model.encoding import truncate

CONTROL_SEED_OFFSET = 7919
"""Added to the run's seed for the shuffle of the control's validation and test sequences,
so it differs from the split's and the training shuffles' random streams."""


def shuffle_residues(sequences: Sequence[str], seed: int = 0) -> list[str]:
    """Permute the residues of each sequence (its composition stays the same).

    Args:
        sequences: Sequences to shuffle.
        seed: Random seed.

    Returns:
        The shuffled sequences, same order and lengths.
    """
    rng = np.random.default_rng(seed)
    return ["".join(rng.permutation(list(sequence))) for sequence in sequences]


def shuffle_tokens(tokens: Sequence[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Permute the token ids of each (unpadded) sequence with ``rng``."""
    return [rng.permutation(sequence) for sequence in tokens]


def control_inputs(
    sequences: Sequence[str],
    rows: Sequence[int] | np.ndarray,
    *,
    seed: int,
    max_length: int | None,
    truncation: Truncation,
) -> list[str]:
    """The sequences with those at ``rows`` truncated, then shuffled once with ``seed``.

    Truncating first keeps the composition of what the model reads (a long
    protein's kept ends, not its whole).

    Args:
        sequences: Every sequence of the data set.
        rows: The rows to shuffle (the control's validation and test sequences).
        seed: The run's seed.
        max_length: The run's truncation length.
        truncation: The run's truncation policy.

    Returns:
        A copy of ``sequences`` with the rows at ``rows`` shuffled.
    """
    inputs = list(sequences)
    chosen = [int(row) for row in rows]
    kept = [truncate(inputs[row], max_length, truncation) for row in chosen]
    for row, shuffled in zip(
        chosen, shuffle_residues(kept, seed + CONTROL_SEED_OFFSET), strict=True
    ):
        inputs[row] = shuffled
    return inputs
