"""Per-sequence vectors from a trained run: averaged, learned and probabilities.

- ``averaged``: the mean of the learned amino-acid embedding vectors over the
  residues of a sequence (padding excluded). Defined for every architecture,
  and blind to order by construction: any permutation of a sequence has the
  same average.
- ``learned``: the model's own sequence representation just before the
  classifier (the pooled vector, the final (Bi)LSTM state, or the
  attention-weighted context), through the ``sequence_representation`` layer.
- ``probabilities``: the softmax output.

Vectors are cached in the run folder (``embeddings/``), keyed by the data set's
content hash and the kind, so reopening a view is instant.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from protviz.analysis.kinds import EMBEDDING_KINDS, EmbeddingKind
from protviz.core.dataset import Dataset
from protviz.core.errors import ProtvizError
from protviz.io.hashstore import save_array_atomically
from protviz.model import readout
from protviz.model.encoding import encode_all
from protviz.model.runs import RunInfo
from protviz.model.saved import load_model

if TYPE_CHECKING:
    import keras

CACHE_FOLDER = "embeddings"


class EmbeddingError(ProtvizError):
    """An embedding that cannot be computed, with the reason."""


def averaged_embeddings(matrix: np.ndarray, sequences: Sequence[str]) -> np.ndarray:
    """Average the amino-acid vectors over every residue of each sequence.

    Args:
        matrix: Embedding matrix, shape ``(vocab_size, embedding_dim)``.
        sequences: Cleaned sequences (no truncation: every residue counts).

    Returns:
        Shape ``(n_sequences, embedding_dim)``, float32.
    """
    if not sequences:
        return np.zeros((0, matrix.shape[1]), dtype=np.float32)
    tokens = encode_all(sequences, None)
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    sums = np.add.reduceat(matrix[np.concatenate(tokens)], starts, axis=0)
    return (sums / lengths[:, None]).astype(np.float32)


def model_embeddings(
    model: keras.Model,
    sequences: Sequence[str],
    kind: EmbeddingKind,
    *,
    max_length: int | None = None,
    truncation: str = "ends",
    batch_size: int = 64,
) -> np.ndarray:
    """Compute one kind of per-sequence vector with a model.

    Uses the same length-bucketed batches as training for ``learned`` and
    ``probabilities``.

    Args:
        model: A protviz model.
        sequences: Cleaned sequences, length ``n``.
        kind: ``averaged``, ``learned`` or ``probabilities``.
        max_length: The run's truncation length (not used for ``averaged``).
        truncation: The run's truncation policy.
        batch_size: Sequences per inference batch.

    Returns:
        Shape ``(n, features)``, float32, row ``i`` for ``sequences[i]``.

    Raises:
        EmbeddingError: For an unknown kind.
    """
    if kind == "averaged":
        return averaged_embeddings(readout.embedding_matrix(model), sequences)
    if kind not in EMBEDDING_KINDS:
        raise EmbeddingError(
            f"Unknown embedding kind {kind!r}; choose one of {', '.join(EMBEDDING_KINDS)}."
        )
    if not sequences:
        raise EmbeddingError("There are no sequences to embed.")
    tokens = encode_all(sequences, max_length, truncation)  # type: ignore[arg-type]
    return readout.sequence_outputs(model, tokens, kind, batch_size=batch_size)


def _cache_path(run: RunInfo, dataset: Dataset, kind: str) -> Path:
    key = hashlib.sha256(f"{dataset.content_hash}:{kind}".encode()).hexdigest()[:24]
    return run.path / CACHE_FOLDER / f"{kind}-{key}.npy"


def run_embeddings(
    run: RunInfo,
    dataset: Dataset,
    kind: EmbeddingKind,
    *,
    model: keras.Model | None = None,
    loader: Callable[[], keras.Model] | None = None,
) -> np.ndarray:
    """Per-sequence vectors of a saved run on a data set, cached in the run folder.

    The model is needed only when the vectors are not cached yet: a cached call reads a
    file and loads nothing.

    Args:
        run: The saved run.
        dataset: The sequences to embed.
        kind: ``averaged``, ``learned`` or ``probabilities``.
        model: The run's model, if already loaded.
        loader: Else a function that returns it, called only when the vectors must be
            computed (e.g. a cache of loaded models). Neither: it is loaded safely.

    Returns:
        Shape ``(len(dataset), features)``, float32, in data set order.
    """
    path = _cache_path(run, dataset, kind)
    if path.is_file():
        cached = np.load(path)
        if cached.shape[0] == len(dataset):
            return cached
    if model is None:
        model = loader() if loader is not None else load_model(run.run_id, run.path.parent)
    vectors = model_embeddings(
        model,
        dataset.sequences,
        kind,
        max_length=run.record.config.max_length,
        truncation=run.record.config.truncation,
    )
    with contextlib.suppress(OSError):  # a read-only run folder: compute again next time
        save_array_atomically(path, vectors)
    return vectors
