"""Compare runs: does an order-aware model make better sequence embeddings than averaging?

For two to four runs on one data set this module measures, per run, the test
metrics, the quality of its ``averaged`` and ``learned`` embeddings
(silhouette, 5-NN accuracy, trustworthiness of the 2-D projection), and the
*order test*: shuffle the residues of every test sequence (composition kept)
and see how far accuracy drops and how far the embeddings move. The
``averaged`` embedding cannot move for any architecture, because an average of
per-residue vectors ignores order by construction; the test shows it with the
run's own numbers.

Embeddings that need no model (the ``kmer`` profile, an uploaded file) can be
measured beside them on the same sequences with the same projection
(:func:`protviz.analysis.sources.measure_embedding`, added with
:func:`with_embeddings`): :func:`embedding_quality_table` and
:func:`embedding_sentences` put them next to the runs' embeddings.
Every run's test scores come with their 95% intervals and its baselines
(:mod:`protviz.analysis.scores`); :func:`baseline_entries` lists the baselines once
per test set, and :func:`run_pairs` compares the runs two by two on the test
sequences they share (a paired bootstrap), saying when a difference lies within
the noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from protviz.analysis.embeddings import averaged_embeddings, model_embeddings
from protviz.analysis.projection import Projection, ProjectionParams, project
from protviz.analysis.quality import embedding_quality
from protviz.analysis.scores import (
    NETWORK,
    PredictorScores,
    baseline_columns,
    run_scores,
    runs_comparison,
)
from protviz.analysis.sources import EmbeddingMeasure
from protviz.core.dataset import Dataset
from protviz.model.bootstrap import PairedDifference
from protviz.model.readout import embedding_matrix
from protviz.model.runs import RunInfo, load_predictions
from protviz.model.shuffling import shuffle_residues

if TYPE_CHECKING:
    import keras

    from protviz.core.records import RunRecord

ORDER_MATTERS = 0.05
"""An accuracy drop above this (5 points) counts as 'the model uses residue order'."""


@dataclass(frozen=True)
class OrderTest:
    """What shuffling residue order does to one run.

    Attributes:
        sequences: Sequences tested (those whose label the run knows).
        accuracy: Accuracy on the original sequences.
        shuffled_accuracy: Accuracy on the shuffled sequences.
        prediction_changes: Fraction of sequences whose predicted class changed.
        learned_shift: Mean cosine distance between each sequence's learned
            embedding before and after shuffling.
        averaged_shift: Largest absolute change of any averaged-embedding value
            (zero up to floating-point rounding, by construction).
    """

    sequences: int
    accuracy: float
    shuffled_accuracy: float
    prediction_changes: float
    learned_shift: float
    averaged_shift: float

    @property
    def accuracy_drop(self) -> float:
        """Accuracy lost by shuffling (negative if shuffling helped)."""
        return self.accuracy - self.shuffled_accuracy


def _order_test_sentence(comparison: Comparison, label: dict[str, str]) -> str:
    """What the order test says, and what it does not (runs named by their short labels)."""
    users = [label[e.run.run_id] for e in comparison.runs if e.order.accuracy_drop > ORDER_MATTERS]
    said = (
        f"{_names(users)} {'loses' if len(users) == 1 else 'lose'} more than "
        f"{ORDER_MATTERS:.2f} accuracy when its test sequences are shuffled"
        if users
        else f"No run loses more than {ORDER_MATTERS:.2f} accuracy when its test sequences "
        "are shuffled"
    )
    return (
        f"{said}. The order test feeds a model trained on ordered sequences inputs unlike "
        "anything it saw in training: it shows how much the model relies on order, not "
        "what order is worth on this data. The shuffled control answers that: the same "
        "architecture and settings trained and tested on shuffled sequences."
    )


def _cosine_distances(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(first, axis=1) * np.linalg.norm(second, axis=1)
    similarity = np.einsum("ij,ij->i", first, second) / np.where(norms > 0, norms, 1)
    return np.maximum(0.0, 1 - similarity)  # rounding can dip just below zero


def order_test(
    model: keras.Model,
    record: RunRecord,
    sequences: Sequence[str],
    labels: Sequence[str],
    *,
    seed: int = 0,
) -> OrderTest:
    """Shuffle every sequence's residues and measure how the run reacts.

    Args:
        model: The run's model.
        record: The run's record (class names, truncation settings).
        sequences: Test sequences.
        labels: Their true labels; labels the run does not know are left out.
        seed: Seed of the shuffle.

    Returns:
        The accuracies, prediction changes and embedding shifts.
    """
    class_names = list(record.class_names)
    known = [i for i, label in enumerate(labels) if label in class_names]
    originals = [sequences[i] for i in known]
    truth = np.array([class_names.index(labels[i]) for i in known])
    shuffled = shuffle_residues(originals, seed)
    options = {
        "max_length": record.config.max_length,
        "truncation": record.config.truncation,
    }
    before = model_embeddings(model, originals, "probabilities", **options).argmax(axis=1)
    after = model_embeddings(model, shuffled, "probabilities", **options).argmax(axis=1)
    learned_before = model_embeddings(model, originals, "learned", **options)
    learned_after = model_embeddings(model, shuffled, "learned", **options)
    matrix = embedding_matrix(model)
    averaged_shift = np.abs(
        averaged_embeddings(matrix, originals) - averaged_embeddings(matrix, shuffled)
    ).max()
    return OrderTest(
        sequences=len(known),
        accuracy=float((before == truth).mean()),
        shuffled_accuracy=float((after == truth).mean()),
        prediction_changes=float((before != after).mean()),
        learned_shift=float(_cosine_distances(learned_before, learned_after).mean()),
        averaged_shift=float(averaged_shift),
    )


def test_indices(run: RunInfo, dataset: Dataset) -> np.ndarray:
    """The data set rows that were the run's test set (all rows for another data set)."""
    trained_on = run.record.dataset.content_hash
    if trained_on == dataset.content_hash:
        test_ids = set(load_predictions(run.run_id, run.path.parent)["id"])
        rows = np.array([i for i, seq_id in enumerate(dataset.ids) if seq_id in test_ids])
        if len(rows):
            return rows
    return np.arange(len(dataset))


def sample_rows(
    dataset: Dataset, max_sequences: int | None, seed: int = 0, rows: np.ndarray | None = None
) -> np.ndarray:
    """Up to ``max_sequences`` of ``rows`` (default: every row), drawn at random with a seed
    (all of them when None)."""
    rows = np.arange(len(dataset)) if rows is None else np.asarray(rows)
    if max_sequences is None or len(rows) <= max_sequences:
        return rows
    return np.sort(np.random.default_rng(seed).choice(rows, max_sequences, replace=False))


MEASURED_ON = ("test", "all")
"""Which sequences embedding quality is measured on: the compared runs' shared test
sequences (the default: none of the runs trained on them), or every sequence."""


def shared_test_rows(runs: Sequence[RunInfo], dataset: Dataset) -> np.ndarray | None:
    """The rows in the test set of every run trained on ``dataset`` (sorted).

    Returns:
        The rows, or None when no run was trained on this data set (every row is
        then new to every run) or the runs share no test sequence.
    """
    trained_here = [r for r in runs if r.record.dataset.content_hash == dataset.content_hash]
    if not trained_here:
        return None
    shared = set.intersection(*(set(test_indices(r, dataset).tolist()) for r in trained_here))
    return np.array(sorted(shared), dtype=int) if shared else None


@dataclass
class RunComparison:
    """Everything measured for one run.

    Attributes:
        run: The run.
        quality: Embedding kind -> quality measures (see
            :func:`protviz.analysis.quality.embedding_quality`).
        projections: Embedding kind -> its 2-D projection.
        order: The order test on the run's test sequences.
        scores: The network's and each baseline's test scores with 95% intervals
            (:func:`protviz.analysis.scores.run_scores`).
        predictions: The run's test predictions (``predictions.csv``).
    """

    run: RunInfo
    quality: dict[str, dict[str, float | None]]
    projections: dict[str, Projection]
    order: OrderTest
    scores: list[PredictorScores] = field(default_factory=list)
    predictions: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class Comparison:
    """A comparison of runs on one data set.

    Attributes:
        dataset_name: The data set.
        rows: Data set rows used for the embeddings (a sample of large sets).
        labels: Labels of those rows.
        params: The projection used for every panel.
        runs: One entry per run, in the order given.
        notes: Sentences about how it was measured.
        embeddings: Embeddings that need no model, measured on the same rows.
        classes: The data set's full class list (one colour per class, as on every page).
        measured_on: ``test`` when the embeddings, their quality and projections
            use the runs' shared test sequences only; ``all`` for every sequence
            (training sequences included).
    """

    dataset_name: str
    rows: np.ndarray
    labels: np.ndarray
    params: ProjectionParams
    runs: list[RunComparison] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    embeddings: list[EmbeddingMeasure] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    measured_on: str = "all"

    @property
    def measured_text(self) -> str:
        """Which sequences the quality numbers come from, in words."""
        if self.measured_on == "test":
            return f"the {len(self.rows):,} test sequences the runs share (unseen in training)"
        return f"{len(self.rows):,} sequences, training sequences included"

    def short_labels(self) -> dict[str, str]:
        """A short label per run id, for sentences and titles (see :func:`short_labels`)."""
        return short_labels([entry.run for entry in self.runs])


def with_embeddings(comparison: Comparison, embeddings: Sequence[EmbeddingMeasure]) -> Comparison:
    """A copy of ``comparison`` with embeddings that need no model measured beside the runs.

    Args:
        comparison: The comparison of the runs.
        embeddings: Measured on ``comparison.rows`` with ``comparison.params``.
    """
    return replace(comparison, embeddings=list(embeddings))


SHORT_NAME = 24
"""Most characters of a run name inside a short label."""


def short_labels(runs: Sequence[RunInfo]) -> dict[str, str]:
    """Short labels that tell runs apart: the architecture when it is unique among them,
    else the architecture and the (shortened) name, else also as much of the run id as
    tells them apart.

    Args:
        runs: The runs compared.

    Returns:
        Run id -> label, e.g. ``conv_attention`` or ``lstm (my second try)``.
    """
    archs = [run.arch for run in runs]
    labels = {}
    for run in runs:
        if archs.count(run.arch) == 1:
            labels[run.run_id] = run.arch
            continue
        name = run.name if len(run.name) <= SHORT_NAME else run.name[: SHORT_NAME - 1] + "…"
        labels[run.run_id] = f"{run.arch} ({name})"
    shown = list(labels.values())
    ids = [run.run_id for run in runs]
    longest = max(map(len, ids), default=0)
    size = next((k for k in range(6, longest) if len({i[:k] for i in ids}) == len(ids)), longest)
    return {
        run_id: label if shown.count(label) == 1 else f"{label} [{run_id[:size]}]"
        for run_id, label in labels.items()
    }


def compare_runs(
    runs_and_models: Sequence[tuple[RunInfo, keras.Model]],
    dataset: Dataset,
    *,
    params: ProjectionParams | None = None,
    max_sequences: int | None = 3000,
    seed: int = 0,
    vectors: dict[tuple[str, str], np.ndarray] | None = None,
    measure_on: str = "test",
) -> Comparison:
    """Measure two to four runs on one data set.

    Args:
        runs_and_models: Each run with its loaded model.
        dataset: The data set (ideally the one the runs were trained on).
        params: Projection for the small multiples and trustworthiness
            (default: 2-D PCA).
        max_sequences: Embed at most this many sequences (a seeded random
            sample); None for all.
        seed: Seed of the sample and of the order test's shuffle.
        vectors: Optional precomputed vectors by ``(run_id, kind)`` for the
            whole data set (e.g. from the run's cache).
        measure_on: ``test`` (default): embeddings, their quality and projections
            on the runs' shared test sequences (every sequence when no run was
            trained on this data set, or they share none, with a note); ``all``:
            every sequence.

    Returns:
        The comparison.
    """
    params = params or ProjectionParams()
    candidates, note = None, ""
    if measure_on == "test":
        candidates = shared_test_rows([run for run, _ in runs_and_models], dataset)
        if candidates is None:
            note = "No compared run was trained on these sequences (or they share no test "
            note += "sequence): embeddings are measured on every sequence."
    rows = sample_rows(dataset, max_sequences, seed, candidates)
    labels = np.asarray(dataset.labels)[rows]
    measured = "test" if candidates is not None else "all"
    comparison = Comparison(
        dataset.name, rows, labels, params, classes=dataset.classes, measured_on=measured
    )
    comparison.notes += [note] if note else []
    pool = len(dataset) if candidates is None else len(candidates)
    if len(rows) < pool:
        comparison.notes.append(
            f"Embeddings are measured on a random sample of {len(rows):,} of the "
            f"{pool:,} sequences (seed {seed})."
        )
    sequences = [dataset.sequences[i] for i in rows]
    for run, model in runs_and_models:
        comparison.runs.append(
            _measure_run(run, model, dataset, comparison, sequences, seed=seed, vectors=vectors)
        )
    return comparison


def _measure_run(
    run: RunInfo,
    model: keras.Model,
    dataset: Dataset,
    comparison: Comparison,
    sequences: Sequence[str],
    *,
    seed: int,
    vectors: dict[tuple[str, str], np.ndarray] | None,
) -> RunComparison:
    """Embedding quality, projections and the order test of one run (see :func:`compare_runs`).

    Args:
        run: The run.
        model: Its loaded model.
        dataset: The data set.
        comparison: The comparison so far (its rows, labels and projection).
        sequences: The sequences of ``comparison.rows``.
        seed: Seed of the quality samples and of the order test's shuffle.
        vectors: Optional precomputed vectors by ``(run_id, kind)`` for the whole data set.

    Returns:
        What was measured for the run.
    """
    quality: dict[str, dict[str, float | None]] = {}
    projections: dict[str, Projection] = {}
    for kind in ("averaged", "learned"):
        cached = (vectors or {}).get((run.run_id, kind))
        if cached is not None:
            kind_vectors = cached[comparison.rows]
        else:
            kind_vectors = model_embeddings(
                model,
                sequences,
                kind,
                max_length=run.record.config.max_length,
                truncation=run.record.config.truncation,
            )
        projections[kind] = project(kind_vectors, comparison.params)
        quality[kind] = embedding_quality(
            kind_vectors, comparison.labels, projections[kind].coordinates, seed=seed
        )
    tests = test_indices(run, dataset)
    order = order_test(
        model,
        run.record,
        [dataset.sequences[i] for i in tests],
        [dataset.labels[i] for i in tests],
        seed=seed,
    )
    predictions = load_predictions(run.run_id, run.path.parent)
    return RunComparison(run, quality, projections, order, run_scores(run), predictions)


@dataclass(frozen=True)
class ControlPair:
    """A run and its shuffled control, paired on the test sequences they share (by ID).

    Attributes:
        run: The run, trained on ordered sequences.
        control: Its newest shuffled control (``control_of`` names the run), or None.
        comparison: Run minus control (a paired bootstrap over the sequence IDs:
            the inputs differ, the sequences are the same), or None without a control
            or with too few shared test sequences.
    """

    run: RunInfo
    control: RunInfo | None
    comparison: PairedDifference | None


def control_pairs(
    comparison: Comparison, candidates: Sequence[RunInfo], metric: str = "accuracy"
) -> list[ControlPair]:
    """Each compared run that is not itself a control, with its shuffled control.

    Args:
        comparison: The comparison.
        candidates: Where to look for controls (every saved run).
        metric: One of :data:`~protviz.core.records.HEADLINE_METRICS`.

    Returns:
        One pair per compared run trained on ordered sequences, in the order given.
    """
    pairs = []
    for entry in comparison.runs:
        if entry.run.record.config.shuffle_residues:
            continue
        controls = [c for c in candidates if c.record.control_of == entry.run.run_id]
        control = max(controls, key=lambda c: c.record.created, default=None)
        paired = None
        if control is not None:
            control_predictions = load_predictions(control.run_id, control.path.parent)
            paired = runs_comparison(entry.predictions, control_predictions, metric)
        pairs.append(ControlPair(entry.run, control, paired))
    return pairs


@dataclass(frozen=True)
class BaselineEntry:
    """One baseline on one test set, for the comparison table.

    Attributes:
        scores: Its scores with intervals.
        runs: The runs it belongs to (runs tested on the same sequences share it).
    """

    scores: PredictorScores
    runs: tuple[str, ...]


def baseline_entries(comparison: Comparison) -> list[BaselineEntry]:
    """The compared runs' baselines, each once per test set.

    Runs tested on the same sequences with the same baseline predictions share one
    entry (typically every run of a comparison trained on one data set and split).

    Returns:
        The entries, in the order of the runs and then of the baselines.
    """
    entries: dict[tuple, BaselineEntry] = {}
    for entry in comparison.runs:
        columns = baseline_columns(entry.predictions)
        for scores in entry.scores:
            if scores.name == NETWORK or scores.name not in columns:
                continue
            column = entry.predictions[["id", columns[scores.name]]]
            key = (scores.name, tuple(map(tuple, column.to_numpy().tolist())))
            known = entries.get(key)
            names = (*known.runs, entry.run.name) if known else (entry.run.name,)
            entries[key] = BaselineEntry(scores, names)
    return list(entries.values())


@dataclass(frozen=True)
class RunPair:
    """Two compared runs' networks, paired on the test sequences they share.

    Attributes:
        first: The first run.
        second: The second run.
        comparison: First minus second, or None when they share too few test sequences.
    """

    first: RunInfo
    second: RunInfo
    comparison: PairedDifference | None


def run_pairs(comparison: Comparison, metric: str = "accuracy") -> list[RunPair]:
    """Every pair of compared runs, scored on their shared test sequences (by ID).

    Args:
        comparison: The comparison.
        metric: One of :data:`~protviz.core.records.HEADLINE_METRICS`.

    Returns:
        One pair per two runs, in the order given.
    """
    pairs = []
    for index, first in enumerate(comparison.runs):
        for second in comparison.runs[index + 1 :]:
            paired = runs_comparison(first.predictions, second.predictions, metric)
            pairs.append(RunPair(first.run, second.run, paired))
    return pairs


def comparison_table(comparison: Comparison) -> pd.DataFrame:
    """One row per run: test metrics, cost, embedding quality, and the order test.

    Returns:
        Index: run names. Columns: ``architecture``, ``split`` (its kind), ``test accuracy``,
        ``balanced accuracy``, ``macro F1``, ``MCC``, ``training (s)``, ``parameters``, then for
        ``averaged`` and ``learned``: ``silhouette``, ``5-NN accuracy``,
        ``trustworthiness``; then ``accuracy after shuffling``,
        ``accuracy drop``, ``learned shift`` and ``averaged shift``.
    """
    records = []
    for entry in comparison.runs:
        record = entry.run.record
        metrics = record.metrics
        row = {
            "run": entry.run.name,
            "architecture": record.config.arch
            + (" (shuffled control)" if record.config.shuffle_residues else ""),
            "split": record.split.kind,
            "test accuracy": metrics.accuracy,
            "balanced accuracy": metrics.balanced_accuracy,
            "macro F1": metrics.macro_f1,
            "MCC": metrics.mcc,
            "training (s)": record.timings.train_seconds,
            "parameters": record.parameters,
        }
        for kind in ("averaged", "learned"):
            quality = entry.quality[kind]
            row[f"{kind}: silhouette"] = quality["silhouette"]
            row[f"{kind}: 5-NN accuracy"] = quality["knn_accuracy"]
            row[f"{kind}: trustworthiness"] = quality["trustworthiness"]
        row.update(
            {
                "accuracy after shuffling": entry.order.shuffled_accuracy,
                "accuracy drop": entry.order.accuracy_drop,
                "learned shift": entry.order.learned_shift,
                "averaged shift": entry.order.averaged_shift,
            }
        )
        records.append(row)
    return pd.DataFrame(records).set_index("run")


QUALITY_COLUMNS = {
    "silhouette": "silhouette",
    "knn_accuracy": "5-NN accuracy",
    "trustworthiness": "trustworthiness",
}
"""Quality measure -> its column in the comparison tables."""

RUN_KINDS_COMPARED = ("averaged", "learned")
"""The kinds of each run that a comparison measures."""


def embedding_quality_table(comparison: Comparison) -> pd.DataFrame:
    """Every embedding compared, one row each: the runs' ``averaged`` and ``learned``, then
    those that need no model, measured on the same sequences with the same projection.

    Returns:
        Index: the embedding (``<run>: averaged``, ``kmer``, a file's name). Columns:
        ``model`` (the run's architecture, or ``none``), ``sequences`` measured,
        ``silhouette``, ``5-NN accuracy`` and ``trustworthiness``.
    """
    rows = [
        {
            "embedding": f"{entry.run.name}: {kind}",
            "model": entry.run.arch,
            "sequences": len(comparison.rows),
            **_quality_columns(entry.quality[kind]),
        }
        for entry in comparison.runs
        for kind in RUN_KINDS_COMPARED
    ]
    rows += [
        {
            "embedding": measure.name,
            "model": "none",
            "sequences": measure.sequences,
            **_quality_columns(measure.quality),
        }
        for measure in comparison.embeddings
    ]
    return pd.DataFrame(rows).set_index("embedding")


def _quality_columns(quality: dict[str, float | None]) -> dict[str, float | None]:
    return {column: quality[measure] for measure, column in QUALITY_COLUMNS.items()}


def embedding_sentences(comparison: Comparison) -> list[str]:
    """One sentence per embedding that needs no model: its 5-NN label accuracy against the
    best learned and the best averaged embedding of the runs (measured, no verdicts)."""
    if not comparison.runs:
        return []
    best = {
        kind: max(comparison.runs, key=lambda entry: entry.quality[kind]["knn_accuracy"])
        for kind in RUN_KINDS_COMPARED
    }
    label = comparison.short_labels()
    sentences = []
    for measure in comparison.embeddings:
        accuracy = measure.quality["knn_accuracy"]
        compared = [
            f"{accuracy - best[kind].quality[kind]['knn_accuracy']:+.3f} against the best "
            f"{kind} embedding ({label[best[kind].run.run_id]}, "
            f"{best[kind].quality[kind]['knn_accuracy']:.3f})"
            for kind in RUN_KINDS_COMPARED
        ]
        coverage = (
            f" (on the {measure.sequences:,} of the {len(comparison.rows):,} sequences it has "
            "vectors for)"
            if measure.sequences < len(comparison.rows)
            else ""
        )
        sentences.append(
            f"{measure.name}, which needs no model, reaches a 5-NN label accuracy of "
            f"{accuracy:.3f}{coverage}: {compared[0]} and {compared[1]}."
        )
    return sentences


def _accuracy_change(drop: float) -> str:
    """An accuracy change in words: "no drop", "a drop of 0.034" or "a gain of 0.012"."""
    if round(drop, 3) == 0:
        return "no drop"
    return f"a drop of {drop:.3f}" if drop > 0 else f"a gain of {-drop:.3f}"


def _names(labels: Sequence[str]) -> str:
    """Labels as words: "a", "a and b", "a, b and c"."""
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def summary_sentences(comparison: Comparison) -> list[str]:
    """Plain sentences that state the measured differences (no canned verdicts).

    Runs are named by their short labels (:meth:`Comparison.short_labels`).

    Returns:
        One sentence per run (its order test, described for what it is, and its
        5-NN accuracies with the sequences they were measured on), then sentences
        comparing the runs and on the order-invariance of averaging.
    """
    label = comparison.short_labels()
    sentences = []
    for entry in comparison.runs:
        order = entry.order
        learned = entry.quality["learned"]["knn_accuracy"]
        averaged = entry.quality["averaged"]["knn_accuracy"]
        sentences.append(
            f"{label[entry.run.run_id]}, order test: shuffling the residues of its "
            f"{order.sequences:,} test sequences changes {order.prediction_changes:.0%} of its "
            f"predictions and moves accuracy from {order.accuracy:.3f} to "
            f"{order.shuffled_accuracy:.3f} ({_accuracy_change(order.accuracy_drop)}); its "
            f"learned embedding moves by a mean cosine distance of {order.learned_shift:.3f}. "
            f"5-NN label accuracy on {comparison.measured_text} is {learned:.3f} in its "
            f"learned and {averaged:.3f} in its averaged embedding."
        )
    if len(comparison.runs) >= 2:
        best = max(comparison.runs, key=lambda e: e.quality["learned"]["knn_accuracy"])
        best_averaged = max(comparison.runs, key=lambda e: e.quality["averaged"]["knn_accuracy"])
        sentences.append(
            f"The best-separated embedding is the learned one of {label[best.run.run_id]} (5-NN "
            f"accuracy {best.quality['learned']['knn_accuracy']:.3f}); the best averaged "
            f"embedding is that of {label[best_averaged.run.run_id]} "
            f"({best_averaged.quality['averaged']['knn_accuracy']:.3f})."
        )
    sentences.append(_order_test_sentence(comparison, label))
    largest = max((e.order.averaged_shift for e in comparison.runs), default=0.0)
    sentences.append(
        "The averaged embedding cannot move at all, for any architecture: an average of "
        "per-residue vectors is the same for every ordering of the residues (measured here: "
        f"the largest change of any value is {largest:.1e}, floating-point rounding). The "
        "architecture changes only which amino-acid vectors are learned, not the fact that "
        "averaging discards order; to use order, a model must read the sequence, as the "
        "learned embeddings of LSTM and attention models do."
    )
    return sentences + embedding_sentences(comparison)
