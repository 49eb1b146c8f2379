"""Does each architecture, left at its defaults, train until it converges?

Quick checks behind :data:`protviz.core.config.ARCHITECTURE_DEFAULTS`: train each
architecture with ``TrainingConfig.for_architecture(arch)`` (optionally with another
learning rate) on the motif toy or on a stratified subset of MultiLoc, and record
test accuracy, balanced accuracy and macro F1 (with 95% intervals), the epochs run,
why training stopped, the training time and both baselines on the same split.
The big benchmarks (whole data sets, every architecture) are bench_accuracy.py's.

Usage::

    python bench/bench_defaults.py --dataset motif --output bench/results/defaults_motif.json
    python bench/bench_defaults.py --dataset multiloc --subset 1500 --arch mean \\
        --learning-rate 0.01 --learning-rate 0.003 --time-cap-minutes 8
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from protviz.cli.train import run_summary
from protviz.core.config import ARCHITECTURE_NAMES, TrainingConfig
from protviz.core.dataset import Dataset
from protviz.io.builtin import motif_position_dataset
from protviz.io.fasta import read_labeled_fasta
from protviz.model.splits import stratified_split
from protviz.model.training import train

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"
MULTILOC = SHARED / "multiloc_hoglund2006_5959.fasta"


def load(name: str, subset: int | None, seed: int) -> Dataset:
    """The motif toy, or a stratified subset of MultiLoc (all of it without ``subset``)."""
    if name == "motif":
        return motif_position_dataset()
    dataset, _ = read_labeled_fasta(MULTILOC, None)
    if subset is None or subset >= len(dataset):
        return dataset
    keep = np.sort(stratified_split(dataset.labels, test_fraction=subset / len(dataset),
                                    valid_fraction=0.05, seed=seed).test)  # fmt: skip
    return Dataset.create(
        f"{dataset.name} ({len(keep)} of {len(dataset)})",
        [dataset.ids[i] for i in keep],
        [dataset.sequences[i] for i in keep],
        [dataset.labels[i] for i in keep],
    )


def measure(dataset: Dataset, config: TrainingConfig) -> dict[str, Any]:
    """Train without saving; the scores with intervals, how training ended, the baselines."""
    record = train(dataset, config, save=False).record
    return {"learning_rate": config.learning_rate, **run_summary(record, "")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=("motif", "multiloc"), default="motif")
    parser.add_argument("--subset", type=int, help="MultiLoc: this many sequences, stratified")
    parser.add_argument("--arch", action="append", choices=ARCHITECTURE_NAMES)
    parser.add_argument(
        "--learning-rate", action="append", type=float, help="instead of the default (repeatable)"
    )
    parser.add_argument("--time-cap-minutes", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, help="append one JSON line per run here")
    args = parser.parse_args()
    dataset = load(args.dataset, args.subset, args.seed)
    for arch in args.arch or ARCHITECTURE_NAMES:
        defaults = TrainingConfig.for_architecture(arch)
        for rate in args.learning_rate or [defaults.learning_rate]:
            config = TrainingConfig.for_architecture(
                arch, learning_rate=rate, seed=args.seed,
                time_budget_seconds=args.time_cap_minutes * 60,
            )  # fmt: skip
            row = {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "dataset": dataset.name,
                "sequences": len(dataset),
                **measure(dataset, config),
            }
            line = json.dumps(row)
            print(line, flush=True)
            if args.output:
                with args.output.open("a", encoding="utf-8") as handle:
                    handle.write(line + "\n")


if __name__ == "__main__":
    main()
