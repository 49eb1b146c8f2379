"""Project per-sequence vectors to 2-D or 3-D.

Methods: PCA (scikit-learn), t-SNE (openTSNE, multithreaded: FFT-accelerated
for large 2-D projections, Barnes-Hut for small ones and 3-D) and UMAP
(umap-learn). Parameters that depend on the number of points are clamped, with
a message saying so. How good an embedding and its projection are is
:mod:`protviz.analysis.quality`'s.

Lazy imports: openTSNE and umap-learn are imported when a t-SNE or UMAP
projection is first asked for, not with this module: importing umap-learn
takes seconds (numba), and most views use PCA.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Literal

import numpy as np
from sklearn.decomposition import PCA

from protviz.core.errors import ProtvizError

Method = Literal["pca", "tsne", "umap"]
Metric = Literal["euclidean", "cosine"]
METHODS: tuple[Method, ...] = ("pca", "tsne", "umap")
METHOD_NAMES = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
METRICS: tuple[Metric, ...] = ("euclidean", "cosine")
FFT_MIN_POINTS = 5000
"""From this many points t-SNE uses FFT-accelerated gradients (2-D only); below it,
Barnes-Hut, whose fixed cost is far smaller."""
TSNE_EXAGGERATION_ITERATIONS = 250
"""t-SNE's first phase (early exaggeration), in iterations (openTSNE's default)."""
TSNE_ITERATIONS = 500
"""t-SNE's second phase, in iterations (openTSNE's default)."""
TSNE_REPORT_EVERY = 25
"""t-SNE reports its progress every this many iterations."""

ProjectionProgress = Callable[[str, float | None], None]
"""Called with what a projection is doing now (``optimising the layout, epoch 12 of
200``) and the fraction of it done (None: not known)."""


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


def _silent(step: str, fraction: float | None) -> None:
    """A progress callable that reports nothing."""


def project(
    vectors: np.ndarray,
    params: ProjectionParams | None = None,
    progress: ProjectionProgress | None = None,
) -> Projection:
    """Project vectors to 2-D or 3-D.

    Args:
        vectors: Shape ``(n_points, n_features)``.
        params: Method and parameters (default: 2-D PCA).
        progress: Told each stage (nearest neighbours, then every few layout epochs or
            iterations of t-SNE and UMAP).

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
    report = progress or _silent
    if params.method == "pca":
        report("principal components", None)
        pca = PCA(n_components=params.dims, random_state=params.seed)
        coordinates = pca.fit_transform(vectors)
        explained = tuple(float(v) for v in pca.explained_variance_ratio_)
    elif params.method == "tsne":
        coordinates = _tsne(vectors, params, report)
    else:
        coordinates = _umap(vectors, params, report)
    return Projection(np.asarray(coordinates, dtype=np.float32), params, tuple(messages), explained)


def _threads() -> int:
    return max(1, os.cpu_count() or 1)


class _TsneIterations:
    """openTSNE's callback: report the iterations of both phases as one count."""

    def __init__(self, report: ProjectionProgress) -> None:
        self.report = report
        self.done = 0
        self.total = TSNE_EXAGGERATION_ITERATIONS + TSNE_ITERATIONS

    def __call__(self, iteration: int, error: float, embedding: np.ndarray) -> bool:
        self.done = min(self.total, self.done + TSNE_REPORT_EVERY)
        self.report(
            f"optimising the layout, iteration {self.done} of {self.total}",
            self.done / self.total,
        )
        return False  # never stop early


def _tsne(vectors: np.ndarray, params: ProjectionParams, report: ProjectionProgress) -> np.ndarray:
    from openTSNE import TSNE  # lazy: see the module docstring

    report(f"finding each point's neighbours (perplexity {params.perplexity:g})", None)
    tsne = TSNE(
        n_components=params.dims,
        perplexity=params.perplexity,
        metric=params.metric,
        random_state=params.seed,
        n_jobs=_threads(),
        negative_gradient_method="fft"
        if params.dims <= 2 and len(vectors) >= FFT_MIN_POINTS
        else "bh",
        early_exaggeration_iter=TSNE_EXAGGERATION_ITERATIONS,
        n_iter=TSNE_ITERATIONS,
        callbacks=_TsneIterations(report),
        callbacks_every_iters=TSNE_REPORT_EVERY,
        verbose=False,
    )
    return np.asarray(tsne.fit(vectors))


class _UmapEpochs:
    """A file for umap-learn's tqdm bar (``tqdm_kwds``), written as ``<epoch>/<epochs>``:
    reports each epoch of the layout's optimisation."""

    PATTERN = re.compile(r"(\d+)/(\d+)")

    def __init__(self, report: ProjectionProgress) -> None:
        self.report = report

    def write(self, text: str) -> None:
        found = self.PATTERN.findall(text)
        if found:
            epoch, epochs = (int(value) for value in found[-1])
            self.report(f"optimising the layout, epoch {epoch} of {epochs}", epoch / max(1, epochs))

    def flush(self) -> None:
        """Nothing is buffered."""


def _umap(vectors: np.ndarray, params: ProjectionParams, report: ProjectionProgress) -> np.ndarray:
    import umap  # lazy: see the module docstring

    report(f"finding each point's {params.n_neighbors} nearest neighbours and a first layout", None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # n_jobs=1 with a seed; spectral init on tiny data
        reducer = umap.UMAP(
            n_components=params.dims,
            n_neighbors=params.n_neighbors,
            min_dist=params.min_dist,
            metric=params.metric,
            random_state=params.seed,
            tqdm_kwds={
                "file": _UmapEpochs(report),
                "bar_format": "{n}/{total}",
                "disable": False,
                "mininterval": 0.5,
            },
        )
        return np.asarray(reducer.fit_transform(vectors))
