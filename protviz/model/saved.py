"""Load saved Keras models: a run's ``model.keras``, or any ``.keras`` file.

Models load with ``safe_mode=True``, so a file with a ``Lambda`` layer or other
arbitrary Python code is refused, and protviz's custom layers are registered by
importing :mod:`protviz.model.layers`. The run store itself
(:mod:`protviz.model.runs`) never imports Keras; this module is where a saved
run becomes a model.
"""

from __future__ import annotations

import os

import keras

import protviz.model.layers  # noqa: F401  (registers the custom layers)
from protviz.model.runs import MODEL_FILE, run_path


def load_model(run_id: str, home: str | os.PathLike | None = None) -> keras.Model:
    """Load a run's model with ``safe_mode=True`` (no arbitrary code is run).

    Args:
        run_id: The run id.
        home: Store root (see :func:`protviz.core.store.store_root`).

    Returns:
        The model: tokens ``(batch, length)`` -> probabilities ``(batch, num_classes)``.

    Raises:
        RunStoreError: If the id is invalid or no such run exists.
        ValueError: If the file holds unsafe content such as a ``Lambda`` layer.
    """
    return load_model_file(run_path(run_id, home) / MODEL_FILE)


def load_model_file(path: str | os.PathLike) -> keras.Model:
    """Load a ``.keras`` file with ``safe_mode=True`` and protviz's custom layers.

    Args:
        path: The ``.keras`` file.

    Returns:
        The model.

    Raises:
        ValueError: If the file holds unsafe content such as a ``Lambda`` layer.
    """
    return keras.saving.load_model(path, safe_mode=True)
