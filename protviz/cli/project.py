"""``python -m protviz project FILE``: 2-D/3-D coordinates of a vectors file."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from protviz.analysis.projection import ProjectionParams, project
from protviz.analysis.quality import embedding_quality
from protviz.io.vectors import file_format, read_vectors, write_vectors


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Project the vectors, write the coordinates, and measure the embedding."""
    file_format(args.out)
    rows, vectors, _ = read_vectors(args.file)
    params = ProjectionParams(
        method=args.method,
        dims=args.dims,
        perplexity=args.perplexity,
        n_neighbors=args.n_neighbors,
        min_dist=args.min_dist,
        metric=args.metric,
        seed=args.seed,
    )
    projection = project(vectors, params)
    axes = ["x", "y", "z"][: args.dims]
    write_vectors(args.out, rows["id"], rows["label"], projection.coordinates, axes)
    labels = rows["label"].to_numpy()
    quality = (
        embedding_quality(vectors, labels, projection.coordinates, metric=args.metric)
        if (labels != "").all()
        else None
    )
    for message in projection.messages:
        print(f"note: {message}", file=sys.stderr)
    return {
        "file": str(args.file),
        "out": str(args.out),
        "points": len(rows),
        "params": projection.params.relevant(),
        "messages": list(projection.messages),
        "explained_variance": list(projection.explained_variance),
        "quality": quality,
        "labels": int(np.unique(labels).size),
    }


def format(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``project``."""
    lines = [f"projected {result['points']:,} points ({result['params']}) to {result['out']}"]
    if result["quality"]:
        lines.append(
            "quality: "
            + ", ".join(
                f"{k} {'n/a' if v is None else f'{v:.3f}'}" for k, v in result["quality"].items()
            )
        )
    return "\n".join(lines)
