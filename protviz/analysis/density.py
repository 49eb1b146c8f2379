"""Where the points of a projection crowd: a seeded draw order, a marker style that adapts
to the number of points, and a smoothed density grid per group (for contours).

Drawn on top of each other, the classes of a dense projection hide one another: the
last class drawn wins every crowded pixel. A random draw order makes the colour of a
crowded pixel that of a random point there, so each class shows in proportion to its
share of the points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter

DRAW_ORDER_SEED = 0
"""Seed of the draw order: the same points are always drawn in the same order."""

DENSITY_BINS = 80
"""Cells per axis of a density grid."""

DENSITY_SMOOTHING = 1.5
"""Standard deviation of the Gaussian that smooths a density grid, in cells."""

DENSITY_MIN_POINTS = 20
"""Groups with fewer points get no density grid (their contours would be noise)."""


def draw_order(n_points: int, seed: int = DRAW_ORDER_SEED) -> np.ndarray:
    """A seeded random permutation of ``range(n_points)``: the order points are drawn in.

    Args:
        n_points: How many points.
        seed: Random seed.

    Returns:
        Shape ``(n_points,)``, every row once.
    """
    return np.random.default_rng(seed).permutation(n_points)


@dataclass(frozen=True)
class MarkerStyle:
    """Marker size (pixels) and opacity for a number of points."""

    size: float
    opacity: float


def marker_style(n_points: int) -> MarkerStyle:
    """Smaller, more transparent markers the more points there are.

    The rule, with ``d = log10(n_points)``: size ``10 - 1.5 d`` pixels, kept in 2-6 and
    rounded to half a pixel; opacity ``1.4 - 0.2 d``, kept in 0.25-0.85. So 1,000 points
    get 5.5 px at 0.8; 10,000 get 4 px at 0.6; 50,000 get 3 px at 0.46; 570,000 get
    2 px at 0.25, where overlapping points add up to a density.

    Args:
        n_points: How many points are drawn.

    Returns:
        The style.
    """
    decades = math.log10(max(1, n_points))
    size = min(6.0, max(2.0, round((10 - 1.5 * decades) * 2) / 2))
    opacity = min(0.85, max(0.25, round(1.4 - 0.2 * decades, 2)))
    return MarkerStyle(size=size, opacity=opacity)


@dataclass(frozen=True)
class DensityGrid:
    """Smoothed point counts of one group on a grid shared by every group.

    Attributes:
        x: Cell centres along x, shape ``(bins,)``.
        y: Cell centres along y, shape ``(bins,)``.
        density: Smoothed counts, shape ``(bins, bins)``, rows along y.
    """

    x: np.ndarray
    y: np.ndarray
    density: np.ndarray


def group_densities(
    coordinates: np.ndarray, groups: np.ndarray, bins: int = DENSITY_BINS
) -> dict[int, DensityGrid]:
    """A smoothed 2-D histogram of each group's points, on one grid over all points.

    Args:
        coordinates: Shape ``(n, 2)`` (only the first two columns are used).
        groups: Shape ``(n,)``, a non-negative group code per point.
        bins: Cells per axis.

    Returns:
        Group code -> its grid, for groups of at least :data:`DENSITY_MIN_POINTS` points.
    """
    x_edges = _edges(coordinates[:, 0], bins)
    y_edges = _edges(coordinates[:, 1], bins)
    x_centres = (x_edges[:-1] + x_edges[1:]) / 2
    y_centres = (y_edges[:-1] + y_edges[1:]) / 2
    grids = {}
    for group in np.unique(groups):
        members = coordinates[groups == group]
        if len(members) < DENSITY_MIN_POINTS:
            continue
        counts, _, _ = np.histogram2d(members[:, 1], members[:, 0], bins=(y_edges, x_edges))
        smoothed = gaussian_filter(counts, DENSITY_SMOOTHING)
        grids[int(group)] = DensityGrid(x_centres, y_centres, smoothed)
    return grids


def _edges(values: np.ndarray, bins: int) -> np.ndarray:
    """Bin edges over ``values`` with a margin of two cells each side (contours close)."""
    low, high = float(np.min(values)), float(np.max(values))
    width = (high - low) or 1.0
    margin = 2 * width / bins
    return np.linspace(low - margin, high + margin, bins + 1)
