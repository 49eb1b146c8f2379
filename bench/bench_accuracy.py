"""Test accuracy of each architecture on MultiLoc and DeepLoc, with a time budget.

- MultiLoc (Höglund et al. 2006; Sønderby et al. 2015 report 0.902): no
  predefined split, so a stratified split with a fixed seed: 20% test, 10%
  validation (for early stopping), 70% training.
- DeepLoc 1.0 subset (Almagro Armenteros et al. 2017 report ~0.78 on profiles):
  label = ID field 1, split = ID field 2; trained on the ``train_*`` splits
  (10% of them held out for validation), scored on ``test``; ``setHARD`` is
  left out.

Each run trains with protviz.model.training.train (early stopping on validation
loss, best weights restored) for at most ``--epochs`` epochs or until
``--time-budget-minutes`` of training time is spent, and scores the test split.

Usage::

    python bench/bench_accuracy.py --dataset multiloc --arch conv_attention \\
        --time-budget-minutes 30 --output bench/results/accuracy_multiloc_conv_attention.json
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

from protviz.cli.train import ProgressBar
from protviz.core.config import ARCHITECTURE_NAMES, TrainingConfig
from protviz.io.fasta import read_labeled_fasta
from protviz.io.labels import LabelRule
from protviz.model.training import train

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"
DATASETS = {
    "multiloc": (SHARED / "multiloc_hoglund2006_5959.fasta", None, 0.902),
    "deeploc": (
        SHARED / "deeploc1_partial_LA_plus_subset.fasta",
        LabelRule(kind="field", field=1, separator="|", split_field=2),
        0.78,
    ),
}
"""Data set key -> (file, label rule or None to detect, published accuracy)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="multiloc")
    parser.add_argument("--arch", choices=ARCHITECTURE_NAMES, default="conv_attention")
    parser.add_argument("--time-budget-minutes", type=float, default=30.0)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--patience", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--embedding-dim", type=int, default=20)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--conv-filters", type=int, default=20)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--max-length", type=int, default=1000, help="0 = no truncation")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, help="write the results as JSON here")
    args = parser.parse_args()

    path, rule, published = DATASETS[args.dataset]
    dataset, _ = read_labeled_fasta(path, rule)
    config = TrainingConfig(
        arch=args.arch,
        embedding_dim=args.embedding_dim,
        units=args.units,
        dropout=args.dropout,
        conv_filters=args.conv_filters,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        max_length=args.max_length or None,
        valid_fraction=0.1,
        test_fraction=0.2,
        patience=args.patience,
        seed=args.seed,
        time_budget_seconds=args.time_budget_minutes * 60,
    )
    result = train(dataset, config, progress=ProgressBar(), save=False)
    record = result.record
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "dataset": args.dataset,
        "published_accuracy": published,
        "arch": args.arch,
        "config": record.config.to_dict(),
        "split_sizes": record.split_sizes,
        "split_notes": list(record.dataset.split_notes),
        "epochs_run": record.epochs_run,
        "best_epoch": record.best_epoch,
        "stopped_for_time": record.stopped_for_time,
        "metrics": record.metrics.headline(),
        "timings": record.timings.to_dict(),
        "device": record.device,
        "parameters": record.parameters,
        "history": list(record.history),
    }
    text = json.dumps(summary, indent=2)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
