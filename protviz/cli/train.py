"""``python -m protviz train [FASTA]``: train a classifier and save it as a run."""

from __future__ import annotations

import argparse
from typing import Any

from protviz.cli.common import config_from_args, dataset_from_args
from protviz.model.progress import ProgressBar
from protviz.model.training import train

__all__ = ["ProgressBar", "format", "run"]


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Train and save a run; return its id, folder, metrics and timings."""
    dataset = dataset_from_args(args)
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
