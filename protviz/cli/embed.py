"""``python -m protviz embed RUN FASTA``: per-sequence vectors of a saved run, to a file."""

from __future__ import annotations

import argparse
from typing import Any

from protviz.analysis.embeddings import run_embeddings
from protviz.cli.common import duplicates_from_args, indented_json, load_dataset_from_args
from protviz.core.dataset import Dataset
from protviz.io.fasta import parse_fasta
from protviz.io.vectors import file_format, write_vectors
from protviz.model import runs

_LABEL_OPTIONS = ("label_field", "label_key", "label_regex", "labels")


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Embed every sequence and write the table; return what was written."""
    file_format(args.out)
    run_info = runs.get_run(args.run, args.home)
    dataset = _dataset_for_embedding(args)
    vectors = run_embeddings(run_info, dataset, args.kind)
    if args.kind == "probabilities":
        columns = [f"p:{name}" for name in run_info.class_names]
    else:
        columns = [f"{args.kind}_{i}" for i in range(vectors.shape[1])]
    write_vectors(args.out, dataset.ids, dataset.labels, vectors, columns)
    return {
        "run_id": run_info.run_id,
        "kind": args.kind,
        "sequences": len(dataset),
        "features": int(vectors.shape[1]),
        "out": str(args.out),
    }


def _dataset_for_embedding(args: argparse.Namespace) -> Dataset:
    """The FASTA as a data set; without a label rule or detectable label, labels are empty."""
    explicit = any(getattr(args, option) not in (None, False) for option in _LABEL_OPTIONS)
    if not explicit:
        parsed = parse_fasta(args.fasta, duplicates=duplicates_from_args(args))
        if parsed.suggest_rule() is None:
            return Dataset.create(
                args.fasta.name, parsed.ids, parsed.sequences, [""] * len(parsed.ids)
            )
    dataset, _ = load_dataset_from_args(args, args.fasta)
    return dataset


def format(result: dict[str, Any]) -> str:
    """The result of ``embed`` as indented JSON."""
    return indented_json(result)
