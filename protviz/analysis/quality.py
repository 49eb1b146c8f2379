"""How good an embedding is: do its labels separate, and does its projection keep neighbours?

Measures: silhouette and leave-one-out k-nearest-neighbour label accuracy in the
embedding itself, and k-NN accuracy and trustworthiness in its 2-D/3-D
projection (:mod:`protviz.analysis.projection`). Large data sets are measured on
seeded samples.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.manifold import trustworthiness
from sklearn.metrics import silhouette_score
from sklearn.neighbors import NearestNeighbors

QUALITY_SAMPLE = 2000
"""Most points used for trustworthiness and silhouette (both grow with n squared)."""
KNN_SAMPLE = 5000
"""Most points used for the k-NN accuracies (a seeded sample beyond that)."""


def knn_accuracy(
    vectors: np.ndarray, labels: np.ndarray, k: int = 5, metric: str = "euclidean"
) -> float:
    """Leave-one-out k-nearest-neighbour label accuracy.

    Each point is labelled by the majority of its ``k`` nearest other points
    (ties go to the class of the nearest); the score is the fraction of
    points whose true label wins.

    Args:
        vectors: Shape ``(n, features)``.
        labels: Shape ``(n,)``.
        k: Neighbours per point (clamped to ``n - 1``).
        metric: ``euclidean`` or ``cosine``.

    Returns:
        Accuracy between 0 and 1.
    """
    labels = np.asarray(labels)
    n = len(labels)
    k = min(k, n - 1)
    search = NearestNeighbors(n_neighbors=k + 1, metric=metric).fit(vectors)
    _, neighbours = search.kneighbors(vectors)
    correct = 0
    for index, row in enumerate(neighbours):
        others = [j for j in row if j != index][:k]
        votes: dict[object, int] = {}
        for j in others:
            votes[labels[j]] = votes.get(labels[j], 0) + 1
        best = max(votes.values())
        winner = next(labels[j] for j in others if votes[labels[j]] == best)
        correct += winner == labels[index]
    return correct / n


def _samples(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows measured: for silhouette and trustworthiness, then for k-NN (seeded
    samples of at most :data:`QUALITY_SAMPLE` and :data:`KNN_SAMPLE` rows)."""
    rng = np.random.default_rng(seed)
    sample = np.arange(n)
    if n > QUALITY_SAMPLE:
        sample = np.sort(rng.choice(n, QUALITY_SAMPLE, replace=False))
    knn_rows = np.arange(n)
    if n > KNN_SAMPLE:
        knn_rows = np.sort(rng.choice(n, KNN_SAMPLE, replace=False))
    return sample, knn_rows


def embedding_quality(
    vectors: np.ndarray,
    labels: np.ndarray,
    coordinates: np.ndarray | None = None,
    *,
    metric: str = "euclidean",
    k: int = 5,
    seed: int = 0,
    progress: Callable[[str, float], None] | None = None,
) -> dict[str, float | None]:
    """How well an embedding separates labels, and how faithful its projection is.

    Args:
        vectors: Shape ``(n, features)``.
        labels: Shape ``(n,)``.
        coordinates: The 2-D/3-D projection of ``vectors``, shape ``(n, dims)``.
        metric: Distance in the original space.
        k: Neighbours for k-NN accuracy and trustworthiness.
        seed: Seed for subsampling large data sets.
        progress: Told the readable name of each measure as it starts, and the fraction
            of the measures done.

    Returns:
        ``silhouette`` (-1 to 1, higher: labels form tighter, better separated
        clusters), ``knn_accuracy`` (leave-one-out, original space),
        ``knn_accuracy_projected`` (in the projection) and ``trustworthiness``
        (0 to 1: how far the projection's neighbourhoods are real); None where
        undefined (one class, or no projection). Large data sets are measured on
        seeded samples: :data:`KNN_SAMPLE` points for k-NN, :data:`QUALITY_SAMPLE`
        for silhouette and trustworthiness.
    """
    labels = np.asarray(labels)
    report = progress or (lambda step, fraction: None)
    sample, knn_rows = _samples(len(labels), seed)
    n_classes = len(set(labels[sample].tolist()))
    measures = list(QUALITY_COLUMNS)
    if coordinates is None:
        measures = measures[:2]

    def measuring(name: str) -> None:
        report(QUALITY_COLUMNS[name], measures.index(name) / len(measures))

    measuring("silhouette")
    result: dict[str, float | None] = {
        "silhouette": float(silhouette_score(vectors[sample], labels[sample], metric=metric))
        if 2 <= n_classes < len(sample)
        else None,
        "knn_accuracy_projected": None,
        "trustworthiness": None,
    }
    measuring("knn_accuracy")
    result["knn_accuracy"] = knn_accuracy(vectors[knn_rows], labels[knn_rows], k, metric)
    if coordinates is not None:
        measuring("knn_accuracy_projected")
        result["knn_accuracy_projected"] = knn_accuracy(coordinates[knn_rows], labels[knn_rows], k)
        measuring("trustworthiness")
        result["trustworthiness"] = _trustworthiness(
            vectors[sample], coordinates[sample], k, metric
        )
    return {name: result[name] for name in QUALITY_COLUMNS}


def _trustworthiness(
    vectors: np.ndarray, coordinates: np.ndarray, k: int, metric: str
) -> float | None:
    """How far the projection's ``k``-neighbourhoods are real (None for too few points)."""
    neighbours = min(k, (len(vectors) - 1) // 2)
    if neighbours < 1:
        return None
    return float(trustworthiness(vectors, coordinates, n_neighbors=neighbours, metric=metric))


QUALITY_COLUMNS = {
    "silhouette": "silhouette",
    "knn_accuracy": "5-NN accuracy",
    "knn_accuracy_projected": "5-NN accuracy in the projection",
    "trustworthiness": "trustworthiness",
}
"""Readable column names for the measures of :func:`embedding_quality` (k = 5), as the
Compare table names them."""

QUALITY_COLUMN_HELP = {
    "silhouette": "How tight and well separated the labels are in the embedding (-1 to 1).",
    "5-NN accuracy": "How often a sequence's 5 nearest neighbours in the embedding share its "
    "label (leave-one-out).",
    "5-NN accuracy in the projection": "The same, measured in the 2-D/3-D picture.",
    "trustworthiness": "How far the picture's neighbourhoods are real ones (0 to 1).",
}
"""One sentence per readable quality column (the table's column help)."""

QUALITY_HELP = (
    "Silhouette (-1 to 1) and 5-NN accuracy measure how well the labels separate in the "
    "embedding itself; 5-NN accuracy in the projection and trustworthiness (0 to 1) say how "
    "faithfully the 2-D/3-D picture keeps the real neighbourhoods. Compare rows: a higher "
    "5-NN accuracy means neighbours in that embedding share their label more often."
)
"""One paragraph on how to read :func:`embedding_quality`."""
