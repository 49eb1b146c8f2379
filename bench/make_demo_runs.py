"""Train the demo runs shipped in models/ (one per built-in data set).

The runs get fixed ids (``demo-motif-conv-attention``, ``demo-motif-mean``,
``demo-scl2205-conv-attention``) so that .gitignore keeps them and links to
them are stable. Everything is seeded, so the same command on the same
machine and library versions gives the same runs.

Each trains with its architecture's defaults (``TrainingConfig.for_architecture``:
early stopping, the plateau learning-rate schedule, the epoch and time caps,
automatic class weighting) and is saved with its baselines; only the sizes are
smaller, so that each run folder stays small (the repository ships them: under 2 MB, and
3.4 MB for SCL2205 with its baselines and shipped vectors),
and SCL2205 is truncated to 500 residues and trained under a time cap.

The featured SCL2205 run also ships the vectors a first visit to it draws (the averaged
embeddings and the class probabilities of its 19,074 sequences, in its ``embeddings/``
cache folder, about 1.6 MB): computing them takes about 40 s of a 2-core CPU, and a
colleague's share link should not wait for that.

Usage::

    python bench/make_demo_runs.py                      # both, into models/
    python bench/make_demo_runs.py --only motif --force  # retrain one
    python bench/make_demo_runs.py --scl-minutes 40      # longer SCL2205 budget
    python bench/make_demo_runs.py --only scl2205 --baselines   # add baselines, no training
    python bench/make_demo_runs.py --only scl2205 --vectors     # the shipped vectors only
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from protviz.analysis.embeddings import run_embeddings
from protviz.cli.train import ProgressBar, run_summary
from protviz.core.config import TrainingConfig
from protviz.core.records import Metrics
from protviz.core.store import DEFAULT_HOME
from protviz.io.builtin import load_builtin
from protviz.model import runs
from protviz.model.baselines import baselines_json, fit_baselines, score_baselines
from protviz.model.saved import load_model
from protviz.model.splits import split_dataset
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


SHIPPED_VECTORS = {"scl2205": ("averaged", "probabilities")}
"""Per demo, the vectors shipped in its run folder (what a first visit to it draws)."""


def add_baselines(key: str, home: Path) -> dict:
    """Give a demo run saved before baselines existed its baselines, without training.

    The baselines are fitted on the run's own training split (recomputed from its
    recorded configuration and checked against its saved test predictions) and scored on
    its test split, exactly as :func:`protviz.model.training.train` does; the run is then
    saved again under its id with them (same model, record and predictions).
    """
    run_id = DEMOS[key][0]
    run = runs.get_run(run_id, home)
    record = run.record
    dataset = load_builtin(key.split("-")[0])
    split = split_dataset(dataset, record.config)
    predictions = runs.load_predictions(run_id, home)
    test_ids = [dataset.ids[i] for i in split.test]
    if test_ids != predictions["id"].astype(str).tolist():
        raise SystemExit(f"{run_id}: its test split cannot be recomputed; retrain it instead.")
    train_rows = list(split.train)
    baselines = fit_baselines(
        [dataset.sequences[i] for i in train_rows],
        [dataset.labels[i] for i in train_rows],
        record.class_names,
        seed=record.config.seed,
        class_weights=bool(
            record.config.class_weights if record.class_weighted is None else record.class_weighted
        ),
    )
    scores = score_baselines(
        baselines,
        [dataset.sequences[i] for i in split.test],
        [dataset.labels[i] for i in split.test],
        record.class_names,
    )
    for name, scored in scores.items():
        predictions[f"{runs.BASELINE_PREFIX}{name}"] = scored.predicted
    record = dataclasses.replace(
        record, baselines={name: Metrics.from_dict(s.metrics) for name, s in scores.items()}
    )
    model = load_model(run_id, home)
    runs.delete_run(run_id, home)
    files = {runs.BASELINES_FILE: baselines_json(baselines)}
    saved = runs.save_run(model, record, predictions, home=home, run_id=run_id, files=files)
    return {
        "run_id": run_id,
        "baselines": {name: s.metrics["accuracy"] for name, s in scores.items()},
        "accuracy": record.metrics.accuracy,
        "bytes": {p.name: p.stat().st_size for p in saved.path.iterdir() if p.is_file()},
    }


def ship_vectors(key: str, home: Path) -> dict:
    """Compute (or keep) the vectors a demo run ships in its ``embeddings/`` cache folder."""
    run_id = DEMOS[key][0]
    run = runs.get_run(run_id, home)
    dataset = load_builtin(key.split("-")[0])
    model = load_model(run_id, home)
    shapes = {
        kind: list(run_embeddings(run, dataset, kind, model=model).shape)
        for kind in SHIPPED_VECTORS.get(key, ())
    }
    folder = run.path / "embeddings"
    sizes = {p.name: p.stat().st_size for p in folder.glob("*.npy")} if folder.is_dir() else {}
    return {"run_id": run_id, "shapes": shapes, "bytes": sizes}


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
    parser.add_argument(
        "--baselines",
        action="store_true",
        help="only add baselines to demo runs saved without them (no training)",
    )
    parser.add_argument(
        "--vectors", action="store_true", help="only compute the vectors the demo runs ship"
    )
    args = parser.parse_args()
    for key in [args.only] if args.only else list(DEMOS):
        if args.baselines:
            print(json.dumps(add_baselines(key, args.home)), flush=True)
            continue
        if not args.vectors:
            minutes = args.scl_minutes if key == "scl2205" else None
            print(json.dumps(make_demo(key, args.home, args.force, minutes)), flush=True)
        if key in SHIPPED_VECTORS:
            print(json.dumps(ship_vectors(key, args.home)), flush=True)


if __name__ == "__main__":
    main()
