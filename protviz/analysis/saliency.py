"""Saliency: gradient x input on the predicted class, for every architecture.

The gradient of the predicted class's score (the logit before the softmax,
which does not saturate when the model is confident) is taken with respect to
the output of the embedding layer (the token input is not differentiable), and
``sum(gradient * embedding)`` over the embedding dimensions gives one signed
value per residue: positive values support the predicted class, negative ones
speak against it. Saliency is *not* attention: it is a first-order estimate of
how much each residue's embedding moves the prediction. The gradient itself is
taken by :func:`protviz.model.readout.saliency_reader`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from protviz.analysis.residues import checked_tokens, read_per_sequence
from protviz.model import readout

if TYPE_CHECKING:
    import keras


def saliency(
    model: keras.Model,
    sequences: Sequence[str],
    *,
    max_length: int | None = None,
    truncation: str = "ends",
    batch_size: int = 16,
) -> list[np.ndarray]:
    """Gradient x input per residue, on each sequence's predicted class.

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
    tokens = checked_tokens(sequences, max_length, truncation)
    reader = readout.saliency_reader(model)
    return [s.astype(np.float32) for s in read_per_sequence(reader, tokens, batch_size)]
