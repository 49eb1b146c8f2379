"""Truncation options shared by the training configuration and the encoder.

Very long proteins are shortened before they reach a model: ``ends`` keeps the
N- and C-terminal halves (where most sorting signals sit), ``start`` keeps the
N-terminus. The shortening itself lives in :mod:`protviz.model.encoding`; this
module holds the names and the validation, so the configuration (in
:mod:`protviz.core.config`) can check them without the encoder.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Truncation = Literal["ends", "start"]
TRUNCATION_POLICIES: tuple[str, ...] = ("ends", "start")
"""``ends`` keeps the N- and C-terminal halves; ``start`` keeps the N-terminus."""


def truncation_problem(max_length: int | None, policy: str) -> str | None:
    """Say what is wrong with truncation options, or None when they are valid.

    Callers raise their own error type with the sentence (the encoder an
    ``EncodingError``, the configuration a ``TrainingConfigError``).

    Args:
        max_length: Most residues to keep, or None (no truncation).
        policy: A name in :data:`TRUNCATION_POLICIES`.

    Returns:
        A sentence that names the bad value and the valid ones, or None.
    """
    if max_length is not None and (not isinstance(max_length, int | np.integer) or max_length < 1):
        return (
            f"max_length must be a positive whole number of residues or None (no truncation); "
            f"got {max_length!r}."
        )
    if policy not in TRUNCATION_POLICIES:
        return (
            f"Unknown truncation policy {policy!r}; choose one of {', '.join(TRUNCATION_POLICIES)}."
        )
    return None
