"""Plotly figure factories. Each returns a ``go.Figure`` and never renders it."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from protviz.analysis.density import MarkerStyle, draw_order, group_densities, marker_style
from protviz.analysis.points import CLASS_COLUMNS, metadata_columns
from protviz.analysis.summary import composition_by_class
from protviz.core.alphabet import physicochemical_class
from protviz.core.dataset import SPLITS, Dataset

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

SAFE = [
    "#88CCEE",
    "#CC6677",
    "#DDCC77",
    "#117733",
    "#332288",
    "#AA4499",
    "#44AA99",
    "#999933",
    "#882255",
    "#661100",
    "#888888",
]
"""CARTO's colour-blind-safe 'Safe' palette (Paul Tol's muted scheme, extended): 9 to 11
classes."""

TOL_RAINBOW = [
    "#E8ECFB", "#D9CCE3", "#D1BBD7", "#CAACCB", "#BA8DB4", "#AE76A3", "#AA6F9E", "#994F88",
    "#882E72", "#1965B0", "#437DBF", "#5289C7", "#6195CF", "#7BAFDE", "#4EB265", "#90C987",
    "#CAE0AB", "#F7F056", "#F7CB45", "#F6C141", "#F4A736", "#F1932D", "#EE8026", "#E8601C",
    "#E65518", "#DC050C", "#A5170E", "#72190E", "#42150A",
]  # fmt: skip
"""Paul Tol's discrete rainbow (Tol 2021, *Colour Schemes*, fig. 22; tol_colors.py)."""

TOL_RAINBOW_CUTS: dict[int, list[int]] = {
    12: [2, 5, 8, 9, 11, 13, 14, 16, 17, 20, 23, 25],
    13: [2, 5, 8, 9, 11, 13, 14, 15, 16, 17, 20, 23, 25],
    14: [2, 5, 8, 9, 11, 13, 14, 15, 16, 17, 19, 21, 23, 25],
    15: [2, 5, 8, 9, 11, 13, 14, 15, 16, 17, 19, 21, 23, 25, 27],
    16: [2, 4, 6, 8, 9, 11, 13, 14, 15, 16, 17, 19, 21, 23, 25, 27],
    17: [2, 4, 6, 7, 8, 9, 11, 13, 14, 15, 16, 17, 19, 21, 23, 25, 27],
    18: [2, 4, 6, 7, 8, 9, 11, 13, 14, 15, 16, 17, 19, 21, 23, 25, 26, 27],
    19: [1, 3, 4, 6, 7, 8, 9, 11, 13, 14, 15, 16, 17, 19, 21, 23, 25, 26, 27],
    20: [1, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 19, 21, 23, 25, 26, 27],
    21: [1, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 20, 22, 24, 25, 26, 27],
    22: [1, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 20, 22, 24, 25, 26, 27, 28],
    23: [0, 1, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 20, 22, 24, 25, 26, 27, 28],
}  # fmt: skip
"""Tol's choice of rainbow colours for each number of classes from 12 to 23: the cut that
keeps them apart for colour-blind readers at that number."""

MISSING_COLOR = "#999999"
"""The colour of a value outside the class list (e.g. a class a run never learned)."""


def qualitative_palette(n_colors: int) -> list[str]:
    """``n_colors`` colour-blind-safe colours for categories.

    Up to 8: Okabe-Ito; 9 to 11: CARTO 'Safe'; 12 to 23: Paul Tol's discrete rainbow cut
    for that number; beyond 23, Tol's 23 colours repeat (the legend and hover still name
    every category).

    Args:
        n_colors: How many categories.

    Returns:
        A list of ``n_colors`` hex colours.
    """
    if n_colors <= len(OKABE_ITO):
        base = OKABE_ITO
    elif n_colors <= len(SAFE):
        base = SAFE
    else:
        base = [TOL_RAINBOW[i] for i in TOL_RAINBOW_CUTS[min(n_colors, 23)]]
    return [base[i % len(base)] for i in range(n_colors)]


def as_plot_text(value: object) -> str:
    """Text for a plotly label, legend entry or hover: user text stays literal.

    Plotly renders a few HTML tags (``<b>``, ``<br>``, ``<a>``...) in text;
    escaping ``&``, ``<`` and ``>`` makes a label such as ``<b>x</b>`` show as
    typed (plotly turns the entities back into characters on screen).
    """
    return html.escape(str(value), quote=False)


def wrap_title(text: str, width: int, *, lines: int = 2) -> str:
    """A title as plotly text, wrapped at ``width`` characters into at most ``lines`` lines.

    Plotly neither wraps nor shortens titles: a long one is cut at the figure's edge.
    Words are kept whole; what does not fit in ``lines`` lines ends in an ellipsis.

    Args:
        text: The title (user text stays literal: see :func:`as_plot_text`).
        width: Most characters per line.
        lines: Most lines.

    Returns:
        The wrapped title, lines joined with ``<br>``.
    """
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        last = " ".join(wrapped[lines - 1 :])
        wrapped = [*wrapped[: lines - 1], last[: max(1, width - 1)].rstrip() + "…"]
    return "<br>".join(as_plot_text(line) for line in wrapped)


def class_colors(classes: Iterable[str]) -> dict[str, str]:
    """One colour per class: a function of the full class list alone.

    The classes are sorted first, so the same list in any order gives the same colours,
    and a colouring that shows only some of the classes (a run's predictions that never
    name one of them) takes each colour from the full list: the others keep theirs.
    Colour-blind-safe palettes: see :func:`qualitative_palette`.

    Args:
        classes: The data set's full class list (with, for a run trained on another data
            set, the run's classes); any order, repeats ignored.

    Returns:
        Class name mapped to a hex colour.
    """
    ordered = sorted({str(label) for label in classes})
    return dict(zip(ordered, qualitative_palette(len(ordered)), strict=True))


def _layout(figure: go.Figure, title: str, height: int = 420) -> go.Figure:
    """Title, height and margins (the top margin grows with the title's lines)."""
    top = 50 + 22 * title.count("<br>")
    figure.update_layout(title=title, height=height, margin={"l": 10, "r": 10, "t": top, "b": 10})
    return figure


SPLIT_COLORS = {
    "train": "#0072B2",
    "valid": "#E69F00",
    "test": "#D55E00",
    "train or valid": "#56B4E9",
    "not used": "#BBBBBB",
}
"""One colour per split (the train / valid / test colouring on Explore)."""

SPLIT_PATTERNS = {"train": "", "valid": "/", "test": "x"}
"""The fill pattern of each split in the class chart (its colour stays the class's)."""


def class_counts_figure(dataset: Dataset) -> go.Figure:
    """Bar chart of sequences per class, largest first, each bar in its class colour with
    its count on top (the split stacked, by fill pattern, when the data set has one).

    Args:
        dataset: The data set.

    Returns:
        The figure.
    """
    counts = dataset.class_counts
    colors = [class_colors(dataset.classes)[label] for label in counts.index]
    names = [as_plot_text(label) for label in counts.index]
    if dataset.split is None:
        figure = go.Figure(
            go.Bar(
                x=names,
                y=counts.to_numpy(),
                marker_color=colors,
                hovertemplate="%{x}: %{y:,} sequences<extra></extra>",
                showlegend=False,
            )
        )
    else:
        figure = _split_bars(dataset, names, colors)
    figure.add_trace(
        go.Scatter(
            x=names,
            y=counts.to_numpy(),
            mode="text",
            text=[f"{count:,}" for count in counts],
            textposition="top center",
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    figure.update_xaxes(title="class", type="category")
    figure.update_yaxes(title="sequences", range=[0, 1.12 * max(counts.max(), 1)])
    return _layout(figure, f"Sequences per class ({len(dataset):,} in all)")


def _split_bars(dataset: Dataset, names: list[str], colors: list[str]) -> go.Figure:
    """One stacked bar trace per split, in the class colours, told apart by fill pattern."""
    per_split = (
        dataset.to_frame()
        .groupby(["split", "label"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(dataset.class_counts.index), fill_value=0)
    )
    figure = go.Figure()
    for split in _split_order(dataset):
        shape = SPLIT_PATTERNS.get(split, ".")
        values = per_split.loc[split].to_numpy()
        figure.add_trace(
            go.Bar(
                x=names,
                y=values,
                marker={"color": colors, "pattern": {"shape": shape, "fgopacity": 0.45}},
                text=[f"{value:,}" if value else "" for value in values],
                textposition="inside",
                insidetextanchor="middle",
                name=as_plot_text(split),
                legendgroup=split,
                showlegend=False,
                hovertemplate=f"%{{x}}, {as_plot_text(split)}: %{{y:,}} sequences<extra></extra>",
            )
        )
        figure.add_trace(  # the legend entry: the pattern on grey
            go.Bar(
                x=[None],
                y=[None],
                name=as_plot_text(split),
                legendgroup=split,
                marker={"color": "#777777", "pattern": {"shape": shape, "fgopacity": 0.45}},
            )
        )
    figure.update_layout(
        barmode="stack",
        uniformtext={"minsize": 9, "mode": "hide"},
        legend={"title": {"text": "split"}},
    )
    return figure


def _split_order(dataset: Dataset) -> list[str]:
    present = set(dataset.split or ())
    standard = [s for s in SPLITS if s in present]
    return standard + sorted(present - set(SPLITS))


def log_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Readable ticks for a log axis from ``low`` to ``high``: 1-2-5 steps per decade (1-3,
    or only powers of ten, over wider ranges), written in full (``1,000``, not ``1k``).

    Args:
        low: The smallest value shown (above 0).
        high: The largest value shown.

    Returns:
        Tick values and their texts.
    """
    low, high = max(float(low), 1e-9), max(float(high), float(low))
    decades = np.log10(high) - np.log10(low)
    steps = (1, 2, 5) if decades <= 3 else (1, 3) if decades <= 5 else (1,)
    values = [
        step * 10.0**power
        for power in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
        for step in steps
    ]
    shown = [v for v in values if low / 1.5 <= v <= high * 1.5]
    return shown, [f"{v:,.0f}" if v >= 1 else f"{v:g}" for v in shown]


def length_distribution_figure(dataset: Dataset) -> go.Figure:
    """Box plots of sequence length per class, on a log axis with readable ticks.

    Args:
        dataset: The data set.

    Returns:
        The figure.
    """
    classes = list(dataset.class_counts.index)
    colors = class_colors(dataset.classes)
    frame = dataset.to_frame()
    figure = go.Figure()
    for label in classes:
        subset = frame[frame["label"] == label]
        figure.add_trace(
            go.Box(
                x=subset["length"],
                name=as_plot_text(label),
                marker_color=colors[label],
                boxpoints=False,
                hoverinfo="x+name",
            )
        )
    lengths = dataset.lengths
    tick_values, tick_texts = log_ticks(lengths.min(), lengths.max())
    figure.update_xaxes(
        title="sequence length (residues, log scale)",
        type="log",
        tickvals=tick_values,
        ticktext=tick_texts,
    )
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
            y=[as_plot_text(c) for c in composition.index],
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
CURVE_AXES: dict[str, dict[str, object]] = {
    "loss": {"rangemode": "tozero"},
    "accuracy": {"range": [0, 1.02], "tickvals": [0, 0.25, 0.5, 0.75, 1]},
}
"""Each curve's value axis: loss from 0 and accuracy 0 to 1, so that the noise of a flat
curve is not blown up to the panel's height."""


def training_curves_figure(history: Sequence[dict[str, float]]) -> go.Figure:
    """Loss and accuracy per epoch, training and validation, side by side.

    Args:
        history: One dict per finished epoch with keys such as ``loss``,
            ``accuracy``, ``val_loss`` and ``val_accuracy``.

    Returns:
        A figure with one panel per metric (empty panels before the first epoch): loss
        from 0, accuracy from 0 to 1, whole epochs on the horizontal axes.
    """
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
            title_text="epoch",
            dtick=1 if len(epochs) <= 20 else None,
            tickformat="d",
            range=[0.5, max(len(epochs), 1) + 0.5],
            row=1,
            col=column,
        )
        figure.update_yaxes(**CURVE_AXES[metric], row=1, col=column)
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
    names = [as_plot_text(name) for name in class_names]
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


HOVER_COLUMNS = ("id", "label", "prediction", "split", "length", "start")
"""Columns of the points frame shown on hover, when present (then its metadata columns)."""

HOVER_METADATA = 8
"""Most metadata columns shown on hover (all of them are in the selection table)."""

HOVER_TEXT = 60
"""Most characters of one value shown on hover."""


def is_categorical(values: pd.Series) -> bool:
    """Whether a column gets a categorical colour (legend) rather than a continuous scale.

    Text and booleans are categorical; so are whole numbers with at most 12
    distinct values (e.g. a year or a cluster number); other numbers are continuous.
    """
    if values.dtype == bool or not pd.api.types.is_numeric_dtype(values):
        return True
    return pd.api.types.is_integer_dtype(values) and values.nunique() <= 12


def _hover_value(value: object) -> str:
    """One value as hover text: literal, shortened, '—' when missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    text = str(value)
    return as_plot_text(text if len(text) <= HOVER_TEXT else text[: HOVER_TEXT - 1] + "…")


def _hover(frame: pd.DataFrame) -> tuple[np.ndarray, str]:
    columns = [c for c in HOVER_COLUMNS if c in frame.columns]
    columns += metadata_columns(frame)[:HOVER_METADATA]
    data = np.column_stack([frame.index.to_numpy()] + [frame[c].map(_hover_value) for c in columns])
    lines = [f"{as_plot_text(c)}: %{{customdata[{i + 1}]}}" for i, c in enumerate(columns)]
    return data, "<br>".join(lines) + "<extra></extra>"


@dataclass(frozen=True)
class _ScatterPoints:
    """What every trace of an embedding scatter shares: the points and their hover.

    Attributes:
        coordinates: Shape ``(n, 2)`` or ``(n, 3)``.
        customdata: Shape ``(n, 1 + hover columns)``; column 0 is the row index.
        hovertemplate: The hover text template.
    """

    coordinates: np.ndarray
    customdata: np.ndarray
    hovertemplate: str

    def trace(self, rows: np.ndarray, **style: object) -> go.Scattergl | go.Scatter3d:
        """A marker trace of some rows (WebGL in 2-D), with the given style."""
        scatter = go.Scattergl if self.coordinates.shape[1] == 2 else go.Scatter3d
        axes = {"x": self.coordinates[rows, 0], "y": self.coordinates[rows, 1]}
        if self.coordinates.shape[1] == 3:
            axes["z"] = self.coordinates[rows, 2]
        return scatter(
            **axes,
            mode="markers",
            customdata=self.customdata[rows],
            hovertemplate=self.hovertemplate,
            **style,
        )


def embedding_scatter_figure(
    coordinates: np.ndarray,
    points: pd.DataFrame,
    color: str,
    *,
    title: str = "",
    highlight: np.ndarray | None = None,
    neighbours: Sequence[int] = (),
    anchor: int | None = None,
    classes: Sequence[str] | None = None,
    marker_size: float | None = None,
    contours: bool = False,
    every_value: pd.Series | None = None,
) -> go.Figure:
    """Interactive scatter plot of projected sequence embeddings (WebGL in 2-D).

    Every point is in one trace, drawn in a seeded random order (``draw_order``), so no
    class hides under another: a crowded pixel takes the colour of a random point there.
    A categorical colouring gets a legend of one empty entry per value (it names the
    colours, it hides nothing); a numeric one a continuous scale. Marker size and opacity
    follow the number of points (:func:`protviz.analysis.density.marker_style`).

    Args:
        coordinates: Shape ``(n, 2)`` or ``(n, 3)``.
        points: One row per point; ``color`` names a column. Its index is what a
            selection returns (every point carries it as ``customdata[0]``). Hover shows
            :data:`HOVER_COLUMNS` present, then the metadata columns.
        color: The column to colour by.
        title: Figure title (plotly text: see :func:`wrap_title`).
        highlight: Boolean mask, shape ``(n,)``: points drawn with a ring
            (e.g. search matches).
        neighbours: Positions drawn with a ring as nearest neighbours of ``anchor``.
        anchor: Position drawn as a star (the sequence whose neighbours are shown).
        classes: The full class list: the true and predicted labels take their colours
            from it (:func:`class_colors`), so a class keeps its colour in both colourings
            whichever classes are present.
        marker_size: Marker size in pixels (default: from the number of points).
        contours: Whether to add each value's density contours (2-D, categorical
            colourings only), in its colour.
        every_value: The ``color`` column of every point, those left out of ``points``
            included (e.g. hidden classes), so that each value keeps its colour and a
            numeric scale its range (default: ``points[color]``).

    Returns:
        The figure.
    """
    style = marker_style(len(points))
    style = replace(style, size=marker_size) if marker_size is not None else style
    shared = _ScatterPoints(coordinates, *_hover(points))
    every_value = points[color] if every_value is None else every_value
    traces = _point_traces(shared, points[color], every_value, classes, style, contours)
    traces += _ring_traces(shared, highlight, neighbours, anchor, style.size)
    figure = go.Figure(traces)
    figure.update_layout(
        legend={"itemsizing": "constant", "itemclick": False, "itemdoubleclick": False},
        dragmode="lasso" if coordinates.shape[1] == 2 else None,
    )
    return _layout(figure, title, height=560)


def _point_traces(
    shared: _ScatterPoints,
    values: pd.Series,
    every_value: pd.Series,
    classes: Sequence[str] | None,
    style: MarkerStyle,
    contours: bool,
) -> list[go.Scattergl | go.Scatter3d | go.Contour]:
    """Every point in one trace, coloured by category (with the legend and, if asked,
    contours) or on a continuous scale (``values.name`` is the colour column)."""
    if is_categorical(every_value):
        colors = _present_colors(values, _value_colors(str(values.name), every_value, classes))
        return _category_traces(shared, _value_codes(values, colors), colors, style, contours)
    return [_colour_scale_trace(shared, values, every_value, str(values.name), style)]


def _ring_traces(
    shared: _ScatterPoints,
    highlight: np.ndarray | None,
    neighbours: Sequence[int],
    anchor: int | None,
    marker_size: float,
) -> list[go.Scattergl | go.Scatter3d]:
    """Rings around search matches and nearest neighbours, and a star on the anchor."""
    traces = []
    rings = [
        ("search matches", np.flatnonzero(highlight) if highlight is not None else [], "#000000"),
        ("nearest neighbours", np.asarray(neighbours, dtype=int), "#D55E00"),
    ]
    for name, rows, ring_color in rings:
        if len(rows):
            marker = {
                "size": marker_size + 6,
                "color": "rgba(0,0,0,0)",
                "line": {"width": 2, "color": ring_color},
            }
            traces.append(shared.trace(np.asarray(rows), name=name, marker=marker))
    if anchor is not None:
        marker = {"size": marker_size + 10, "symbol": "diamond", "color": "#D55E00"}
        traces.append(shared.trace(np.array([anchor]), name="chosen sequence", marker=marker))
    return traces


def _value_colors(column: str, values: pd.Series, classes: Sequence[str] | None) -> dict[str, str]:
    """The colour of every value of a categorical colouring, in legend order.

    Class columns (true and predicted label) take one colour per class from the full
    class list; the split takes :data:`SPLIT_COLORS`; any other column gets a palette
    over its sorted values.
    """
    present = sorted(set(values.astype(str)))
    if column in CLASS_COLUMNS and classes is not None:
        palette = class_colors(classes)
        return {value: palette.get(value, MISSING_COLOR) for value in sorted(palette) + present}
    if column == "split":
        others = class_colors(v for v in present if v not in SPLIT_COLORS)
        return {**SPLIT_COLORS, **others}
    return class_colors(present)


def _present_colors(values: pd.Series, colors: Mapping[str, str]) -> dict[str, str]:
    """``colors`` of the values present, in legend order."""
    present = set(values.astype(str))
    return {value: color for value, color in colors.items() if value in present}


def _value_codes(values: pd.Series, colors: Mapping[str, str]) -> np.ndarray:
    """Each point's value as its position in ``colors``, shape ``(n,)``."""
    positions = {value: code for code, value in enumerate(colors)}
    return values.astype(str).map(positions).to_numpy(dtype=np.int32)


def stepped_colorscale(colors: Sequence[str]) -> list[list]:
    """A plotly colour scale on which code ``i`` of ``0..len(colors)-1`` (with
    ``cmin=-0.5``, ``cmax=len(colors)-0.5``) takes ``colors[i]``: one colour per value,
    sent as small integers rather than a colour string per point."""
    count = len(colors)
    scale = []
    for code, value_color in enumerate(colors):
        scale += [[code / count, value_color], [(code + 1) / count, value_color]]
    return scale


def _category_traces(
    shared: _ScatterPoints,
    codes: np.ndarray,
    colors: Mapping[str, str],
    style: MarkerStyle,
    contours: bool,
) -> list[go.Scattergl | go.Scatter3d | go.Contour]:
    """Every point in one trace, in the draw order, each in its value's colour (``codes``:
    positions in ``colors``); each value's density contours if asked; the legend."""
    order = draw_order(len(codes))
    traces = [_category_trace(shared, order, codes, list(colors.values()), style)]
    traces += _contour_traces(shared.coordinates, codes, colors) if contours else []
    return traces + _legend_traces(colors, style, shared.coordinates.shape[1])


def _category_trace(
    shared: _ScatterPoints,
    order: np.ndarray,
    codes: np.ndarray,
    colors: list[str],
    style: MarkerStyle,
) -> go.Scattergl | go.Scatter3d:
    """Every point in one trace, in ``order``, each in its value's colour."""
    return shared.trace(
        order,
        name="sequences",
        showlegend=False,
        marker={
            "size": style.size,
            "color": codes[order],
            "colorscale": stepped_colorscale(colors),
            "cmin": -0.5,
            "cmax": len(colors) - 0.5,
            "showscale": False,
            "opacity": style.opacity,
        },
    )


def _legend_traces(
    colors: Mapping[str, str], style: MarkerStyle, dims: int
) -> list[go.Scattergl | go.Scatter3d]:
    """One legend entry per value: a trace of one empty point in its colour."""
    scatter = go.Scattergl if dims == 2 else go.Scatter3d
    empty = {"x": [None], "y": [None]} | ({"z": [None]} if dims == 3 else {})
    return [
        scatter(
            **empty,
            mode="markers",
            name=as_plot_text(value),
            marker={"size": style.size, "color": value_color, "opacity": style.opacity},
            hoverinfo="skip",
        )
        for value, value_color in colors.items()
    ]


def _contour_traces(
    coordinates: np.ndarray, codes: np.ndarray, colors: Mapping[str, str]
) -> list[go.Contour]:
    """Density contours of each value, in its colour (2-D only): three levels, at 20%,
    45% and 70% of the value's densest cell."""
    if coordinates.shape[1] != 2:
        return []
    names = list(colors)
    traces = []
    for code, grid in group_densities(coordinates, codes).items():
        peak = float(grid.density.max())
        traces.append(
            go.Contour(
                x=grid.x,
                y=grid.y,
                z=grid.density,
                name=as_plot_text(names[code]) + " density",
                contours={
                    "coloring": "none",
                    "start": 0.2 * peak,
                    "end": 0.7 * peak,
                    "size": 0.25 * peak,
                },
                line={"color": colors[names[code]], "width": 1.5},
                showscale=False,
                showlegend=False,
                hoverinfo="skip",
            )
        )
    return traces


def _colour_scale_trace(
    shared: _ScatterPoints,
    values: pd.Series,
    every_value: pd.Series,
    color: str,
    style: MarkerStyle,
) -> go.Scattergl | go.Scatter3d:
    """Every point in one trace, in the draw order, coloured on a continuous scale over
    the range of ``every_value``."""
    order = draw_order(len(values))
    return shared.trace(
        order,
        name=as_plot_text(color),
        marker={
            "size": style.size,
            "color": values.to_numpy(dtype=float)[order],
            **_value_range(every_value),
            "colorscale": "Viridis",
            "colorbar": {"title": as_plot_text(color)},
            "opacity": style.opacity,
        },
        showlegend=False,
    )


def _value_range(values: pd.Series) -> dict[str, float]:
    """``cmin`` and ``cmax`` of a colour scale over the finite ``values`` (none: empty)."""
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    return {"cmin": float(finite.min()), "cmax": float(finite.max())} if len(finite) else {}


# --- Embedding matrix and Attention pages -------------------------------------------------

PHYSICOCHEMICAL_COLORS = dict(
    zip(
        ["hydrophobic", "aromatic", "polar", "positive", "negative", "special", "unknown"],
        OKABE_ITO,
        strict=False,
    )
)
"""A colour per physico-chemical class of amino acids (``unknown`` for X)."""


def embedding_matrix_figure(matrix: pd.DataFrame) -> go.Figure:
    """Heatmap of a learned embedding matrix (rows: amino acids and X; columns: dimensions).

    Args:
        matrix: Frame ``(21, embedding_dim)`` as from ``protviz.analysis.matrix.matrix_frame``.

    Returns:
        The figure, with a diverging scale centred on 0.
    """
    figure = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=list(matrix.columns),
            y=list(matrix.index),
            colorscale="RdBu_r",
            zmid=0,
            colorbar={"title": "value"},
            hovertemplate="%{y}, %{x}: %{z:.3f}<extra></extra>",
        )
    )
    figure.update_xaxes(title="embedding dimension", type="category")
    figure.update_yaxes(title="amino acid", type="category", autorange="reversed")
    return _layout(figure, "Learned embedding matrix", height=560)


def similarity_figure(
    similarity: np.ndarray,
    letters: str,
    order: Sequence[int],
    *,
    segments: tuple[Sequence[Sequence[float]], Sequence[Sequence[float]]] | None = None,
    title: str = "Cosine similarity of the amino-acid vectors",
) -> go.Figure:
    """Amino-acid similarity heatmap in a given order, with an optional dendrogram on top.

    Args:
        similarity: Shape ``(n, n)`` in ``letters`` order.
        letters: One-letter codes, length ``n``.
        order: Display order (indices into ``letters``), e.g. a clustering's leaves.
        segments: The dendrogram's ``(x, y)`` line coordinates (scipy's convention:
            leaf ``k`` of ``order`` at ``x = 5 + 10 k``), or None for no dendrogram.
        title: Figure title.

    Returns:
        The figure.
    """
    order = list(order)
    labels = [letters[i] for i in order]
    positions = [5 + 10 * k for k in range(len(order))]
    values = np.asarray(similarity)[np.ix_(order, order)]
    rows = 2 if segments is not None else 1
    figure = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.22, 0.78] if rows == 2 else None,
        vertical_spacing=0.01,
    )
    if segments is not None:
        _add_dendrogram(figure, segments)
    figure.add_trace(
        go.Heatmap(
            z=values,
            x=positions,
            y=positions,
            colorscale="RdBu_r",
            zmin=-1,
            zmax=1,
            customdata=[[[a, b] for b in labels] for a in labels],
            colorbar={"title": "cosine", "len": 0.75, "y": 0.4},
            hovertemplate="%{customdata[0]} - %{customdata[1]}: %{z:.3f}<extra></extra>",
        ),
        row=rows,
        col=1,
    )
    axis = {"tickvals": positions, "ticktext": labels, "showgrid": False}
    figure.update_xaxes(**axis, range=[0, 10 * len(order)], row=rows, col=1)
    figure.update_yaxes(**axis, range=[10 * len(order), 0], row=rows, col=1)
    return _layout(figure, title, height=620 if rows == 2 else 500)


def _add_dendrogram(
    figure: go.Figure, segments: tuple[Sequence[Sequence[float]], Sequence[Sequence[float]]]
) -> None:
    """Draw a dendrogram's line segments in the top panel of ``figure``."""
    for xs, ys in zip(*segments, strict=True):
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#555555", "width": 1},
                hoverinfo="skip",
                showlegend=False,
            ),
            row=1,
            col=1,
        )
    figure.update_yaxes(title_text="1 - similarity", row=1, col=1)


def amino_acid_pca_figure(
    coordinates: np.ndarray, letters: str, classes: Sequence[str], explained: Sequence[float]
) -> go.Figure:
    """The amino acids in 2-D, labelled with their one-letter codes, coloured by class.

    Args:
        coordinates: Shape ``(n, 2)``.
        letters: One-letter codes, length ``n``.
        classes: Physico-chemical class of each letter.
        explained: Fraction of variance of each component.

    Returns:
        The figure, one trace per class.
    """
    figure = go.Figure()
    classes = list(classes)
    for name in dict.fromkeys(classes):
        rows = [i for i, c in enumerate(classes) if c == name]
        figure.add_trace(
            go.Scatter(
                x=coordinates[rows, 0],
                y=coordinates[rows, 1],
                mode="markers+text",
                text=[letters[i] for i in rows],
                textposition="top center",
                name=name,
                marker={"size": 12, "color": PHYSICOCHEMICAL_COLORS[name]},
                hovertemplate="%{text} (" + name + ")<extra></extra>",
            )
        )
    figure.update_xaxes(title=f"PC 1 ({explained[0]:.0%} of variance)")
    figure.update_yaxes(title=f"PC 2 ({explained[1]:.0%} of variance)")
    return _layout(figure, "Amino acids in 2-D (PCA of their vectors)", height=520)


SCORE_SCALES = {"attention": "Blues", "saliency": "RdBu_r"}
"""Colour scale per kind of per-residue score (saliency is signed: diverging)."""


def residue_scores_figure(
    sequence: str, scores: np.ndarray, kind: str, *, per_row: int = 60
) -> go.Figure:
    """A sequence drawn in rows of ``per_row`` residues, each cell coloured by its score.

    Args:
        sequence: The full sequence.
        scores: One score per residue, shape ``(len(sequence),)``; NaN where the
            model did not see the residue (drawn blank).
        kind: ``attention`` or ``saliency`` (names the scale; saliency is diverging).
        per_row: Residues per row.

    Returns:
        The figure: rows are labelled with their first position (the ruler),
        columns 1..per_row; hover shows position, residue and score (or that the
        model did not see the residue).
    """
    grid, letters, hover = _residue_grid(sequence, scores, kind, per_row)
    rows = len(grid)
    shown = np.where(np.isnan(grid), None, grid)
    signed = kind == "saliency"
    limit = float(np.nanmax(np.abs(scores))) if np.isfinite(scores).any() else 1.0
    figure = go.Figure(
        go.Heatmap(
            z=shown,
            text=letters,
            customdata=hover,
            texttemplate="%{text}",
            textfont={"family": "monospace", "size": 13},
            colorscale=SCORE_SCALES.get(kind, "Blues"),
            zmid=0 if signed else None,
            zmin=None if signed else 0,
            zmax=limit if not signed else None,
            xgap=1,
            ygap=3,
            colorbar={"title": kind},
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    figure.update_xaxes(
        tickvals=list(range(9, per_row, 10)),
        ticktext=[str(t + 1) for t in range(9, per_row, 10)],
        side="top",
        showgrid=False,
        zeroline=False,
    )
    figure.update_yaxes(
        tickvals=list(range(rows)),
        ticktext=[str(row * per_row + 1) for row in range(rows)],
        autorange="reversed",
        showgrid=False,
        zeroline=False,
    )
    figure.update_layout(plot_bgcolor="white")
    title = "Attention over the sequence" if kind == "attention" else "Saliency (not attention)"
    return _layout(figure, title, height=110 + 28 * rows)


def _residue_grid(
    sequence: str, scores: np.ndarray, kind: str, per_row: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A sequence laid out in rows of ``per_row``: scores, letters and hover text per cell.

    Returns:
        Three arrays of shape ``(rows, per_row)``: the scores (NaN where the
        model did not see the residue, or past the end), the letters and the
        hover texts ('' past the end).
    """
    rows = max(1, -(-len(sequence) // per_row))
    grid = np.full((rows, per_row), np.nan)
    letters = np.full((rows, per_row), "", dtype=object)
    hover = np.full((rows, per_row), "", dtype=object)
    for index, letter in enumerate(sequence):
        row, column = divmod(index, per_row)
        grid[row, column] = scores[index]
        letters[row, column] = letter
        value = "not seen by the model" if np.isnan(scores[index]) else f"{scores[index]:.4g}"
        hover[row, column] = f"position {index + 1}: {letter}<br>{kind} {value}"
    return grid, letters, hover


def residue_scores_line_figure(scores: np.ndarray, kind: str) -> go.Figure:
    """Per-residue scores as a line along the sequence (gaps where the model saw nothing).

    Args:
        scores: One score per residue (NaN where unseen), shape ``(length,)``.
        kind: ``attention`` or ``saliency``.

    Returns:
        The figure.
    """
    figure = go.Figure(
        go.Scatter(
            x=np.arange(1, len(scores) + 1),
            y=np.where(np.isnan(scores), None, scores),
            mode="lines",
            line={"color": OKABE_ITO[4]},
            connectgaps=False,
            hovertemplate=f"position %{{x}}<br>{kind} %{{y:.4g}}<extra></extra>",
        )
    )
    figure.update_xaxes(title="position")
    figure.update_yaxes(title=kind)
    return _layout(figure, f"{kind.capitalize()} along the sequence", height=300)


def probabilities_figure(
    class_names: Sequence[str], probabilities: np.ndarray, *, classes: Sequence[str] | None = None
) -> go.Figure:
    """Horizontal bars of predicted class probabilities.

    Args:
        class_names: Classes, in output order.
        probabilities: Shape ``(n_classes,)``.
        classes: The full class list the colours come from (default: ``class_names``).

    Returns:
        The figure.
    """
    colors = class_colors(class_names if classes is None else classes)
    figure = go.Figure(
        go.Bar(
            x=np.asarray(probabilities),
            y=[as_plot_text(c) for c in class_names],
            orientation="h",
            marker_color=[colors.get(c, MISSING_COLOR) for c in class_names],
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
        )
    )
    figure.update_xaxes(title="probability", range=[0, 1])
    figure.update_yaxes(type="category", autorange="reversed")
    height = max(220, 30 * len(class_names) + 120)
    return _layout(figure, "Predicted class probabilities", height=height)


PROFILE_AXES: dict[str, tuple[str, str, str]] = {
    "relative": (
        "position (0 = N-terminus, 1 = C-terminus)",
        "position %{x:.0%}",
        ".0%",
    ),
    "n_terminus": ("residue number (1 = the first residue)", "residue %{x}", ""),
    "c_terminus": ("residues from the C-terminus (1 = the last residue)", "residue -%{x}", ""),
}
"""Per profile scale: the x axis title, the position in the hover, and the tick format."""


def class_profile_figure(
    profile: pd.DataFrame, classes: Sequence[str], *, scale: str = "relative"
) -> go.Figure:
    """One line per class: mean relative attention along the sequence.

    Args:
        profile: Index = class; columns = bin centres in (0, 1) (``relative``) or
            1-based residue numbers (``n_terminus``, ``c_terminus``).
        classes: The full class list the colours come from (:func:`class_colors`).
        scale: ``relative``, ``n_terminus`` or ``c_terminus`` (see :data:`PROFILE_AXES`).

    Returns:
        The figure (1 = uniform attention).
    """
    colors = class_colors(classes)
    axis_title, position, tick_format = PROFILE_AXES[scale]
    figure = go.Figure()
    centres = np.asarray(profile.columns, dtype=float)
    for label in profile.index:
        values = profile.loc[label].to_numpy(dtype=float)
        figure.add_trace(
            go.Scatter(
                x=centres,
                y=np.where(np.isnan(values), None, values),
                mode="lines",
                name=as_plot_text(label),
                line={"color": colors.get(label, MISSING_COLOR)},
                connectgaps=False,
                hovertemplate=f"{as_plot_text(label)}<br>{position}<br>%{{y:.2f}}<extra></extra>",
            )
        )
    figure.add_hline(y=1, line={"dash": "dot", "color": "#999999"})
    figure.update_xaxes(title=axis_title, tickformat=tick_format)
    figure.update_yaxes(title="mean relative attention (1 = uniform)")
    return _layout(figure, "Attention profile per class", height=420)


def _ink(background: str) -> str:
    """Black or white text, whichever reads better on a hex background colour."""
    red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "#FFFFFF"


def logo_figure(heights: pd.DataFrame, title: str, *, y_title: str = "bits") -> go.Figure:
    """A sequence logo: per position, stacked letters with heights, tallest on top.

    Drawn as stacked bars (one trace per rank, so every position can sort its
    letters), each bar labelled with its letter and coloured by its
    physico-chemical class.

    Args:
        heights: Frame ``(width, letters)``: index = window positions, columns = letters.
        title: Figure title.
        y_title: Y axis title (``bits`` or ``frequency``).

    Returns:
        The figure.
    """
    values = heights.to_numpy(dtype=float)
    letters = np.asarray(heights.columns, dtype=object)
    ranks = np.argsort(values, axis=1, kind="stable")  # smallest first: bottom of the stack
    positions = [str(p) for p in heights.index]
    figure = go.Figure()
    for rank in range(values.shape[1]):
        column = ranks[:, rank]
        bar_heights = values[np.arange(len(values)), column]
        bar_letters = letters[column]
        bar_colors = [PHYSICOCHEMICAL_COLORS[physicochemical_class(a)] for a in bar_letters]
        figure.add_trace(
            go.Bar(
                x=positions,
                y=bar_heights,
                text=np.where(bar_heights > 0, bar_letters, ""),
                textposition="inside",
                insidetextanchor="middle",
                textfont={"family": "monospace", "color": [_ink(c) for c in bar_colors]},
                marker_color=bar_colors,
                customdata=bar_letters,
                hovertemplate="position %{x}: %{customdata} %{y:.3f}<extra></extra>",
                showlegend=False,
            )
        )
    for name, color in PHYSICOCHEMICAL_COLORS.items():
        if name != "unknown":
            figure.add_trace(
                go.Bar(x=[None], y=[None], name=name, marker_color=color, showlegend=True)
            )
    figure.update_layout(barmode="stack", bargap=0.05, legend={"traceorder": "normal"})
    figure.update_xaxes(title="window position", type="category")
    figure.update_yaxes(title=y_title)
    return _layout(figure, title, height=360)
