"""Baselines on the benchmark data sets, with 95% bootstrap confidence intervals.

For each data set the split is the one a training run uses
(``protviz.model.training.split_dataset`` with the default ``TrainingConfig``):

- MultiLoc (5,959 proteins, no predefined split): stratified 70/10/20 with seed 0;
- DeepLoc 1.0 subset: ``train_*`` for training (10% carved out for validation),
  the official ``test`` partition for testing, ``setHARD`` left out;
- SCL2205 (built-in ``scl2205``): the official train / eval / held-out split;
- the motif toy (built-in ``motif``): stratified 70/10/20 with seed 0, and
  ``motif-pairs``, a split that keeps the two members of each pair together.
  The two members of a pair have the same composition and opposite labels, so
  when the stratified split puts one in training and the other in testing, a
  composition model learns the wrong answer for the test member: it scores
  *below* chance. With whole pairs on one side it scores exactly 0.5.

Both baselines (``protviz.model.baselines``) are fitted on the training part
only (the validation part is not used) and scored on the test part: accuracy,
macro F1, balanced accuracy and MCC with 95% percentile-bootstrap intervals
over the test sequences. Paired bootstrap comparisons: k-mer vs composition on
every data set, and each baseline vs every shipped demo run (``models/demo-*``)
trained on the same data set and tested on the same sequences.

Usage::

    python bench/bench_baselines.py --output bench/results/baselines.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from protviz.core.dataset import Dataset
from protviz.io.builtin import load_builtin
from protviz.io.fasta import read_labeled_fasta
from protviz.io.labels import LabelRule
from protviz.model.baselines import (
    BASELINE_NAMES,
    Baseline,
    BaselineScores,
    fit_baselines,
    save_baselines,
    score_baselines,
)
from protviz.model.bootstrap import Interval, bootstrap_interval, paired_difference
from protviz.model.runs import list_runs, load_predictions
from protviz.model.training import Split, TrainingConfig, split_dataset
from protviz.report.sentences import compare_sentence, interval_text

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "datasets"
METRICS = ("accuracy", "macro_f1", "balanced_accuracy", "mcc")
TABLE_METRICS = ("accuracy", "macro_f1", "balanced_accuracy")
BASELINE_PHRASES = {"composition": "amino-acid composition", "kmer": "a bag of 1-3-mers"}


def motif_pairs_split(dataset: Dataset) -> Split:
    """Every fifth pair of the motif toy for testing, the rest for training."""
    pair = dataset.metadata["pair"].to_numpy()
    test = np.flatnonzero(pair % 5 == 0)
    return Split(np.flatnonzero(pair % 5 != 0), test[:0], test, "pairs")


def read_shared(name: str, rule: LabelRule | None) -> Callable[[], Dataset]:
    return lambda: read_labeled_fasta(SHARED / name, rule)[0]


DATASETS: dict[str, tuple[Callable[[], Dataset], Callable[[Dataset], Split] | None]] = {
    "multiloc": (read_shared("multiloc_hoglund2006_5959.fasta", None), None),
    "deeploc": (
        read_shared(
            "deeploc1_partial_LA_plus_subset.fasta",
            LabelRule(kind="field", field=1, separator="|", split_field=2),
        ),
        None,
    ),
    "scl2205": (lambda: load_builtin("scl2205"), None),
    "motif": (lambda: load_builtin("motif"), None),
    "motif-pairs": (lambda: load_builtin("motif"), motif_pairs_split),
}
"""Data set key -> (loader, split function or None for the training split)."""


def demo_runs_on(dataset: Dataset, test_ids: list[str]) -> dict[str, list[str]]:
    """Predicted labels of shipped runs tested on exactly ``test_ids``, by run id."""
    found = {}
    for run in list_runs(ROOT / "models"):
        if run.record["dataset"]["content_hash"] != dataset.content_hash:
            continue
        predictions = load_predictions(run.run_id, ROOT / "models").set_index("id")
        if sorted(predictions.index) == sorted(test_ids):
            found[run.run_id] = predictions.loc[test_ids, "predicted_label"].tolist()
    return found


def comparisons(
    truth: list[str], predicted: dict[str, list[str]], args: argparse.Namespace
) -> list[dict[str, Any]]:
    """Paired comparisons of k-mer vs composition and of each baseline vs each run."""
    pairs = [("kmer", "composition")] + [
        (name, other)
        for other in predicted
        if other not in BASELINE_NAMES
        for name in BASELINE_NAMES
    ]
    results = []
    for first, second in pairs:
        for metric in ("accuracy", "macro_f1"):
            comparison = paired_difference(
                truth, predicted[first], predicted[second], metric, **resampling(args)
            )
            results.append(
                {
                    "a": first,
                    "b": second,
                    "metric": metric,
                    "difference": comparison.difference._asdict(),
                    "within_noise": comparison.within_noise,
                    "sentence": compare_sentence(
                        comparison,
                        BASELINE_PHRASES.get(first, first),
                        BASELINE_PHRASES.get(second, f"run {second}"),
                    ),
                }
            )
    return results


def network_points(key: str) -> dict[str, dict[str, float]]:
    """Test metrics of networks from ``bench_accuracy.py`` on the same split, by architecture.

    Those results store no per-sequence predictions, so they cannot be compared
    with a paired bootstrap; they are listed for reference.
    """
    points = {}
    for path in sorted((ROOT / "bench" / "results").glob(f"accuracy_{key}_*.json")):
        result = json.loads(path.read_text())
        points[result["arch"]] = {metric: result["metrics"][metric] for metric in METRICS}
    return points


def resampling(args: argparse.Namespace) -> dict[str, Any]:
    return {"n_resamples": args.resamples, "seed": args.seed}


def baseline_record(
    baseline: Baseline, scores: BaselineScores, truth: list[str], args: argparse.Namespace
) -> dict[str, Any]:
    settings = baseline.settings
    return {
        "fit_seconds": settings["fit_seconds"],
        "n_features": len(baseline.features),
        "C": settings["C"],
        "class_weight": settings["class_weight"],
        "iterations": settings["iterations"],
        "metrics": {
            metric: bootstrap_interval(
                truth, scores.predicted, metric, **resampling(args)
            )._asdict()
            for metric in METRICS
        },
    }


def bench_dataset(key: str, args: argparse.Namespace) -> dict[str, Any]:
    """Fit and score both baselines on one data set; compare them with shipped runs."""
    load, split_function = DATASETS[key]
    started = time.perf_counter()
    dataset = load()
    load_seconds = time.perf_counter() - started
    if split_function is None:
        split = split_dataset(dataset, TrainingConfig(seed=args.seed))
    else:
        split = split_function(dataset)
    sequences, labels = np.array(dataset.sequences), np.array(dataset.labels)
    baselines = fit_baselines(
        list(sequences[split.train]), list(labels[split.train]), dataset.classes, seed=args.seed
    )
    truth = labels[split.test].tolist()
    started = time.perf_counter()
    scores = score_baselines(baselines, list(sequences[split.test]), truth)
    predict_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        save_baselines(Path(folder) / "baselines.json", baselines)
        json_bytes = (Path(folder) / "baselines.json").stat().st_size
    predicted = {name: scores[name].predicted for name in BASELINE_NAMES}
    if split_function is None:
        test_ids = [dataset.ids[i] for i in split.test]
        predicted.update(demo_runs_on(dataset, test_ids))
    return {
        "dataset": key,
        "name": dataset.name,
        "networks_unpaired": network_points(key),
        "classes": len(dataset.classes),
        "split_source": split.source,
        "split_sizes": split.sizes(),
        "load_seconds": round(load_seconds, 2),
        "predict_seconds_both": round(predict_seconds, 2),
        "baselines_json_bytes": json_bytes,
        "baselines": {
            name: baseline_record(baselines[name], scores[name], truth, args)
            for name in BASELINE_NAMES
        },
        "comparisons": comparisons(truth, predicted, args),
    }


def markdown(results: list[dict[str, Any]]) -> str:
    """The results as a markdown table plus the comparison sentences."""
    header = ["data set", "n test", "baseline", *TABLE_METRICS, "fit s"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for result in results:
        for name, record in result["baselines"].items():
            cells = [
                result["dataset"],
                f"{result['split_sizes']['test']:,}",
                name,
                *(
                    interval_text(Interval(**record["metrics"][metric]), confidence=None)
                    for metric in TABLE_METRICS
                ),
                f"{record['fit_seconds']:.1f}",
            ]
            lines.append("| " + " | ".join(cells) + " |")
        for arch, metrics in result["networks_unpaired"].items():
            cells = [result["dataset"], "", f"network {arch} (no CI: predictions not stored)"]
            cells += [f"{metrics[metric]:.3f}" for metric in TABLE_METRICS] + [""]
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for result in results:
        lines += [f"- {result['dataset']}: {c['sentence']}" for c in result["comparisons"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", choices=sorted(DATASETS), default=list(DATASETS))
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, help="write the results as JSON here")
    args = parser.parse_args()
    results = []
    for key in args.datasets:
        results.append(bench_dataset(key, args))
        print(f"{key}: done", file=sys.stderr, flush=True)
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),
            "python": platform.python_version(),
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
        },
        "n_resamples": args.resamples,
        "seed": args.seed,
        "results": results,
    }
    print(markdown(results))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
