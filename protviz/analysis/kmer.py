"""The k-mer profile of each sequence: an embedding that needs no model.

Each sequence becomes its TF-IDF weighted counts of 1-, 2- and 3-mers (letters,
pairs and triples of residues; :func:`kmer_vectorizer`), reduced with a
truncated SVD to at most :data:`MAX_DIMENSIONS` dimensions. It is what a
biologist can explore before training anything, and the yardstick for a learned
embedding: a network's view is worth looking at where it separates what a bag of
short words cannot.

For large data sets the vocabulary and the SVD are fitted on a random sample of
at most :data:`FIT_SAMPLE` sequences (seeded), and every sequence is then
transformed, in data set order. :func:`dataset_kmer_embeddings` caches the
vectors on disk under ``$PROTVIZ_HOME/kmer/``, keyed by the data set's content
hash and the settings.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from protviz.core.dataset import Dataset
from protviz.core.errors import ProtvizError
from protviz.core.store import store_root
from protviz.io.hashstore import save_array_atomically
from protviz.model.baselines import KMER_VECTORIZER

MAX_DIMENSIONS = 64
"""Most dimensions of a k-mer profile (fewer when the data allow fewer)."""
FIT_SAMPLE = 20_000
"""Most sequences the vocabulary and the SVD are fitted on."""
CACHE_FOLDER = "kmer"
"""Folder under the store root holding cached k-mer profiles."""
_CHUNK = 10_000
"""Sequences transformed at a time (bounds the memory of the sparse counts)."""
_CACHE_VERSION = 1
"""Bump when the computation changes, so old cached vectors are not reused."""


class KmerError(ProtvizError):
    """A k-mer profile that cannot be computed, with the reason."""


@dataclass(frozen=True)
class KmerProfile:
    """The k-mer embedding of a list of sequences.

    Attributes:
        vectors: Shape ``(n_sequences, dimensions)``, float32, in input order.
        explained_variance: Fraction of the TF-IDF variance the dimensions keep
            (on the sequences fitted on).
        fitted_on: Number of sequences the vocabulary and the SVD were fitted on.
        messages: Notes on settings the data changed (fewer dimensions, a sample).
    """

    vectors: np.ndarray
    explained_variance: float
    fitted_on: int
    messages: tuple[str, ...]


def kmer_vectorizer(*, max_features: int | None = None) -> TfidfVectorizer:
    """The 1-3-mer TF-IDF featurisation, shared with the k-mer baseline classifier.

    Args:
        max_features: Keep only the most frequent k-mers (None: all of them).

    Returns:
        An unfitted vectorizer over the characters of upper-case sequences.
    """
    return TfidfVectorizer(**KMER_VECTORIZER, max_features=max_features, dtype=np.float32)


def kmer_embeddings(
    sequences: Sequence[str],
    *,
    dimensions: int = MAX_DIMENSIONS,
    fit_sample: int = FIT_SAMPLE,
    seed: int = 0,
) -> KmerProfile:
    """Compute the k-mer profile of every sequence.

    Args:
        sequences: Cleaned sequences, length ``n``.
        dimensions: Dimensions wanted; clamped (with a message) to fewer than the
            number of sequences and of distinct k-mers.
        fit_sample: Fit on a random sample of at most this many sequences.
        seed: Seed of the sample and of the randomised SVD.

    Returns:
        The vectors, shape ``(n, dimensions)`` float32, row ``i`` for ``sequences[i]``.

    Raises:
        KmerError: For fewer than two sequences or a non-positive setting.
    """
    _check_settings(len(sequences), dimensions, fit_sample)
    messages = []
    fit_rows = _fit_rows(len(sequences), fit_sample, seed)
    if len(fit_rows) < len(sequences):
        messages.append(
            f"The k-mer vocabulary and SVD were fitted on a random sample of {len(fit_rows):,} "
            f"of the {len(sequences):,} sequences (seed {seed}); every sequence is transformed."
        )
    vectorizer = kmer_vectorizer()
    counts = vectorizer.fit_transform([sequences[row] for row in fit_rows])
    kept = _kept_dimensions(counts.shape, dimensions, messages)
    svd = TruncatedSVD(n_components=kept, random_state=seed).fit(counts)
    vectors = np.concatenate(
        [
            svd.transform(vectorizer.transform(sequences[start : start + _CHUNK]))
            for start in range(0, len(sequences), _CHUNK)
        ]
    ).astype(np.float32)
    return KmerProfile(
        vectors=vectors,
        explained_variance=float(svd.explained_variance_ratio_.sum()),
        fitted_on=len(fit_rows),
        messages=tuple(messages),
    )


def _check_settings(count: int, dimensions: int, fit_sample: int) -> None:
    """Refuse settings and data a k-mer profile cannot be computed for."""
    if dimensions < 1 or fit_sample < 2:
        raise KmerError(
            f"The k-mer profile needs dimensions >= 1 and a fit sample >= 2; got "
            f"{dimensions} and {fit_sample}."
        )
    if count < 2:
        raise KmerError(
            f"A k-mer profile needs at least 2 sequences; got {count}. "
            "Add sequences to the data set."
        )


def _kept_dimensions(shape: tuple[int, int], dimensions: int, messages: list[str]) -> int:
    """Dimensions the SVD can give: fewer than the sequences and the distinct k-mers.

    Args:
        shape: ``(sequences, distinct k-mers)`` of the counts fitted on.
        dimensions: Dimensions asked for.
        messages: A note is appended when fewer are kept.
    """
    kept = min(dimensions, shape[0] - 1, shape[1] - 1)
    if kept < 1:
        raise KmerError(
            "These sequences hold too few distinct k-mers for a profile; they are nearly "
            "identical. Use a more varied data set."
        )
    if kept < dimensions:
        messages.append(
            f"The k-mer profile has {kept} dimensions, not {dimensions}: {shape[0]:,} "
            f"sequences and {shape[1]:,} distinct k-mers allow no more."
        )
    return kept


def _fit_rows(count: int, fit_sample: int, seed: int) -> np.ndarray:
    """Rows to fit on: all of them, or a sorted random sample of ``fit_sample``."""
    if count <= fit_sample:
        return np.arange(count)
    return np.sort(np.random.default_rng(seed).choice(count, size=fit_sample, replace=False))


def kmer_cache_path(
    dataset: Dataset,
    *,
    dimensions: int = MAX_DIMENSIONS,
    fit_sample: int = FIT_SAMPLE,
    seed: int = 0,
    home: str | os.PathLike | None = None,
) -> Path:
    """Where :func:`dataset_kmer_embeddings` caches a data set's profile.

    The name is derived from the data set's content hash and every setting.
    """
    settings = f"{dataset.content_hash}:{dimensions}:{fit_sample}:{seed}:{_CACHE_VERSION}"
    key = hashlib.sha256(settings.encode()).hexdigest()[:32]
    return store_root(home) / CACHE_FOLDER / f"kmer-{key}.npy"


def dataset_kmer_embeddings(
    dataset: Dataset,
    *,
    dimensions: int = MAX_DIMENSIONS,
    fit_sample: int = FIT_SAMPLE,
    seed: int = 0,
    home: str | os.PathLike | None = None,
) -> np.ndarray:
    """The k-mer profile of a data set, cached on disk by its content hash.

    Args:
        dataset: The sequences.
        dimensions: See :func:`kmer_embeddings`.
        fit_sample: See :func:`kmer_embeddings`.
        seed: See :func:`kmer_embeddings`.
        home: Store root (default ``$PROTVIZ_HOME`` or ``models/``).

    Returns:
        Shape ``(len(dataset), d)`` with ``d <= dimensions``, float32, in data set order.

    Raises:
        KmerError: As :func:`kmer_embeddings`.
    """
    path = kmer_cache_path(
        dataset, dimensions=dimensions, fit_sample=fit_sample, seed=seed, home=home
    )
    with contextlib.suppress(OSError, ValueError):
        cached = np.load(path, allow_pickle=False)
        if cached.shape[0] == len(dataset):
            return cached
    vectors = kmer_embeddings(
        dataset.sequences, dimensions=dimensions, fit_sample=fit_sample, seed=seed
    ).vectors
    with contextlib.suppress(OSError):  # a read-only store: compute again next time
        save_array_atomically(path, vectors)
    return vectors
