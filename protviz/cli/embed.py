"""``python -m protviz embed [RUN] FASTA``: per-sequence vectors, to a file or a Projector folder.

The run kinds (``averaged``, ``learned``, ``probabilities``) need a saved run and
are computed by :mod:`protviz.cli.embed_run`, which loads TensorFlow; ``--kind
kmer`` needs none and runs here, without TensorFlow. ``--out`` writes a vectors
table (see :mod:`protviz.io.vectors`); ``--projector DIR`` writes the three files
of the TensorFlow Embedding Projector (see :mod:`protviz.io.exports`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from protviz.analysis.kinds import RUN_KINDS
from protviz.analysis.kmer import kmer_embeddings
from protviz.cli.common import duplicates_from_args, indented_json, load_dataset_from_args
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.io.builtin import load_builtin
from protviz.io.exports import projector_files, projector_metadata
from protviz.io.fasta import parse_fasta
from protviz.io.vectors import file_format, write_vectors
from protviz.model.runs import RunInfo

_LABEL_OPTIONS = ("label_field", "label_key", "label_regex", "labels")


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Compute the k-mer profiles and write the table and/or Projector files."""
    check_outputs(args)
    _, dataset = inputs(args)
    profile = kmer_embeddings(dataset.sequences, seed=args.seed)
    return write_outputs(args, dataset, profile.vectors, list(profile.messages))


def write_outputs(
    args: argparse.Namespace,
    dataset: Dataset,
    vectors: np.ndarray,
    messages: list[str],
    run_info: RunInfo | None = None,
    probabilities: np.ndarray | None = None,
) -> dict[str, Any]:
    """Write the vectors where ``args`` says; return what was written.

    Args:
        args: The command's arguments.
        dataset: The sequences embedded.
        vectors: Shape ``(len(dataset), d)``.
        messages: Notes printed on stderr and returned.
        run_info: The run, for run kinds.
        probabilities: The run's predictions (for the Projector's metadata), if any.
    """
    for message in messages:
        print(f"note: {message}", file=sys.stderr)
    if args.out is not None:
        write_vectors(
            args.out, dataset.ids, dataset.labels, vectors, _columns(args, run_info, vectors)
        )
    if args.projector is not None:
        _write_projector(args, run_info, dataset, vectors, probabilities)
    return {
        "run_id": run_info.run_id if run_info else None,
        "kind": args.kind,
        "sequences": len(dataset),
        "features": int(vectors.shape[1]),
        "out": None if args.out is None else str(args.out),
        "projector": None if args.projector is None else str(args.projector),
        "messages": messages,
    }


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse a missing output, or an ``--out`` whose ending names no format, before any work."""
    if args.out is None and args.projector is None:
        raise ProteinDataError(
            "Say where to write the vectors: --out FILE (.csv, .tsv, .parquet or .h5) and/or "
            "--projector DIR (files for the TensorFlow Embedding Projector)."
        )
    if args.out is not None:
        file_format(args.out)


def inputs(args: argparse.Namespace) -> tuple[str | None, Dataset]:
    """The run id (None for ``kmer``) and the data set, from the positional arguments.

    Raises:
        ProteinDataError: If the arguments do not fit the kind.
    """
    given = [value for value in (args.run, args.fasta) if value is not None]
    needs_run = args.kind in RUN_KINDS
    if len(given) != int(needs_run) + (0 if args.builtin else 1):
        raise ProteinDataError(_usage(args.kind, needs_run))
    run_id = given[0] if needs_run else None
    if args.builtin:
        return run_id, load_builtin(args.builtin)
    return run_id, _dataset_for_embedding(args, Path(given[-1]))


def _usage(kind: str, needs_run: bool) -> str:
    if needs_run:
        return (
            f"--kind {kind} needs a run id and a FASTA file (or --builtin KEY): "
            f"python -m protviz embed RUN FASTA --kind {kind} --out FILE."
        )
    return (
        f"--kind {kind} needs no run, only a FASTA file (or --builtin KEY): "
        f"python -m protviz embed --kind {kind} FASTA --out FILE."
    )


def _dataset_for_embedding(args: argparse.Namespace, fasta: Path) -> Dataset:
    """The FASTA as a data set; without a label rule or detectable label, labels are empty."""
    explicit = any(getattr(args, option) not in (None, False) for option in _LABEL_OPTIONS)
    if not explicit:
        parsed = parse_fasta(fasta, duplicates=duplicates_from_args(args))
        if parsed.suggest_rule() is None:
            return Dataset.create(fasta.name, parsed.ids, parsed.sequences, [""] * len(parsed.ids))
    dataset, _ = load_dataset_from_args(args, fasta)
    return dataset


def _columns(args: argparse.Namespace, run_info: RunInfo | None, vectors: np.ndarray) -> list[str]:
    """Column names of the vectors table: class probabilities, or ``<kind>_<i>``."""
    if args.kind == "probabilities" and run_info is not None:
        return [f"p:{name}" for name in run_info.class_names]
    return [f"{args.kind}_{i}" for i in range(vectors.shape[1])]


def _write_projector(
    args: argparse.Namespace,
    run_info: RunInfo | None,
    dataset: Dataset,
    vectors: np.ndarray,
    probabilities: np.ndarray | None,
) -> None:
    """Write the Projector files; with a run, the metadata holds its predictions too."""
    predictions = confidence = None
    if run_info is not None and probabilities is not None:
        best = probabilities.argmax(axis=1)
        predictions = np.asarray(run_info.class_names, dtype=object)[best]
        confidence = probabilities[np.arange(len(best)), best]
    metadata = projector_metadata(dataset, predictions=predictions, confidence=confidence)
    name = f"{dataset.name} {args.kind}" + (f" ({run_info.name})" if run_info else "")
    projector_files(vectors, metadata, tensor_name=name).write(args.projector)


def format(result: dict[str, Any]) -> str:
    """The result of ``embed`` as indented JSON."""
    return indented_json(result)
