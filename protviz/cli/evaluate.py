"""``python -m protviz evaluate RUN FASTA``: score a saved run on another labeled file."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from protviz.cli.common import load_dataset_from_args
from protviz.core.records import HEADLINE_METRICS
from protviz.model import runs, saved
from protviz.model.training import evaluate_dataset


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Score the run on the file; return its metrics and any unknown labels."""
    run_info = runs.get_run(args.run, args.home)
    dataset, _ = load_dataset_from_args(args, args.fasta)
    model = saved.load_model(run_info.run_id, args.home)
    metrics = evaluate_dataset(model, run_info.record, dataset)
    if metrics["unknown_labels"]:
        described = ", ".join(f"{k!r} ({v})" for k, v in metrics["unknown_labels"].items())
        print(
            f"warning: {metrics['left_out']} sequence(s) have labels the run was not trained on "
            f"and were left out of the scores: {described}. The run knows: "
            f"{', '.join(run_info.class_names)}.",
            file=sys.stderr,
        )
    return {
        "run_id": run_info.run_id,
        "name": run_info.name,
        "dataset": dataset.name,
        "metrics": metrics,
    }


def format(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``evaluate``."""
    metrics = result["metrics"]
    lines = [
        f"run {result['run_id']} ({result['name']}) on {result['dataset']}: "
        f"{metrics['scored']:,} sequence(s) scored, {metrics['left_out']:,} left out",
        ", ".join(f"{key} {metrics[key]:.3f}" for key in HEADLINE_METRICS),
    ]
    width = max(len(name) for name in metrics["per_class"])
    lines.append(f"  {'class':<{width}}  precision  recall     f1  support")
    lines += [
        f"  {name:<{width}}  {row['precision']:9.3f}  {row['recall']:6.3f}  {row['f1']:5.3f}"
        f"  {row['support']:7,}"
        for name, row in metrics["per_class"].items()
    ]
    return "\n".join(lines)
