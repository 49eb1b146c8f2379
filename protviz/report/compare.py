"""A comparison of runs for people: its small-multiples figure and a standalone HTML report.

The measurements are :mod:`protviz.analysis.compare`'s; this module only draws
and writes them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from protviz.analysis.compare import Comparison, comparison_table, summary_sentences
from protviz.report.figures import as_plot_text, class_colors, wrap_title

PANEL_TITLE = 44
"""Most characters of a small-multiple title (about half a 1,400-pixel-wide page); the
full title is in its hover."""


def small_multiples_figure(comparison: Comparison, classes: Sequence[str]) -> go.Figure:
    """One panel per run and embedding kind, same projection and colours.

    Panels are titled with the runs' short labels (shortened further when needed, the
    full title in the title's hover), so no title is cut at the panel's edge.

    Args:
        comparison: The comparison.
        classes: The data set's full class list: one colour per class (:func:`class_colors`),
            as on every other page.

    Returns:
        A grid: a row per run, columns ``averaged`` and ``learned``.
    """
    labels = comparison.short_labels()
    titles = [  # the run's label shortened when needed; the kind is never cut
        f"{wrap_title(labels[entry.run.run_id], PANEL_TITLE - len(kind) - 2, lines=1)}: {kind}"
        for entry in comparison.runs
        for kind in ("averaged", "learned")
    ]
    figure = make_subplots(
        rows=len(comparison.runs),
        cols=2,
        subplot_titles=titles,
        horizontal_spacing=0.06,
        vertical_spacing=0.08 / max(1, len(comparison.runs) - 1) + 0.04,
    )
    full_names = [
        f"{entry.run.name} ({entry.run.arch}): {kind}"
        for entry in comparison.runs
        for kind in ("averaged", "learned")
    ]
    for annotation, full_name in zip(figure.layout.annotations, full_names, strict=True):
        annotation.hovertext = as_plot_text(full_name)
    colors = class_colors([*classes, *comparison.labels.tolist()])
    present = [label for label in colors if label in set(comparison.labels.tolist())]
    for row, entry in enumerate(comparison.runs, start=1):
        for column, kind in enumerate(("averaged", "learned"), start=1):
            _add_panel(
                figure,
                comparison,
                entry.projections[kind].coordinates,
                present,
                colors,
                (row, column),
            )
    figure.update_layout(
        height=320 * len(comparison.runs) + 80,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        title=wrap_title(f"Same projection for every run: {comparison.params.describe()}", 90),
        legend={"itemsizing": "constant"},
    )
    return figure


def _add_panel(
    figure: go.Figure,
    comparison: Comparison,
    coordinates: np.ndarray,
    present: Sequence[str],
    colors: Mapping[str, str],
    cell: tuple[int, int],
) -> None:
    """One panel's points, a trace per class (the legend once, from the first panel)."""
    row, column = cell
    for label in present:
        mask = comparison.labels == label
        figure.add_trace(
            go.Scattergl(
                x=coordinates[mask, 0],
                y=coordinates[mask, 1],
                mode="markers",
                name=as_plot_text(label),
                legendgroup=label,
                showlegend=row == 1 and column == 1,
                marker={"size": 4, "color": colors[label], "opacity": 0.75},
                hovertemplate=f"{as_plot_text(label)}<extra></extra>",
            ),
            row=row,
            col=column,
        )


def html_report(
    comparison: Comparison,
    figures: Sequence[go.Figure],
    *,
    title: str = "protviz comparison",
) -> str:
    """A standalone HTML page with the summary, the table and the figures.

    Plotly's JavaScript is embedded once, so the file opens offline.

    Args:
        comparison: The comparison.
        figures: Figures to include, in order.
        title: Page title.

    Returns:
        The HTML document.
    """
    table = comparison_table(comparison)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;"
        "padding:3px 6px;text-align:right}th{background:#f4f4f4}</style>",
        "</head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Data set: {html.escape(comparison.dataset_name)}; "
        f"{len(comparison.rows):,} sequences embedded; projection: "
        f"{html.escape(comparison.params.describe())}.</p>",
        "<h2>Summary</h2><ul>",
        *(f"<li>{html.escape(sentence)}</li>" for sentence in summary_sentences(comparison)),
        *(f"<li>{html.escape(note)}</li>" for note in comparison.notes),
        "</ul><h2>Runs</h2>",
        table.to_html(float_format=lambda v: f"{v:.3f}", na_rep="", escape=True),
        "<h2>Figures</h2>",
    ]
    for index, figure in enumerate(figures):
        parts.append(
            figure.to_html(full_html=False, include_plotlyjs="inline" if index == 0 else False)
        )
    parts.append("</body></html>")
    return "\n".join(parts)
