"""``python -m protviz train [FASTA]``: train a classifier and save it as a run.

``train --continue RUN [FASTA]`` trains a saved run for more epochs from its saved
model and optimizer state and saves the result as a new run whose ``parent`` is RUN.
The ``--json`` result carries the test scores with their 95% intervals, why
training stopped, and the baselines scored on the same test sequences.
"""

from __future__ import annotations

import argparse
from typing import Any

from protviz.cli.common import CONFIG_OPTIONS, config_from_args, dataset_from_args, scores_text
from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.core.records import STOP_REASONS, Metrics, RunRecord
from protviz.io.datastore import find_dataset
from protviz.model import runs
from protviz.model.progress import ProgressBar
from protviz.model.training import train
from protviz.report.sentences import split_text

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
    if parent is not None and not args.builtin and args.fasta is None:
        return find_dataset(parent.dataset.content_hash, args.home)
    return dataset_from_args(args)


def _refuse_settings(args: argparse.Namespace, rule: str, allowed: tuple[str, ...]) -> None:
    """Refuse hyper-parameter options other than ``allowed`` (a run's settings are kept)."""
    given = [
        f"--{name.replace('_', '-')}"
        for name in (
            *CONFIG_OPTIONS,
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
