"""Train the demo runs shipped in models/ (one per built-in data set).

The runs get fixed ids (``demo-motif-conv-attention``, ``demo-motif-mean``,
``demo-scl2205-conv-attention``) so that .gitignore keeps them and links to
them are stable. Everything is seeded, so the same command on the same
machine and library versions gives the same runs.

Each trains with its architecture's defaults (``TrainingConfig.for_architecture``:
early stopping, the plateau learning-rate schedule, the epoch and time caps,
automatic class weighting) and is saved with its baselines; only the sizes are
smaller, so that each run folder stays under 2 MB (the repository ships them),
and SCL2205 is truncated to 500 residues and trained under a time cap.

Usage::

    python bench/make_demo_runs.py                      # both, into models/
    python bench/make_demo_runs.py --only motif --force  # retrain one
    python bench/make_demo_runs.py --scl-minutes 40      # longer SCL2205 budget
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

from protviz.cli.train import ProgressBar, run_summary
from protviz.core.config import TrainingConfig
from protviz.core.store import DEFAULT_HOME
from protviz.io.builtin import load_builtin
from protviz.model import runs
from protviz.model.baselines import baselines_json
from protviz.model.training import train

DEMOS: dict[str, tuple[str, str, TrainingConfig]] = {
    "motif": (
        "demo-motif-conv-attention",
        "Demo: conv_attention on the motif toy",
        TrainingConfig.for_architecture(
            "conv_attention",
            embedding_dim=10,
            units=32,
            dropout=0.1,
            conv_widths=(1, 3, 5, 9),
            conv_filters=8,
            max_length=None,
            seed=0,
        ),
    ),
    "motif-mean": (
        "demo-motif-mean",
        "Demo: mean (averaged embeddings) on the motif toy",
        TrainingConfig.for_architecture(
            "mean", embedding_dim=10, units=32, dropout=0.1, max_length=None, seed=0
        ),
    ),
    "scl2205": (
        "demo-scl2205-conv-attention",
        "Demo: conv_attention on SCL2205",
        TrainingConfig.for_architecture(
            "conv_attention",
            embedding_dim=10,
            units=32,
            dropout=0.2,
            conv_widths=(1, 3, 5, 9, 15, 21),
            conv_filters=10,
            batch_size=64,
            max_length=500,
            seed=0,
        ),
    ),
}


def make_demo(key: str, home: Path, force: bool, minutes: float | None) -> dict:
    """Train one demo run and save it under its fixed id; return a summary."""
    run_id, name, config = DEMOS[key]
    if minutes is not None:
        config = TrainingConfig.from_dict({**config.to_dict(), "time_budget_seconds": minutes * 60})
    if (home / run_id).exists():
        if not force:
            raise SystemExit(f"{home / run_id} exists; pass --force to retrain it.")
        runs.delete_run(run_id, home)
    dataset = load_builtin(key.split("-")[0])  # "motif-mean" trains on "motif"
    started = time.perf_counter()
    result = train(dataset, config, progress=ProgressBar(), name=name, save=False)
    files = {runs.BASELINES_FILE: baselines_json(result.baselines)}
    run = runs.save_run(
        result.model, result.record, result.predictions, home=home, run_id=run_id, files=files
    )
    return {
        **run_summary(run.record, str(run.path)),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "bytes": {p.name: p.stat().st_size for p in run.path.iterdir()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="run store root")
    parser.add_argument("--only", choices=sorted(DEMOS), help="make only this demo run")
    parser.add_argument("--force", action="store_true", help="replace existing demo runs")
    parser.add_argument(
        "--scl-minutes",
        type=float,
        default=45.0,
        help="training time cap for SCL2205 in minutes (default 45)",
    )
    args = parser.parse_args()
    for key in [args.only] if args.only else list(DEMOS):
        minutes = args.scl_minutes if key == "scl2205" else None
        print(json.dumps(make_demo(key, args.home, args.force, minutes)), flush=True)


if __name__ == "__main__":
    main()
