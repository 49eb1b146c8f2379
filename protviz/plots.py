"""Plotly figure factories. Each returns a ``go.Figure`` and never renders it."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.express as px
import plotly.graph_objects as go

from protviz.dataset import SPLITS, Dataset
from protviz.summary import composition_by_class

OKABE_ITO = [
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#000000",
]
"""The Okabe-Ito palette, distinguishable with the common colour-vision deficiencies."""


def class_colors(classes: Sequence[str]) -> dict[str, str]:
    """Assign each class a colour from a colour-blind-safe palette.

    Up to eight classes get Okabe-Ito colours; more classes get Carto's 'Safe'
    palette, then repeat it.

    Args:
        classes: Class names in display order.

    Returns:
        Class name mapped to a hex colour, stable for the same order.
    """
    palette = OKABE_ITO if len(classes) <= len(OKABE_ITO) else px.colors.qualitative.Safe
    return {label: palette[i % len(palette)] for i, label in enumerate(classes)}


def _layout(figure: go.Figure, title: str, height: int = 420) -> go.Figure:
    figure.update_layout(title=title, height=height, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return figure


def class_counts_figure(dataset: Dataset) -> go.Figure:
    """Bar chart of sequences per class, largest first (split stacked when present).

    Args:
        dataset: The data set.

    Returns:
        The figure.
    """
    counts = dataset.class_counts
    colors = class_colors(list(counts.index))
    if dataset.split is None:
        figure = go.Figure(
            go.Bar(
                x=list(counts.index),
                y=counts.to_numpy(),
                marker_color=[colors[c] for c in counts.index],
                hovertemplate="%{x}: %{y:,} sequences<extra></extra>",
            )
        )
    else:
        frame = dataset.to_frame().groupby(["label", "split"]).size().rename("n").reset_index()
        figure = px.bar(
            frame,
            x="label",
            y="n",
            color="split",
            category_orders={"label": list(counts.index), "split": _split_order(dataset)},
            color_discrete_sequence=OKABE_ITO,
            labels={"label": "class", "n": "sequences"},
        )
        figure.update_layout(barmode="stack")
    figure.update_xaxes(title="class", type="category")
    figure.update_yaxes(title="sequences")
    return _layout(figure, f"Sequences per class ({len(dataset):,} in all)")


def _split_order(dataset: Dataset) -> list[str]:
    present = set(dataset.split or ())
    standard = [s for s in SPLITS if s in present]
    return standard + sorted(present - set(SPLITS))


def length_distribution_figure(dataset: Dataset) -> go.Figure:
    """Box plots of sequence length per class, on a log axis.

    Args:
        dataset: The data set.

    Returns:
        The figure.
    """
    classes = list(dataset.class_counts.index)
    colors = class_colors(classes)
    frame = dataset.to_frame()
    figure = go.Figure()
    for label in classes:
        subset = frame[frame["label"] == label]
        figure.add_trace(
            go.Box(
                x=subset["length"],
                name=label,
                marker_color=colors[label],
                boxpoints=False,
                hoverinfo="x+name",
            )
        )
    figure.update_xaxes(title="sequence length (residues, log scale)", type="log")
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_layout(showlegend=False)
    return _layout(figure, "Sequence length per class", height=max(300, 40 * len(classes) + 120))


def composition_heatmap_figure(dataset: Dataset) -> go.Figure:
    """Heatmap of amino-acid composition (percent of residues) per class.

    Args:
        dataset: The data set.

    Returns:
        The figure: rows are classes, columns amino acids.
    """
    composition = composition_by_class(dataset)
    figure = go.Figure(
        go.Heatmap(
            z=composition.to_numpy(),
            x=list(composition.columns),
            y=list(composition.index),
            colorscale="Viridis",
            colorbar={"title": "% of residues"},
            hovertemplate="%{y}<br>%{x}: %{z:.2f}% of residues<extra></extra>",
        )
    )
    figure.update_xaxes(title="amino acid", type="category")
    figure.update_yaxes(autorange="reversed", type="category")
    return _layout(
        figure,
        "Amino-acid composition per class",
        height=max(300, 30 * len(composition) + 140),
    )
