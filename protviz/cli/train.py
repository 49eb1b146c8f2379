"""``python -m protviz train [FASTA]``: train a classifier and save it as a run."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from protviz.cli.common import load_dataset_from_args
from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.io.builtin import load_builtin
from protviz.model.progress import Progress
from protviz.model.training import train

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
)
"""``train`` options passed to :class:`TrainingConfig` as they are, when given."""


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Train and save a run; return its id, folder, metrics and timings."""
    dataset = _dataset(args)
    config = config_from_args(args)
    result = train(dataset, config, progress=ProgressBar(), name=args.name, home=args.home)
    record = result.record
    return {
        "run_id": record.run_id,
        "run_dir": str(result.run.path),
        "name": record.name,
        "arch": config.arch,
        "dataset": record.dataset.name,
        "split_sizes": record.split_sizes,
        "epochs_run": record.epochs_run,
        "metrics": record.metrics.headline(),
        "train_seconds": record.timings.train_seconds,
        "sequences_per_second": record.timings.sequences_per_second,
        "device": record.device,
    }


def _dataset(args: argparse.Namespace) -> Dataset:
    """The built-in data set (``--builtin``) or the FASTA file to train on."""
    if args.builtin:
        return load_builtin(args.builtin)
    if args.fasta is not None:
        dataset, _ = load_dataset_from_args(args, args.fasta)
        return dataset
    raise ProteinDataError(
        "Name a FASTA file to train on, or a built-in data set with "
        "--builtin motif / --builtin scl2205."
    )


def config_from_args(args: argparse.Namespace) -> TrainingConfig:
    """Build a :class:`~protviz.core.config.TrainingConfig` from ``train`` options."""
    options: dict[str, Any] = {"arch": args.arch}
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
    options["class_weights"] = args.class_weights
    options["use_dataset_split"] = not args.ignore_split
    return TrainingConfig(**options)


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
    metrics = result["metrics"]
    sizes = result["split_sizes"]
    return "\n".join(
        [
            f"saved run {result['run_id']} ({result['name']}) in {result['run_dir']}",
            f"{result['arch']} on {result['dataset']}: train {sizes['train']:,}, valid "
            f"{sizes['valid']:,}, test {sizes['test']:,}; {result['epochs_run']} epoch(s) in "
            f"{result['train_seconds']:.1f} s ({result['sequences_per_second']:.1f} seq/s, "
            f"{result['device']})",
            "test: "
            + ", ".join(f"{k} {v:.3f}" for k, v in metrics.items() if isinstance(v, int | float)),
        ]
    )
