"""Cached embeddings that need no model: k-mer profiles and saved embedding files.

Light: nothing here reaches TensorFlow. The Explore and Compare pages use it beside
:mod:`protviz.app.model_caches`. Arguments whose names start with ``_`` are not
hashed; the data set's content hash and the store folder stand beside them.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from protviz.analysis.projection import ProjectionParams
from protviz.analysis.sources import (
    CoveredVectors,
    EmbeddingMeasure,
    file_vectors,
    kmer_vectors,
    measure_embedding,
)
from protviz.core.dataset import Dataset
from protviz.io.embedding_files import StoredEmbeddings, load_embedding_file


@st.cache_data(max_entries=8, show_spinner="Computing the k-mer profile of every sequence...")
def cached_kmer(dataset_hash: str, root: str, _dataset: Dataset) -> CoveredVectors:
    """The k-mer profile of a data set (also cached on disk under the store ``root``)."""
    return kmer_vectors(_dataset, home=root)


@st.cache_data(max_entries=16, show_spinner="Reading the saved embeddings...")
def cached_embedding_file(ref: str, root: str) -> StoredEmbeddings:
    """A saved embedding file of the store ``root``, by reference."""
    return load_embedding_file(ref, root)


def cached_file_vectors(ref: str, root: str, dataset: Dataset) -> CoveredVectors:
    """A saved embedding file's vectors aligned with ``dataset``."""
    return file_vectors(cached_embedding_file(ref, root), dataset)


@st.cache_data(max_entries=16, show_spinner="Measuring the embedding...")
def cached_measure(
    kind: str,
    name: str,
    dataset_hash: str,
    params: ProjectionParams,
    max_sequences: int,
    rows_key: str,
    _covered: CoveredVectors,
    _rows: np.ndarray,
    _labels: np.ndarray,
) -> EmbeddingMeasure:
    """An embedding that needs no run, measured on Compare's sample of the data set
    (keyed by kind, data set, projection, sample size and ``rows_key``, a digest of the
    rows measured: the compared runs' shared test sequences, or a sample of all)."""
    return measure_embedding(kind, name, _covered, _rows, _labels, params)
