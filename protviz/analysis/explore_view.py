"""What the Explore view shows beside the points: the colourings on offer and the nearest
neighbours of a chosen sequence.

Pure logic (no Streamlit) on the points frame of :mod:`protviz.analysis.points`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from protviz.analysis.points import COLOR_CHOICES, metadata_columns, nearest_neighbours

DISTANCES = ("cosine", "euclidean")
"""The distances neighbours can be found by."""

NEIGHBOUR_COLUMNS = ["id", "label", "predicted", "confidence", "split"]
"""The points columns of the neighbour table (when present), before the metadata columns."""


def color_choices(points: pd.DataFrame) -> list[str]:
    """The colourings on offer: the built-in ones ``points`` has, then its metadata columns."""
    built_in = [column for column in COLOR_CHOICES if column in points.columns]
    return built_in + metadata_columns(points)


def anchor_row(points: pd.DataFrame, seq_id: str | None) -> int | None:
    """The row of the sequence ``seq_id`` in ``points``, or None (no ID, or not there)."""
    if seq_id is None:
        return None
    rows = np.flatnonzero(points["id"].to_numpy() == seq_id)
    return int(rows[0]) if len(rows) else None


@dataclass(frozen=True)
class Neighbours:
    """The nearest neighbours of one sequence (none when no sequence is chosen).

    Attributes:
        anchor: The chosen sequence's row, or None.
        metric: The distance, ``cosine`` or ``euclidean``.
        rows: The neighbours' rows, nearest first, shape ``(k,)``.
        distances: Their distances to the anchor, shape ``(k,)``.
    """

    anchor: int | None
    metric: str
    rows: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    distances: np.ndarray = field(default_factory=lambda: np.array([], dtype=float))

    def within(self, kept: np.ndarray) -> Neighbours:
        """The neighbours among the points ``kept``, as positions in them.

        Args:
            kept: Boolean mask over the points ``anchor`` and ``rows`` are positions in.

        Returns:
            The same neighbours, less those not kept (no anchor when it is not kept), as
            positions among the kept points.
        """
        position = np.cumsum(kept) - 1  # a kept point's position among the kept ones
        rows = np.asarray(self.rows, dtype=int)
        still = kept[rows]
        anchor = self.anchor if self.anchor is not None and kept[self.anchor] else None
        return Neighbours(
            anchor=None if anchor is None else int(position[anchor]),
            metric=self.metric,
            rows=position[rows[still]],
            distances=np.asarray(self.distances)[still],
        )


def find_neighbours(
    points: pd.DataFrame, vectors: np.ndarray, seq_id: str | None, k: int, metric: str
) -> Neighbours:
    """The ``k`` nearest neighbours of ``seq_id`` in the original embedding space.

    Args:
        points: The points frame (its ``id`` column finds the sequence).
        vectors: The embedding, shape ``(n, features)``, rows as in ``points``.
        seq_id: The chosen sequence, or None.
        k: How many neighbours.
        metric: ``cosine`` or ``euclidean``.

    Returns:
        The neighbours; none when ``seq_id`` is None or not in ``points``.
    """
    anchor = anchor_row(points, seq_id)
    if anchor is None:
        return Neighbours(anchor=None, metric=metric)
    rows, distances = nearest_neighbours(vectors, anchor, k, metric)
    return Neighbours(anchor=anchor, metric=metric, rows=rows, distances=distances)


def neighbour_table(points: pd.DataFrame, neighbours: Neighbours) -> pd.DataFrame:
    """The neighbours as a table: rank, ID, label, prediction, confidence, split, distance,
    then the metadata columns."""
    shown = [column for column in NEIGHBOUR_COLUMNS if column in points.columns]
    table = points.iloc[neighbours.rows][shown].copy()
    table.insert(0, "rank", range(1, len(neighbours.rows) + 1))
    table[f"{neighbours.metric} distance"] = neighbours.distances.round(4)
    metadata = points.iloc[neighbours.rows][metadata_columns(points)]
    return pd.concat([table, metadata], axis=1)
