"""``python -m protviz embed RUN FASTA --kind {averaged,learned,probabilities}``: a saved
run's per-sequence vectors (loads TensorFlow; ``--kind kmer`` is :mod:`protviz.cli.embed`'s).
"""

from __future__ import annotations

import argparse
from typing import Any

from protviz.analysis.embeddings import run_embeddings
from protviz.cli import embed
from protviz.model import runs

# Every command module provides format(result); this one formats as embed does.
format = embed.format


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Embed every sequence with the run and write the table and/or Projector files."""
    embed.check_outputs(args)
    run_id, dataset = embed.inputs(args)
    run_info = runs.get_run(run_id, args.home)
    vectors = run_embeddings(run_info, dataset, args.kind)
    probabilities = None
    if args.projector is not None:
        probabilities = (
            vectors
            if args.kind == "probabilities"
            else run_embeddings(run_info, dataset, "probabilities")
        )
    return embed.write_outputs(args, dataset, vectors, [], run_info, probabilities)
