"""Clusters of similar sequences, for splits in which no near-duplicate crosses sides.

Two sequences are *linked* when their identity reaches the threshold, and a
cluster is a connected component of the links (single linkage): so no two
sequences of different clusters are linked, and a split that keeps whole
clusters on one side puts no linked pair on both sides. Identity is counted
relative to the shorter sequence (identical residues / its length), so a
fragment of a longer protein is linked to it.

Two methods find the links:

- ``mmseqs2``: an all-against-all MMseqs2 search (``mmseqs easy-search``, the
  Debian package ``mmseqs2``) with ``--seq-id-mode 1``: identity is the identical
  residues of each alignment found over the shorter sequence's length. Used
  whenever ``mmseqs`` is on PATH.
- ``kmer`` (the fallback, plain NumPy/SciPy): the share of the shorter
  sequence's distinct k-mers (:data:`KMER_SIZE`) that the other one also holds,
  ``s``, estimates identity as ``s ** (1 / k)``: a residue kept with probability
  ``p`` keeps a k-mer with probability about ``p ** k`` (substitutions spread
  evenly; indels make the estimate low). Unrelated sequences share almost no
  5-mers, so the estimate stays near 0.1-0.2 for them.

Typical use::

    clusters = cluster_sequences(dataset.sequences, identity=0.5)
    clusters.labels      # cluster index per sequence
    clusters.method      # 'mmseqs2' or 'kmer'
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from protviz.core.errors import ProtvizError

CLUSTER_METHODS = ("auto", "mmseqs2", "kmer")
"""``auto`` uses MMseqs2 when ``mmseqs`` is on PATH, else the k-mer method."""

METHOD_TITLES = {
    "mmseqs2": "MMseqs2 all-against-all search",
    "kmer": "shared 5-mers (the fallback: MMseqs2 is not installed)",
}
"""Method -> how a page names it."""

KMER_SIZE = 5
"""k of the k-mer method."""

BLOCK_ROWS = 512
"""Rows of the shared-k-mer matrix computed at once (bounds memory)."""

MMSEQS_MAX_SEQS = 1000
"""Most hits per query that MMseqs2's prefilter passes on (its default is 300)."""


class ClusteringError(ProtvizError):
    """Clustering failed: the tool is missing or broke, or the method is unknown."""


@dataclass(frozen=True)
class Clusters:
    """Which cluster each sequence belongs to.

    Attributes:
        labels: Cluster index per sequence, shape ``(n,)``, 0 to ``count - 1``.
        method: ``mmseqs2`` or ``kmer``.
        identity: The identity threshold.
    """

    labels: np.ndarray
    method: str
    identity: float

    @property
    def count(self) -> int:
        """Number of clusters."""
        return int(self.labels.max()) + 1 if len(self.labels) else 0


def available_method() -> str:
    """The method ``auto`` picks on this machine: ``mmseqs2`` or ``kmer``."""
    return "mmseqs2" if shutil.which("mmseqs") else "kmer"


def cluster_sequences(sequences: Sequence[str], identity: float, method: str = "auto") -> Clusters:
    """Single-linkage clusters of sequences at an identity threshold.

    Results are cached by sequences, threshold and method (the Train page asks
    again on every widget change).

    Args:
        sequences: Cleaned sequences, length ``n``.
        identity: Threshold in (0, 1]: sequences at or above it are linked.
        method: One of :data:`CLUSTER_METHODS`.

    Returns:
        The clusters.

    Raises:
        ClusteringError: For an unknown method, or when MMseqs2 is asked for but
            missing or fails.
    """
    if method not in CLUSTER_METHODS:
        raise ClusteringError(
            f"Unknown clustering method {method!r}; choose one of {', '.join(CLUSTER_METHODS)}."
        )
    chosen = available_method() if method == "auto" else method
    labels = _cached_labels(tuple(sequences), float(identity), chosen)
    return Clusters(labels.copy(), chosen, float(identity))


@lru_cache(maxsize=8)
def _cached_labels(sequences: tuple[str, ...], identity: float, method: str) -> np.ndarray:
    edges = (
        mmseqs_links(sequences, identity)
        if method == "mmseqs2"
        else kmer_links(sequences, identity)
    )
    return components(len(sequences), edges)


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes joined by ``edges`` ``(m, 2)``, numbered 0, 1, ...
    in order of their first member."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = sparse.coo_matrix(
        (np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n)
    ).tocsr()
    _, labels = connected_components(graph, directed=False)
    _, first = np.unique(labels, return_index=True)
    renumber = np.empty(len(first), dtype=np.int64)
    renumber[np.argsort(np.argsort(first))] = np.arange(len(first))
    return renumber[labels]


# --------------------------------------------------------------------------- k-mer method


def kmer_codes(sequence: str, k: int = KMER_SIZE) -> np.ndarray:
    """The distinct k-mers of a sequence as integers (a shorter sequence is one "k-mer")."""
    residues = np.frombuffer(sequence.encode("ascii"), dtype=np.uint8).astype(np.int64)
    if len(residues) < k:
        padded = np.zeros(k, dtype=np.int64)
        padded[: len(residues)] = residues
        windows = padded[None, :]
    else:
        windows = sliding_window_view(residues, k)
    weights = 128 ** np.arange(k, dtype=np.int64)
    return np.unique(windows @ weights)


def kmer_identity(first: str, second: str, k: int = KMER_SIZE) -> float:
    """The k-mer method's identity estimate of two sequences (see the module docstring)."""
    a, b = kmer_codes(first, k), kmer_codes(second, k)
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return (shared / min(len(a), len(b))) ** (1 / k)


def _kmer_matrix(sequences: Sequence[str], k: int) -> sparse.csr_matrix:
    """Sequences x distinct k-mers, 1 where a sequence holds a k-mer."""
    codes = [kmer_codes(sequence, k) for sequence in sequences]
    rows = np.repeat(np.arange(len(codes)), [len(c) for c in codes])
    columns = np.unique(np.concatenate(codes), return_inverse=True)[1] if codes else []
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix(
        (data, (rows, columns)), shape=(len(codes), int(max(columns, default=-1)) + 1)
    )


def kmer_links(sequences: Sequence[str], identity: float, k: int = KMER_SIZE) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, whose k-mer identity estimate reaches ``identity``.

    Args:
        sequences: Cleaned sequences.
        identity: Threshold in (0, 1].
        k: k-mer length.

    Returns:
        The linked pairs, shape ``(m, 2)``.
    """
    if len(sequences) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    matrix = _kmer_matrix(sequences, k)
    transposed = matrix.T.tocsc()
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    needed = identity**k - 1e-9  # shared share at or above identity ** k
    found = []
    for start in range(0, len(sequences), BLOCK_ROWS):
        shared = (matrix[start : start + BLOCK_ROWS] @ transposed).tocoo()
        rows, columns = shared.row + start, shared.col
        keep = rows < columns
        rows, columns, counts = rows[keep], columns[keep], shared.data[keep]
        smaller = np.minimum(sizes[rows], sizes[columns])
        linked = counts / smaller >= needed
        found.append(np.stack([rows[linked], columns[linked]], axis=1))
    return np.concatenate(found).astype(np.int64)


# --------------------------------------------------------------------------- MMseqs2


def mmseqs_links(sequences: Sequence[str], identity: float) -> np.ndarray:
    """Pairs ``(i, j)``, ``i != j``, that an all-against-all MMseqs2 search aligns with
    identical residues over the shorter sequence's length at or above ``identity``.

    Raises:
        ClusteringError: If ``mmseqs`` is not on PATH or fails.
    """
    executable = shutil.which("mmseqs")
    if executable is None:
        raise ClusteringError(
            "MMseqs2 is not installed (no 'mmseqs' on PATH). Install it with "
            "'apt-get install mmseqs2', or cluster with the k-mer method."
        )
    if len(sequences) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    with tempfile.TemporaryDirectory(prefix="protviz-mmseqs-") as folder:
        work = Path(folder)
        fasta = work / "sequences.fasta"
        fasta.write_text("".join(f">{i}\n{s}\n" for i, s in enumerate(sequences)))
        hits = work / "hits.tsv"
        command = [
            executable, "easy-search", str(fasta), str(fasta), str(hits), str(work / "tmp"),
            "--min-seq-id", f"{identity}", "--seq-id-mode", "1", "--alignment-mode", "3",
            "--max-seqs", str(MMSEQS_MAX_SEQS), "-s", "7.5", "--format-output",
            "query,target,fident",
            "--threads", str(os.cpu_count() or 1), "-v", "1",
        ]  # fmt: skip
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise ClusteringError(
                f"MMseqs2 failed (exit status {completed.returncode}): "
                f"{completed.stderr.strip()[-300:]}"
            )
        return _read_hits(hits, identity)


def _read_hits(path: Path, identity: float) -> np.ndarray:
    """The linked pairs of an ``easy-search`` result (query, target, fident).

    With ``--seq-id-mode 1`` MMseqs2's ``fident`` is identical residues over the
    shorter sequence's length, written with three decimals.
    """
    text = path.read_text() if path.exists() else ""
    if not text.strip():
        return np.zeros((0, 2), dtype=np.int64)
    table = np.loadtxt(path, dtype=np.float64, ndmin=2)
    query, target = table[:, 0].astype(np.int64), table[:, 1].astype(np.int64)
    linked = (query != target) & (table[:, 2] >= identity - 5e-4)
    return np.stack([query[linked], target[linked]], axis=1)
