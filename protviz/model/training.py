"""Train a classifier on a data set, score it, and save it as a run.

:func:`train` is the one entry point the app and the command line share:

1. split the data set (its own train/valid/test split, else a seeded
   stratified split; :mod:`protviz.model.splits`) and decide whether to weight
   the classes (by default when they are imbalanced),
2. fit the baselines (amino-acid composition, bag of 1-3-mers;
   :mod:`protviz.model.baselines`) on the training split and score them on the
   test split,
3. encode and truncate the sequences and batch them by length
   (:mod:`protviz.model.encoding`, :mod:`protviz.model.batches`),
4. build the architecture (:mod:`protviz.model.architectures`) and fit it until
   it converges: early stopping on validation loss (best weights restored), the
   learning rate halved on plateaus, an epoch cap and a time cap; the record says
   why it stopped and whether validation loss was still improving,
5. score the test split (accuracy, balanced accuracy, macro F1, Matthews
   correlation with 95% bootstrap intervals, per-class precision/recall/F1,
   confusion matrix; :mod:`protviz.model.metrics`),
6. save model (with its optimizer state), record
   (:class:`~protviz.core.records.RunRecord`), test predictions (the network's
   and the baselines') and baselines in the run store (:mod:`protviz.model.runs`).

``TrainingConfig(shuffle_residues=True, control_of=run_id)`` trains the shuffled
control of a run: the same architecture and settings (so the same split), trained
on residue-shuffled sequences (a fresh shuffle each epoch) and tested on its test
sequences shuffled once with the seed; the baselines are fitted and scored on the
unshuffled sequences, as for any run.

``train(dataset, config, parent=run_id)`` continues a saved run instead: its
model and optimizer state are loaded and trained for more epochs on the same
split, and a new run records ``parent``.

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

import dataclasses
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
from protviz.core.records import DatasetRef, Metrics, RunRecord, SplitInfo, Timings
from protviz.core.truncation import Truncation
from protviz.model import runs
from protviz.model.architectures import build_model
from protviz.model.baselines import (
    Baselines,
    BaselineScores,
    baselines_json,
    fit_baselines,
    score_baselines,
)
from protviz.model.batches import inference_dataset, restore_order, training_dataset
from protviz.model.encoding import PAD_ID, encode_all
from protviz.model.metrics import classification_metrics, predictions_frame
from protviz.model.progress import (
    CONTINUING_STEP,
    PREPARATION_STEPS,
    Cancellation,
    Progress,
    ProgressCallback,
    TrainingCancelled,
)
from protviz.model.runs import RunInfo
from protviz.model.saved import load_model
from protviz.model.shuffling import control_inputs
from protviz.model.splits import Split, balanced_class_weights, class_weighting, split_dataset
from protviz.model.timing import TimeLeft

EVALUATE_BATCH_SIZE = 64
"""Sequences per batch when the test split is scored."""

LR_FACTOR = 0.5
"""The ``plateau`` schedule multiplies the learning rate by this on a plateau."""

MIN_LR_FRACTION = 1 / 64
"""The ``plateau`` schedule never goes below this fraction of the initial rate."""

MIN_DELTA = 1e-3
"""Smallest fall of validation loss that counts as an improvement (early stopping and
the learning-rate schedule): a model near zero loss stops instead of creeping on."""

CONTINUATION_SETTINGS = ("epochs", "time_budget_seconds")
"""The settings a continued run may change: its epoch cap and its time cap."""


@dataclass
class TrainingResult:
    """What :func:`train` produced.

    Attributes:
        model: The trained model (best validation weights).
        record: The run record (the content of ``run.json``).
        predictions: Test-set predictions, one row per test sequence.
        run: The saved run, or None when ``save=False``.
        baselines: The baselines fitted on the same training split.
    """

    model: keras.Model
    record: RunRecord
    predictions: pd.DataFrame
    run: RunInfo | None = None
    baselines: Baselines = dataclasses.field(default_factory=dict)

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
    The time left is estimated by a :class:`~protviz.model.timing.TimeLeft` from the
    epochs measured so far (validation passes included, start-up left out).

    Args:
        report: Called with every progress snapshot (None: report nothing).
        cancel: When set, the next batch raises ``TrainingCancelled``.
        epochs: Most epochs (counting those of a parent run, when continuing).
        batches: Batches per epoch (set to the test batches before scoring).
        time_budget_seconds: Training time limit, or None.
        first_epoch: Epochs trained before this fit (a continued run's parent's).
    """

    def __init__(
        self,
        report: ProgressCallback | None,
        cancel: Cancellation | None,
        epochs: int,
        batches: int,
        time_budget_seconds: float | None = None,
        first_epoch: int = 0,
    ) -> None:
        super().__init__()
        self.first_epoch = first_epoch
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
        self.time_left = TimeLeft(
            epochs, self.started, first_epoch=first_epoch, time_budget_seconds=time_budget_seconds
        )

    def validating(self, validates: bool) -> None:
        """Say whether every epoch ends with a validation pass (and early stopping)."""
        self.time_left.validates = self.time_left.early_stopping = validates

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise TrainingCancelled("Training was cancelled; nothing was saved.")

    def on_epoch_begin(self, epoch, logs=None):
        self._check_cancel()
        self.epoch = epoch + 1
        self.epoch_started = time.perf_counter()
        self.time_left.epoch_begin(self.epoch, self.batches, self.epoch_started)

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        self.time_left.epoch_end(now)
        self.last_epoch_logs = {
            k: float(v) for k, v in (logs or {}).items() if k.startswith("val_")
        }
        self.history.append({"epoch": epoch + 1, **{k: float(v) for k, v in (logs or {}).items()}})
        if self.time_budget_seconds is not None:
            over = now - self.started + (now - self.epoch_started) > self.time_budget_seconds
            if over and self.epoch < self.epochs:
                self.stopped_for_time = True
                self.model.stop_training = True

    def on_train_batch_end(self, batch, logs=None):
        self._check_cancel()
        self.time_left.batch_end(batch + 1, time.perf_counter())
        self._report_training(batch + 1, dict(logs or {}))

    def on_test_begin(self, logs=None):
        self.time_left.validation_begin(time.perf_counter())
        self._report_training(self.batches, {}, step="validating")

    def on_test_end(self, logs=None):
        self.time_left.validation_end(time.perf_counter())

    def _report_training(self, batch: int, logs: dict[str, Any], step: str = "") -> None:
        """Send a ``train`` snapshot: running metrics, the last epoch's validation, time left."""
        if self.report is None:
            return
        logs = {k: float(v) for k, v in logs.items()}
        now = time.perf_counter()
        estimate = self.time_left.estimate(now)
        self.report(
            Progress(
                phase=self.phase,
                epoch=self.epoch,
                epochs=self.epochs,
                batch=batch,
                batches=self.batches,
                loss=logs.pop("loss", None),
                metrics={**logs, **self.last_epoch_logs},
                elapsed_seconds=now - self.started,
                eta_seconds=estimate.seconds,
                history=tuple(self.history),
                step=step,
                eta_kind=estimate.kind,
            )
        )

    def step(self, step: str) -> None:
        """Send an ``evaluate`` snapshot saying what scoring is doing now."""
        if self.report is not None:
            elapsed = time.perf_counter() - self.started
            self.report(Progress.between_batches("evaluate", step, elapsed, tuple(self.history)))

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
                step="predicting the test sequences",
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
        tokens: Token ids per sequence of ``inputs`` (truncated).
        class_weighted: Whether training weights the classes.
        class_weighting_reason: Why (see :func:`~protviz.model.splits.class_weighting`).
        inputs: The sequences the network reads: the data set's, or for the
            shuffled control its validation and test sequences shuffled once
            (:func:`~protviz.model.shuffling.control_inputs`).
    """

    split: Split
    class_names: list[str]
    label_ids: np.ndarray
    tokens: list[np.ndarray]
    class_weighted: bool
    class_weighting_reason: str
    inputs: list[str]

    def tokens_of(self, indices: np.ndarray) -> list[np.ndarray]:
        """The encoded sequences at ``indices``."""
        return [self.tokens[i] for i in indices]


@dataclass(frozen=True)
class _Start:
    """Where fitting starts: a new model, or a saved run's model to continue.

    Attributes:
        model: The compiled model to continue (None: build a new one).
        history: The epochs trained before (the parent run's history).
        parent: The run continued, or None.
    """

    model: keras.Model | None = None
    history: tuple[dict[str, float], ...] = ()
    parent: RunInfo | None = None

    @property
    def initial_epoch(self) -> int:
        """Epochs already trained."""
        return len(self.history)


@dataclass(frozen=True)
class _Fitted:
    """What fitting produced besides the model.

    Attributes:
        history: One row per epoch: ``epoch`` and the Keras logs (a continued
            run's history starts with its parent's epochs).
        seconds: Seconds spent in ``model.fit``.
        stop_reason: ``converged``, ``epoch_cap`` or ``time_cap``.
        best_epoch: The epoch whose weights were kept.
        still_improving: Whether validation loss improved within the last
            ``patience`` epochs (None without a validation split).
        epochs_fitted: Epochs of this fit (without the parent's).
    """

    history: list[dict[str, float]]
    seconds: float
    stop_reason: str
    best_epoch: int
    still_improving: bool | None
    epochs_fitted: int


@dataclass(frozen=True)
class _Evaluated:
    """The scored test split: probabilities ``(n_test, num_classes)``, metrics, seconds."""

    probabilities: np.ndarray
    metrics: dict[str, Any]
    seconds: float


def _prepare(dataset: Dataset, config: TrainingConfig) -> _Prepared:
    """Split the data set, index its classes, encode its sequences, decide class weights."""
    split = split_dataset(dataset, config)
    labels = np.asarray(dataset.labels)
    used = np.concatenate([split.train, split.valid, split.test])
    class_names = sorted(set(labels[used].tolist()))
    class_index = {label: i for i, label in enumerate(class_names)}
    label_ids = np.array([class_index.get(label, -1) for label in labels], dtype=np.int32)
    inputs = list(dataset.sequences)
    if config.shuffle_residues:
        inputs = control_inputs(
            inputs,
            np.concatenate([split.valid, split.test]),
            seed=config.seed,
            max_length=config.max_length,
            truncation=config.truncation,
        )
    tokens = encode_all(inputs, config.max_length, config.truncation)
    weighted, reason = class_weighting(
        labels[split.train].tolist(), config.class_weights, config.arch
    )
    return _Prepared(split, class_names, label_ids, tokens, weighted, reason, inputs)


def _training_data(
    prepared: _Prepared, config: TrainingConfig, first_epoch: int
) -> tuple[tf.data.Dataset, tf.data.Dataset | None]:
    """Batches for fitting (shuffled) and for validation (or None).

    With class weighting, validation sequences get the same per-class weights as the
    training ones, so early stopping and the learning-rate schedule follow the loss
    that training minimises (the weighted one), not the plain one it trades away.
    """
    split, label_ids = prepared.split, prepared.label_ids
    weights = valid_weights = None
    if prepared.class_weighted:
        per_class = balanced_class_weights(label_ids[split.train], len(prepared.class_names))
        weights = per_class[label_ids[split.train]]
        valid_weights = per_class[label_ids[split.valid]]
    train_data = training_dataset(
        prepared.tokens_of(split.train),
        label_ids[split.train],
        batch_size=config.batch_size,
        sample_weights=weights,
        shuffle=True,
        seed=config.seed,
        first_epoch=first_epoch,
        shuffle_residues=config.shuffle_residues,
    )
    if len(split.valid) == 0:
        return train_data, None
    valid_data = training_dataset(
        prepared.tokens_of(split.valid),
        label_ids[split.valid],
        batch_size=config.batch_size,
        sample_weights=valid_weights,
        shuffle=False,
    )
    return train_data, valid_data


def _new_model(prepared: _Prepared, config: TrainingConfig) -> keras.Model:
    """Build and compile the configured architecture."""
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
    return model


def _stopping_callbacks(config: TrainingConfig) -> list[keras.callbacks.Callback]:
    """Early stopping (best weights restored) and, with ``plateau``, the learning-rate schedule.

    Keras restores the best weights at the end of training however it ended
    (early stopping, the epoch cap, the time cap).
    """
    callbacks: list[keras.callbacks.Callback] = [
        keras.callbacks.EarlyStopping(
            monitor="val_loss",
            patience=config.patience,
            min_delta=MIN_DELTA,
            restore_best_weights=True,
        )
    ]
    if config.lr_schedule == "plateau":
        callbacks.append(
            keras.callbacks.ReduceLROnPlateau(
                monitor="val_loss",
                factor=LR_FACTOR,
                patience=config.lr_patience,
                min_delta=MIN_DELTA,
                min_lr=config.learning_rate * MIN_LR_FRACTION,
            )
        )
    return callbacks


def _fit(
    prepared: _Prepared,
    config: TrainingConfig,
    start: _Start,
    reporter: ProgressAndCancel,
) -> tuple[keras.Model, _Fitted]:
    """Fit the model (a new one, or the parent's), with early stopping when there is a
    validation set, up to ``config.epochs`` epochs in all."""
    train_data, valid_data = _training_data(prepared, config, start.initial_epoch)
    model = start.model if start.model is not None else _new_model(prepared, config)
    reporter.batches = int(train_data.cardinality())
    reporter.validating(valid_data is not None)
    stopping = _stopping_callbacks(config) if valid_data is not None else []
    started = time.perf_counter()
    history = model.fit(
        train_data,
        validation_data=valid_data,
        epochs=config.epochs,
        initial_epoch=start.initial_epoch,
        callbacks=[reporter, *stopping],
        shuffle=False,
        verbose=0,
    )
    seconds = time.perf_counter() - started
    new_rows = _history_rows(history.history, start.initial_epoch)
    stopper = stopping[0] if stopping else None
    return model, _fitted(new_rows, start, config, reporter, stopper, seconds)


def _history_rows(history: dict[str, list[float]], initial_epoch: int) -> list[dict[str, float]]:
    """Keras' per-metric history as one row per epoch (``epoch`` 1-based, counting on)."""
    epochs_run = len(history.get("loss", []))
    return [
        {"epoch": initial_epoch + epoch + 1, **{k: float(v[epoch]) for k, v in history.items()}}
        for epoch in range(epochs_run)
    ]


def _fitted(
    new_rows: list[dict[str, float]],
    start: _Start,
    config: TrainingConfig,
    reporter: ProgressAndCancel,
    stopper: keras.callbacks.EarlyStopping | None,
    seconds: float,
) -> _Fitted:
    """Why training stopped, which epoch's weights were kept, and whether it still improved.

    Only the epochs of this fit count: continued training keeps the best of its own
    epochs. The best epoch is early stopping's (the last that improved validation
    loss by more than :data:`MIN_DELTA`), whose weights Keras restored.
    """
    if reporter.stopped_for_time:
        reason = "time_cap"
    elif stopper is not None and stopper.stopped_epoch > 0:
        reason = "converged"
    else:
        reason = "epoch_cap"
    last = start.initial_epoch + len(new_rows)
    if stopper is None or not new_rows:
        best, still_improving = last, None
    else:
        best = stopper.best_epoch + 1
        still_improving = reason != "converged" and last - best < config.patience
    history = [*map(dict, start.history), *new_rows]
    return _Fitted(history, seconds, reason, best, still_improving, len(new_rows))


def _evaluate(
    model: keras.Model,
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
            [prepared.inputs[i] for i in test],
            max_length=config.max_length,
            truncation=config.truncation,
            batch_size=EVALUATE_BATCH_SIZE,
            callbacks=[reporter],
        )
        reporter.step("computing the scores with 95% bootstrap intervals")
        metrics = classification_metrics(
            prepared.label_ids[test], probabilities, prepared.class_names
        )
    else:
        probabilities = np.zeros((0, len(prepared.class_names)), dtype=np.float32)
        metrics = {"n": 0}
    return _Evaluated(probabilities, metrics, time.perf_counter() - started)


def _fit_baselines(
    dataset: Dataset, prepared: _Prepared, config: TrainingConfig
) -> tuple[Baselines, dict[str, BaselineScores]]:
    """Fit the baselines on the training split only; score them on the test split."""
    split = prepared.split
    sequences, labels = dataset.sequences, dataset.labels
    baselines = fit_baselines(
        [sequences[i] for i in split.train],
        [labels[i] for i in split.train],
        prepared.class_names,
        seed=config.seed,
        class_weights=prepared.class_weighted,
    )
    scores = score_baselines(
        baselines,
        [sequences[i] for i in split.test],
        [labels[i] for i in split.test],
        prepared.class_names,
    )
    return baselines, scores


def _timings(
    prepared: _Prepared, fitted: _Fitted, evaluated: _Evaluated, started: float
) -> Timings:
    """How long each step took, rounded as ``run.json`` stores it."""
    train_seconds = fitted.seconds
    trained = len(prepared.split.train) * fitted.epochs_fitted
    residues = sum(map(len, prepared.tokens_of(prepared.split.train))) * fitted.epochs_fitted
    return Timings(
        train_seconds=round(train_seconds, 3),
        sequences_per_second=round(trained / train_seconds, 2) if train_seconds > 0 else None,
        residues_per_second=round(residues / train_seconds, 1) if train_seconds > 0 else None,
        evaluate_seconds=round(evaluated.seconds, 3),
        total_seconds=round(time.perf_counter() - started, 3),
    )


@dataclass(frozen=True)
class _Outcome:
    """Everything a finished training measured, for its record."""

    prepared: _Prepared
    fitted: _Fitted
    evaluated: _Evaluated
    baseline_scores: dict[str, BaselineScores]
    timings: Timings
    parameters: int


def _run_record(
    dataset: Dataset,
    config: TrainingConfig,
    name: str | None,
    start: _Start,
    outcome: _Outcome,
) -> RunRecord:
    """The record of a finished training (``run_id`` is set when it is saved)."""
    split, fitted = outcome.prepared.split, outcome.fitted
    parent = start.parent
    default_name = f"{config.arch} on {dataset.name}"
    if config.shuffle_residues:
        default_name += " (shuffled control)"
    if parent is not None:
        default_name = f"{parent.name} (continued)"
    return RunRecord(
        name=name or default_name[: runs.MAX_NAME_LENGTH],
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        config=config,
        alphabet=PROTEIN_ALPHABET,
        pad_id=PAD_ID,
        class_names=outcome.prepared.class_names,
        dataset=DatasetRef(
            name=dataset.name,
            content_hash=dataset.content_hash,
            sequences=len(dataset),
            split_source=split.source,
            split_notes=split.notes,
        ),
        split_sizes=split.sizes(),
        split=SplitInfo(
            kind=split.kind,
            column=split.column,
            identity=split.identity,
            method=split.method,
            groups=split.groups,
        ),
        metrics=Metrics.from_dict(outcome.evaluated.metrics),
        history=fitted.history,
        epochs_run=len(fitted.history),
        stopped_for_time=fitted.stop_reason == "time_cap",
        best_epoch=fitted.best_epoch,
        stop_reason=fitted.stop_reason,
        still_improving=fitted.still_improving,
        class_weighted=outcome.prepared.class_weighted,
        class_weighting_reason=outcome.prepared.class_weighting_reason,
        baselines={
            name: Metrics.from_dict(scores.metrics)
            for name, scores in outcome.baseline_scores.items()
        },
        parent=None if parent is None else parent.run_id,
        control_of=config.control_of,
        parameters=outcome.parameters,
        timings=outcome.timings,
        device=device_name(),
        versions=library_versions(),
    )


def _predictions(dataset: Dataset, outcome: _Outcome) -> pd.DataFrame:
    """The test predictions of the network and of each baseline, one row per test sequence."""
    test = outcome.prepared.split.test
    frame = predictions_frame(
        [dataset.ids[i] for i in test],
        [dataset.labels[i] for i in test],
        outcome.evaluated.probabilities,
        outcome.prepared.class_names,
    )
    for name, scores in outcome.baseline_scores.items():
        frame[f"{runs.BASELINE_PREFIX}{name}"] = scores.predicted
    return frame


def _reporter(
    progress: ProgressCallback | None,
    cancel: Cancellation | None,
    config: TrainingConfig,
    start: _Start,
) -> ProgressAndCancel:
    """The progress, cancel and time-cap callback; a continued run's curves start with
    its parent's epochs."""
    reporter = ProgressAndCancel(
        progress, cancel, config.epochs, 0, config.time_budget_seconds, start.initial_epoch
    )
    reporter.history.extend(dict(row) for row in start.history)
    return reporter


def _start(
    parent: str | None, dataset: Dataset, config: TrainingConfig, home: str | os.PathLike | None
) -> _Start:
    """A fresh start, or the saved model, optimizer state and history of ``parent``.

    Raises:
        ProteinDataError: If ``dataset`` is not the one the parent was trained on.
        RunStoreError: If the parent run does not exist.
    """
    if parent is None:
        return _Start()
    run = runs.get_run(parent, home)
    trained_on = run.record.dataset
    if trained_on.content_hash != dataset.content_hash:
        raise ProteinDataError(
            f"Run '{run.name}' was trained on '{trained_on.name}'; to continue its training, "
            f"choose that data set (this one is '{dataset.name}', with other sequences)."
        )
    if len(run.record.history) >= config.epochs:
        raise ProteinDataError(
            f"Run '{run.name}' has trained {len(run.record.history)} epochs already; continue "
            "with an epoch cap above that."
        )
    return _Start(load_model(parent, home), tuple(run.record.history), run)


def _check_continuation(start: _Start, prepared: _Prepared, config: TrainingConfig) -> None:
    """Refuse to continue a run whose classes or hyper-parameters the new run would change."""
    parent = start.parent
    if parent is None:
        return
    if list(parent.class_names) != prepared.class_names:
        raise ProteinDataError(
            f"Run '{parent.name}' was trained on the classes {', '.join(parent.class_names)}; "
            f"this split has {', '.join(prepared.class_names)}. Train a new run instead."
        )
    changed = [
        key
        for key, value in parent.record.config.to_dict().items()
        if key not in CONTINUATION_SETTINGS and config.to_dict().get(key) != value
    ]
    if changed:
        raise ProteinDataError(
            f"Continuing run '{parent.name}' must keep its settings; these differ: "
            f"{', '.join(changed)}. Train a new run to change them."
        )


class _Stages:
    """Report what training is doing between batches (``Progress.step``), and honour
    ``cancel`` there too.

    Args:
        progress: The progress callable, or None.
        cancel: The cancellation, or None.
        started: When training started (``time.perf_counter()``).
    """

    def __init__(
        self, progress: ProgressCallback | None, cancel: Cancellation | None, started: float
    ) -> None:
        self.progress, self.cancel, self.started = progress, cancel, started

    def __call__(
        self, step: str, phase: str = "prepare", history: Sequence[dict[str, float]] = ()
    ) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise TrainingCancelled("Training was cancelled; nothing was saved.")
        if self.progress is not None:
            elapsed = time.perf_counter() - self.started
            self.progress(Progress.between_batches(phase, step, elapsed, tuple(history)))


def _prepare_all(
    dataset: Dataset,
    config: TrainingConfig,
    parent: str | None,
    home: str | os.PathLike | None,
    stage: _Stages,
) -> tuple[_Start, _Prepared, Baselines, dict[str, BaselineScores]]:
    """Where fitting starts, the split and encoded data, and the fitted and scored baselines."""
    stage(CONTINUING_STEP if parent else PREPARATION_STEPS[2])
    start = _start(parent, dataset, config, home)
    prepared = _prepare(dataset, config)
    _check_continuation(start, prepared, config)
    stage(PREPARATION_STEPS[3])
    baselines, baseline_scores = _fit_baselines(dataset, prepared, config)
    return start, prepared, baselines, baseline_scores


def train(
    dataset: Dataset,
    config: TrainingConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: Cancellation | None = None,
    name: str | None = None,
    home: str | os.PathLike | None = None,
    save: bool = True,
    parent: str | None = None,
    run_id: str | None = None,
) -> TrainingResult:
    """Train, score and (by default) save a classifier, with its baselines
    (:mod:`protviz.model.baselines`: fitted on the training split, scored on the test split).

    Args:
        dataset: The labeled data set (at least 2 classes).
        config: Hyper-parameters (default ``TrainingConfig()``); to continue a run, its
            :meth:`~protviz.core.config.TrainingConfig.continuation`.
        progress: Called with a :class:`~protviz.model.progress.Progress` after every batch.
        cancel: When set, training stops at the next batch with
            :class:`~protviz.model.progress.TrainingCancelled` and nothing is saved.
        name: User-facing run name (default: ``<arch> on <data set>``, ``<parent> (continued)``).
        home: Run store root (see :func:`protviz.core.store.store_root`).
        save: Save the run in the store.
        parent: A saved run to continue from its model and optimizer state, for more
            epochs on the same split; the new run records it (the parent is unchanged).
        run_id: The id to save the run under (default: new); a job chooses it at submission.

    Returns:
        The model, run record, test predictions and saved run.

    Raises:
        ProteinDataError: If the data cannot train a classifier or continue ``parent``.
        TrainingCancelled: If ``cancel`` was set.
    """
    config = config or TrainingConfig()
    require_classes(dataset)
    name = runs.check_name(name) if name is not None else None
    started = time.perf_counter()
    stage = _Stages(progress, cancel, started)
    keras.utils.set_random_seed(config.seed)
    start, prepared, baselines, baseline_scores = _prepare_all(dataset, config, parent, home, stage)
    stage(PREPARATION_STEPS[4])
    reporter = _reporter(progress, cancel, config, start)
    model, fitted = _fit(prepared, config, start, reporter)
    evaluated = _evaluate(model, prepared, config, reporter)
    stage("saving the run", "evaluate", reporter.history)
    timings = _timings(prepared, fitted, evaluated, started)
    parameters = int(model.count_params())
    outcome = _Outcome(prepared, fitted, evaluated, baseline_scores, timings, parameters)
    record = _run_record(dataset, config, name, start, outcome)
    predictions = _predictions(dataset, outcome)
    files = {runs.BASELINES_FILE: baselines_json(baselines)}
    run = None
    if save:
        run = runs.save_run(model, record, predictions, home=home, files=files, run_id=run_id)
    return TrainingResult(model, run.record if run else record, predictions, run, baselines)


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
