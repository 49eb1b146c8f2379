"""Random against leak-free splits: how much the baselines' test accuracy drops.

For MultiLoc (5,959 proteins) and the DeepLoc 1.0 subset (its own partitions
ignored), the composition and 1-3-mer baselines (``protviz.model.baselines``) are
fitted on the training part of three splits of the whole set, each with the
default fractions (70/10/20) and seed 0, and scored on its test part:

- ``random``: the stratified split every run used so far;
- ``cluster`` at 50% and 30% identity (whole clusters on one side), with MMseqs2
  when ``mmseqs`` is on PATH and with the shared 5-mer fallback.

It prints and (with ``--output``) writes accuracy and macro F1 with 95% bootstrap
intervals, cluster counts and clustering time.

A split the app refuses (too few clusters for whole clusters on each side) is
recorded with the app's message. ``--resume`` keeps the rows already written to
``--output`` (it is rewritten after each row) and runs only the others.

Usage::

    python bench/bench_splits.py --output bench/results/splits.json [--resume]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from protviz.core.config import TrainingConfig
from protviz.io.fasta import read_labeled_fasta
from protviz.io.labels import LabelRule
from protviz.model import clusters
from protviz.model.baselines import fit_baselines, score_baselines
from protviz.model.splits import SplitError, split_dataset

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"
DATASETS = {
    "multiloc": (SHARED / "multiloc_hoglund2006_5959.fasta", None),
    "deeploc": (
        SHARED / "deeploc1_partial_LA_plus_subset.fasta",
        LabelRule(kind="field", field=1, separator="|", split_field=2),
    ),
}


def score(dataset, config: TrainingConfig) -> dict:
    """Split, fit both baselines on the training part, score them on the test part."""
    started = time.perf_counter()
    split = split_dataset(dataset, config)
    split_seconds = time.perf_counter() - started
    sequences, labels = dataset.sequences, dataset.labels
    names = sorted(set(labels))
    fitted = fit_baselines(
        [sequences[i] for i in split.train], [labels[i] for i in split.train], names, seed=0
    )
    scored = score_baselines(
        fitted, [sequences[i] for i in split.test], [labels[i] for i in split.test], names
    )
    return {
        "split": split.kind,
        "method": split.method,
        "identity": split.identity,
        "sizes": split.sizes(),
        "groups": dict(split.groups),
        "split_seconds": round(split_seconds, 1),
        "baselines": {
            name: {
                metric: [result.metrics[metric], *result.metrics["intervals"][metric]]
                for metric in ("accuracy", "macro_f1")
            }
            for name, result in scored.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=sorted(DATASETS))
    parser.add_argument("--output", type=Path)
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the rows already in --output (written after each row) and run the others",
    )
    args = parser.parse_args()
    methods = ["kmer"] + (["mmseqs2"] if clusters.shutil.which("mmseqs") else [])
    results = []
    if args.resume and args.output and args.output.exists():
        results = json.loads(args.output.read_text())
    done = {_setting(row) for row in results}
    for key in args.datasets:
        path, rule = DATASETS[key]
        dataset, _ = read_labeled_fasta(path, rule)
        settings = [("random", None, None)] + [
            ("cluster", identity, method) for identity in (0.5, 0.3) for method in methods
        ]
        for kind, identity, method in settings:
            if method is not None:
                clusters.available_method = lambda chosen=method: chosen
            if (key, kind, method or "", identity) in done:  # as _setting(row)
                continue
            config = TrainingConfig(
                split=kind, identity=identity or 0.5, use_dataset_split=False, seed=0
            )
            try:
                row = {"dataset": key, **score(dataset, config)}
            except SplitError as error:  # recorded: the app refuses this split the same way
                row = {
                    "dataset": key,
                    "split": kind,
                    "method": method,
                    "identity": identity,
                    "refused": str(error),
                }
            print(json.dumps(row), flush=True)
            results.append(row)
            if args.output:
                args.output.write_text(json.dumps(results, indent=2) + "\n")


def _setting(row: dict) -> tuple:
    """What a result row measured: data set, split, clustering method, identity."""
    return row["dataset"], row["split"], row["method"], row["identity"]


if __name__ == "__main__":
    main()
