"""What a training run reports while it runs, and how it is cancelled (no TensorFlow).

:func:`protviz.model.training.train` sends a :class:`Progress` to a plain
callable after every batch, and raises :class:`TrainingCancelled` when its
``cancel`` event is set. The job queue (:mod:`protviz.model.jobs`) and the
command line's progress bar read these without importing Keras.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class TrainingCancelled(Exception):
    """Training was cancelled through the ``cancel`` event; nothing was saved."""


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
