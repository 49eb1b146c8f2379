"""The kinds of per-sequence embedding a run offers, by name (a light module: no model code).

The command line's parser, the share-link table and the pages list the kinds without
loading TensorFlow; :mod:`protviz.analysis.embeddings` computes them.
"""

from __future__ import annotations

from typing import Literal

EmbeddingKind = Literal["averaged", "learned", "probabilities"]
EMBEDDING_KINDS: tuple[EmbeddingKind, ...] = ("averaged", "learned", "probabilities")
KIND_HELP = {
    "averaged": "mean of the learned amino-acid embeddings over each sequence (order-blind)",
    "learned": "the model's own sequence representation, just before the classifier",
    "probabilities": "the predicted class probabilities",
}
