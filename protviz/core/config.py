"""The hyper-parameters of a training run, validated where they are made.

A :class:`TrainingConfig` is plain data (no TensorFlow): the Train page, the
command line and the job queue build one, :func:`protviz.model.training.train`
uses it, and every run stores it in its record (``run.json``'s ``config``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from protviz.core.errors import ProtvizError
from protviz.core.truncation import TRUNCATION_POLICIES, Truncation, truncation_problem

ARCHITECTURE_NAMES = ("mean", "lstm", "bilstm", "conv_attention")
"""The architectures :func:`protviz.model.architectures.build_model` builds."""

SPLIT_KINDS = ("random", "metadata", "cluster")
"""How a run's sequences are split (``TrainingConfig.split``): ``random`` (the data set's
own split when it has one and ``use_dataset_split`` allows it, else a seeded stratified
shuffle), ``metadata`` (whole groups of a metadata column on one side) or ``cluster``
(whole clusters of similar sequences on one side); see :mod:`protviz.model.splits`."""

DEFAULT_IDENTITY = 0.5
"""The identity threshold of a ``cluster`` split when none is chosen."""

LR_SCHEDULES = ("plateau", "constant")
"""Learning-rate schedules: halve on a validation-loss plateau, or keep it constant."""

ARCHITECTURE_DEFAULTS: dict[str, dict[str, Any]] = {
    "mean": {"learning_rate": 1e-2},
    "lstm": {"learning_rate": 3e-3},
    "bilstm": {"learning_rate": 3e-3},
    "conv_attention": {"learning_rate": 3e-3},
}
"""Architecture -> the defaults in which it differs from :class:`TrainingConfig`'s.

Chosen on quick checks (``bench/results/defaults_quick.json``, bench/bench_defaults.py):
averaging has few weights and a smooth loss and needs a large step (on a MultiLoc
subset 0.387 accuracy at 1e-2 against 0.317 at 3e-3); the recurrent models and
``conv_attention`` reach 1.000 on the motif toy at 3e-3 (``conv_attention`` fails at
1e-2), and the plateau schedule halves the rate from there.
"""

_LATER_FIELDS = ("split", "split_column", "identity", "shuffle_residues", "control_of")
"""Fields added after runs were first saved: :meth:`TrainingConfig.to_dict` leaves them out
while they hold their defaults, so a record read from an older ``run.json`` is written back
as it was."""

_ABSENT_MEANS = {"lr_schedule": "constant"}
"""Fields whose absence from an older ``run.json`` means a value other than today's default
(runs saved before the learning-rate schedule trained at a constant rate): read as that
value, and left out again when it holds it."""

_WHOLE_NUMBERS = ("embedding_dim", "units", "conv_filters", "epochs", "batch_size", "patience")


class TrainingConfigError(ProtvizError):
    """A hyper-parameter outside its valid range, with the valid range."""


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
        epochs: Most epochs (the epoch cap; early stopping usually ends sooner).
        batch_size: Sequences per batch.
        learning_rate: Adam's initial learning rate.
        lr_schedule: ``plateau``: halve the learning rate when validation loss has
            not improved for :attr:`lr_patience` epochs; ``constant``: never change it.
        max_length: Longest sequence fed to the model; longer ones are truncated
            by ``truncation``. None: no truncation.
        truncation: ``ends`` (keep N- and C-terminal halves) or ``start``.
        class_weights: Weight classes inversely to their training frequency: True,
            False, or None (automatic: weight them when the classes are imbalanced,
            see :func:`protviz.model.splits.class_weighting`).
        valid_fraction: Validation share for a stratified split.
        test_fraction: Test share for a stratified split.
        use_dataset_split: Use the data set's own split when it has one.
        seed: Seed for the split, initial weights, shuffling and dropout.
        patience: Epochs without validation-loss improvement before stopping
            (early stopping; the weights of the best epoch are kept).
        time_budget_seconds: The time cap: stop after the last epoch that fits in
            this many seconds of training (judged by the previous epoch's
            duration); the first epoch always runs. None: no limit.
        split: How to split the sequences, one of :data:`SPLIT_KINDS`.
        split_column: The metadata column whose groups a ``metadata`` split keeps
            whole (e.g. ``year``, ``lineage``, ``study``).
        identity: A ``cluster`` split's threshold: sequences at or above this
            identity (0 to 1) to one another end up on the same side.
        shuffle_residues: Train and test on residue-shuffled sequences (the
            shuffled control): composition kept, a fresh shuffle of every training
            sequence each epoch, validation and test sequences shuffled once with
            ``seed``.
        control_of: The run whose shuffled control this is (with
            ``shuffle_residues``), or None.
    """

    arch: str = "conv_attention"
    embedding_dim: int = 10
    units: int = 64
    dropout: float = 0.2
    conv_widths: tuple[int, ...] = (1, 3, 5, 9, 15, 21)
    conv_filters: int = 20
    epochs: int = 100
    batch_size: int = 32
    learning_rate: float = 3e-3
    lr_schedule: str = "plateau"
    max_length: int | None = 1000
    truncation: Truncation = "ends"
    class_weights: bool | None = None
    valid_fraction: float = 0.1
    test_fraction: float = 0.2
    use_dataset_split: bool = True
    seed: int = 0
    patience: int = 6
    time_budget_seconds: float | None = 1800.0
    split: str = "random"
    split_column: str | None = None
    identity: float = DEFAULT_IDENTITY
    shuffle_residues: bool = False
    control_of: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "conv_widths", tuple(int(w) for w in self.conv_widths))
        problem = (
            self._shape_problem()
            or self._rate_problem()
            or self._truncation_problem()
            or self._split_problem()
        )
        if problem is not None:
            raise TrainingConfigError(problem)

    def _shape_problem(self) -> str | None:
        """The architecture, whole-number sizes and convolution widths."""
        if self.arch not in ARCHITECTURE_NAMES:
            return (
                f"Unknown architecture {self.arch!r}; choose one of "
                f"{', '.join(ARCHITECTURE_NAMES)}."
            )
        for name in _WHOLE_NUMBERS:
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                return f"{name} must be a whole number >= 1; got {value!r}."
        if not self.conv_widths or min(self.conv_widths) < 1:
            return (
                f"conv_widths must be positive widths such as (1, 3, 5, 9); got {self.conv_widths}."
            )
        return None

    def _rate_problem(self) -> str | None:
        """Dropout, learning rate, split fractions and the time budget."""
        if not 0.0 <= self.dropout < 1.0:
            return f"dropout must be in [0, 1); got {self.dropout!r}."
        if not self.learning_rate > 0:
            return f"learning_rate must be > 0; got {self.learning_rate!r}."
        for name in ("valid_fraction", "test_fraction"):
            if not 0.0 < getattr(self, name) < 1.0:
                return f"{name} must be in (0, 1); got {getattr(self, name)!r}."
        if self.valid_fraction + self.test_fraction >= 0.9:
            return (
                "valid_fraction + test_fraction must leave at least 10% for training; got "
                f"{self.valid_fraction} + {self.test_fraction}."
            )
        if self.time_budget_seconds is not None and not self.time_budget_seconds > 0:
            return f"time_budget_seconds must be > 0 or None; got {self.time_budget_seconds!r}."
        if self.lr_schedule not in LR_SCHEDULES:
            schedules = ", ".join(LR_SCHEDULES)
            return f"lr_schedule must be one of {schedules}; got {self.lr_schedule!r}."
        if self.class_weights not in (True, False, None):
            return (
                "class_weights must be true, false or null (automatic); got "
                f"{self.class_weights!r}."
            )
        return None

    def _truncation_problem(self) -> str | None:
        """The truncation policy and ``max_length``."""
        if self.truncation not in TRUNCATION_POLICIES:
            return (
                f"truncation must be one of {', '.join(TRUNCATION_POLICIES)}; got "
                f"{self.truncation!r}."
            )
        return truncation_problem(self.max_length, self.truncation)

    def _split_problem(self) -> str | None:
        """The split kind, its column or threshold, and the shuffled control."""
        if self.split not in SPLIT_KINDS:
            return f"split must be one of {', '.join(SPLIT_KINDS)}; got {self.split!r}."
        if self.split == "metadata" and not self.split_column:
            return (
                "A metadata split needs the column whose groups stay whole, e.g. "
                "split_column='year'."
            )
        identity = self.identity
        if (
            not isinstance(identity, int | float)
            or isinstance(identity, bool)
            or not (0.0 < identity <= 1.0)
        ):
            return f"identity must be in (0, 1], e.g. 0.5 for 50%; got {self.identity!r}."
        if self.shuffle_residues not in (True, False):
            return f"shuffle_residues must be true or false; got {self.shuffle_residues!r}."
        if self.control_of is not None and not self.shuffle_residues:
            return "control_of names the parent of a shuffled control: set shuffle_residues too."
        return None

    @property
    def lr_patience(self) -> int:
        """Epochs without improvement before the ``plateau`` schedule halves the rate.

        Half the early-stopping patience, so the rate is lowered at least once
        before training stops.
        """
        return max(1, self.patience // 2)

    @classmethod
    def for_architecture(cls, arch: str, **values: Any) -> TrainingConfig:
        """The defaults of ``arch`` (:data:`ARCHITECTURE_DEFAULTS`) with ``values`` on top.

        Args:
            arch: The architecture.
            **values: Hyper-parameters by field name; those left out get the
                architecture's defaults.

        Returns:
            The configuration.

        Raises:
            TrainingConfigError: If a value is outside its valid range.
        """
        return cls(**{**ARCHITECTURE_DEFAULTS.get(arch, {}), **values, "arch": arch})

    def continuation(
        self, epochs_done: int, more_epochs: int, time_budget_seconds: float | None
    ) -> TrainingConfig:
        """The configuration that trains a run for ``more_epochs`` more epochs.

        Args:
            epochs_done: Epochs the run has trained.
            more_epochs: Epochs to add.
            time_budget_seconds: The time cap of the continuation (None: none).

        Returns:
            This configuration with the new epoch cap and time cap.

        Raises:
            TrainingConfigError: If ``more_epochs`` is below 1.
        """
        if not isinstance(more_epochs, int) or more_epochs < 1:
            raise TrainingConfigError(f"Continue for 1 epoch or more; got {more_epochs!r}.")
        return dataclasses.replace(
            self, epochs=epochs_done + more_epochs, time_budget_seconds=time_budget_seconds
        )

    def shuffled_control(self, run_id: str | None) -> TrainingConfig:
        """The configuration of the shuffled control of the run trained with this one.

        Args:
            run_id: The run it controls (None when it is not saved).

        Returns:
            This configuration, trained and tested on residue-shuffled sequences.
        """
        return dataclasses.replace(self, shuffle_residues=True, control_of=run_id)

    def to_dict(self) -> dict[str, Any]:
        """The configuration as JSON-serialisable data (the split and control fields only
        when they differ from their defaults)."""
        data = dataclasses.asdict(self)
        data["conv_widths"] = list(self.conv_widths)
        defaults = {f.name: f.default for f in dataclasses.fields(self)}
        for name in _LATER_FIELDS:
            if data[name] == defaults[name]:
                del data[name]
        for name, before in _ABSENT_MEANS.items():
            if data[name] == before:
                del data[name]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingConfig:
        """Rebuild a configuration from :meth:`to_dict` output (unknown keys ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**(_ABSENT_MEANS | {k: v for k, v in data.items() if k in names}))
