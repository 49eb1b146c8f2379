"""Each architecture's training speed at its default size, for the Train page's estimate.

Trains every architecture with its default settings (:meth:`TrainingConfig.for_architecture`,
no early stopping, no time cap) for ``--epochs`` epochs on a seeded sample of SCL2205,
the way the app trains (:func:`protviz.model.training.train`, graph building of the first
epoch included, as in a saved run's timings), and writes the residues per second of
fitting, validation included, with the parameters and the device. The Train page scales
these (:func:`protviz.model.timing.estimate_training_time`) when no saved run of the
architecture says more.

Usage::

    python bench/bench_training_speed.py --output protviz/model/training_speeds.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from protviz.core.config import ARCHITECTURE_NAMES, TrainingConfig
from protviz.core.dataset import Dataset
from protviz.io.builtin import load_builtin
from protviz.model.training import device_name, library_versions, train


def sample(dataset: Dataset, size: int, seed: int) -> Dataset:
    """A seeded sample of ``size`` sequences (without the data set's own split)."""
    rows = np.sort(np.random.default_rng(seed).choice(len(dataset), size, replace=False))
    return Dataset.create(
        f"{dataset.name} sample of {size}",
        [dataset.ids[i] for i in rows],
        [dataset.sequences[i] for i in rows],
        [dataset.labels[i] for i in rows],
    )


def measure(dataset: Dataset, arch: str, epochs: int) -> dict[str, object]:
    """Train ``arch`` with its defaults; its speed, parameters and device."""
    config = TrainingConfig.for_architecture(
        arch, epochs=epochs, patience=epochs + 1, time_budget_seconds=None
    )
    record = train(dataset, config, save=False).record
    timings = record.timings
    print(f"{arch}: {timings.residues_per_second} residues/s", flush=True)
    return {
        "arch": arch,
        "residues_per_second": timings.residues_per_second,
        "sequences_per_second": timings.sequences_per_second,
        "parameters": record.parameters,
        "train_seconds": timings.train_seconds,
        "epochs": epochs,
        "batch_size": config.batch_size,
        "max_length": config.max_length,
        "device": record.device,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--sequences", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    dataset = sample(load_builtin("scl2205"), args.sequences, args.seed)
    speeds = [measure(dataset, arch, args.epochs) for arch in ARCHITECTURE_NAMES]
    result = {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": dataset.name,
        "command": "python bench/bench_training_speed.py --output "
        "protviz/model/training_speeds.json",
        "device": device_name(),
        "versions": library_versions(),
        "speeds": speeds,
    }
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
