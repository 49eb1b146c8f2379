"""The typed record of a trained run: what ``run.json`` holds.

A :class:`RunRecord` is written by :func:`protviz.model.training.train` (and by
run uploads, :mod:`protviz.model.archive`), saved by the run store
(:mod:`protviz.model.runs`) and read by every page and command that shows a
run. :meth:`RunRecord.from_dict` reads every ``run.json`` protviz has written:

- records from :func:`~protviz.model.training.train` and the shipped demo runs,
- records of bare ``.keras`` uploads (a partial ``config``, no metrics or history),
- records of uploaded run zips (``imported_from``, ``imported``).

Missing optional entries get defaults; entries this version does not know are
kept in ``extra`` and written back by :meth:`RunRecord.to_dict`, so rewriting a
record (renaming a run) loses nothing. A record that cannot describe a usable
run (no class names, no architecture, no data set, a value of the wrong type)
raises :class:`RunRecordError` naming the entry and how to fix it.

Example::

    record = RunRecord.from_dict(json.loads(path.read_text()))
    record.config.arch, record.config.max_length, record.metrics.accuracy
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from protviz.core.alphabet import PROTEIN_ALPHABET
from protviz.core.config import SPLIT_KINDS, TrainingConfig
from protviz.core.errors import ProtvizError

RECORD_FILE = "run.json"
"""The record's file name in a run folder."""

SCHEMA_VERSION = 1
"""The record layout this protviz writes. Version 1 records carry no
``schema_version`` entry; a later layout writes its number."""

HEADLINE_METRICS: tuple[str, ...] = ("accuracy", "balanced_accuracy", "macro_f1", "mcc")
"""The test metrics shown first for every run, in display order."""

METRIC_LABELS: dict[str, str] = {
    "accuracy": "Test accuracy",
    "balanced_accuracy": "Balanced accuracy",
    "macro_f1": "Macro F1",
    "mcc": "Matthews correlation",
}
"""Display label of each of :data:`HEADLINE_METRICS`."""

STOP_REASONS: dict[str, str] = {
    "converged": "validation loss stopped improving (early stopping)",
    "epoch_cap": "it reached the epoch cap",
    "time_cap": "it reached the time cap",
    "cancelled": "it was stopped by hand",
}
"""Why training stopped (``run.json``'s ``stop_reason``) -> the reason in words."""

_FIX = "Export the run again from protviz, or correct run.json by hand."


class RunRecordError(ProtvizError):
    """A ``run.json`` that does not describe a usable run, naming the entry to fix."""


# --------------------------------------------------------------------------- reading JSON


class _Kind(NamedTuple):
    """A JSON value type, as named in error messages."""

    name: str
    accepts: Callable[[Any], bool]


TEXT = _Kind("text", lambda value: isinstance(value, str))
WHOLE = _Kind(
    "a whole number", lambda value: isinstance(value, int) and not isinstance(value, bool)
)
NUMBER = _Kind(
    "a number", lambda value: isinstance(value, int | float) and not isinstance(value, bool)
)
FLAG = _Kind("true or false", lambda value: isinstance(value, bool))
LIST = _Kind("a list", lambda value: isinstance(value, list | tuple))
OBJECT = _Kind("an object", lambda value: isinstance(value, Mapping))

_REQUIRED = object()


class _Fields:
    """Typed values out of one JSON object; every error names the entry (``dataset.name``)."""

    def __init__(self, data: Mapping[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix

    def get(self, key: str, kind: _Kind, default: Any = _REQUIRED, hint: str = _FIX) -> Any:
        """The value of ``key``; missing or null gives ``default`` (or an error if required)."""
        value = self.data.get(key)
        if value is None:
            if default is _REQUIRED:
                raise RunRecordError(f"{RECORD_FILE} has no '{self.prefix}{key}' entry. {hint}")
            return default
        _check(value, kind, f"{self.prefix}{key}", hint)
        return value

    def items(self, key: str, kind: _Kind, default: Any = _REQUIRED, hint: str = _FIX) -> list:
        """A list whose every item is of ``kind``."""
        values = self.get(key, LIST, default, hint)
        for index, value in enumerate(values):
            _check(value, kind, f"{self.prefix}{key}[{index}]", hint)
        return list(values)

    def mapping(self, key: str, kind: _Kind, default: Any = _REQUIRED) -> dict[str, Any]:
        """An object whose every value is of ``kind``."""
        values = self.get(key, OBJECT, default)
        for name, value in values.items():
            _check(value, kind, f"{self.prefix}{key}.{name}", _FIX)
        return dict(values)

    def nested(self, key: str, default: Any = _REQUIRED, hint: str = _FIX) -> _Fields:
        """The fields of the object under ``key``."""
        return _Fields(self.get(key, OBJECT, default, hint), f"{self.prefix}{key}.")

    def extra(self, record_type: type) -> dict[str, Any]:
        """The entries that are not fields of ``record_type`` (kept as they are)."""
        known = {f.name for f in dataclasses.fields(record_type)} - {"extra"}
        return {key: value for key, value in self.data.items() if key not in known}


def _check(value: Any, kind: _Kind, path: str, hint: str) -> None:
    if not kind.accepts(value):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise RunRecordError(f"{RECORD_FILE}: '{path}' must be {kind.name}, not {shown}. {hint}")


# --------------------------------------------------------------------------- writing JSON


def _plain(value: Any) -> Any:
    """JSON-ready data: records as dicts, tuples as lists."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _to_dict(record: Any) -> dict[str, Any]:
    """A record's fields as JSON-ready data, then its ``extra`` entries.

    A field marked ``optional`` in its metadata is left out while it holds its
    default, so records that never had it are written as they were read.
    """
    data = {}
    for spec in dataclasses.fields(record):
        value = getattr(record, spec.name)
        if spec.name == "extra" or (spec.metadata.get("optional") and value == _default(spec)):
            continue
        data[spec.name] = _plain(value)
    return {**data, **_plain(record.extra)}


def _default(spec: dataclasses.Field) -> Any:
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return spec.default


def _optional(default: Any) -> Any:
    """A field left out of :meth:`RunRecord.to_dict` while it holds ``default``."""
    return field(default=default, metadata={"optional": True})


def _extra() -> Any:
    return field(default_factory=dict)


# --------------------------------------------------------------------------- parts


@dataclass(frozen=True, kw_only=True)
class DatasetRef:
    """The data set a run was trained on (``run.json``'s ``dataset``).

    Attributes:
        name: The data set's name.
        content_hash: Its SHA-256 content hash (empty for bare-model uploads).
        sequences: Its number of sequences.
        split_source: ``dataset`` (its own split) or ``stratified``; empty when unknown.
        split_notes: Sentences about how the split was made.
        extra: Entries this version of protviz does not know, kept as they are.
    """

    name: str = ""
    content_hash: str = ""
    sequences: int = 0
    split_source: str = ""
    split_notes: tuple[str, ...] = ()
    extra: Mapping[str, Any] = _extra()

    def __post_init__(self) -> None:
        object.__setattr__(self, "split_notes", tuple(self.split_notes))

    @classmethod
    def from_fields(cls, fields: _Fields) -> DatasetRef:
        """Read the ``dataset`` object (see :meth:`RunRecord.from_dict`)."""
        return cls(
            name=fields.get("name", TEXT, ""),
            content_hash=fields.get("content_hash", TEXT, ""),
            sequences=fields.get("sequences", WHOLE, 0),
            split_source=fields.get("split_source", TEXT, ""),
            split_notes=fields.items("split_notes", TEXT, []),
            extra=fields.extra(cls),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return _to_dict(self)


@dataclass(frozen=True, kw_only=True)
class SplitInfo:
    """How a run's sequences were split (``run.json``'s ``split``).

    Runs saved before protviz offered other splits were all ``random`` (the data
    set's own split or a stratified one: ``dataset.split_source`` says which).

    Attributes:
        kind: ``random``, ``metadata`` or ``cluster`` (see
            :data:`~protviz.core.config.SPLIT_KINDS`).
        column: The metadata column whose groups were kept whole.
        identity: The identity threshold of a cluster split.
        method: How clusters were found: ``mmseqs2`` or ``kmer``.
        groups: Groups (or clusters) per split, ``train``, ``valid``, ``test``.
        extra: Entries this version of protviz does not know, kept as they are.
    """

    kind: str = "random"
    column: str | None = _optional(None)
    identity: float | None = _optional(None)
    method: str = _optional("")
    groups: Mapping[str, int] = field(default_factory=dict, metadata={"optional": True})
    extra: Mapping[str, Any] = _extra()

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", dict(self.groups))

    @classmethod
    def from_fields(cls, fields: _Fields) -> SplitInfo:
        """Read the ``split`` object."""
        kind = fields.get("kind", TEXT, "random")
        if kind not in SPLIT_KINDS:
            raise RunRecordError(
                f"{RECORD_FILE}: 'split.kind' must be one of {', '.join(SPLIT_KINDS)}; got "
                f"{kind!r}. {_FIX}"
            )
        return cls(
            kind=kind,
            column=fields.get("column", TEXT, None),
            identity=fields.get("identity", NUMBER, None),
            method=fields.get("method", TEXT, ""),
            groups=fields.mapping("groups", WHOLE, {}),
            extra=fields.extra(cls),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return _to_dict(self)


@dataclass(frozen=True, kw_only=True)
class Timings:
    """How long a run took, in seconds (``run.json``'s ``timings``); None when unknown.

    Attributes:
        train_seconds: Fitting, validation included.
        sequences_per_second: Training sequences per second of fitting.
        residues_per_second: Training residues (after truncation) per second of fitting,
            validation included (None for runs saved before it was recorded).
        evaluate_seconds: Scoring the test split.
        total_seconds: The whole of :func:`~protviz.model.training.train`.
        extra: Entries this version of protviz does not know, kept as they are.
    """

    train_seconds: float | None = None
    sequences_per_second: float | None = None
    evaluate_seconds: float | None = None
    residues_per_second: float | None = _optional(None)
    total_seconds: float | None = None
    extra: Mapping[str, Any] = _extra()

    @classmethod
    def from_fields(cls, fields: _Fields) -> Timings:
        """Read the ``timings`` object."""
        return cls(
            train_seconds=fields.get("train_seconds", NUMBER, None),
            sequences_per_second=fields.get("sequences_per_second", NUMBER, None),
            evaluate_seconds=fields.get("evaluate_seconds", NUMBER, None),
            total_seconds=fields.get("total_seconds", NUMBER, None),
            residues_per_second=fields.get("residues_per_second", NUMBER, None),
            extra=fields.extra(cls),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return _to_dict(self)


@dataclass(frozen=True, kw_only=True)
class Metrics:
    """Test-set scores of a run (``run.json``'s ``metrics``); None when not measured.

    A run without a test set has only ``n`` (0); a bare-model upload has none.

    Attributes:
        n: Test sequences scored.
        accuracy: Share of correct predictions.
        balanced_accuracy: Mean recall over the classes.
        macro_f1: Mean F1 over the classes present in the test set.
        mcc: Matthews correlation coefficient.
        per_class: Class name -> ``precision``, ``recall``, ``f1``, ``support``.
        confusion_matrix: Counts, rows true and columns predicted, in class order.
        intervals: Metric name -> ``(low, high)``, its bootstrap confidence
            interval over the test sequences (empty for runs saved before protviz
            computed them).
        confidence: The confidence level of ``intervals``, e.g. 0.95.
        extra: Entries this version of protviz does not know, kept as they are.
    """

    n: int | None = _optional(None)
    accuracy: float | None = _optional(None)
    balanced_accuracy: float | None = _optional(None)
    macro_f1: float | None = _optional(None)
    mcc: float | None = _optional(None)
    per_class: Mapping[str, Mapping[str, float]] = field(
        default_factory=dict, metadata={"optional": True}
    )
    confusion_matrix: tuple[tuple[int, ...], ...] = _optional(())
    intervals: Mapping[str, tuple[float, float]] = field(
        default_factory=dict, metadata={"optional": True}
    )
    confidence: float | None = _optional(None)
    extra: Mapping[str, Any] = _extra()

    def __post_init__(self) -> None:
        rows = tuple(tuple(row) for row in self.confusion_matrix)
        object.__setattr__(self, "confusion_matrix", rows)
        object.__setattr__(
            self, "per_class", {name: dict(scores) for name, scores in self.per_class.items()}
        )
        intervals = {name: tuple(bounds) for name, bounds in self.intervals.items()}
        object.__setattr__(self, "intervals", intervals)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Metrics:
        """Read :func:`~protviz.model.metrics.classification_metrics` output.

        Raises:
            RunRecordError: If a value has the wrong type.
        """
        return cls.from_fields(_Fields(data, "metrics."))

    @classmethod
    def from_fields(cls, fields: _Fields) -> Metrics:
        """Read the ``metrics`` object (or one baseline's scores)."""
        per_class = fields.nested("per_class", {})
        return cls(
            n=fields.get("n", WHOLE, None),
            **{name: fields.get(name, NUMBER, None) for name in HEADLINE_METRICS},
            per_class={name: per_class.mapping(name, NUMBER) for name in per_class.data},
            confusion_matrix=_confusion_matrix(fields),
            intervals=_intervals(fields),
            confidence=fields.get("confidence", NUMBER, None),
            extra=fields.extra(cls),
        )

    def headline(self) -> dict[str, float | None]:
        """The :data:`HEADLINE_METRICS` by name (None where not measured)."""
        return {name: getattr(self, name) for name in HEADLINE_METRICS}

    def interval(self, name: str) -> tuple[float, float] | None:
        """The confidence interval of metric ``name``, or None when it was not computed."""
        return self.intervals.get(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (metrics that were not measured are left out)."""
        return _to_dict(self)


def _confusion_matrix(fields: _Fields) -> list[list[int]]:
    """The ``confusion_matrix`` entry: a list of rows of whole numbers."""
    matrix = fields.items("confusion_matrix", LIST, [])
    for index, row in enumerate(matrix):
        for value in row:
            _check(value, WHOLE, f"{fields.prefix}confusion_matrix[{index}]", _FIX)
    return matrix


def _intervals(fields: _Fields) -> dict[str, tuple[float, float]]:
    """The ``intervals`` entry: metric name -> ``[low, high]``."""
    intervals = fields.nested("intervals", {})
    result = {}
    for name in intervals.data:
        bounds = intervals.items(name, NUMBER)
        if len(bounds) != 2:
            raise RunRecordError(
                f"{RECORD_FILE}: '{intervals.prefix}{name}' must be [low, high], not "
                f"{bounds!r}. {_FIX}"
            )
        result[name] = (bounds[0], bounds[1])
    return result


# --------------------------------------------------------------------------- the record


@dataclass(frozen=True, kw_only=True)
class RunRecord:
    """Everything known about a trained run (the content of ``run.json``).

    The truncation a run's model was trained with, which every reader must
    apply again, is ``config.max_length`` and ``config.truncation``.

    Attributes:
        name: The user-facing name.
        created: Creation time, ISO 8601 UTC.
        config: Every hyper-parameter.
        alphabet: The residue letters of token ids 1, 2, ... (0 is padding).
        pad_id: The padding token id.
        class_names: Class names in the order of the model's outputs.
        dataset: The data set it was trained on.
        split_sizes: Sequences per split (``train``, ``valid``, ``test``).
        split: How the sequences were split (kind, column or threshold, method,
            groups per split).
        metrics: Test-set scores.
        history: One mapping per epoch: ``epoch`` and the Keras logs (``loss``,
            ``accuracy``, ``val_loss``, ``val_accuracy``, ``learning_rate``, ...);
            with class weighting, losses and accuracies are weighted per class, on
            the validation sequences too.
        epochs_run: Epochs trained (early stopping may end sooner than ``config.epochs``).
        stopped_for_time: Whether the time cap ended training.
        best_epoch: The epoch whose weights were kept.
        stop_reason: Why training stopped, one of :data:`STOP_REASONS` (None for
            runs saved before protviz recorded it).
        still_improving: Whether validation loss had improved within the last
            ``config.patience`` epochs when training stopped, so that early
            stopping had not ended it: more epochs would likely help (None when
            unknown).
        class_weighted: Whether classes were weighted in training (None when unknown).
        class_weighting_reason: Why (or why not), e.g. ``largest/smallest training
            class = 3.0 > 1.5``.
        baselines: Baseline name (``composition``, ``kmer``) -> its scores on the
            same test sequences, with intervals (see
            :mod:`protviz.model.baselines`; the fitted baselines are in the run
            folder's ``baselines.json``). Empty for runs saved without them.
        parent: The run this one continued training from (None: trained from scratch).
        control_of: The run whose shuffled control this is: the same architecture and
            settings, trained and tested on residue-shuffled sequences (None: not a
            control).
        parameters: Trainable and other weights of the model.
        timings: How long training took.
        device: What it trained on, e.g. ``CPU (16 cores, x86_64)``.
        versions: Python and library versions.
        run_id: The run's id, set by the run store (None before saving).
        notes: Sentences shown with the run (e.g. what an upload lacks).
        imported_from: The run id an uploaded run had (None: not uploaded, or unknown).
        imported: When it was uploaded, ISO 8601 UTC.
        schema_version: The record layout (see :data:`SCHEMA_VERSION`).
        extra: Entries this version of protviz does not know, kept as they are.
    """

    name: str = ""
    created: str = ""
    config: TrainingConfig
    alphabet: str = PROTEIN_ALPHABET
    pad_id: int = 0
    class_names: tuple[str, ...]
    dataset: DatasetRef
    split_sizes: Mapping[str, int] = field(default_factory=dict)
    split: SplitInfo = field(default_factory=SplitInfo, metadata={"optional": True})
    metrics: Metrics = field(default_factory=Metrics)
    history: tuple[Mapping[str, float], ...] = ()
    epochs_run: int | None = None
    stopped_for_time: bool = False
    best_epoch: int | None = None
    stop_reason: str | None = _optional(None)
    still_improving: bool | None = _optional(None)
    class_weighted: bool | None = _optional(None)
    class_weighting_reason: str = _optional("")
    baselines: Mapping[str, Metrics] = field(default_factory=dict, metadata={"optional": True})
    parent: str | None = _optional(None)
    control_of: str | None = _optional(None)
    parameters: int | None = None
    timings: Timings = field(default_factory=Timings)
    device: str = ""
    versions: Mapping[str, str] = field(default_factory=dict)
    run_id: str | None = _optional(None)
    notes: tuple[str, ...] = _optional(())
    imported_from: str | None = _optional(None)
    imported: str | None = _optional(None)
    schema_version: int = _optional(SCHEMA_VERSION)
    extra: Mapping[str, Any] = _extra()

    def __post_init__(self) -> None:
        object.__setattr__(self, "class_names", tuple(self.class_names))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "history", tuple(dict(row) for row in self.history))
        object.__setattr__(self, "split_sizes", dict(self.split_sizes))
        object.__setattr__(self, "versions", dict(self.versions))
        object.__setattr__(self, "baselines", dict(self.baselines))

    @classmethod
    def from_dict(cls, data: Any) -> RunRecord:
        """Read a ``run.json`` object written by any version of protviz so far.

        Args:
            data: The parsed JSON.

        Returns:
            The record; missing optional entries get their defaults.

        Raises:
            RunRecordError: If the record lacks ``class_names``, ``config.arch``
                or ``dataset``, holds a value of the wrong type, or was written by
                a newer protviz. The message names the entry.
        """
        if not isinstance(data, Mapping):
            raise RunRecordError(f"{RECORD_FILE} must hold a JSON object. {_FIX}")
        fields = _Fields(data)
        return cls(
            schema_version=_schema_version(fields),
            name=fields.get("name", TEXT, ""),
            created=fields.get("created", TEXT, ""),
            config=_config(fields),
            alphabet=fields.get("alphabet", TEXT, PROTEIN_ALPHABET),
            pad_id=fields.get("pad_id", WHOLE, 0),
            class_names=_class_names(fields),
            dataset=DatasetRef.from_fields(fields.nested("dataset", hint=_DATASET_HINT)),
            split_sizes=fields.mapping("split_sizes", WHOLE, {}),
            split=SplitInfo.from_fields(fields.nested("split", {})),
            metrics=Metrics.from_fields(fields.nested("metrics", {})),
            history=fields.items("history", OBJECT, []),
            epochs_run=fields.get("epochs_run", WHOLE, None),
            stopped_for_time=fields.get("stopped_for_time", FLAG, False),
            best_epoch=fields.get("best_epoch", WHOLE, None),
            stop_reason=_stop_reason(fields),
            still_improving=fields.get("still_improving", FLAG, None),
            class_weighted=fields.get("class_weighted", FLAG, None),
            class_weighting_reason=fields.get("class_weighting_reason", TEXT, ""),
            baselines=_baselines(fields),
            parent=fields.get("parent", TEXT, None),
            control_of=fields.get("control_of", TEXT, None),
            parameters=fields.get("parameters", WHOLE, None),
            timings=Timings.from_fields(fields.nested("timings", {})),
            device=fields.get("device", TEXT, ""),
            versions=fields.mapping("versions", TEXT, {}),
            run_id=fields.get("run_id", TEXT, None),
            notes=fields.items("notes", TEXT, []),
            imported_from=fields.get("imported_from", TEXT, None),
            imported=fields.get("imported", TEXT, None),
            extra=fields.extra(cls),
        )

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data, as ``run.json`` holds it.

        ``RunRecord.from_dict(record.to_dict()) == record``, and a record read
        from a file written by protviz gives back the same data.
        """
        return _to_dict(self)


_DATASET_HINT = (
    'A run names the data set it was trained on, e.g. "dataset": {"name": "SCL2205", '
    '"content_hash": "", "sequences": 0}; add it, or export the run again from protviz.'
)
_CLASS_NAMES_HINT = (
    "A run lists its class names in the order of the model's outputs, e.g. "
    '"class_names": ["cytoplasm", "nucleus"]; add them, or export the run again from protviz.'
)
_ARCH_HINT = (
    'A run names its architecture, e.g. "config": {"arch": "conv_attention"}; add it, '
    "or export the run again from protviz."
)


def _schema_version(fields: _Fields) -> int:
    version = fields.get("schema_version", WHOLE, SCHEMA_VERSION)
    if version > SCHEMA_VERSION:
        raise RunRecordError(
            f"{RECORD_FILE} has schema_version {version}: it was written by a newer protviz, "
            f"which this one (schema version {SCHEMA_VERSION}) cannot read. Update protviz."
        )
    if version < 1:
        raise RunRecordError(f"{RECORD_FILE}: 'schema_version' must be 1 or more; got {version}.")
    return version


def _stop_reason(fields: _Fields) -> str | None:
    reason = fields.get("stop_reason", TEXT, None)
    if reason is not None and reason not in STOP_REASONS:
        raise RunRecordError(
            f"{RECORD_FILE}: 'stop_reason' must be one of {', '.join(STOP_REASONS)}; got "
            f"{reason!r}. {_FIX}"
        )
    return reason


def _baselines(fields: _Fields) -> dict[str, Metrics]:
    baselines = fields.nested("baselines", {})
    return {name: Metrics.from_fields(baselines.nested(name)) for name in baselines.data}


def _class_names(fields: _Fields) -> list[str]:
    names = fields.items("class_names", TEXT, hint=_CLASS_NAMES_HINT)
    if not names:
        raise RunRecordError(f"{RECORD_FILE}: 'class_names' is empty. {_CLASS_NAMES_HINT}")
    if len(set(names)) != len(names):
        raise RunRecordError(
            f"{RECORD_FILE}: 'class_names' lists a class twice ({', '.join(names)}); each "
            "output of the model needs its own name."
        )
    return names


_LEGACY_CONFIG = {"max_length": None, "lr_schedule": "constant", "time_budget_seconds": None}
"""What a ``config`` entry without these keys meant when it was written."""


def _config(fields: _Fields) -> TrainingConfig:
    """The training configuration; one without ``max_length`` was never truncated.

    Records of bare ``.keras`` uploads hold only ``arch``, ``embedding_dim`` and
    ``max_length``; the other hyper-parameters get their defaults. Records written
    before protviz had a learning-rate schedule or a time cap trained without them.
    """
    config = fields.nested("config", hint=_ARCH_HINT)
    config.get("arch", TEXT, hint=_ARCH_HINT)
    try:
        return TrainingConfig.from_dict({**_LEGACY_CONFIG, **config.data})
    except (ValueError, TypeError) as error:  # TrainingConfigError, or int() of a bad width
        raise RunRecordError(f"{RECORD_FILE}: 'config' is not valid: {error}") from None
