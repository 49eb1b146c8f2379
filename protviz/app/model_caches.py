"""Cached protviz calls that load or run a model, or work on what a model computed.

Heavy: this module imports the Keras parts of protviz (never Keras itself), so it loads
TensorFlow. Only
pages that show a model import it (never Home or Data; their caches are in
:mod:`protviz.app.caches`).

Arguments whose names start with ``_`` are not hashed; each such argument comes with
a hashable identity beside it (a run id and folder, a data set's content hash), so a
cache never returns another run's or data set's result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from protviz.analysis.attention import (
    ClassProfile,
    ResidueScores,
    dataset_class_profile,
    residue_scores,
)
from protviz.analysis.compare import Comparison, compare_runs
from protviz.analysis.embeddings import run_embeddings
from protviz.analysis.logos import FilterMaxima, filter_maxima
from protviz.analysis.matrix import MatrixAnalysis, analyse_matrix
from protviz.analysis.points import split_membership
from protviz.analysis.projection import Projection, ProjectionParams, project
from protviz.analysis.quality import embedding_quality
from protviz.app.waiting import progress_shown
from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset
from protviz.model import runs, saved
from protviz.model.architectures import build_model
from protviz.model.readout import embedding_matrix, layer_summaries
from protviz.model.runs import RunInfo
from protviz.report.tables import model_summary_frame

T = TypeVar("T")


@st.cache_resource(max_entries=8, show_spinner="Loading the model...")
def cached_model(run_id: str, run_path: str) -> Any:
    """A run's ``keras.Model``, loaded once (safe_mode) per server process and shared by pages.

    ``run_path`` is part of the cache key, so a run store moved by PROTVIZ_HOME never
    returns another store's model.
    """
    return saved.load_model(run_id, str(Path(run_path).parent))


def run_model(run: RunInfo) -> Any:
    """The cached model of ``run``."""
    return cached_model(run.run_id, str(run.path))


@st.cache_data(show_spinner="Building the model...", max_entries=16)
def cached_summary(config: TrainingConfig, num_classes: int) -> pd.DataFrame:
    """The layer table of the model a configuration builds (before training)."""
    model = build_model(
        config.arch,
        num_classes,
        embedding_dim=config.embedding_dim,
        units=config.units,
        dropout=config.dropout,
        conv_widths=config.conv_widths,
        conv_filters=config.conv_filters,
    )
    return model_summary_frame(layer_summaries(model))


@st.cache_data(max_entries=32, show_spinner="Computing embeddings...")
def cached_vectors(
    run_id: str, run_path: str, dataset_hash: str, kind: str, _dataset: Dataset
) -> np.ndarray:
    """Per-sequence vectors of a run on a data set (cached on disk in the run folder too:
    then the model is not even loaded)."""
    run = runs.get_run(run_id)
    return run_embeddings(run, _dataset, kind, loader=lambda: cached_model(run_id, run_path))


@st.cache_data(max_entries=16, show_spinner=False)
def cached_split(
    run_id: str, run_path: str, dataset_hash: str, _run: RunInfo, _dataset: Dataset
) -> np.ndarray | None:
    """Each sequence's split as Explore shows it (the run's own, else the data set's)."""
    return split_membership(_run, _dataset)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_projection(
    run_id: str, dataset_hash: str, kind: str, params: ProjectionParams, _vectors: np.ndarray
) -> Projection:
    """The projection of one kind of vectors (keyed by run, data set, kind and parameters),
    with its progress while it is computed."""
    title = f"{params.describe()} of the {len(_vectors):,} {kind} vectors"
    with progress_shown(title) as report:
        return project(_vectors, params, report)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_quality(
    run_id: str,
    dataset_hash: str,
    kind: str,
    params: ProjectionParams,
    measured_on: str,
    _vectors: np.ndarray,
    _labels: np.ndarray,
    _coordinates: np.ndarray,
) -> dict:
    """Silhouette, k-NN accuracy and trustworthiness of one kind and projection, on the
    sequences ``measured_on`` names (part of the cache key), with which measure is being
    computed."""
    with progress_shown(f"Measuring the {kind} embedding") as report:
        return embedding_quality(
            _vectors, _labels, _coordinates, metric=params.metric, progress=report
        )


@st.cache_data(max_entries=16, show_spinner="Reading the embedding matrix...")
def cached_matrix_analysis(run_id: str, run_path: str) -> MatrixAnalysis:
    """The analysis of one run's embedding matrix (keyed by run id and folder)."""
    return analyse_matrix(embedding_matrix(cached_model(run_id, run_path)))


def _truncation(run: RunInfo) -> tuple[int | None, str]:
    """How a run truncates long sequences: ``(max_length, policy)``."""
    return run.record.config.max_length, run.record.config.truncation


@st.cache_data(max_entries=64, show_spinner="Scoring the residues...")
def cached_scores(
    run_id: str, run_path: str, dataset_hash: str, row: int, _run: RunInfo, _dataset: Dataset
) -> ResidueScores:
    """Attention (or saliency) of one sequence, keyed by run, data set and row."""
    max_length, truncation = _truncation(_run)
    return residue_scores(
        cached_model(run_id, run_path),
        _dataset,
        row,
        _run.class_names,
        max_length=max_length,
        truncation=truncation,
    )


def _over_dataset(
    compute: Callable[..., T],
    run_id: str,
    run_path: str,
    max_per_class: int,
    run: RunInfo,
    dataset: Dataset,
) -> T:
    """``compute(model, dataset, ...)`` over a sample of ``dataset``, truncating as ``run`` did."""
    max_length, truncation = _truncation(run)
    return compute(
        cached_model(run_id, run_path),
        dataset,
        max_length=max_length,
        truncation=truncation,
        max_per_class=max_per_class,
    )


@st.cache_data(max_entries=8, show_spinner="Computing the attention profile per class...")
def cached_profile(
    run_id: str,
    run_path: str,
    dataset_hash: str,
    max_per_class: int,
    _run: RunInfo,
    _dataset: Dataset,
) -> ClassProfile:
    """The per-class attention profile, keyed by run, data set and sample size."""
    return _over_dataset(dataset_class_profile, run_id, run_path, max_per_class, _run, _dataset)


@st.cache_data(max_entries=8, show_spinner="Finding each filter's strongest windows...")
def cached_maxima(
    run_id: str,
    run_path: str,
    dataset_hash: str,
    max_per_class: int,
    _run: RunInfo,
    _dataset: Dataset,
) -> FilterMaxima:
    """Every filter's strongest activation per sequence, keyed like the profile."""
    return _over_dataset(filter_maxima, run_id, run_path, max_per_class, _run, _dataset)


@st.cache_data(max_entries=8, show_spinner="Embedding, projecting and shuffling...")
def cached_comparison(
    run_keys: tuple[tuple[str, str], ...],
    dataset_hash: str,
    params: ProjectionParams,
    max_sequences: int,
    _dataset: Dataset,
    measure_on: str = "test",
) -> Comparison:
    """The comparison of the runs on the data set (keyed by runs, data set and settings).

    Args:
        run_keys: ``(run id, run folder)`` of each run.
        dataset_hash: The data set's content hash.
        params: The projection of every panel.
        max_sequences: The most sequences embedded (a seeded sample beyond that).
        _dataset: The data set.
        measure_on: ``test`` (the runs' shared test sequences) or ``all``.
    """
    pairs = [(runs.get_run(run_id), cached_model(run_id, path)) for run_id, path in run_keys]
    return compare_runs(
        pairs, _dataset, params=params, max_sequences=max_sequences, measure_on=measure_on
    )
