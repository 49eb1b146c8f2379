"""``python -m protviz evaluate RUN FASTA``: score a saved run on another labeled file,
and its baselines (when it was saved with them) on the same sequences."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from protviz.cli.common import load_dataset_from_args, scores_text
from protviz.core.dataset import Dataset
from protviz.model import runs, saved
from protviz.model.baselines import run_baselines, score_baselines
from protviz.model.runs import RunInfo
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
        "baselines": baseline_metrics(run_info, dataset),
    }


def baseline_metrics(run: RunInfo, dataset: Dataset) -> dict[str, Any]:
    """The run's baselines scored on the sequences of ``dataset`` whose label the run knows
    (the same sequences as the network); empty for a run saved without baselines."""
    baselines = run_baselines(run)
    class_names = run.class_names
    known = [i for i, label in enumerate(dataset.labels) if label in class_names]
    if not baselines or not known:
        return {}
    scored = score_baselines(
        baselines,
        [dataset.sequences[i] for i in known],
        [dataset.labels[i] for i in known],
        class_names,
    )
    return {name: scores.metrics for name, scores in scored.items()}


def format(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``evaluate``."""
    metrics = result["metrics"]
    lines = [
        f"run {result['run_id']} ({result['name']}) on {result['dataset']}: "
        f"{metrics['scored']:,} sequence(s) scored, {metrics['left_out']:,} left out",
        scores_text(metrics),
    ]
    width = max(len(name) for name in metrics["per_class"])
    lines.append(f"  {'class':<{width}}  precision  recall     f1  support")
    lines += [
        f"  {name:<{width}}  {row['precision']:9.3f}  {row['recall']:6.3f}  {row['f1']:5.3f}"
        f"  {row['support']:7,}"
        for name, row in metrics["per_class"].items()
    ]
    for name, baseline in result["baselines"].items():
        lines.append(f"{name} baseline on the same sequences: {scores_text(baseline)}")
    return "\n".join(lines)
