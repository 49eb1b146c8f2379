"""``python -m protviz train [FASTA]``: train a classifier and save it as a run.

``train --continue RUN [FASTA]`` trains a saved run for more epochs from its saved
model and optimizer state and saves the result as a new run whose ``parent`` is RUN.
The ``--json`` result carries the test scores with their 95% intervals, why
training stopped, and the baselines scored on the same test sequences.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from protviz.cli.common import load_dataset_from_args, scores_text
from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.core.records import STOP_REASONS, Metrics, RunRecord
from protviz.io.builtin import load_builtin
from protviz.io.datastore import find_dataset
from protviz.model import runs
from protviz.model.progress import Progress
from protviz.model.training import train
from protviz.report.sentences import split_text

_CONFIG_OPTIONS = (
    "epochs",
    "batch_size",
    "embedding_dim",
    "units",
    "dropout",
    "conv_filters",
    "learning_rate",
    "patience",
    "seed",
    "lr_schedule",
    "split",
    "identity",
)
"""``train`` options passed to :class:`TrainingConfig` as they are, when given."""

_CONTINUE_OPTIONS = ("epochs", "time_cap_minutes")
"""The only hyper-parameter options ``--continue`` takes (a continued run keeps the rest)."""


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Train (or continue, or train a shuffled control) and save a run; return its id,
    folder, scores and timings."""
    if args.shuffled_control and args.continue_from:
        raise ProteinDataError("Give --continue or --shuffled-control, not both.")
    parent = runs.get_run(args.continue_from, args.home) if args.continue_from else None
    controlled = runs.get_run(args.shuffled_control, args.home) if args.shuffled_control else None
    if controlled is not None:
        _refuse_settings(args, "--shuffled-control keeps the run's settings", ())
        dataset = _dataset(args, controlled.record)
        config = controlled.record.config.shuffled_control(controlled.run_id)
    else:
        dataset = _dataset(args, parent.record if parent else None)
        config = config_from_args(args) if parent is None else _continuation(args, parent.record)
    result = train(
        dataset,
        config,
        progress=ProgressBar(),
        name=args.name,
        home=args.home,
        parent=parent.run_id if parent else None,
    )
    return run_summary(result.record, str(result.run.path))


def run_summary(record: RunRecord, run_dir: str) -> dict[str, Any]:
    """What ``train`` prints about a saved run (the ``--json`` result)."""
    return {
        "run_id": record.run_id,
        "run_dir": run_dir,
        "name": record.name,
        "arch": record.config.arch,
        "dataset": record.dataset.name,
        "split_sizes": record.split_sizes,
        "split": record.split.to_dict(),
        "split_text": split_text(record),
        "control_of": record.control_of,
        "epochs_run": record.epochs_run,
        "best_epoch": record.best_epoch,
        "stop_reason": record.stop_reason,
        "still_improving": record.still_improving,
        "class_weighted": record.class_weighted,
        "parent": record.parent,
        "metrics": scores(record.metrics),
        "baselines": {name: scores(metrics) for name, metrics in record.baselines.items()},
        "train_seconds": record.timings.train_seconds,
        "sequences_per_second": record.timings.sequences_per_second,
        "device": record.device,
    }


def scores(metrics: Metrics) -> dict[str, Any]:
    """Headline metrics, the number of test sequences and the 95% intervals, as JSON."""
    return {
        "n": metrics.n,
        **metrics.headline(),
        "intervals": {name: list(bounds) for name, bounds in metrics.intervals.items()},
    }


def _dataset(args: argparse.Namespace, parent: RunRecord | None) -> Dataset:
    """The built-in data set (``--builtin``) or the FASTA file to train on; to continue a
    run without either, the saved or built-in data set it was trained on."""
    if args.builtin:
        return load_builtin(args.builtin)
    if args.fasta is not None:
        dataset, _ = load_dataset_from_args(args, args.fasta)
        return dataset
    if parent is not None:
        return find_dataset(parent.dataset.content_hash, args.home)
    raise ProteinDataError(
        "Name a FASTA file to train on, or a built-in data set with "
        "--builtin motif / --builtin scl2205."
    )


def _refuse_settings(args: argparse.Namespace, rule: str, allowed: tuple[str, ...]) -> None:
    """Refuse hyper-parameter options other than ``allowed`` (a run's settings are kept)."""
    given = [
        f"--{name.replace('_', '-')}"
        for name in (
            *_CONFIG_OPTIONS,
            "arch",
            "conv_widths",
            "max_length",
            "class_weights",
            "metadata_column",
        )
        if name not in allowed and getattr(args, name) is not None
    ]
    if args.ignore_split:
        given.append("--ignore-split")
    if given:
        extra = (
            " (only --epochs, the number of more epochs, and --time-cap-minutes apply)"
            if allowed
            else ""
        )
        raise ProteinDataError(f"{rule}; leave out {', '.join(given)}{extra}.")


def _continuation(args: argparse.Namespace, record: RunRecord) -> TrainingConfig:
    """The parent's configuration with ``--epochs`` more epochs and the ``--time-cap-minutes``."""
    _refuse_settings(args, "--continue keeps the run's settings", _CONTINUE_OPTIONS)
    config = record.config
    more = args.epochs if args.epochs is not None else config.epochs
    time_cap = config.time_budget_seconds
    if args.time_cap_minutes is not None:
        time_cap = args.time_cap_minutes * 60 or None
    return config.continuation(len(record.history), more, time_cap)


def config_from_args(args: argparse.Namespace) -> TrainingConfig:
    """Build a :class:`~protviz.core.config.TrainingConfig` from ``train`` options
    (those not given get the architecture's defaults)."""
    options: dict[str, Any] = {}
    for name in _CONFIG_OPTIONS:
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    if args.max_length is not None:
        options["max_length"] = args.max_length or None
    if args.conv_widths:
        try:
            options["conv_widths"] = tuple(int(w) for w in args.conv_widths.split(","))
        except ValueError:
            raise ProteinDataError(
                f"--conv-widths must be comma-separated whole numbers such as 1,3,5,9; got "
                f"{args.conv_widths!r}."
            ) from None
    if args.class_weights is not None:
        options["class_weights"] = args.class_weights
    if args.metadata_column is not None:
        options["split_column"] = args.metadata_column
    if args.time_cap_minutes is not None:
        options["time_budget_seconds"] = args.time_cap_minutes * 60 or None
    options["use_dataset_split"] = not args.ignore_split
    return TrainingConfig.for_architecture(args.arch or "conv_attention", **options)


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
        line = _progress_line(progress)
        if self.interactive:
            self.stream.write("\r" + line.ljust(100) + ("\n" if finished else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _progress_line(progress: Progress) -> str:
    """One line of progress: phase, bar, batches, loss, metrics and time left."""
    width = 24
    filled = round(width * progress.batch / max(1, progress.batches))
    bar = "#" * filled + "." * (width - filled)
    head = "test" if progress.phase == "evaluate" else f"epoch {progress.epoch}/{progress.epochs}"
    parts = [f"{head} [{bar}] {progress.batch}/{progress.batches}"]
    if progress.loss is not None:
        parts.append(f"loss {progress.loss:.4f}")
    parts += [f"{k} {v:.4f}" for k, v in progress.metrics.items()]
    if progress.eta_seconds is not None:
        parts.append(f"ETA {_duration(progress.eta_seconds)}")
    return "  ".join(parts)


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def format(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``train``."""
    sizes = result["split_sizes"]
    lines = [
        f"saved run {result['run_id']} ({result['name']}) in {result['run_dir']}",
        f"{result['arch']} on {result['dataset']}: train {sizes['train']:,}, valid "
        f"{sizes['valid']:,}, test {sizes['test']:,}; {result['epochs_run']} epoch(s) in "
        f"{result['train_seconds']:.1f} s ({result['sequences_per_second']:.1f} seq/s, "
        f"{result['device']})",
    ]
    if result["stop_reason"]:
        lines.append(stop_text(result["stop_reason"], result["still_improving"]))
    lines.append(f"split: {result['split_text']}")
    if result["control_of"]:
        lines.append(f"shuffled control of run {result['control_of']}")
    lines.append("test: " + scores_text(result["metrics"]))
    for name, baseline in result["baselines"].items():
        lines.append(f"{name} baseline: " + scores_text(baseline))
    return "\n".join(lines)


def stop_text(reason: str, still_improving: bool | None) -> str:
    """Why training stopped, and whether more epochs would likely help."""
    text = f"stopped because {STOP_REASONS.get(reason, reason)}"
    if still_improving:
        text += (
            "; validation loss was still improving: continue with "
            "`train --continue RUN_ID` for more epochs"
        )
    return text
