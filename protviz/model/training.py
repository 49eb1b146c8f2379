"""Train a classifier on a data set, score it, and save it as a run.

:func:`train` is the one entry point the app and the command line share:

1. split the data set (its own train/valid/test split, else a seeded
   stratified split),
2. encode and truncate the sequences and batch them by length
   (:mod:`protviz.model.encoding`),
3. build the architecture (:mod:`protviz.model.architectures`), fit it with early
   stopping on validation loss (best weights restored),
4. score the test split (accuracy, balanced accuracy, macro F1, Matthews
   correlation, per-class precision/recall/F1, confusion matrix),
5. save model, record and test predictions in the run store (:mod:`protviz.model.runs`).

Progress goes to a plain callable that receives a :class:`Progress` after
every batch; a ``threading.Event`` passed as ``cancel`` stops training at the
next batch with :class:`TrainingCancelled`, and nothing is saved. The Train
page runs :func:`train` in a background thread::

    cancel = threading.Event()
    result = train(dataset, TrainingConfig(arch="bilstm"), progress=latest.append,
                   cancel=cancel)
"""

from __future__ import annotations

import dataclasses
import os
import platform
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from protviz import __version__
from protviz.core.alphabet import PROTEIN_ALPHABET
from protviz.core.dataset import SPLITS, Dataset, ProteinDataError, require_classes
from protviz.core.errors import ProtvizError
from protviz.model.encoding import TRUNCATION_POLICIES, Truncation, check_truncation, encode_all

if TYPE_CHECKING:
    import keras

    from protviz.model.runs import RunInfo

ARCHITECTURE_NAMES = ("mean", "lstm", "bilstm", "conv_attention")


class TrainingConfigError(ProtvizError):
    """A hyper-parameter outside its valid range, with the valid range."""


class TrainingCancelled(Exception):
    """Training was cancelled through the ``cancel`` event; nothing was saved."""


@dataclass(frozen=True)
class TrainingConfig:
    """Every hyper-parameter of a training run (all stored in ``run.json``).

    Attributes:
        arch: ``mean``, ``lstm``, ``bilstm`` or ``conv_attention``.
        embedding_dim: Embedding size per residue.
        units: LSTM units per direction and dense units.
        dropout: Dropout rate (after the convolutions and before the classifier).
        conv_widths: Convolution widths (``conv_attention``).
        conv_filters: Filters per convolution width (``conv_attention``).
        epochs: Most epochs (early stopping may end sooner).
        batch_size: Sequences per batch.
        learning_rate: Adam learning rate.
        max_length: Longest sequence fed to the model; longer ones are truncated
            by ``truncation``. None: no truncation.
        truncation: ``ends`` (keep N- and C-terminal halves) or ``start``.
        class_weights: Weight classes inversely to their training frequency.
        valid_fraction: Validation share for a stratified split.
        test_fraction: Test share for a stratified split.
        use_dataset_split: Use the data set's own split when it has one.
        seed: Seed for the split, initial weights, shuffling and dropout.
        patience: Epochs without validation-loss improvement before stopping.
        time_budget_seconds: Stop after the last epoch that fits in this many
            seconds of training (judged by the previous epoch's duration); the
            first epoch always runs. None: no limit.
    """

    arch: str = "conv_attention"
    embedding_dim: int = 10
    units: int = 64
    dropout: float = 0.2
    conv_widths: tuple[int, ...] = (1, 3, 5, 9, 15, 21)
    conv_filters: int = 20
    epochs: int = 10
    batch_size: int = 32
    learning_rate: float = 1e-3
    max_length: int | None = 1000
    truncation: Truncation = "ends"
    class_weights: bool = False
    valid_fraction: float = 0.1
    test_fraction: float = 0.2
    use_dataset_split: bool = True
    seed: int = 0
    patience: int = 3
    time_budget_seconds: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "conv_widths", tuple(int(w) for w in self.conv_widths))
        if self.arch not in ARCHITECTURE_NAMES:
            raise TrainingConfigError(
                f"Unknown architecture {self.arch!r}; choose one of "
                f"{', '.join(ARCHITECTURE_NAMES)}."
            )
        for name in ("embedding_dim", "units", "conv_filters", "epochs", "batch_size", "patience"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise TrainingConfigError(f"{name} must be a whole number >= 1; got {value!r}.")
        if not self.conv_widths or min(self.conv_widths) < 1:
            raise TrainingConfigError(
                f"conv_widths must be positive widths such as (1, 3, 5, 9); got {self.conv_widths}."
            )
        if not 0.0 <= self.dropout < 1.0:
            raise TrainingConfigError(f"dropout must be in [0, 1); got {self.dropout!r}.")
        if not self.learning_rate > 0:
            raise TrainingConfigError(f"learning_rate must be > 0; got {self.learning_rate!r}.")
        for name in ("valid_fraction", "test_fraction"):
            if not 0.0 < getattr(self, name) < 1.0:
                raise TrainingConfigError(f"{name} must be in (0, 1); got {getattr(self, name)!r}.")
        if self.valid_fraction + self.test_fraction >= 0.9:
            raise TrainingConfigError(
                "valid_fraction + test_fraction must leave at least 10% for training; got "
                f"{self.valid_fraction} + {self.test_fraction}."
            )
        if self.time_budget_seconds is not None and not self.time_budget_seconds > 0:
            raise TrainingConfigError(
                f"time_budget_seconds must be > 0 or None; got {self.time_budget_seconds!r}."
            )
        if self.truncation not in TRUNCATION_POLICIES:
            raise TrainingConfigError(
                f"truncation must be one of {', '.join(TRUNCATION_POLICIES)}; got "
                f"{self.truncation!r}."
            )
        try:
            check_truncation(self.max_length, self.truncation)
        except ValueError as error:
            raise TrainingConfigError(str(error)) from None

    def to_dict(self) -> dict[str, Any]:
        """The configuration as JSON-serialisable data."""
        data = dataclasses.asdict(self)
        data["conv_widths"] = list(self.conv_widths)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingConfig:
        """Rebuild a configuration from :meth:`to_dict` output (unknown keys ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class Progress:
    """A snapshot of training, sent to the progress callable after every batch.

    Attributes:
        phase: ``train`` (fitting, validation included) or ``evaluate`` (test set).
        epoch: Current epoch, 1-based (0 during ``evaluate``).
        epochs: Most epochs.
        batch: Batches done in this epoch (or in evaluation).
        batches: Batches per epoch (or in evaluation).
        loss: Running mean training loss of this epoch (None during ``evaluate``).
        metrics: Other running metrics, e.g. ``{"accuracy": 0.8}``, plus
            ``val_loss``/``val_accuracy`` of the last finished epoch.
        elapsed_seconds: Seconds since training started.
        eta_seconds: Estimated seconds left in this phase (None until known).
        history: One dict per finished epoch (``epoch``, ``loss``, ``accuracy``,
            ``val_loss``, ``val_accuracy``), for live training curves.
    """

    phase: str
    epoch: int
    epochs: int
    batch: int
    batches: int
    loss: float | None
    metrics: dict[str, float]
    elapsed_seconds: float
    eta_seconds: float | None
    history: tuple[dict[str, float], ...] = ()

    @property
    def fraction(self) -> float:
        """Fraction of the phase done, 0 to 1 (for a progress bar)."""
        if self.phase == "evaluate":
            return self.batch / max(1, self.batches)
        done = (self.epoch - 1) * self.batches + self.batch
        return min(1.0, done / max(1, self.epochs * self.batches))


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class Split:
    """Indices of the sequences in each split.

    Attributes:
        train: Indices into the data set, shape ``(n_train,)``.
        valid: Shape ``(n_valid,)``.
        test: Shape ``(n_test,)``.
        source: ``dataset`` (the data set's own split) or ``stratified``.
        notes: Sentences about what was done (e.g. a validation set carved out).
    """

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    source: str
    notes: tuple[str, ...] = ()

    def sizes(self) -> dict[str, int]:
        """Sequences per split."""
        return {"train": len(self.train), "valid": len(self.valid), "test": len(self.test)}


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
    record: dict[str, Any]
    predictions: pd.DataFrame
    run: RunInfo | None = None

    @property
    def metrics(self) -> dict[str, Any]:
        """Test-set metrics."""
        return self.record["metrics"]


# --------------------------------------------------------------------------- splitting


def _carve(
    indices: np.ndarray, labels: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Split ``indices`` into (rest, carved), stratified when every class allows it."""
    from sklearn.model_selection import train_test_split

    if len(indices) < 2:
        return indices, indices[:0], False
    counts = Counter(labels[indices].tolist())
    carved_size = max(1, round(fraction * len(indices)))
    stratify = (
        labels[indices]
        if min(counts.values()) >= 2
        and len(indices) - carved_size >= len(counts)
        and carved_size >= len(counts)
        else None
    )
    rest, carved = train_test_split(
        indices, test_size=carved_size, random_state=seed, shuffle=True, stratify=stratify
    )
    return np.sort(rest), np.sort(carved), stratify is not None


def stratified_split(
    labels: Sequence[str],
    *,
    valid_fraction: float = 0.1,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> Split:
    """Split sequences into train, validation and test, keeping class proportions.

    Classes with fewer than 2 members (or splits too small to hold every
    class) make the split fall back to an unstratified shuffle, noted in
    :attr:`Split.notes`.

    Args:
        labels: Class label per sequence, length ``n``.
        valid_fraction: Share of all sequences for validation.
        test_fraction: Share of all sequences for testing.
        seed: Random seed; the same seed gives the same split.

    Returns:
        The split, with sorted index arrays.
    """
    label_array = np.asarray(labels)
    everything = np.arange(len(label_array))
    rest, test, stratified_test = _carve(everything, label_array, test_fraction, seed)
    train, valid, stratified_valid = _carve(
        rest, label_array, valid_fraction / (1.0 - test_fraction), seed
    )
    notes = ()
    if not (stratified_test and stratified_valid):
        notes = ("Some classes are too small to stratify; the split is a plain shuffle.",)
    return Split(train, valid, test, "stratified", notes)


def split_dataset(dataset: Dataset, config: TrainingConfig) -> Split:
    """Choose the training, validation and test sequences for a run.

    With ``config.use_dataset_split`` and a data set split, sequences marked
    ``train``/``valid``/``test`` are used as marked and other split values are
    left out. A missing validation (or test) part is carved out of the
    training part, stratified, with ``config.valid_fraction``
    (``config.test_fraction``). Otherwise the whole data set is split with
    :func:`stratified_split`.

    Args:
        dataset: The data set.
        config: Fractions, seed and ``use_dataset_split``.

    Returns:
        The split.

    Raises:
        ProteinDataError: If the data set's split has no training sequences.
    """
    labels = np.asarray(dataset.labels)
    if dataset.split is None or not config.use_dataset_split:
        return stratified_split(
            labels,
            valid_fraction=config.valid_fraction,
            test_fraction=config.test_fraction,
            seed=config.seed,
        )
    split = np.asarray(dataset.split)
    parts = {name: np.flatnonzero(split == name) for name in SPLITS}
    if len(parts["train"]) == 0:
        raise ProteinDataError(
            f"The split of '{dataset.name}' marks no sequence as 'train' (values found: "
            f"{', '.join(sorted(set(dataset.split)))}). Fix the split field or train with "
            "use_dataset_split=False for a stratified split."
        )
    notes: list[str] = []
    left_out = len(split) - sum(len(p) for p in parts.values())
    if left_out:
        notes.append(f"{left_out} sequence(s) with other split values were left out.")
    if len(parts["test"]) == 0:
        parts["train"], parts["test"], _ = _carve(
            parts["train"], labels, config.test_fraction, config.seed
        )
        notes.append(f"No test split: {config.test_fraction:.0%} of 'train' was held out.")
    if len(parts["valid"]) == 0:
        parts["train"], parts["valid"], _ = _carve(
            parts["train"], labels, config.valid_fraction, config.seed
        )
        notes.append(f"No validation split: {config.valid_fraction:.0%} of 'train' is used.")
    return Split(parts["train"], parts["valid"], parts["test"], "dataset", tuple(notes))


def balanced_class_weights(label_ids: np.ndarray, num_classes: int) -> np.ndarray:
    """Class weights ``n / (num_classes * count)`` (scikit-learn's ``balanced``).

    Args:
        label_ids: Class index per training sequence, shape ``(n,)``.
        num_classes: Number of classes.

    Returns:
        Weight per class, shape ``(num_classes,)``; classes absent from
        ``label_ids`` get weight 0.
    """
    counts = np.bincount(label_ids, minlength=num_classes).astype(float)
    weights = np.zeros(num_classes)
    present = counts > 0
    weights[present] = len(label_ids) / (present.sum() * counts[present])
    return weights


# --------------------------------------------------------------------------- metrics


def classification_metrics(
    true_ids: np.ndarray, probabilities: np.ndarray, class_names: Sequence[str]
) -> dict[str, Any]:
    """Score predictions with scikit-learn.

    Args:
        true_ids: True class index per sequence, shape ``(n,)``.
        probabilities: Predicted probabilities, shape ``(n, num_classes)``.
        class_names: Class names, length ``num_classes``.

    Returns:
        ``accuracy``, ``balanced_accuracy``, ``macro_f1``, ``mcc``, ``n``,
        ``per_class`` (name -> precision, recall, f1, support) and
        ``confusion_matrix`` (rows true, columns predicted, in class order).
    """
    from sklearn.metrics import (
        accuracy_score,
        balanced_accuracy_score,
        confusion_matrix,
        f1_score,
        matthews_corrcoef,
        precision_recall_fscore_support,
    )

    predicted = probabilities.argmax(axis=1)
    class_ids = list(range(len(class_names)))
    present = [i for i in class_ids if (true_ids == i).any()]
    with warnings.catch_warnings():
        # Tiny or one-class test sets make scikit-learn warn; the numbers stay defined.
        warnings.simplefilter("ignore")
        precision, recall, f1, support = precision_recall_fscore_support(
            true_ids, predicted, labels=class_ids, zero_division=0
        )
        return {
            "n": len(true_ids),
            "accuracy": float(accuracy_score(true_ids, predicted)),
            "balanced_accuracy": float(balanced_accuracy_score(true_ids, predicted)),
            "macro_f1": float(
                f1_score(true_ids, predicted, labels=present, average="macro", zero_division=0)
            ),
            "mcc": float(matthews_corrcoef(true_ids, predicted)),
            "per_class": {
                name: {
                    "precision": float(precision[i]),
                    "recall": float(recall[i]),
                    "f1": float(f1[i]),
                    "support": int(support[i]),
                }
                for i, name in enumerate(class_names)
            },
            "confusion_matrix": confusion_matrix(true_ids, predicted, labels=class_ids).tolist(),
        }


def predictions_frame(
    ids: Sequence[str],
    true_labels: Sequence[str],
    probabilities: np.ndarray,
    class_names: Sequence[str],
) -> pd.DataFrame:
    """Tabulate predictions: ``id``, ``true_label``, ``predicted_label``, probabilities.

    Args:
        ids: Sequence IDs, length ``n``.
        true_labels: True labels, length ``n``.
        probabilities: Shape ``(n, num_classes)``.
        class_names: Class names in output order.

    Returns:
        A frame with one ``probability:<class>`` column per class.
    """
    from protviz.model.runs import PROBABILITY_PREFIX

    frame = pd.DataFrame(
        {
            "id": list(ids),
            "true_label": list(true_labels),
            "predicted_label": [class_names[i] for i in probabilities.argmax(axis=1)],
        }
    )
    for index, name in enumerate(class_names):
        frame[f"{PROBABILITY_PREFIX}{name}"] = probabilities[:, index].round(6)
    return frame


# --------------------------------------------------------------------------- keras glue


def device_name() -> str:
    """Describe the device TensorFlow computes on, e.g. ``GPU (/physical_device:GPU:0)``."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return f"GPU ({', '.join(g.name for g in gpus)})"
    return f"CPU ({os.cpu_count()} cores, {platform.machine()})"


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries that shape a run."""
    import keras
    import sklearn
    import tensorflow as tf

    return {
        "python": platform.python_version(),
        "protviz": __version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "pandas": pd.__version__,
    }


def _callback_class():
    """Build the Keras callback class lazily (keras is imported only when training)."""
    import keras

    class ProgressAndCancel(keras.callbacks.Callback):
        """Report :class:`Progress` after every batch and honour the cancel event."""

        def __init__(
            self,
            report: ProgressCallback | None,
            cancel: threading.Event | None,
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
            self.history.append(
                {"epoch": epoch + 1, **{k: float(v) for k, v in (logs or {}).items()}}
            )
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

    return ProgressAndCancel


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
    from protviz.model.encoding import inference_dataset, restore_order

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
    import keras

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        jit_compile=False,
    )


# --------------------------------------------------------------------------- train


def train(
    dataset: Dataset,
    config: TrainingConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    name: str | None = None,
    home: str | os.PathLike | None = None,
    save: bool = True,
) -> TrainingResult:
    """Train, score and (by default) save a classifier.

    Args:
        dataset: The labeled data set (at least 2 classes).
        config: Hyper-parameters; defaults to ``TrainingConfig()``.
        progress: Called with a :class:`Progress` after every batch.
        cancel: When set, training stops at the next batch with
            :class:`TrainingCancelled` and nothing is saved.
        name: User-facing run name (default: architecture and data set).
        home: Run store root (see :func:`protviz.model.runs.store_root`).
        save: Save the run in the store.

    Returns:
        The model, run record, test predictions and saved run.

    Raises:
        ProteinDataError: If the data cannot train a classifier.
        TrainingCancelled: If ``cancel`` was set.
    """
    import keras

    from protviz.model import runs
    from protviz.model.architectures import build_model
    from protviz.model.encoding import training_dataset

    config = config or TrainingConfig()
    require_classes(dataset)
    name = runs.check_name(name) if name is not None else None
    started = time.perf_counter()
    keras.utils.set_random_seed(config.seed)
    split = split_dataset(dataset, config)
    labels = np.asarray(dataset.labels)
    used = np.concatenate([split.train, split.valid, split.test])
    class_names = sorted(set(labels[used].tolist()))
    class_index = {label: i for i, label in enumerate(class_names)}
    label_ids = np.array([class_index.get(label, -1) for label in labels], dtype=np.int32)
    tokens = encode_all(dataset.sequences, config.max_length, config.truncation)

    def pick(indices: np.ndarray) -> list[np.ndarray]:
        return [tokens[i] for i in indices]

    weights = None
    if config.class_weights:
        per_class = balanced_class_weights(label_ids[split.train], len(class_names))
        weights = per_class[label_ids[split.train]]
    train_data = training_dataset(
        pick(split.train),
        label_ids[split.train],
        batch_size=config.batch_size,
        sample_weights=weights,
        shuffle=True,
        seed=config.seed,
    )
    has_valid = len(split.valid) > 0
    valid_data = (
        training_dataset(
            pick(split.valid), label_ids[split.valid], batch_size=config.batch_size, shuffle=False
        )
        if has_valid
        else None
    )
    model = build_model(
        config.arch,
        len(class_names),
        embedding_dim=config.embedding_dim,
        units=config.units,
        dropout=config.dropout,
        conv_widths=config.conv_widths,
        conv_filters=config.conv_filters,
    )
    compile_model(model, config.learning_rate)
    batches = int(train_data.cardinality())
    reporter = _callback_class()(
        progress, cancel, config.epochs, batches, config.time_budget_seconds
    )
    callbacks: list = [reporter]
    if has_valid:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=config.patience, restore_best_weights=True
            )
        )
    fit_started = time.perf_counter()
    history = model.fit(
        train_data,
        validation_data=valid_data,
        epochs=config.epochs,
        callbacks=callbacks,
        shuffle=False,
        verbose=0,
    )
    train_seconds = time.perf_counter() - fit_started
    epochs_run = len(history.history.get("loss", []))

    evaluate_started = time.perf_counter()
    reporter.batches = -(-len(split.test) // 64) if len(split.test) else 0
    test_ids = label_ids[split.test]
    if len(split.test):
        probabilities = predict_probabilities(
            model,
            [dataset.sequences[i] for i in split.test],
            max_length=config.max_length,
            truncation=config.truncation,
            callbacks=[reporter],
        )
        metrics = classification_metrics(test_ids, probabilities, class_names)
    else:
        probabilities = np.zeros((0, len(class_names)), dtype=np.float32)
        metrics = {"n": 0}
    evaluate_seconds = time.perf_counter() - evaluate_started
    if cancel is not None and cancel.is_set():
        raise TrainingCancelled("Training was cancelled; nothing was saved.")

    history_rows = [
        {"epoch": epoch + 1, **{k: float(v[epoch]) for k, v in history.history.items()}}
        for epoch in range(epochs_run)
    ]
    val_losses = [row.get("val_loss") for row in history_rows]
    best_epoch = (
        int(np.nanargmin(np.array(val_losses, dtype=float))) + 1
        if has_valid and epochs_run
        else epochs_run
    )
    record: dict[str, Any] = {
        "name": name or f"{config.arch} on {dataset.name}"[: runs.MAX_NAME_LENGTH],
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": config.to_dict(),
        "alphabet": PROTEIN_ALPHABET,
        "pad_id": 0,
        "class_names": class_names,
        "dataset": {
            "name": dataset.name,
            "content_hash": dataset.content_hash,
            "sequences": len(dataset),
            "split_source": split.source,
            "split_notes": list(split.notes),
        },
        "split_sizes": split.sizes(),
        "metrics": metrics,
        "history": history_rows,
        "epochs_run": epochs_run,
        "stopped_for_time": reporter.stopped_for_time,
        "best_epoch": best_epoch,
        "parameters": int(model.count_params()),
        "timings": {
            "train_seconds": round(train_seconds, 3),
            "sequences_per_second": round(len(split.train) * epochs_run / train_seconds, 2)
            if train_seconds > 0
            else None,
            "evaluate_seconds": round(evaluate_seconds, 3),
            "total_seconds": round(time.perf_counter() - started, 3),
        },
        "device": device_name(),
        "versions": library_versions(),
    }
    predictions = predictions_frame(
        [dataset.ids[i] for i in split.test],
        [dataset.labels[i] for i in split.test],
        probabilities,
        class_names,
    )
    run = runs.save_run(model, record, predictions, home=home) if save else None
    if run is not None:
        record = run.record
    return TrainingResult(model, record, predictions, run)


# --------------------------------------------------------------------------- evaluate


def evaluate_dataset(
    model: keras.Model, record: dict[str, Any], dataset: Dataset, batch_size: int = 64
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
    class_names = list(record["class_names"])
    config = record.get("config", {})
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
        max_length=config.get("max_length"),
        truncation=config.get("truncation", "ends"),
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
    "Progress",
    "ProgressCallback",
    "Split",
    "TrainingCancelled",
    "TrainingConfig",
    "TrainingConfigError",
    "TrainingResult",
    "balanced_class_weights",
    "classification_metrics",
    "evaluate_dataset",
    "predict_probabilities",
    "split_dataset",
    "stratified_split",
    "train",
]
