"""The kinds of per-sequence embedding, by name (a light module: no model code).

Two families, kept apart because they need different things:

- run kinds (:data:`RUN_KINDS`) are read out of a trained run
  (:mod:`protviz.analysis.embeddings`);
- data set kinds (:data:`DATASET_KINDS`) need no model, only the sequences
  (:mod:`protviz.analysis.kmer`).

An embedding file a user uploaded (:mod:`protviz.io.embedding_files`) is a kind of
its own, named by its reference, the file's content hash (:func:`is_embedding_file`).

The command line's parser, the share-link table and the pages list the kinds without
loading TensorFlow.
"""

from __future__ import annotations

from typing import Literal

from protviz.io.hashstore import is_content_hash

RunKind = Literal["averaged", "learned", "probabilities"]
RUN_KINDS: tuple[RunKind, ...] = ("averaged", "learned", "probabilities")
"""Kinds read out of a trained run."""

DatasetKind = Literal["kmer"]
DATASET_KINDS: tuple[DatasetKind, ...] = ("kmer",)
"""Kinds computed from the sequences alone, before any training."""

EmbeddingKind = RunKind
"""A run kind (the name existing callers use)."""
EMBEDDING_KINDS: tuple[EmbeddingKind, ...] = RUN_KINDS
"""The run kinds (the name existing callers use)."""

KIND_HELP = {
    "averaged": "mean of the learned amino-acid embeddings over each sequence (order-blind)",
    "learned": "the model's own sequence representation, just before the classifier",
    "probabilities": "the predicted class probabilities",
    "kmer": "the sequence's 1-3-mer TF-IDF profile, reduced to at most 64 dimensions "
    "(needs no model: a baseline to judge learned embeddings against)",
}
"""One sentence per kind, run kinds and data set kinds."""

FILE_HELP = (
    "your own per-protein embeddings (ESM, ProtT5, ...), uploaded as a file and matched to "
    "the data set by sequence ID"
)
"""One sentence on uploaded embedding files."""


def is_embedding_file(kind: str) -> bool:
    """Whether ``kind`` names an uploaded embedding file (its reference) rather than a kind."""
    return is_content_hash(kind)
