"""Built-in data sets: the motif-position toy and the real SCL2205.

Both are built through the same cleaning and validation as an uploaded FASTA,
so they are ordinary :class:`~protviz.core.dataset.Dataset` objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from protviz.core.alphabet import STANDARD_AMINO_ACIDS
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.io.fasta import Limits, dataset_from_parsed, parse_fasta
from protviz.io.labels import LabelRule

try:
    from scldata import loader as scldata_loader
except ImportError:  # Optional (p-scldata): only the SCL2205 data set needs it.
    scldata_loader = None

MOTIF = "AKGDKICL"
"""The motif planted in the toy sequences (from the question that started protviz)."""

MOTIF_NAME = "motif position (toy)"
SCL2205_NAME = "SCL2205"


def motif_position_dataset(
    n_pairs: int = 500,
    *,
    motif: str = MOTIF,
    min_background: int = 40,
    max_background: int = 80,
    seed: int = 0,
) -> Dataset:
    """Generate the motif-position toy: order decides the class, composition cannot.

    Each pair of sequences shares one random bag of background residues and the
    motif. In the ``terminal`` sequence the motif sits at the N- or C-terminus;
    in the ``middle`` sequence it sits between 30% and 70% of the way along.
    The two members of a pair are permutations of each other, so their
    amino-acid composition, and with it any average of per-residue
    embeddings, is identical: a model that averages cannot beat chance, while
    a model that reads order (an LSTM) can reach 100%.

    Args:
        n_pairs: Number of pairs; the data set holds ``2 * n_pairs`` sequences.
        motif: The planted motif.
        min_background: Fewest background residues per sequence.
        max_background: Most background residues per sequence.
        seed: Random seed; the same seed gives the same data set.

    Returns:
        A data set with classes ``terminal`` and ``middle`` and metadata columns
        ``pair``, ``motif_start`` and ``motif_end``.

    Raises:
        ValueError: If the sizes are not positive or the bounds are inverted.
    """
    if n_pairs < 1 or min_background < 1 or max_background < min_background:
        raise ValueError(
            f"need n_pairs >= 1 and 1 <= min_background <= max_background; got {n_pairs}, "
            f"{min_background}, {max_background}"
        )
    rng = np.random.default_rng(seed)
    letters = np.array(list(STANDARD_AMINO_ACIDS))
    ids: list[str] = []
    sequences: list[str] = []
    labels: list[str] = []
    rows: list[dict[str, int]] = []
    for pair in range(n_pairs):
        length = int(rng.integers(min_background, max_background + 1))
        background = rng.choice(letters, size=length)
        for label in ("terminal", "middle"):
            residues = "".join(rng.permutation(background))
            if label == "terminal":
                start = 0 if rng.random() < 0.5 else length
            else:
                start = int(rng.integers(int(0.3 * length), int(0.7 * length) + 1))
            sequences.append(residues[:start] + motif + residues[start:])
            ids.append(f"toy{pair:04d}_{'t' if label == 'terminal' else 'm'}")
            labels.append(label)
            rows.append({"pair": pair, "motif_start": start + 1, "motif_end": start + len(motif)})
    metadata = pd.DataFrame(rows, index=pd.Index(ids, name="id"))
    return Dataset.create(MOTIF_NAME, ids, sequences, labels, metadata=metadata)


def scl2205_dataset() -> Dataset:
    """Load SCL2205: 19,074 UniProt proteins in 13 subcellular locations.

    The data ship with the PyPI package ``p-scldata==2025.6.0`` (MIT licence),
    with official train / eval / held-out splits (15,183 / 1,260 / 2,631),
    mapped here to ``train`` / ``valid`` / ``test``. The sequences go through
    the same cleaning as an uploaded FASTA.

    Returns:
        The data set, with the official split.

    Raises:
        ProteinDataError: If ``p-scldata`` (version 2025.6.0) is not installed.
    """
    if scldata_loader is None:
        raise ProteinDataError(
            "The SCL2205 data set needs the package p-scldata==2025.6.0: "
            "pip install p-scldata==2025.6.0"
        )
    lines: list[str] = []
    for split_name in ("train", "eval", "heldout"):
        frame = scldata_loader.load(split_name)
        if frame.empty:
            raise ProteinDataError(
                "The installed p-scldata has no data (only version 2025.6.0 carries it): "
                "pip install p-scldata==2025.6.0"
            )
        for entry, sequence, location in zip(frame.index, frame["seq"], frame["scl"], strict=True):
            lines.append(f'>{entry} location="{location}" split={split_name}\n{sequence}')
    text = "\n".join(lines).encode()
    limits = Limits(max_upload_bytes=max(len(text), Limits().max_upload_bytes))
    parsed = parse_fasta(text, filename=SCL2205_NAME, limits=limits)
    rule = LabelRule(kind="key", key="location", split_key="split")
    dataset, _ = dataset_from_parsed(parsed, rule, name=SCL2205_NAME)
    return dataset


@dataclass(frozen=True)
class BuiltinDataset:
    """A data set that ships with protviz.

    Attributes:
        key: Short stable identifier (used in links and on the command line).
        title: Human-readable name.
        description: One or two sentences for the Data page.
        load: Builds the data set.
        name: The name of the data set it builds (as runs trained on it record it).
    """

    key: str
    title: str
    description: str
    load: Callable[[], Dataset]
    name: str


BUILTINS: dict[str, BuiltinDataset] = {
    item.key: item
    for item in (
        BuiltinDataset(
            key="motif",
            title="Motif position (toy, 1,000 sequences)",
            description=(
                "Generated. The class depends only on where the motif AKGDKICL sits "
                "(at a terminus or in the middle); both classes have identical amino-acid "
                "composition, so averaging embeddings cannot separate them but an LSTM can."
            ),
            load=motif_position_dataset,
            name=MOTIF_NAME,
        ),
        BuiltinDataset(
            key="scl2205",
            title="SCL2205 (real, 19,074 proteins, 13 locations)",
            description=(
                "UniProt proteins labelled with their subcellular location, with the "
                "official train / eval / held-out split (package p-scldata, MIT licence)."
            ),
            load=scl2205_dataset,
            name=SCL2205_NAME,
        ),
    )
}
"""The built-in data sets by key."""


def load_builtin(key: str) -> Dataset:
    """Load a built-in data set by key.

    Args:
        key: One of :data:`BUILTINS` (``motif``, ``scl2205``).

    Returns:
        The data set.

    Raises:
        ProteinDataError: If the key is unknown.
    """
    if key not in BUILTINS:
        raise ProteinDataError(
            f"Unknown built-in data set {key!r}; choose one of {', '.join(BUILTINS)}."
        )
    return BUILTINS[key].load()


def builtin_key(dataset_name: str) -> str | None:
    """The key of the built-in data set named ``dataset_name`` (as a run records it), or None."""
    return next((item.key for item in BUILTINS.values() if item.name == dataset_name), None)
