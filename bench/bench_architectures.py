"""Every architecture at its defaults against both baselines, per data set.

One run trains one architecture with ``TrainingConfig.for_architecture(arch)`` (the
defaults the Train page and ``python -m protviz train`` start from) and a time cap,
through :func:`protviz.model.training.train`, the code path the app and the command
line share. The baselines (amino-acid composition and 1-3-mer TF-IDF logistic
regression) are fitted by the same call on the same training split and scored on the
same test sequences. Each run writes ``architectures_<dataset>_<arch>.json`` in the
output folder: accuracy, balanced accuracy and macro F1 with 95% bootstrap intervals,
the baselines' scores, the epochs run, why training stopped, the training time, an
estimate of the time to the best epoch, the load average before and after, and the
per-epoch history.

Data sets and splits:

- ``multiloc``: MultiLoc (Höglund et al. 2006), stratified split with seed 0:
  70% training, 10% validation, 20% test.
- ``deeploc``: the DeepLoc 1.0 subset: trained on its ``train_*`` partitions
  (10% of them carved out for validation), scored on the official ``test``
  partition; ``setHARD`` is left out.
- ``scl2205``: SCL2205 with its official train / eval / held-out split (p-scldata).
- ``motif``: the built-in motif toy (stratified, seed 0).

Usage::

    nice python bench/bench_architectures.py --dataset multiloc --arch conv_attention \\
        --time-cap-minutes 30
    python bench/bench_architectures.py --table     # markdown tables of every result

For developing defaults, ``--subset N`` trains on a stratified subset of MultiLoc and
``--set NAME=VALUE`` (JSON value, repeatable) changes a default; such results go to
``..._subsetN_<changes>.json`` and carry the per-epoch validation history to judge
them by (never the test scores)::

    nice python bench/bench_architectures.py --subset 1500 --arch mean --time-cap-minutes 3 \
        --set embedding_dim=32 --set units=128
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench_accuracy import DATASETS as FASTA_DATASETS
from bench_defaults import load as load_multiloc

from protviz.cli.train import ProgressBar, run_summary
from protviz.core.config import ARCHITECTURE_NAMES, TrainingConfig
from protviz.core.dataset import Dataset
from protviz.io.builtin import load_builtin
from protviz.io.fasta import read_labeled_fasta
from protviz.model.training import train

RESULTS = Path(__file__).resolve().parent / "results"
PREFIX = "architectures_"


def _deeploc() -> Dataset:
    path, rule, _published = FASTA_DATASETS["deeploc"]
    dataset, _ = read_labeled_fasta(path, rule)
    return dataset


LOADERS: dict[str, Callable[[int | None], Dataset]] = {
    "multiloc": lambda subset: load_multiloc("multiloc", subset, 0),
    "deeploc": lambda _subset: _deeploc(),
    "scl2205": lambda _subset: load_builtin("scl2205"),
    "motif": lambda _subset: load_builtin("motif"),
}
"""Data set key -> loader (``subset`` applies to MultiLoc only)."""


def _load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def measure(
    dataset: Dataset, arch: str, time_cap_minutes: float, changes: dict[str, Any]
) -> dict[str, Any]:
    """Train ``arch`` at its defaults with a time cap (not saved) and summarise the run.

    Args:
        dataset: The data set (its own split is used when it has one).
        arch: The architecture.
        time_cap_minutes: The time cap.
        changes: Hyper-parameters to change from the defaults (empty: none).

    Returns:
        :func:`protviz.cli.train.run_summary` of the run, with the configuration, the
        split notes, an estimate of the seconds to the best epoch and the history.
    """
    config = TrainingConfig.for_architecture(
        arch, **changes, time_budget_seconds=time_cap_minutes * 60
    )
    record = train(dataset, config, progress=ProgressBar(), save=False).record
    summary = run_summary(record, "")
    train_seconds = record.timings.train_seconds or 0.0
    return {
        **summary,
        "config": config.to_dict(),
        "split_notes": list(record.dataset.split_notes),
        "seconds_to_best_epoch": round(train_seconds * record.best_epoch / record.epochs_run, 1),
        "history": list(record.history),
    }


def run(args: argparse.Namespace, arch: str) -> Path:
    """Train one cell of the table and write its JSON; returns the file written."""
    dataset = LOADERS[args.dataset](args.subset)
    changes = dict(_parse_change(text) for text in args.set or [])
    load_before = _load_average()
    result = measure(dataset, arch, args.time_cap_minutes, changes)
    row = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "dataset_key": args.dataset,
        "time_cap_minutes": args.time_cap_minutes,
        "changed_defaults": changes,
        "cpu_count": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": _load_average(),
        **result,
    }
    suffix = f"_subset{args.subset}" if args.subset else ""
    suffix += "".join(f"_{name}={value}" for name, value in changes.items())
    path = RESULTS / f"{PREFIX}{args.dataset}_{arch}{suffix}.json"
    path.write_text(json.dumps(row, indent=1) + "\n", encoding="utf-8")
    return path


def _parse_change(text: str) -> tuple[str, Any]:
    name, _, value = text.partition("=")
    return name.strip(), json.loads(value)


def _with_interval(scores: dict[str, Any], name: str) -> str:
    low, high = scores["intervals"][name]
    return f"{scores[name]:.3f} [{low:.3f}, {high:.3f}]"


def _table_row(name: str, scores: dict[str, Any], rest: str) -> str:
    return (
        f"| {name} | {_with_interval(scores, 'accuracy')} | {scores['balanced_accuracy']:.3f} "
        f"| {_with_interval(scores, 'macro_f1')} | {rest} |"
    )


def network_row(row: dict[str, Any]) -> str:
    """The markdown table row of one result file's network."""
    minutes = (row["train_seconds"] or 0) / 60
    stop = f"{row['stop_reason']} (best epoch {row['best_epoch']} of {row['epochs_run']})"
    load = "/".join(f"{value:.1f}" for value in row["load_average_after"])
    rest = f"{minutes:.1f} min (cap {row['time_cap_minutes']:g}) | {stop} | {load}"
    return _table_row(f"`{row['arch']}`", row["metrics"], rest)


def markdown_tables(folder: Path = RESULTS) -> str:
    """One markdown table per data set from every result file in ``folder`` (subsets left
    out): each architecture, then the baselines (the same split for every architecture)."""
    header = (
        "| model | accuracy [95% CI] | balanced accuracy | macro F1 [95% CI] | training time "
        "| stop reason | load average after (1/5/15 min) |\n|---|---|---|---|---|---|---|"
    )
    parts = []
    for key in LOADERS:
        paths = [folder / f"{PREFIX}{key}_{arch}.json" for arch in ARCHITECTURE_NAMES]
        rows = [json.loads(path.read_text(encoding="utf-8")) for path in paths if path.exists()]
        if not rows:
            continue
        sizes = rows[0]["split_sizes"]
        parts.append(f"### {rows[0]['dataset']} (train/valid/test {sizes})\n\n{header}")
        parts.extend(network_row(row) for row in rows)
        parts.extend(
            _table_row(f"{name} baseline", scores, " | | ")
            for name, scores in rows[0]["baselines"].items()
        )
        parts.append("")
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=sorted(LOADERS), default="multiloc")
    parser.add_argument("--arch", action="append", choices=ARCHITECTURE_NAMES)
    parser.add_argument("--time-cap-minutes", type=float, default=30.0)
    parser.add_argument("--subset", type=int, help="MultiLoc: this many sequences, stratified")
    parser.add_argument("--set", action="append", help="NAME=VALUE: change a default")
    parser.add_argument("--table", action="store_true", help="print the tables and stop")
    args = parser.parse_args()
    if args.table:
        print(markdown_tables())
        return
    for arch in args.arch or ARCHITECTURE_NAMES:
        path = run(args, arch)
        print(f"wrote {path}", flush=True)


if __name__ == "__main__":
    main()
