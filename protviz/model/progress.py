"""What a training run reports while it runs, and how it is cancelled (no TensorFlow).

:func:`protviz.model.training.train` sends a :class:`Progress` to a plain
callable after every batch, and raises :class:`TrainingCancelled` when its
``cancel`` (any :class:`Cancellation`: a ``threading.Event``, or a training job's
cancel flag) is set. A training job's worker writes the progress to the job folder
(:meth:`Progress.to_dict`) and the pages read it back (:meth:`Progress.from_dict`);
neither they nor the command line's progress bar import Keras.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TextIO


class TrainingCancelled(Exception):
    """Training was cancelled through the ``cancel`` event; nothing was saved."""


class Cancellation(Protocol):
    """Something training asks, between batches, whether it should stop."""

    def is_set(self) -> bool:
        """Whether training should stop (a ``threading.Event`` is one)."""
        ...


@dataclass(frozen=True)
class Progress:
    """A snapshot of training, sent to the progress callable after every batch.

    Attributes:
        phase: ``prepare`` (reading and encoding the data, fitting the baselines,
            building the model: ``step`` says which), ``train`` (fitting, validation
            included) or ``evaluate`` (the test set).
        epoch: Current epoch, 1-based (0 while preparing and during ``evaluate``).
        epochs: Most epochs.
        batch: Batches done in this epoch (or in evaluation).
        batches: Batches per epoch (or in evaluation).
        loss: Running mean training loss of this epoch (None during ``evaluate``).
        metrics: Other running metrics, e.g. ``{"accuracy": 0.8}``, plus
            ``val_loss``/``val_accuracy`` of the last finished epoch.
        elapsed_seconds: Seconds since training started.
        eta_seconds: Estimated seconds left in this phase (None until known: training
            estimates it from the epochs seen so far, :mod:`protviz.model.timing`).
        history: One dict per finished epoch (``epoch``, ``loss``, ``accuracy``,
            ``val_loss``, ``val_accuracy``), for live training curves.
        step: What is being done now, for a person (e.g. ``fitting the baselines``).
        eta_kind: ``upper_bound`` (early stopping may end training sooner),
            ``time_cap`` (the time cap ends it) or ``""`` (see
            :class:`~protviz.model.timing.Estimate`).
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
    step: str = ""
    eta_kind: str = ""

    @classmethod
    def between_batches(
        cls,
        phase: str,
        step: str,
        elapsed_seconds: float,
        history: tuple[dict[str, float], ...] = (),
    ) -> Progress:
        """A snapshot of work outside the batches (preparing, scoring, saving): ``step``
        says what it is."""
        return cls(
            phase=phase, epoch=0, epochs=0, batch=0, batches=0, loss=None, metrics={},
            elapsed_seconds=elapsed_seconds, eta_seconds=None, history=history, step=step,
        )  # fmt: skip

    @property
    def fraction(self) -> float:
        """Fraction of the phase done, 0 to 1 (for a progress bar)."""
        if self.phase == "prepare":
            return 0.0
        if self.phase == "evaluate":  # a step after the test batches has none
            return self.batch / self.batches if self.batches else 1.0
        done = (self.epoch - 1) * self.batches + self.batch
        return min(1.0, done / max(1, self.epochs * self.batches))

    def to_dict(self) -> dict[str, Any]:
        """The snapshot as JSON-ready data."""
        data = dataclasses.asdict(self)
        data["history"] = [dict(epoch) for epoch in self.history]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Progress:
        """Read :meth:`to_dict` output (also that of earlier versions, without ``step`` and
        ``eta_kind``).

        Raises:
            KeyError, TypeError, ValueError: If an entry is missing or of the wrong type.
        """
        values = {
            field.name: data[field.name]
            for field in dataclasses.fields(cls)
            if field.name in data or field.name not in OPTIONAL_FIELDS
        }
        values["metrics"] = {str(k): float(v) for k, v in dict(values["metrics"]).items()}
        values["history"] = tuple(dict(epoch) for epoch in values["history"])
        return cls(**values)


PREPARATION_STEPS = (
    "starting the training process and loading TensorFlow",
    "reading the data set",
    "splitting and encoding the sequences",
    "fitting the baselines (amino-acid composition, 1-3-mers)",
    "building the model and compiling its first batch",
)
"""What happens before the first batch, in order (``Progress.step`` of ``prepare``
snapshots; the first is a job's before its worker writes any progress)."""
CONTINUING_STEP = "loading the run to continue, splitting and encoding the sequences"
"""The third step when a saved run is continued."""

OPTIONAL_FIELDS = ("step", "eta_kind")
"""Fields a ``progress.json`` written by an earlier version lacks."""

ProgressCallback = Callable[[Progress], None]


class ProgressBar:
    """Draw training progress on stderr (redrawn in place on a terminal)."""

    def __init__(self, stream: TextIO | None = None, interval: float = 0.25) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.interval = interval if self.interactive else 5.0
        self.last = 0.0
        self.last_epoch = 0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        new_epoch = progress.epoch != self.last_epoch
        finished = progress.batch == progress.batches
        if not (new_epoch or finished) and now - self.last < self.interval:
            return
        self.last, self.last_epoch = now, progress.epoch
        line = progress_line(progress)
        if self.interactive:
            self.stream.write("\r" + line.ljust(100) + ("\n" if finished else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def progress_line(progress: Progress) -> str:
    """One line of progress: phase, bar, batches, loss, metrics and time left."""
    width = 24
    filled = round(width * progress.batch / max(1, progress.batches))
    bar = "#" * filled + "." * (width - filled)
    if progress.phase == "prepare":
        return f"preparing: {progress.step}"
    head = "test" if progress.phase == "evaluate" else f"epoch {progress.epoch}/{progress.epochs}"
    parts = [f"{head} [{bar}] {progress.batch}/{progress.batches}"]
    if progress.loss is not None:
        parts.append(f"loss {progress.loss:.4f}")
    parts += [f"{k} {v:.4f}" for k, v in progress.metrics.items()]
    if progress.eta_seconds is not None:
        bound = "at most " if progress.eta_kind == "upper_bound" else ""
        parts.append(f"ETA {bound}{_duration(progress.eta_seconds)}")
    return "  ".join(parts)


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"
