"""Train the four architectures with the same settings and compare their embeddings.

This is the evidence behind the Compare page: test accuracy, embedding quality
(silhouette, 5-NN accuracy, trustworthiness of the 2-D PCA) of the averaged
and learned embeddings, and the order test (shuffled residues), per
architecture.

Usage::

    python bench/bench_compare.py --dataset motif --epochs 20 \
        --output bench/results/compare_motif.json
    python bench/bench_compare.py --dataset multiloc --epochs 60 --minutes-per-arch 8 \
        --output bench/results/compare_multiloc.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from protviz.analysis.compare import compare_runs, comparison_table, summary_sentences
from protviz.core.config import ARCHITECTURE_NAMES, TrainingConfig
from protviz.io.builtin import load_builtin
from protviz.io.fasta import read_labeled_fasta
from protviz.model.training import train

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"
FILES = {"multiloc": SHARED / "multiloc_hoglund2006_5959.fasta"}


def load(name: str):
    """A built-in data set or one of the shared real ones."""
    if name in FILES:
        dataset, _ = read_labeled_fasta(FILES[name])
        return dataset
    return load_builtin(name)


def main() -> None:
    """Train, compare, and write the results as JSON (and a Markdown table on stdout)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="motif", help="motif, scl2205 or multiloc")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--minutes-per-arch", type=float, default=None, help="time budget")
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--max-length", type=int, default=1000)
    parser.add_argument("--max-sequences", type=int, default=3000, help="embedded sample")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--home", type=Path, help="run store for the trained runs")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()

    dataset = load(args.dataset)
    home = args.home or args.output.with_suffix("").with_name(args.output.stem + "-runs")
    started = time.perf_counter()
    pairs = []
    for arch in ARCHITECTURE_NAMES:
        config = TrainingConfig(
            arch=arch,
            epochs=args.epochs,
            units=args.units,
            max_length=args.max_length,
            seed=args.seed,
            patience=5,
            time_budget_seconds=None
            if args.minutes_per_arch is None
            else args.minutes_per_arch * 60,
        )
        result = train(dataset, config, name=f"{arch} on {dataset.name}", home=str(home))
        print(
            f"{arch}: accuracy {result.metrics.accuracy:.3f} after "
            f"{result.record.epochs_run} epochs", file=sys.stderr, flush=True,
        )  # fmt: skip
        pairs.append((result.run, result.model))
    comparison = compare_runs(pairs, dataset, max_sequences=args.max_sequences, seed=args.seed)
    table = comparison_table(comparison)
    output = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python " + " ".join(sys.argv),
        "dataset": dataset.name,
        "sequences": len(dataset),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, CPU only",
        "wall_seconds": round(time.perf_counter() - started, 1),
        "table": json.loads(table.to_json(orient="index")),
        "epochs_run": {e.run.arch: e.run.record.epochs_run for e in comparison.runs},
        "summary": summary_sentences(comparison),
        "notes": comparison.notes,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(output, indent=2) + "\n")
    print(table.drop(columns=["architecture"]).T.to_string(float_format=lambda v: f"{v:.3f}"))
    for sentence in output["summary"]:
        print(f"- {sentence}")


if __name__ == "__main__":
    main()
