"""Write a large gzipped labelled FASTA by resampling SCL2205 with point mutations.

    python bench/make_big_fasta.py --sequences 50000 --out /tmp/big-50k.fasta.gz

Each record is a SCL2205 protein drawn with replacement (seeded), with about one residue
in 50 replaced by a random standard amino acid, under a new unique ID; the header keeps
its location (``location="..."``), so the Data page suggests the label rule itself. The
sizes of issue 15's benchmarks are 50,000, 200,000 and 570,000 sequences.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from protviz.core.alphabet import STANDARD_AMINO_ACIDS
from protviz.io.builtin import scl2205_dataset

MUTATION_RATE = 0.02
"""Fraction of residues replaced in each resampled sequence."""


def mutated(sequence: str, rng: np.random.Generator) -> str:
    """``sequence`` with about :data:`MUTATION_RATE` of its residues replaced."""
    residues = np.frombuffer(sequence.encode(), dtype="S1").copy()
    sites = np.flatnonzero(rng.random(len(residues)) < MUTATION_RATE)
    alphabet = np.frombuffer("".join(STANDARD_AMINO_ACIDS).encode(), dtype="S1")
    residues[sites] = rng.choice(alphabet, size=len(sites))
    return residues.tobytes().decode()


def write_big_fasta(out: Path, n_sequences: int, seed: int = 0) -> None:
    """Write ``n_sequences`` resampled, mutated SCL2205 records to ``out`` (gzip)."""
    source = scl2205_dataset()
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(source), size=n_sequences)
    with gzip.open(out, "wt", compresslevel=6) as handle:
        for number, row in enumerate(picks):
            label = source.labels[row]
            sequence = mutated(source.sequences[row], rng)
            handle.write(f'>big{number:07d}_{source.ids[row]} location="{label}"\n{sequence}\n')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequences", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write_big_fasta(args.out, args.sequences, args.seed)
    print(f"wrote {args.sequences:,} sequences to {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
