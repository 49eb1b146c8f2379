"""Plotly figure factories. Each returns a ``go.Figure`` and never renders it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
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


CURVE_METRICS = {"loss": "Loss", "accuracy": "Accuracy"}
"""The training curves drawn side by side: history key -> panel title."""


def training_curves_figure(history: Sequence[dict[str, float]]) -> go.Figure:
    """Loss and accuracy per epoch, training and validation, side by side.

    Args:
        history: One dict per finished epoch with keys such as ``loss``,
            ``accuracy``, ``val_loss`` and ``val_accuracy``.

    Returns:
        A figure with one panel per metric (empty panels before the first epoch).
    """
    from plotly.subplots import make_subplots

    figure = make_subplots(
        rows=1, cols=len(CURVE_METRICS), subplot_titles=list(CURVE_METRICS.values())
    )
    epochs = list(range(1, len(history) + 1))
    for column, metric in enumerate(CURVE_METRICS, start=1):
        for prefix, label, color in (
            ("", "train", OKABE_ITO[4]),
            ("val_", "validation", OKABE_ITO[5]),
        ):
            values = [epoch.get(prefix + metric) for epoch in history]
            if not any(v is not None for v in values):
                continue
            figure.add_trace(
                go.Scatter(
                    x=epochs,
                    y=values,
                    mode="lines+markers",
                    name=label,
                    legendgroup=label,
                    showlegend=column == 1,
                    line={"color": color},
                    hovertemplate=f"epoch %{{x}}<br>{label} {metric}: %{{y:.4f}}<extra></extra>",
                ),
                row=1,
                col=column,
            )
        figure.update_xaxes(
            title_text="epoch", dtick=1 if len(epochs) <= 20 else None, row=1, col=column
        )
    return _layout(figure, "Training curves", height=340)


def confusion_matrix_figure(
    matrix: Sequence[Sequence[int]], class_names: Sequence[str], *, normalise: bool = False
) -> go.Figure:
    """Heatmap of a confusion matrix (rows: true class, columns: predicted class).

    Args:
        matrix: Counts, shape ``(n_classes, n_classes)``.
        class_names: Class names in matrix order.
        normalise: Divide each row by its total (recall on the diagonal).

    Returns:
        The figure, with the values written in the cells.
    """
    counts = np.asarray(matrix, dtype=float)
    if normalise:
        totals = counts.sum(axis=1, keepdims=True)
        values = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
        text = [[f"{v:.2f}" for v in row] for row in values]
        hover = "true %{y}<br>predicted %{x}<br>%{z:.1%} of the true class<extra></extra>"
    else:
        values = counts
        text = [[f"{int(v)}" for v in row] for row in values]
        hover = "true %{y}<br>predicted %{x}<br>%{z:,.0f} sequences<extra></extra>"
    names = list(class_names)
    figure = go.Figure(
        go.Heatmap(
            z=values,
            x=names,
            y=names,
            text=text,
            texttemplate="%{text}" if len(names) <= 15 else None,
            colorscale="Blues",
            hovertemplate=hover,
            colorbar={"title": "fraction" if normalise else "sequences"},
        )
    )
    figure.update_xaxes(title="predicted class", type="category")
    figure.update_yaxes(title="true class", type="category", autorange="reversed")
    title = "Confusion matrix, row-normalised" if normalise else "Confusion matrix, counts"
    return _layout(figure, title, height=max(360, 32 * len(names) + 160))


HOVER_COLUMNS = ("id", "label", "prediction", "length", "start")
"""Columns of the points frame shown on hover, when present."""


def is_categorical(values: pd.Series) -> bool:
    """Whether a column gets a categorical colour (legend) rather than a continuous scale.

    Text and booleans are categorical; so are whole numbers with at most 12
    distinct values (e.g. a year or a cluster number); other numbers are continuous.
    """
    if values.dtype == bool or not pd.api.types.is_numeric_dtype(values):
        return True
    return pd.api.types.is_integer_dtype(values) and values.nunique() <= 12


def _hover(frame: pd.DataFrame) -> tuple[np.ndarray, str]:
    columns = [c for c in HOVER_COLUMNS if c in frame.columns]
    data = np.column_stack([frame.index.to_numpy()] + [frame[c].astype(str) for c in columns])
    lines = [f"{c}: %{{customdata[{i + 1}]}}" for i, c in enumerate(columns)]
    return data, "<br>".join(lines) + "<extra></extra>"


def _scatter(dims: int):
    return go.Scattergl if dims == 2 else go.Scatter3d


def _xyz(coordinates: np.ndarray, rows: np.ndarray) -> dict[str, np.ndarray]:
    axes = {"x": coordinates[rows, 0], "y": coordinates[rows, 1]}
    if coordinates.shape[1] == 3:
        axes["z"] = coordinates[rows, 2]
    return axes


def embedding_scatter_figure(
    coordinates: np.ndarray,
    points: pd.DataFrame,
    color: str,
    *,
    title: str = "",
    highlight: np.ndarray | None = None,
    neighbours: Sequence[int] = (),
    anchor: int | None = None,
    class_order: Sequence[str] | None = None,
    marker_size: int = 5,
) -> go.Figure:
    """Interactive scatter plot of projected sequence embeddings (WebGL in 2-D).

    Categorical colours get one trace per value (click a legend entry to hide
    it, double-click to isolate it); numeric colours get a continuous scale.

    Args:
        coordinates: Shape ``(n, 2)`` or ``(n, 3)``.
        points: One row per point, index ``0..n-1``; ``color`` names a column.
            Hover shows ``id``, ``label``, ``prediction``, ``length`` and
            ``start`` when present. Every trace carries the row index as
            ``customdata[0]``, so a selection maps back to rows.
        color: The column to colour by.
        title: Figure title.
        highlight: Boolean mask, shape ``(n,)``: points drawn with a ring
            (e.g. search matches).
        neighbours: Rows drawn with a ring as nearest neighbours of ``anchor``.
        anchor: Row drawn as a star (the sequence whose neighbours are shown).
        class_order: Order (and colours) of categorical values, e.g. the classes.
        marker_size: Marker size in pixels.

    Returns:
        The figure.
    """
    dims = coordinates.shape[1]
    scatter = _scatter(dims)
    customdata, hovertemplate = _hover(points)
    values = points[color]
    figure = go.Figure()
    if is_categorical(values):
        labels = values.astype(str)
        present = list(dict.fromkeys(labels))
        order = [c for c in (class_order or []) if c in present]
        order += sorted(c for c in present if c not in order)
        colors = class_colors(order)
        for value in order:
            rows = np.flatnonzero((labels == value).to_numpy())
            figure.add_trace(
                scatter(
                    **_xyz(coordinates, rows),
                    mode="markers",
                    name=value,
                    marker={"size": marker_size, "color": colors[value], "opacity": 0.8},
                    customdata=customdata[rows],
                    hovertemplate=hovertemplate,
                )
            )
    else:
        rows = np.arange(len(points))
        figure.add_trace(
            scatter(
                **_xyz(coordinates, rows),
                mode="markers",
                name=color,
                marker={
                    "size": marker_size,
                    "color": values.to_numpy(dtype=float),
                    "colorscale": "Viridis",
                    "colorbar": {"title": color},
                    "opacity": 0.85,
                },
                customdata=customdata,
                hovertemplate=hovertemplate,
                showlegend=False,
            )
        )
    rings = [
        ("search matches", np.flatnonzero(highlight) if highlight is not None else [], "#000000"),
        ("nearest neighbours", np.asarray(neighbours, dtype=int), "#D55E00"),
    ]
    for name, rows, ring_color in rings:
        if len(rows):
            figure.add_trace(
                scatter(
                    **_xyz(coordinates, np.asarray(rows)),
                    mode="markers",
                    name=name,
                    marker={
                        "size": marker_size + 6,
                        "color": "rgba(0,0,0,0)",
                        "line": {"width": 2, "color": ring_color},
                    },
                    customdata=customdata[rows],
                    hovertemplate=hovertemplate,
                )
            )
    if anchor is not None:
        figure.add_trace(
            scatter(
                **_xyz(coordinates, np.array([anchor])),
                mode="markers",
                name="chosen sequence",
                marker={"size": marker_size + 10, "symbol": "diamond", "color": "#D55E00"},
                customdata=customdata[[anchor]],
                hovertemplate=hovertemplate,
            )
        )
    figure.update_layout(legend={"itemsizing": "constant"}, dragmode="lasso" if dims == 2 else None)
    return _layout(figure, title, height=560)
