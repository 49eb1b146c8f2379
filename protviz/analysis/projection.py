"""Project per-sequence vectors to 2-D or 3-D, and measure how good an embedding is.

Methods: PCA (scikit-learn), t-SNE (openTSNE, multithreaded: FFT-accelerated
for large 2-D projections, Barnes-Hut for small ones and 3-D) and UMAP
(umap-learn). Parameters that depend on the number of points are clamped, with
a message saying so.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from typing import Literal

import numpy as np

from protviz.core.errors import ProtvizError

Method = Literal["pca", "tsne", "umap"]
Metric = Literal["euclidean", "cosine"]
METHODS: tuple[Method, ...] = ("pca", "tsne", "umap")
METHOD_NAMES = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
METRICS: tuple[Metric, ...] = ("euclidean", "cosine")
FFT_MIN_POINTS = 5000
"""From this many points t-SNE uses FFT-accelerated gradients (2-D only); below it,
Barnes-Hut, whose fixed cost is far smaller."""
QUALITY_SAMPLE = 2000
"""Most points used for trustworthiness and silhouette (both grow with n squared)."""
KNN_SAMPLE = 5000
"""Most points used for the k-NN accuracies (a seeded sample beyond that)."""


class ProjectionError(ProtvizError):
    """Parameters or data a projection cannot use, with what to change."""


@dataclass(frozen=True)
class ProjectionParams:
    """How to project: the method and its parameters.

    Attributes:
        method: ``pca``, ``tsne`` or ``umap``.
        dims: 2 or 3.
        perplexity: t-SNE perplexity (roughly, the neighbourhood size).
        n_neighbors: UMAP neighbourhood size.
        min_dist: UMAP minimum distance between embedded points.
        metric: ``euclidean`` or ``cosine`` (t-SNE and UMAP).
        seed: Random seed (t-SNE, UMAP; PCA is deterministic).
    """

    method: Method = "pca"
    dims: int = 2
    perplexity: float = 30.0
    n_neighbors: int = 15
    min_dist: float = 0.1
    metric: Metric = "euclidean"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ProjectionError(
                f"Unknown projection method {self.method!r}; choose one of {', '.join(METHODS)}."
            )
        if self.dims not in (2, 3):
            raise ProjectionError(f"dims must be 2 or 3; got {self.dims!r}.")
        if self.metric not in METRICS:
            raise ProjectionError(
                f"Unknown metric {self.metric!r}; choose one of {', '.join(METRICS)}."
            )
        if not self.perplexity > 0:
            raise ProjectionError(f"perplexity must be > 0; got {self.perplexity!r}.")
        if self.n_neighbors < 2:
            raise ProjectionError(f"n_neighbors must be >= 2; got {self.n_neighbors!r}.")
        if not 0.0 <= self.min_dist <= 1.0:
            raise ProjectionError(f"min_dist must be in [0, 1]; got {self.min_dist!r}.")

    def relevant(self) -> dict[str, object]:
        """The parameters that affect this method's result (for caches, links and titles)."""
        keep = {"method", "dims"}
        if self.method == "tsne":
            keep |= {"perplexity", "metric", "seed"}
        elif self.method == "umap":
            keep |= {"n_neighbors", "min_dist", "metric", "seed"}
        return {k: v for k, v in asdict(self).items() if k in keep}

    def describe(self) -> str:
        """A short label such as ``t-SNE (perplexity 30, euclidean)``."""
        details = {
            "pca": "",
            "tsne": f"perplexity {self.perplexity:g}, {self.metric}",
            "umap": f"n_neighbors {self.n_neighbors}, min_dist {self.min_dist:g}, {self.metric}",
        }[self.method]
        name = METHOD_NAMES[self.method] + (" 3-D" if self.dims == 3 else "")
        return f"{name} ({details})" if details else name


def clamp(params: ProjectionParams, n_points: int) -> tuple[ProjectionParams, list[str]]:
    """Adjust parameters that must be smaller than the number of points.

    Args:
        params: The requested parameters.
        n_points: Number of points to project.

    Returns:
        The parameters to use, and one sentence per change.

    Raises:
        ProjectionError: With fewer than 4 points (nothing meaningful to show).
    """
    if n_points < 4:
        raise ProjectionError(f"A projection needs at least 4 sequences; this one has {n_points}.")
    messages = []
    if params.method == "tsne":
        limit = float(max(1, int((n_points - 1) / 3 - 1)))
        if params.perplexity > limit:
            messages.append(
                f"Perplexity {params.perplexity:g} is too large for {n_points} points; "
                f"using {limit:g} (it must stay below a third of the points)."
            )
            params = replace(params, perplexity=limit)
    if params.method == "umap" and params.n_neighbors >= n_points:
        messages.append(
            f"n_neighbors {params.n_neighbors} must be below the {n_points} points; using "
            f"{n_points - 1}."
        )
        params = replace(params, n_neighbors=n_points - 1)
    return params, messages


@dataclass(frozen=True)
class Projection:
    """Projected coordinates and how they were made.

    Attributes:
        coordinates: Shape ``(n_points, dims)``.
        params: The parameters actually used (after clamping).
        messages: Sentences about clamped parameters.
        explained_variance: For PCA, the fraction of variance per component.
    """

    coordinates: np.ndarray
    params: ProjectionParams
    messages: tuple[str, ...] = ()
    explained_variance: tuple[float, ...] = ()


def project(vectors: np.ndarray, params: ProjectionParams | None = None) -> Projection:
    """Project vectors to 2-D or 3-D.

    Args:
        vectors: Shape ``(n_points, n_features)``.
        params: Method and parameters (default: 2-D PCA).

    Returns:
        The projection, shape ``(n_points, dims)``.

    Raises:
        ProjectionError: For too few points or non-finite values.
    """
    params = params or ProjectionParams()
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2:
        raise ProjectionError(f"vectors must be 2-D (points x features); got {vectors.shape}.")
    if not np.isfinite(vectors).all():
        raise ProjectionError("The vectors contain NaN or infinite values; retrain the model.")
    params, messages = clamp(params, len(vectors))
    if vectors.shape[1] < params.dims:  # e.g. probabilities of two classes in 3-D
        padding = np.zeros((len(vectors), params.dims - vectors.shape[1]))
        vectors = np.hstack([vectors, padding])
        messages.append(
            f"The vectors have fewer features than {params.dims} dimensions; the extra axes "
            "are zero."
        )
    explained: tuple[float, ...] = ()
    if params.method == "pca":
        from sklearn.decomposition import PCA

        pca = PCA(n_components=params.dims, random_state=params.seed)
        coordinates = pca.fit_transform(vectors)
        explained = tuple(float(v) for v in pca.explained_variance_ratio_)
    elif params.method == "tsne":
        coordinates = _tsne(vectors, params)
    else:
        coordinates = _umap(vectors, params)
    return Projection(np.asarray(coordinates, dtype=np.float32), params, tuple(messages), explained)


def _threads() -> int:
    return max(1, os.cpu_count() or 1)


def _tsne(vectors: np.ndarray, params: ProjectionParams) -> np.ndarray:
    from openTSNE import TSNE

    tsne = TSNE(
        n_components=params.dims,
        perplexity=params.perplexity,
        metric=params.metric,
        random_state=params.seed,
        n_jobs=_threads(),
        negative_gradient_method="fft"
        if params.dims <= 2 and len(vectors) >= FFT_MIN_POINTS
        else "bh",
        verbose=False,
    )
    return np.asarray(tsne.fit(vectors))


def _umap(vectors: np.ndarray, params: ProjectionParams) -> np.ndarray:
    import warnings

    import umap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # n_jobs=1 with a seed; spectral init on tiny data
        reducer = umap.UMAP(
            n_components=params.dims,
            n_neighbors=params.n_neighbors,
            min_dist=params.min_dist,
            metric=params.metric,
            random_state=params.seed,
        )
        return np.asarray(reducer.fit_transform(vectors))


# --------------------------------------------------------------------------- quality


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
    from sklearn.neighbors import NearestNeighbors

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


def embedding_quality(
    vectors: np.ndarray,
    labels: np.ndarray,
    coordinates: np.ndarray | None = None,
    *,
    metric: str = "euclidean",
    k: int = 5,
    seed: int = 0,
) -> dict[str, float | None]:
    """How well an embedding separates labels, and how faithful its projection is.

    Args:
        vectors: Shape ``(n, features)``.
        labels: Shape ``(n,)``.
        coordinates: The 2-D/3-D projection of ``vectors``, shape ``(n, dims)``.
        metric: Distance in the original space.
        k: Neighbours for k-NN accuracy and trustworthiness.
        seed: Seed for subsampling large data sets.

    Returns:
        ``silhouette`` (-1 to 1, higher: labels form tighter, better separated
        clusters), ``knn_accuracy`` (leave-one-out, original space),
        ``knn_accuracy_projected`` (in the projection) and ``trustworthiness``
        (0 to 1: how far the projection's neighbourhoods are real); None where
        undefined (one class, or no projection). Large data sets are measured on
        seeded samples: :data:`KNN_SAMPLE` points for k-NN, :data:`QUALITY_SAMPLE`
        for silhouette and trustworthiness.
    """
    from sklearn.manifold import trustworthiness
    from sklearn.metrics import silhouette_score

    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    sample = np.arange(len(labels))
    if len(sample) > QUALITY_SAMPLE:
        sample = np.sort(rng.choice(len(labels), QUALITY_SAMPLE, replace=False))
    n_classes = len(set(labels[sample].tolist()))
    knn_rows = np.arange(len(labels))
    if len(knn_rows) > KNN_SAMPLE:
        knn_rows = np.sort(rng.choice(len(labels), KNN_SAMPLE, replace=False))
    result: dict[str, float | None] = {
        "silhouette": float(silhouette_score(vectors[sample], labels[sample], metric=metric))
        if 2 <= n_classes < len(sample)
        else None,
        "knn_accuracy": knn_accuracy(vectors[knn_rows], labels[knn_rows], k, metric),
        "knn_accuracy_projected": None,
        "trustworthiness": None,
    }
    if coordinates is not None:
        result["knn_accuracy_projected"] = knn_accuracy(coordinates[knn_rows], labels[knn_rows], k)
        neighbours = min(k, (len(sample) - 1) // 2)
        if neighbours >= 1:
            result["trustworthiness"] = float(
                trustworthiness(
                    vectors[sample], coordinates[sample], n_neighbors=neighbours, metric=metric
                )
            )
    return result


QUALITY_HELP = (
    "Silhouette (-1 to 1) and 5-NN accuracy measure how well the labels separate in the "
    "embedding itself; 5-NN accuracy in the projection and trustworthiness (0 to 1) say how "
    "faithfully the 2-D/3-D picture keeps the real neighbourhoods. Compare rows: a higher "
    "5-NN accuracy means neighbours in that embedding share their label more often."
)
"""One paragraph on how to read :func:`embedding_quality`."""
