"""Train a classifier on a data set, score it, and save it as a run.

:func:`train` is the one entry point the app and the command line share:

1. split the data set (its own train/valid/test split, else a seeded
   stratified split; :mod:`protviz.model.splits`),
2. encode and truncate the sequences and batch them by length
   (:mod:`protviz.model.encoding`, :mod:`protviz.model.batches`),
3. build the architecture (:mod:`protviz.model.architectures`), fit it with early
   stopping on validation loss (best weights restored),
4. score the test split (accuracy, balanced accuracy, macro F1, Matthews
   correlation, per-class precision/recall/F1, confusion matrix;
   :mod:`protviz.model.metrics`),
5. save model, record (:class:`~protviz.core.records.RunRecord`) and test
   predictions in the run store (:mod:`protviz.model.runs`).

Progress goes to a plain callable that receives a
:class:`~protviz.model.progress.Progress` after every batch; a
``threading.Event`` (or any :class:`~protviz.model.progress.Cancellation`) passed
as ``cancel`` stops training at the next batch with
:class:`~protviz.model.progress.TrainingCancelled`, and nothing is saved::

    cancel = threading.Event()
    result = train(dataset, TrainingConfig(arch="bilstm"), progress=latest.append,
                   cancel=cancel)

The app trains in a separate worker process (:mod:`protviz.model.worker`, run by
``python -m protviz job run``), which calls :func:`train` like the command line does.

This module imports TensorFlow and Keras; the configuration, splits, metrics
and progress records it uses do not.
"""

from __future__ import annotations

import os
import platform
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import keras
import numpy as np
import pandas as pd
import sklearn
import tensorflow as tf

from protviz import __version__
from protviz.core.alphabet import PROTEIN_ALPHABET
from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset, ProteinDataError, require_classes
from protviz.core.records import DatasetRef, Metrics, RunRecord, Timings
from protviz.core.truncation import Truncation
from protviz.model import runs
from protviz.model.architectures import build_model
from protviz.model.batches import inference_dataset, restore_order, training_dataset
from protviz.model.encoding import PAD_ID, encode_all
from protviz.model.metrics import classification_metrics, predictions_frame
from protviz.model.progress import (
    Cancellation,
    Progress,
    ProgressCallback,
    TrainingCancelled,
)
from protviz.model.runs import RunInfo
from protviz.model.splits import Split, balanced_class_weights, split_dataset

EVALUATE_BATCH_SIZE = 64
"""Sequences per batch when the test split is scored."""


@dataclass
class TrainingResult:
    """What :func:`train` produced.

    Attributes:
        model: The trained model (best validation weights).
        record: The run record (the content of ``run.json``).
        predictions: Test-set predictions, one row per test sequence.
        run: The saved run, or None when ``save=False``.
    """

    model: keras.Model
    record: RunRecord
    predictions: pd.DataFrame
    run: RunInfo | None = None

    @property
    def metrics(self) -> Metrics:
        """Test-set metrics."""
        return self.record.metrics


# --------------------------------------------------------------------------- keras glue


def device_name() -> str:
    """Describe the device TensorFlow computes on, e.g. ``GPU (/physical_device:GPU:0)``."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return f"GPU ({', '.join(g.name for g in gpus)})"
    return f"CPU ({os.cpu_count()} cores, {platform.machine()})"


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries that shape a run."""
    return {
        "python": platform.python_version(),
        "protviz": __version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "pandas": pd.__version__,
    }


def use_threads(intra_op: int, inter_op: int) -> None:
    """Size TensorFlow's thread pools; call before TensorFlow runs its first operation.

    Args:
        intra_op: Threads one operation may use (a matrix product): the cores to use.
        inter_op: Operations run at once.
    """
    tf.config.threading.set_intra_op_parallelism_threads(intra_op)
    tf.config.threading.set_inter_op_parallelism_threads(inter_op)


# --------------------------------------------------------------------------- progress


class ProgressAndCancel(keras.callbacks.Callback):
    """Report a :class:`~protviz.model.progress.Progress` after every batch; honour ``cancel``.

    It also ends training after the epoch that exhausts ``time_budget_seconds``
    (judged by the last epoch's duration) and records that in ``stopped_for_time``.

    Args:
        report: Called with every progress snapshot (None: report nothing).
        cancel: When set, the next batch raises ``TrainingCancelled``.
        epochs: Most epochs.
        batches: Batches per epoch (set to the test batches before scoring).
        time_budget_seconds: Training time limit, or None.
    """

    def __init__(
        self,
        report: ProgressCallback | None,
        cancel: Cancellation | None,
        epochs: int,
        batches: int,
        time_budget_seconds: float | None = None,
    ) -> None:
        super().__init__()
        self.report = report
        self.cancel = cancel
        self.epochs = epochs
        self.batches = batches
        self.started = time.perf_counter()
        self.epoch = 0
        self.phase = "train"
        self.last_epoch_logs: dict[str, float] = {}
        self.history: list[dict[str, float]] = []
        self.time_budget_seconds = time_budget_seconds
        self.epoch_started = self.started
        self.stopped_for_time = False

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise TrainingCancelled("Training was cancelled; nothing was saved.")

    def on_epoch_begin(self, epoch, logs=None):
        self._check_cancel()
        self.epoch = epoch + 1
        self.epoch_started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.last_epoch_logs = {
            k: float(v) for k, v in (logs or {}).items() if k.startswith("val_")
        }
        self.history.append({"epoch": epoch + 1, **{k: float(v) for k, v in (logs or {}).items()}})
        if self.time_budget_seconds is not None:
            now = time.perf_counter()
            if now - self.started + (now - self.epoch_started) > self.time_budget_seconds:
                self.stopped_for_time = self.epoch < self.epochs
                self.model.stop_training = True

    def on_train_batch_end(self, batch, logs=None):
        self._check_cancel()
        if self.report is None:
            return
        logs = {k: float(v) for k, v in (logs or {}).items()}
        elapsed = time.perf_counter() - self.started
        done = (self.epoch - 1) * self.batches + batch + 1
        left = self.epochs * self.batches - done
        self.report(
            Progress(
                phase=self.phase,
                epoch=self.epoch,
                epochs=self.epochs,
                batch=batch + 1,
                batches=self.batches,
                loss=logs.pop("loss", None),
                metrics={**logs, **self.last_epoch_logs},
                elapsed_seconds=elapsed,
                eta_seconds=elapsed / done * left,
                history=tuple(self.history),
            )
        )

    def on_test_batch_end(self, batch, logs=None):
        self._check_cancel()

    def on_predict_batch_end(self, batch, logs=None):
        self._check_cancel()
        if self.report is None:
            return
        elapsed = time.perf_counter() - self.started
        self.report(
            Progress(
                phase="evaluate",
                epoch=0,
                epochs=self.epochs,
                batch=batch + 1,
                batches=self.batches,
                loss=None,
                metrics=dict(self.last_epoch_logs),
                elapsed_seconds=elapsed,
                eta_seconds=None,
                history=tuple(self.history),
            )
        )


def predict_probabilities(
    model: keras.Model,
    sequences: Sequence[str],
    *,
    max_length: int | None = None,
    truncation: Truncation = "ends",
    batch_size: int = 64,
    callbacks: list | None = None,
) -> np.ndarray:
    """Predict class probabilities with length-bucketed batches, in input order.

    Args:
        model: A protviz model.
        sequences: Cleaned sequences, length ``n``.
        max_length: Truncation length (use the run's ``config.max_length``).
        truncation: Truncation policy (use the run's ``config.truncation``).
        batch_size: Sequences per batch.
        callbacks: Keras callbacks for ``model.predict``.

    Returns:
        Probabilities, shape ``(n, num_classes)``, row ``i`` for ``sequences[i]``.
    """
    tokens = encode_all(sequences, max_length, truncation)
    batches, order = inference_dataset(tokens, batch_size=batch_size)
    outputs = model.predict(batches, verbose=0, callbacks=callbacks)
    return restore_order(np.asarray(outputs), order)


def compile_model(model: keras.Model, learning_rate: float) -> None:
    """Compile for sparse integer labels with Adam (no XLA: batch shapes vary).

    Args:
        model: The model to compile in place.
        learning_rate: Adam learning rate.
    """
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        jit_compile=False,
    )


# --------------------------------------------------------------------------- train


@dataclass(frozen=True)
class _Prepared:
    """A data set split, its labels as class indices, and its encoded sequences.

    Attributes:
        split: The sequences of each split.
        class_names: Classes of the sequences in the split, sorted.
        label_ids: Class index per sequence of the data set, shape ``(n,)``;
            -1 for sequences the split leaves out.
        tokens: Token ids per sequence of the data set (truncated).
    """

    split: Split
    class_names: list[str]
    label_ids: np.ndarray
    tokens: list[np.ndarray]

    def tokens_of(self, indices: np.ndarray) -> list[np.ndarray]:
        """The encoded sequences at ``indices``."""
        return [self.tokens[i] for i in indices]


@dataclass(frozen=True)
class _Fitted:
    """What fitting produced besides the model.

    Attributes:
        history: One row per epoch: ``epoch`` and the Keras logs.
        reporter: The progress callback (it knows whether the time budget stopped training).
        seconds: Seconds spent in ``model.fit``.
    """

    history: list[dict[str, float]]
    reporter: ProgressAndCancel
    seconds: float


@dataclass(frozen=True)
class _Evaluated:
    """The scored test split: probabilities ``(n_test, num_classes)``, metrics, seconds."""

    probabilities: np.ndarray
    metrics: dict[str, Any]
    seconds: float


def _prepare(dataset: Dataset, config: TrainingConfig) -> _Prepared:
    """Split the data set, index its classes and encode its sequences."""
    split = split_dataset(dataset, config)
    labels = np.asarray(dataset.labels)
    used = np.concatenate([split.train, split.valid, split.test])
    class_names = sorted(set(labels[used].tolist()))
    class_index = {label: i for i, label in enumerate(class_names)}
    label_ids = np.array([class_index.get(label, -1) for label in labels], dtype=np.int32)
    tokens = encode_all(dataset.sequences, config.max_length, config.truncation)
    return _Prepared(split, class_names, label_ids, tokens)


def _training_data(
    prepared: _Prepared, config: TrainingConfig
) -> tuple[tf.data.Dataset, tf.data.Dataset | None]:
    """Batches for fitting (shuffled, weighted if asked) and for validation (or None)."""
    split, label_ids = prepared.split, prepared.label_ids
    weights = None
    if config.class_weights:
        per_class = balanced_class_weights(label_ids[split.train], len(prepared.class_names))
        weights = per_class[label_ids[split.train]]
    train_data = training_dataset(
        prepared.tokens_of(split.train),
        label_ids[split.train],
        batch_size=config.batch_size,
        sample_weights=weights,
        shuffle=True,
        seed=config.seed,
    )
    if len(split.valid) == 0:
        return train_data, None
    valid_data = training_dataset(
        prepared.tokens_of(split.valid),
        label_ids[split.valid],
        batch_size=config.batch_size,
        shuffle=False,
    )
    return train_data, valid_data


def _fit(
    prepared: _Prepared,
    config: TrainingConfig,
    progress: ProgressCallback | None,
    cancel: Cancellation | None,
) -> tuple[keras.Model, _Fitted]:
    """Build, compile and fit the model, with early stopping when there is a validation set."""
    train_data, valid_data = _training_data(prepared, config)
    model = build_model(
        config.arch,
        len(prepared.class_names),
        embedding_dim=config.embedding_dim,
        units=config.units,
        dropout=config.dropout,
        conv_widths=config.conv_widths,
        conv_filters=config.conv_filters,
    )
    compile_model(model, config.learning_rate)
    batches = int(train_data.cardinality())
    reporter = ProgressAndCancel(
        progress, cancel, config.epochs, batches, config.time_budget_seconds
    )
    callbacks: list = [reporter]
    if valid_data is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=config.patience, restore_best_weights=True
            )
        )
    started = time.perf_counter()
    history = model.fit(
        train_data,
        validation_data=valid_data,
        epochs=config.epochs,
        callbacks=callbacks,
        shuffle=False,
        verbose=0,
    )
    seconds = time.perf_counter() - started
    return model, _Fitted(_history_rows(history.history), reporter, seconds)


def _history_rows(history: dict[str, list[float]]) -> list[dict[str, float]]:
    """Keras' per-metric history as one row per epoch (``epoch`` 1-based)."""
    epochs_run = len(history.get("loss", []))
    return [
        {"epoch": epoch + 1, **{k: float(v[epoch]) for k, v in history.items()}}
        for epoch in range(epochs_run)
    ]


def _best_epoch(history: list[dict[str, float]], has_valid: bool) -> int:
    """The epoch with the lowest validation loss (the last one without validation)."""
    if not (has_valid and history):
        return len(history)
    val_losses = [row.get("val_loss") for row in history]
    return int(np.nanargmin(np.array(val_losses, dtype=float))) + 1


def _evaluate(
    model: keras.Model,
    dataset: Dataset,
    prepared: _Prepared,
    config: TrainingConfig,
    reporter: ProgressAndCancel,
) -> _Evaluated:
    """Score the test split (reporting progress through ``reporter``)."""
    started = time.perf_counter()
    test = prepared.split.test
    reporter.batches = -(-len(test) // EVALUATE_BATCH_SIZE) if len(test) else 0
    if len(test):
        probabilities = predict_probabilities(
            model,
            [dataset.sequences[i] for i in test],
            max_length=config.max_length,
            truncation=config.truncation,
            batch_size=EVALUATE_BATCH_SIZE,
            callbacks=[reporter],
        )
        metrics = classification_metrics(
            prepared.label_ids[test], probabilities, prepared.class_names
        )
    else:
        probabilities = np.zeros((0, len(prepared.class_names)), dtype=np.float32)
        metrics = {"n": 0}
    return _Evaluated(probabilities, metrics, time.perf_counter() - started)


def _timings(
    prepared: _Prepared, fitted: _Fitted, evaluated: _Evaluated, started: float
) -> Timings:
    """How long each step took, rounded as ``run.json`` stores it."""
    train_seconds = fitted.seconds
    trained = len(prepared.split.train) * len(fitted.history)
    return Timings(
        train_seconds=round(train_seconds, 3),
        sequences_per_second=round(trained / train_seconds, 2) if train_seconds > 0 else None,
        evaluate_seconds=round(evaluated.seconds, 3),
        total_seconds=round(time.perf_counter() - started, 3),
    )


def _run_record(
    dataset: Dataset,
    config: TrainingConfig,
    name: str | None,
    prepared: _Prepared,
    model: keras.Model,
    fitted: _Fitted,
    evaluated: _Evaluated,
    timings: Timings,
) -> RunRecord:
    """The record of a finished training (``run_id`` is set when it is saved)."""
    split = prepared.split
    return RunRecord(
        name=name or f"{config.arch} on {dataset.name}"[: runs.MAX_NAME_LENGTH],
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        config=config,
        alphabet=PROTEIN_ALPHABET,
        pad_id=PAD_ID,
        class_names=prepared.class_names,
        dataset=DatasetRef(
            name=dataset.name,
            content_hash=dataset.content_hash,
            sequences=len(dataset),
            split_source=split.source,
            split_notes=split.notes,
        ),
        split_sizes=split.sizes(),
        metrics=Metrics.from_dict(evaluated.metrics),
        history=fitted.history,
        epochs_run=len(fitted.history),
        stopped_for_time=fitted.reporter.stopped_for_time,
        best_epoch=_best_epoch(fitted.history, has_valid=len(split.valid) > 0),
        parameters=int(model.count_params()),
        timings=timings,
        device=device_name(),
        versions=library_versions(),
    )


def train(
    dataset: Dataset,
    config: TrainingConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: Cancellation | None = None,
    name: str | None = None,
    home: str | os.PathLike | None = None,
    save: bool = True,
    run_id: str | None = None,
) -> TrainingResult:
    """Train, score and (by default) save a classifier.

    Args:
        dataset: The labeled data set (at least 2 classes).
        config: Hyper-parameters; defaults to ``TrainingConfig()``.
        progress: Called with a :class:`~protviz.model.progress.Progress` after every batch.
        cancel: When set, training stops at the next batch with
            :class:`~protviz.model.progress.TrainingCancelled` and nothing is saved.
        name: User-facing run name (default: architecture and data set).
        home: Run store root (see :func:`protviz.core.store.store_root`).
        save: Save the run in the store.
        run_id: The id to save the run under (default: a new random id); a training
            job chooses it when it is submitted.

    Returns:
        The model, run record, test predictions and saved run.

    Raises:
        ProteinDataError: If the data cannot train a classifier.
        TrainingCancelled: If ``cancel`` was set.
    """
    config = config or TrainingConfig()
    require_classes(dataset)
    name = runs.check_name(name) if name is not None else None
    started = time.perf_counter()
    keras.utils.set_random_seed(config.seed)
    prepared = _prepare(dataset, config)
    model, fitted = _fit(prepared, config, progress, cancel)
    evaluated = _evaluate(model, dataset, prepared, config, fitted.reporter)
    if cancel is not None and cancel.is_set():
        raise TrainingCancelled("Training was cancelled; nothing was saved.")
    timings = _timings(prepared, fitted, evaluated, started)
    record = _run_record(dataset, config, name, prepared, model, fitted, evaluated, timings)
    test = prepared.split.test
    predictions = predictions_frame(
        [dataset.ids[i] for i in test],
        [dataset.labels[i] for i in test],
        evaluated.probabilities,
        prepared.class_names,
    )
    run = runs.save_run(model, record, predictions, home=home, run_id=run_id) if save else None
    if run is not None:
        record = run.record
    return TrainingResult(model, record, predictions, run)


# --------------------------------------------------------------------------- evaluate


def evaluate_dataset(
    model: keras.Model, record: RunRecord, dataset: Dataset, batch_size: int = 64
) -> dict[str, Any]:
    """Score a saved run's model on another labeled data set.

    Sequences whose label is not one of the run's classes cannot be predicted
    correctly; they are left out of the metrics and counted in
    ``unknown_labels``.

    Args:
        model: The run's model.
        record: The run's record (for class names and truncation).
        dataset: The labeled data set to score.
        batch_size: Sequences per inference batch.

    Returns:
        :func:`classification_metrics` output plus ``unknown_labels`` (label ->
        count) and ``scored`` / ``left_out`` counts.

    Raises:
        ProteinDataError: If no sequence has a label the run knows.
    """
    class_names = list(record.class_names)
    class_index = {label: i for i, label in enumerate(class_names)}
    known = [i for i, label in enumerate(dataset.labels) if label in class_index]
    unknown = Counter(label for label in dataset.labels if label not in class_index)
    if not known:
        raise ProteinDataError(
            f"None of the labels in '{dataset.name}' ({', '.join(sorted(unknown)[:10])}) is one "
            f"of the run's classes ({', '.join(class_names)}). Check the label rule, or score "
            "a run trained on these classes."
        )
    probabilities = predict_probabilities(
        model,
        [dataset.sequences[i] for i in known],
        max_length=record.config.max_length,
        truncation=record.config.truncation,
        batch_size=batch_size,
    )
    true_ids = np.array([class_index[dataset.labels[i]] for i in known])
    metrics = classification_metrics(true_ids, probabilities, class_names)
    return {
        **metrics,
        "scored": len(known),
        "left_out": len(dataset) - len(known),
        "unknown_labels": dict(sorted(unknown.items())),
    }


__all__ = [
    "EVALUATE_BATCH_SIZE",
    "ProgressAndCancel",
    "TrainingResult",
    "compile_model",
    "device_name",
    "evaluate_dataset",
    "library_versions",
    "predict_probabilities",
    "train",
    "use_threads",
]
