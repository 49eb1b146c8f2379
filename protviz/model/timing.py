"""How long training will take: the live time-left estimate, and the estimate before
training starts (no TensorFlow).

:class:`TimeLeft` is fed the moments an epoch, a training batch and a validation
pass begin and end (as numbers from any clock: training passes
``time.perf_counter()``, tests pass made-up times) and estimates the time left in
fitting from the epochs seen so far, not from the start of the job. Start-up
(loading TensorFlow, encoding, the baselines, building the model) is never
counted, and the first epoch, which also builds the graphs, is used only until a
later epoch has been measured. Validation passes are counted at their measured
length. Under a time cap the estimate follows the cap's rule (training stops after
the epoch that the next one would not fit after) and never exceeds the time left
under it; with early stopping it is an upper bound.

Before training, :func:`estimate_training_time` scales a measured speed of the same
architecture (a saved run's residues per second, else the table that
``bench/bench_training_speed.py`` measured on the 2-core reference machine) by the
residues of an epoch and the model's parameters.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset
from protviz.core.records import RunRecord
from protviz.model.splits import split_dataset

EtaKind = Literal["", "upper_bound", "time_cap"]
"""What an estimate is: plain (``""``), an upper bound (early stopping may end training
sooner) or set by the time cap."""

RECENT_EPOCHS = 3
"""A training batch's time is the mean over at most this many of the latest epochs."""
PARTIAL_EPOCH_FRACTION = 0.25
"""An epoch in progress gives the batch time once this fraction of its batches is done
(while only the first epoch has ended)."""


@dataclass(frozen=True)
class Estimate:
    """The time left in fitting.

    Attributes:
        seconds: Seconds left, or None until one epoch has ended ("estimating...").
        kind: ``upper_bound`` when early stopping may end training sooner, ``time_cap``
            when the time cap ends it before the epoch cap, else ``""``.
    """

    seconds: float | None
    kind: EtaKind = ""


@dataclass
class _Epoch:
    """The measured parts of one epoch (seconds; None while not yet measured)."""

    started: float
    batches_done: int = 0
    last_batch_end: float | None = None
    training_seconds: float | None = None
    validation_started: float | None = None
    validation_seconds: float | None = None


class TimeLeft:
    """Estimate the time left in fitting from the epochs measured so far.

    Args:
        epochs: The epoch cap (counting a parent run's epochs, when continuing).
        started: When fitting started (the time cap counts from here).
        first_epoch: Epochs trained before this fit (a continued run's parent's).
        time_budget_seconds: The time cap, or None.
        validates: Whether every epoch ends with a validation pass.
        early_stopping: Whether early stopping may end training before the caps.
    """

    def __init__(
        self,
        epochs: int,
        started: float,
        *,
        first_epoch: int = 0,
        time_budget_seconds: float | None = None,
        validates: bool = False,
        early_stopping: bool = False,
    ) -> None:
        self.epochs = epochs
        self.started = started
        self.first_epoch = first_epoch
        self.time_budget_seconds = time_budget_seconds
        self.validates = validates
        self.early_stopping = early_stopping
        self.batches = 0
        self.epoch = first_epoch
        self._done: list[_Epoch] = []
        self._current: _Epoch | None = None

    # ----------------------------------------------------------------- events

    def epoch_begin(self, epoch: int, batches: int, now: float) -> None:
        """Epoch ``epoch`` (1-based, counting on from a parent) of ``batches`` batches began."""
        self.epoch, self.batches = epoch, batches
        self._current = _Epoch(started=now)

    def batch_end(self, batches_done: int, now: float) -> None:
        """``batches_done`` training batches of the current epoch have ended."""
        if self._current is not None:
            self._current.batches_done = batches_done
            self._current.last_batch_end = now

    def validation_begin(self, now: float) -> None:
        """The current epoch's validation pass began (its training batches are done)."""
        current = self._current
        if current is not None:
            current.validation_started = now
            current.training_seconds = now - current.started

    def validation_end(self, now: float) -> None:
        """The current epoch's validation pass ended."""
        current = self._current
        if current is not None and current.validation_started is not None:
            current.validation_seconds = now - current.validation_started

    def epoch_end(self, now: float) -> None:
        """The current epoch ended."""
        current = self._current
        if current is None:
            return
        if current.training_seconds is None:
            current.training_seconds = now - current.started
        self._done.append(current)
        self._current = None

    # ----------------------------------------------------------------- estimate

    def batch_seconds(self) -> float | None:
        """A training batch's time: from the latest ended epochs after the first one of this
        fit; while only the first has ended, from the epoch in progress once a quarter of
        it is done, else from the first. None before an epoch has ended."""
        later = [epoch for epoch in self._done[1:] if epoch.batches_done]
        if later:
            recent = later[-RECENT_EPOCHS:]
            return sum(e.training_seconds or 0.0 for e in recent) / sum(
                e.batches_done for e in recent
            )
        if not self._done or not self._done[0].batches_done:
            return None
        current = self._current
        if (
            current is not None
            and current.last_batch_end is not None
            and current.batches_done >= max(1, PARTIAL_EPOCH_FRACTION * self.batches)
        ):
            return (current.last_batch_end - current.started) / current.batches_done
        first = self._done[0]
        return (first.training_seconds or 0.0) / first.batches_done

    def validation_seconds(self) -> float:
        """A validation pass's time: the latest measured (the first only until a later one
        is; 0 before any)."""
        measured = [epoch.validation_seconds for epoch in self._done if epoch.validation_seconds]
        return measured[-1] if measured else 0.0

    def estimate(self, now: float) -> Estimate:
        """The time left in fitting at ``now``: the rest of this epoch (its batches and its
        validation pass) and every epoch the caps allow after it."""
        batch = self.batch_seconds()
        if batch is None:
            return Estimate(None)
        validation = self.validation_seconds() if self.validates else 0.0
        current = self._current
        done = current.batches_done if current is not None else self.batches
        validated = current is None or current.validation_started is not None
        this_epoch = max(0, self.batches - done) * batch + (0.0 if validated else validation)
        epoch_seconds = self.batches * batch + validation
        later = max(0, self.epochs - self.epoch)
        kind: EtaKind = "upper_bound" if self.early_stopping and later > 0 else ""
        budget = self.time_budget_seconds
        if budget is not None:
            elapsed = now - self.started
            fitting = int(max(0.0, budget - elapsed - this_epoch) // max(epoch_seconds, 1e-9))
            if fitting < later:
                later, kind = fitting, "time_cap"
            seconds = min(this_epoch + later * epoch_seconds, max(0.0, budget - elapsed))
            return Estimate(seconds, kind)
        return Estimate(this_epoch + later * epoch_seconds, kind)


# --------------------------------------------------------------------------- before training

SPEEDS_FILE = Path(__file__).with_name("training_speeds.json")
"""Each architecture's measured training speed at its default size on the 2-core
reference machine (written by ``bench/bench_training_speed.py``), used when no saved
run of the architecture says more."""
SHIPPED_SOURCE = "protviz's own measurement (bench/bench_training_speed.py)"
"""The source of a :func:`shipped_speeds` speed."""
PARAMETER_EXPONENTS = {"mean": 0.0}
"""How a training step's time grows with the parameters, per architecture (default 1:
in proportion). The mean model's time is reading and averaging the residues, whatever
its size."""


@dataclass(frozen=True)
class Speed:
    """A measured training speed of one architecture.

    Attributes:
        arch: The architecture.
        residues_per_second: Training residues per second of fitting, validation included.
        parameters: The measured model's parameters.
        device: What it ran on, e.g. ``CPU (2 cores, x86_64)``.
        source: Where the measurement comes from, for a person (``run 'bilstm on toy'``).
    """

    arch: str
    residues_per_second: float
    parameters: int
    device: str
    source: str


@dataclass(frozen=True)
class TrainingTime:
    """How long a training will take, before it starts.

    Attributes:
        epoch_seconds: One epoch, its validation included.
        epochs: The epochs the caps allow.
        seconds: All of them (never more than the time cap).
        capped_by_time: Whether the time cap, not the epoch cap, ends training.
        speed: The measurement the estimate is scaled from.
        residues: Training residues per epoch (after truncation).
        parameters: The model's parameters.
    """

    epoch_seconds: float
    epochs: int
    seconds: float
    capped_by_time: bool
    speed: Speed
    residues: int
    parameters: int


def training_residues(dataset: Dataset, config: TrainingConfig) -> int:
    """The residues one epoch trains on: the training split's sequences, truncated."""
    lengths = [len(dataset.sequences[i]) for i in split_dataset(dataset, config).train]
    if config.max_length:
        return sum(min(length, config.max_length) for length in lengths)
    return sum(lengths)


def run_speed(run_name: str, record: RunRecord) -> Speed | None:
    """A saved run's training speed (None for runs saved before residues per second were
    recorded)."""
    rate = record.timings.residues_per_second
    if not rate or not record.parameters:
        return None
    device = record.device or "an unrecorded device"
    return Speed(record.config.arch, rate, record.parameters, device, f"run '{run_name}'")


def shipped_speeds(path: Path = SPEEDS_FILE) -> list[Speed]:
    """The speeds measured by ``bench/bench_training_speed.py`` (none if the file is missing)."""
    try:
        rows = json.loads(path.read_text("utf-8"))["speeds"]
    except (OSError, ValueError, KeyError):
        return []
    return [
        Speed(row["arch"], float(row["residues_per_second"]), int(row["parameters"]),
              row["device"], SHIPPED_SOURCE)
        for row in rows
    ]  # fmt: skip


def choose_speed(arch: str, parameters: int, speeds: Sequence[Speed]) -> Speed | None:
    """The measurement to scale from: a saved run of the architecture with the closest
    number of parameters, else the shipped one (None when there is neither)."""
    same = [speed for speed in speeds if speed.arch == arch and speed.parameters > 0]
    if not same:
        return None

    def distance(speed: Speed) -> tuple[bool, float]:
        return speed.source == SHIPPED_SOURCE, abs(math.log(parameters / speed.parameters))

    return min(same, key=distance)


def estimate_training_time(
    config: TrainingConfig, parameters: int, residues: int, speeds: Sequence[Speed]
) -> TrainingTime | None:
    """How long training ``config`` will take: a measured speed of its architecture, scaled
    by the residues of an epoch and the model's parameters, for as many epochs as the caps
    allow (early stopping usually ends it sooner).

    Args:
        config: The settings.
        parameters: The model's parameters.
        residues: Training residues per epoch (:func:`training_residues`).
        speeds: The measurements to choose from (:func:`run_speed`, :func:`shipped_speeds`).

    Returns:
        The estimate, or None without a measurement of the architecture.
    """
    speed = choose_speed(config.arch, max(1, parameters), speeds)
    if speed is None:
        return None
    exponent = PARAMETER_EXPONENTS.get(config.arch, 1.0)
    scale = (max(1, parameters) / speed.parameters) ** exponent
    epoch_seconds = residues / speed.residues_per_second * scale
    epochs = config.epochs
    budget = config.time_budget_seconds
    capped = False
    if budget is not None and epoch_seconds > 0:
        fitting = max(1, int(budget // epoch_seconds))  # the cap's rule: see TimeLeft
        capped = fitting < epochs
        epochs = min(epochs, fitting)
    seconds = epochs * epoch_seconds
    if budget is not None:
        seconds = min(seconds, budget)
    return TrainingTime(epoch_seconds, epochs, seconds, capped, speed, residues, parameters)
