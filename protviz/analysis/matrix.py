"""What a run learned about amino acids: its embedding matrix, compared with BLOSUM62.

The embedding layer gives every token a vector; rows 1..21 of the matrix are the
letters of :data:`protviz.core.alphabet.PROTEIN_ALPHABET` (20 standard amino acids,
then X). This module turns the 20 standard vectors into:

- a cosine-similarity matrix, ordered by hierarchical clustering (average
  linkage on ``1 - similarity``), with the dendrogram's line segments;
- Spearman's rank correlation between those similarities and BLOSUM62 scores
  over the 190 pairs ``i < j`` (in ``ACDEFGHIKLMNPQRSTVWY`` order);
- a 2-D PCA of the 20 vectors, with each amino acid's physico-chemical class;
- the correlation between two runs' similarity matrices.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from Bio.Align import substitution_matrices
from scipy.cluster.hierarchy import dendrogram, linkage
from scipy.spatial.distance import squareform
from scipy.stats import ConstantInputWarning, pearsonr, spearmanr

from protviz.core.alphabet import PROTEIN_ALPHABET, STANDARD_AMINO_ACIDS, physicochemical_class
from protviz.core.errors import ProtvizError

BLOSUM_HELP = (
    "Spearman's rank correlation between the cosine similarity of each pair of the 20 "
    "amino-acid vectors and the pair's BLOSUM62 substitution score (190 pairs). Near +1: "
    "amino acids that replace each other in evolution got similar vectors, as if the network "
    "rediscovered biochemistry. Near 0: the vectors do not reflect substitutability (common "
    "when a task hinges on a few letters, like the motif toy). Negative: the opposite of "
    "BLOSUM62's ordering."
)
"""How to read the BLOSUM62 correlation, for the page."""

COMPARE_HELP = (
    "Correlation between the two runs' similarity matrices over the 190 amino-acid pairs. "
    "Near 1: both architectures learned the same amino-acid geometry; near 0: the "
    "architecture (or the random start) changed what the embedding layer learned."
)
"""How to read the correlation of two runs' similarity matrices."""


class MatrixError(ProtvizError):
    """An embedding matrix that cannot be analysed, with the reason."""


def matrix_frame(matrix: np.ndarray) -> pd.DataFrame:
    """The embedding matrix without the padding row, labelled.

    Args:
        matrix: Shape ``(vocab_size, embedding_dim)``; row 0 is padding.

    Returns:
        Frame ``(21, embedding_dim)``: index = the alphabet letters (X last),
        columns ``dim 1``, ``dim 2``, ...

    Raises:
        MatrixError: If the matrix does not have one row per token.
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != len(PROTEIN_ALPHABET) + 1:
        raise MatrixError(
            f"Expected an embedding matrix with {len(PROTEIN_ALPHABET) + 1} rows (padding + "
            f"{PROTEIN_ALPHABET}); got shape {matrix.shape}."
        )
    return pd.DataFrame(
        matrix[1:],
        index=pd.Index(list(PROTEIN_ALPHABET), name="amino acid"),
        columns=[f"dim {d + 1}" for d in range(matrix.shape[1])],
    )


def standard_vectors(matrix: np.ndarray) -> np.ndarray:
    """The vectors of the 20 standard amino acids, in ``ACDEFGHIKLMNPQRSTVWY`` order.

    Args:
        matrix: Embedding matrix, shape ``(vocab_size, embedding_dim)``.

    Returns:
        Shape ``(20, embedding_dim)``.
    """
    return matrix_frame(matrix).loc[list(STANDARD_AMINO_ACIDS)].to_numpy()


def cosine_similarity(vectors: np.ndarray) -> np.ndarray:
    """Pairwise cosine similarity of row vectors (a zero vector has similarity 0).

    Args:
        vectors: Shape ``(n, d)``.

    Returns:
        Shape ``(n, n)``, symmetric, values in [-1, 1].
    """
    vectors = np.asarray(vectors, dtype=float)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return np.clip(unit @ unit.T, -1.0, 1.0)


def blosum62(letters: str = STANDARD_AMINO_ACIDS) -> np.ndarray:
    """BLOSUM62 scores (Biopython's copy) for the given letters, in that order.

    Args:
        letters: One-letter codes.

    Returns:
        Shape ``(len(letters), len(letters))``.
    """
    table = substitution_matrices.load("BLOSUM62")
    return np.array([[table[a][b] for b in letters] for a in letters], dtype=float)


def upper_triangle(square: np.ndarray) -> np.ndarray:
    """The entries above the diagonal (``i < j``), row by row."""
    rows, columns = np.triu_indices(len(square), k=1)
    return np.asarray(square)[rows, columns]


@dataclass(frozen=True)
class Correlation:
    """Pearson and Spearman correlation over the pairs ``i < j`` of two square matrices."""

    pearson: float
    spearman: float
    pairs: int


def correlate(first: np.ndarray, second: np.ndarray) -> Correlation:
    """Correlate the upper triangles of two square matrices of the same order.

    Args:
        first: Shape ``(n, n)``.
        second: Shape ``(n, n)``, rows and columns in the same order as ``first``.

    Returns:
        The correlations (NaN when either triangle is constant).

    Raises:
        MatrixError: If the shapes differ.
    """
    if np.shape(first) != np.shape(second):
        raise MatrixError(f"Cannot correlate shapes {np.shape(first)} and {np.shape(second)}.")
    a, b = upper_triangle(first), upper_triangle(second)
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return Correlation(float("nan"), float("nan"), len(a))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantInputWarning)
        return Correlation(float(pearsonr(a, b)[0]), float(spearmanr(a, b)[0]), len(a))


def blosum_correlation(similarity: np.ndarray) -> float:
    """Spearman's rho between amino-acid similarities and BLOSUM62 (pairs ``i < j``).

    Args:
        similarity: Shape ``(20, 20)``, rows and columns in ``ACDEFGHIKLMNPQRSTVWY`` order.

    Returns:
        Spearman's rho.
    """
    return correlate(similarity, blosum62()).spearman


@dataclass(frozen=True)
class Clustering:
    """Hierarchical clustering of the amino acids by their similarity.

    Attributes:
        order: Leaf order, indices into the letters.
        segments_x: Dendrogram line x-coordinates, one list of 4 per link
            (leaf ``k`` of ``order`` sits at ``x = 5 + 10 k``, scipy's convention).
        segments_y: The matching heights (``1 - similarity`` at which clusters merge).
    """

    order: list[int]
    segments_x: list[list[float]]
    segments_y: list[list[float]]


def cluster(similarity: np.ndarray) -> Clustering:
    """Average-linkage clustering on ``1 - cosine similarity``.

    Args:
        similarity: Shape ``(n, n)``.

    Returns:
        The leaf order and the dendrogram's segments.
    """
    distance = np.clip(1.0 - np.asarray(similarity, dtype=float), 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    distance = (distance + distance.T) / 2
    links = linkage(squareform(distance, checks=False), method="average")
    tree = dendrogram(links, no_plot=True)
    return Clustering(
        order=[int(leaf) for leaf in tree["leaves"]],
        segments_x=[list(map(float, xs)) for xs in tree["icoord"]],
        segments_y=[list(map(float, ys)) for ys in tree["dcoord"]],
    )


def pca_2d(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project row vectors on their first two principal components.

    Signs are fixed so that each component's largest absolute loading is
    positive (the same matrix always gives the same picture).

    Args:
        vectors: Shape ``(n, d)`` with ``d >= 1``.

    Returns:
        Coordinates ``(n, 2)`` (a zero column when ``d == 1``) and the fraction
        of variance each component explains, shape ``(2,)``.
    """
    centred = np.asarray(vectors, dtype=float) - np.mean(vectors, axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    components = components[:2]
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    components = components * np.where(signs == 0, 1, signs)[:, None]
    coordinates = centred @ components.T
    variance = singular**2
    explained = variance[:2] / variance.sum() if variance.sum() > 0 else np.zeros(2)
    if coordinates.shape[1] < 2:
        coordinates = np.column_stack([coordinates, np.zeros(len(coordinates))])
        explained = np.append(explained, 0.0)
    return coordinates, explained


@dataclass(frozen=True)
class MatrixAnalysis:
    """Everything the Embedding matrix page shows about one run.

    Attributes:
        matrix: The embedding matrix without padding, see :func:`matrix_frame`.
        letters: The 20 standard amino acids, ``ACDEFGHIKLMNPQRSTVWY``.
        similarity: Cosine similarity, ``(20, 20)``, in ``letters`` order.
        clustering: Leaf order and dendrogram of ``similarity``.
        blosum_spearman: Spearman's rho with BLOSUM62.
        coordinates: PCA of the 20 vectors, ``(20, 2)``.
        explained: Variance explained by the two components.
        classes: Physico-chemical class of each letter.
    """

    matrix: pd.DataFrame
    letters: str
    similarity: np.ndarray
    clustering: Clustering
    blosum_spearman: float
    coordinates: np.ndarray
    explained: np.ndarray
    classes: list[str]


def analyse_matrix(matrix: np.ndarray) -> MatrixAnalysis:
    """Similarity, clustering, BLOSUM62 correlation and PCA of an embedding matrix.

    Args:
        matrix: Embedding matrix, shape ``(22, embedding_dim)`` (row 0 padding).

    Returns:
        The analysis.

    Raises:
        MatrixError: If the matrix has the wrong number of rows.
    """
    vectors = standard_vectors(matrix)
    similarity = cosine_similarity(vectors)
    coordinates, explained = pca_2d(vectors)
    return MatrixAnalysis(
        matrix=matrix_frame(matrix),
        letters=STANDARD_AMINO_ACIDS,
        similarity=similarity,
        clustering=cluster(similarity),
        blosum_spearman=blosum_correlation(similarity),
        coordinates=coordinates,
        explained=explained,
        classes=[physicochemical_class(letter) for letter in STANDARD_AMINO_ACIDS],
    )
