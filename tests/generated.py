"""Small generated data sets for tests: random proteins with a planted composition signal."""

from __future__ import annotations

import numpy as np

from protviz.core.alphabet import STANDARD_AMINO_ACIDS
from protviz.core.dataset import Dataset


def random_sequences(count: int, seed: int, letters: str = STANDARD_AMINO_ACIDS) -> list[str]:
    """``count`` random proteins of 40 to 79 residues."""
    rng = np.random.default_rng(seed)
    alphabet = np.array(list(letters))
    return ["".join(rng.choice(alphabet, size=rng.integers(40, 80))) for _ in range(count)]


def enriched_set(count_per_class: int = 30, seed: int = 0) -> tuple[list[str], list[str]]:
    """Three classes told apart by composition: background, K-rich and L-rich sequences."""
    sequences = random_sequences(count_per_class, seed)
    sequences += [s + "K" * 8 for s in random_sequences(count_per_class, seed + 1)]
    sequences += [s + "L" * 8 for s in random_sequences(count_per_class, seed + 2)]
    labels = ["plain"] * count_per_class + ["lysine"] * count_per_class
    labels += ["leucine"] * count_per_class
    return sequences, labels


def composition_dataset(counts: dict[str, int], seed: int = 0, enrichment: int = 8) -> Dataset:
    """A data set whose classes differ only in composition: class ``i`` (in ``counts`` order)
    gets ``enrichment`` residues of the ``i``-th letter of ``KLEDRW...`` appended, the first
    class none; the residues are shuffled, so order carries nothing.

    Args:
        counts: Class name -> number of sequences.
        seed: Random seed.
        enrichment: Extra residues of the class's letter.
    """
    rng = np.random.default_rng(seed)
    ids, sequences, labels = [], [], []
    for index, (label, count) in enumerate(counts.items()):
        extra = "" if index == 0 else "KLEDRW"[index - 1] * enrichment
        for number, background in enumerate(random_sequences(count, seed + index)):
            residues = list(background + extra)
            rng.shuffle(residues)
            ids.append(f"{label}{number}")
            sequences.append("".join(residues))
            labels.append(label)
    return Dataset.create("composition (generated)", ids, sequences, labels)
