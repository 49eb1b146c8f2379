"""Embeddings that need no run: the k-mer profile and uploaded embedding files.

Each is a :class:`CoveredVectors`: the vectors with the data set rows they belong
to, because an uploaded file may hold vectors for only part of a data set. The
Explore page projects and measures them like a run's kinds; Compare measures
them on its sample of sequences beside the runs' ``averaged`` and ``learned``
embeddings (:func:`measure_embedding`), with the same projection and the same
quality measures. A light module: no model code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from protviz.analysis.kmer import dataset_kmer_embeddings
from protviz.analysis.projection import Projection, ProjectionParams, project
from protviz.analysis.quality import embedding_quality
from protviz.core.dataset import Dataset
from protviz.io.embedding_files import StoredEmbeddings


@dataclass(frozen=True)
class CoveredVectors:
    """Vectors of some of a data set's sequences.

    Attributes:
        rows: The data set rows that have a vector, ascending, shape ``(m,)``.
        vectors: Shape ``(m, d)``, float32, row ``i`` for data set row ``rows[i]``.
    """

    rows: np.ndarray
    vectors: np.ndarray

    @classmethod
    def every_row(cls, vectors: np.ndarray) -> CoveredVectors:
        """Vectors of every sequence, in data set order."""
        return cls(np.arange(len(vectors)), vectors)

    def within(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The vectors of those of ``rows`` that have one.

        Args:
            rows: Data set rows, ascending (e.g. a sample).

        Returns:
            ``(positions, vectors)``: the positions in ``rows`` of the rows covered,
            shape ``(k,)``, and their vectors, shape ``(k, d)``.
        """
        covered = np.isin(rows, self.rows)
        vectors = self.vectors[np.searchsorted(self.rows, rows[covered])]
        return np.flatnonzero(covered), vectors


def kmer_vectors(dataset: Dataset, home: str | os.PathLike | None = None) -> CoveredVectors:
    """The k-mer profile of every sequence (cached on disk by the data set's hash).

    Raises:
        KmerError: If the data set is too small or too uniform for a profile.
    """
    return CoveredVectors.every_row(dataset_kmer_embeddings(dataset, home=home))


def file_vectors(stored: StoredEmbeddings, dataset: Dataset) -> CoveredVectors:
    """A saved embedding file's vectors, aligned with ``dataset`` by sequence ID.

    Raises:
        EmbeddingFileError: If ``dataset`` lacks some of the file's IDs.
    """
    rows = stored.rows_in(dataset)
    order = np.argsort(rows, kind="stable")
    return CoveredVectors(rows[order], stored.vectors[order])


@dataclass(frozen=True)
class EmbeddingMeasure:
    """One embedding that needs no run, measured on a comparison's sequences.

    Attributes:
        kind: ``kmer`` or an embedding file's reference.
        name: How it is named to a person (``kmer`` or the file's name).
        positions: Positions, in the comparison's rows, of the sequences measured
            (those the embedding has a vector for), shape ``(k,)``.
        quality: As :func:`protviz.analysis.quality.embedding_quality`.
        projection: The projection of those ``k`` vectors.
    """

    kind: str
    name: str
    positions: np.ndarray
    quality: dict[str, float | None]
    projection: Projection

    @property
    def sequences(self) -> int:
        """How many sequences were measured."""
        return len(self.positions)


def measure_embedding(
    kind: str,
    name: str,
    covered: CoveredVectors,
    rows: np.ndarray,
    labels: np.ndarray,
    params: ProjectionParams,
    *,
    seed: int = 0,
) -> EmbeddingMeasure:
    """Project and measure an embedding on some rows, as Compare measures a run's kinds.

    Args:
        kind: ``kmer`` or a file's reference.
        name: Its name for people.
        covered: Its vectors.
        rows: The data set rows compared, ascending.
        labels: Their labels, shape ``(len(rows),)``.
        params: The projection shared by every panel.
        seed: Seed of the quality measures' samples.

    Returns:
        The projection and quality on the rows the embedding covers.
    """
    positions, vectors = covered.within(rows)
    projection = project(vectors, params)
    quality = embedding_quality(vectors, labels[positions], projection.coordinates, seed=seed)
    return EmbeddingMeasure(kind, name, positions, quality, projection)
