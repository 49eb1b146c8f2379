"""Projection time against size, openTSNE against scikit-learn, and embedding throughput.

1. PCA, t-SNE (openTSNE) and UMAP of N random 64-d vectors with 20 clusters,
   N = 1k, 10k, 50k (targets: t-SNE and UMAP of 50k each under 90 s).
2. openTSNE against scikit-learn's TSNE (Barnes-Hut) on the same 10k and 20k
   points (target: openTSNE at least 5x faster at 20k).
3. Embedding extraction throughput (sequences per second) for ``averaged`` and
   ``learned`` on SCL2205 with the shipped SCL2205 run.

Usage::

    python bench/bench_projection.py --output bench/results/projection.json
    python bench/bench_projection.py --sizes 1000,10000 --skip-sklearn --skip-embeddings \
        --output /tmp/quick.json
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

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from protviz.analysis.projection import ProjectionParams, project

SCL_RUN = "demo-scl2205-conv-attention"


def clustered_vectors(n: int, dims: int = 64, clusters: int = 20, seed: int = 0) -> np.ndarray:
    """``n`` points around ``clusters`` random centres, shape ``(n, dims)``."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 4, (clusters, dims))
    return (centres[rng.integers(0, clusters, n)] + rng.normal(0, 1, (n, dims))).astype(np.float32)


def timed(function, *args, **kwargs) -> tuple[float, object]:
    """Seconds one call takes, and its result."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return round(time.perf_counter() - started, 2), result


def projection_times(sizes: list[int]) -> dict:
    """Seconds for each method and size."""
    results: dict[str, dict[str, float]] = {}
    project(clustered_vectors(500), ProjectionParams(method="umap"))  # numba compiles once
    for n in sizes:
        vectors = clustered_vectors(n)
        for method in ("pca", "tsne", "umap"):
            seconds, _ = timed(project, vectors, ProjectionParams(method=method))
            results.setdefault(method, {})[str(n)] = seconds
            print(f"{method} {n}: {seconds} s", file=sys.stderr, flush=True)
    return results


def opentsne_against_sklearn(sizes: list[int]) -> dict:
    """openTSNE (through protviz) and scikit-learn's TSNE on the same points."""
    from sklearn.manifold import TSNE

    results = {}
    for n in sizes:
        vectors = clustered_vectors(n)
        ours, _ = timed(project, vectors, ProjectionParams(method="tsne"))
        theirs, _ = timed(
            TSNE(
                n_components=2, perplexity=30, random_state=0, n_jobs=os.cpu_count()
            ).fit_transform,
            vectors,
        )
        results[str(n)] = {
            "opentsne_seconds": ours,
            "sklearn_seconds": theirs,
            "speedup": round(theirs / ours, 2),
        }
        print(f"t-SNE {n}: openTSNE {ours} s, sklearn {theirs} s", file=sys.stderr, flush=True)
    return results


def embedding_throughput() -> dict:
    """Sequences per second for averaged and learned vectors of SCL2205."""
    from protviz.analysis.embeddings import model_embeddings
    from protviz.core.store import DEFAULT_HOME
    from protviz.io.builtin import load_builtin
    from protviz.model import runs, saved

    dataset = load_builtin("scl2205")
    run = runs.get_run(SCL_RUN, DEFAULT_HOME)
    model = saved.load_model(SCL_RUN, DEFAULT_HOME)
    config = run.record.config
    results = {"sequences": len(dataset), "run": SCL_RUN, "max_length": config.max_length}
    for kind in ("averaged", "learned"):
        seconds, _ = timed(
            model_embeddings,
            model,
            dataset.sequences,
            kind,
            max_length=config.max_length,
            truncation=config.truncation,
        )
        results[kind] = {
            "seconds": seconds,
            "sequences_per_second": round(len(dataset) / seconds, 1),
        }
        print(f"{kind}: {seconds} s", file=sys.stderr, flush=True)
    return results


def main() -> None:
    """Run the benchmarks and write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--sklearn-sizes", default="10000,20000")
    parser.add_argument("--skip-sklearn", action="store_true")
    parser.add_argument("--skip-embeddings", action="store_true")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    output = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python " + " ".join(sys.argv),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, CPU only",
        "vectors": "64-d, 20 Gaussian clusters, seed 0",
        "projection_seconds": projection_times([int(n) for n in args.sizes.split(",")]),
    }
    if not args.skip_sklearn:
        sizes = [int(n) for n in args.sklearn_sizes.split(",")]
        output["opentsne_vs_sklearn"] = opentsne_against_sklearn(sizes)
    if not args.skip_embeddings:
        output["embedding_throughput"] = embedding_throughput()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(output, indent=2) + "\n")
    print(json.dumps(output, indent=2))


if __name__ == "__main__":
    main()
