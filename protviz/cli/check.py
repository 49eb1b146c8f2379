"""``python -m protviz check FASTA``: validate a labeled FASTA file and summarise it."""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

from protviz.cli.common import load_dataset_from_args
from protviz.core.dataset import Dataset, require_classes


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Validate the file and return its summary and cleaning report."""
    dataset, report = load_dataset_from_args(args, args.fasta)
    require_classes(dataset)
    return {**dataset_summary(dataset), "report": report, "usable": True}


def dataset_summary(dataset: Dataset) -> dict[str, Any]:
    """Summarise a data set as JSON-serialisable numbers."""
    lengths = dataset.lengths
    summary: dict[str, Any] = {
        "name": dataset.name,
        "sequences": len(dataset),
        "classes": {str(k): int(v) for k, v in dataset.class_counts.items()},
        "length": {
            "min": int(lengths.min()),
            "median": float(sorted(lengths)[len(lengths) // 2]),
            "mean": round(float(lengths.mean()), 1),
            "max": int(lengths.max()),
        },
        "content_hash": dataset.content_hash,
        "metadata_columns": [str(c) for c in dataset.metadata.columns],
    }
    if dataset.split is not None:
        summary["split"] = dict(sorted(Counter(dataset.split).items()))
    return summary


def format(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``check``."""
    length = result["length"]
    lines = [
        f"{result['name']}: {result['sequences']:,} sequences, {len(result['classes'])} classes",
        f"length: min {length['min']}, median {length['median']:.0f}, "
        f"mean {length['mean']:.0f}, max {length['max']}",
        "classes:",
    ]
    width = max(len(c) for c in result["classes"])
    lines += [f"  {c:<{width}}  {n:>7,}" for c, n in result["classes"].items()]
    if "split" in result:
        lines.append(
            "split: " + ", ".join(f"{k or '(none)'} {v:,}" for k, v in result["split"].items())
        )
    messages = result["report"]["messages"]
    lines.append("cleaning:" if messages else "cleaning: nothing to report")
    lines += [f"  - {m}" for m in messages]
    return "\n".join(lines)
