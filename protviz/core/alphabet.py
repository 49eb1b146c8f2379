"""The protein alphabet shared by ingestion, encoding and the models.

Sequences are cleaned to the 20 standard amino acids plus ``X`` (any or unknown
residue). Ambiguity codes and the rare amino acids are mapped to ``X``.
"""

from __future__ import annotations

STANDARD_AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
"""The 20 standard amino acids in one-letter code, alphabetical."""

UNKNOWN = "X"
"""The residue letter for any, unknown or non-standard amino acids."""

PROTEIN_ALPHABET = STANDARD_AMINO_ACIDS + UNKNOWN
"""Every letter a cleaned sequence may contain."""

MAPPED_TO_UNKNOWN = {
    "B": "Asx (D or N)",
    "Z": "Glx (E or Q)",
    "J": "Xle (I or L)",
    "U": "selenocysteine",
    "O": "pyrrolysine",
}
"""Letters that are valid in protein FASTA but are mapped to ``X``, with their meaning."""

NUCLEOTIDE_LETTERS = frozenset("ACGTUN")
"""Letters of DNA/RNA sequences, used to recognise nucleotide FASTA."""

PHYSICOCHEMICAL_CLASSES = {
    "hydrophobic": "AVLIM",
    "aromatic": "FWY",
    "polar": "STNQ",
    "positive": "KRH",
    "negative": "DE",
    "special": "GPC",
}
"""A coarse grouping of the 20 standard amino acids, used to colour plots."""


def physicochemical_class(letter: str) -> str:
    """The physico-chemical class of a standard amino acid ('unknown' for X)."""
    return next(
        (name for name, members in PHYSICOCHEMICAL_CLASSES.items() if letter in members),
        "unknown",
    )
