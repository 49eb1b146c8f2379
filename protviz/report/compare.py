"""A comparison of runs for people: its small-multiples figure and a standalone HTML report.

The measurements are :mod:`protviz.analysis.compare`'s; this module only draws
and writes them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from protviz.analysis.compare import (
    RUN_KINDS_COMPARED,
    Comparison,
    comparison_table,
    embedding_quality_table,
    summary_sentences,
)
from protviz.report.figures import as_plot_text, class_colors


def small_multiples_figure(comparison: Comparison, class_order: Sequence[str]) -> go.Figure:
    """One panel per run and embedding kind, same projection and colours.

    Args:
        comparison: The comparison.
        class_order: Label order (and colours) for the legend.

    Returns:
        A grid of two columns: a row per run (``averaged``, ``learned``), then the
        embeddings that need no model, two to a row.
    """
    panels = [
        (f"{entry.run.name}: {kind}", entry.projections[kind].coordinates, comparison.labels)
        for entry in comparison.runs
        for kind in RUN_KINDS_COMPARED
    ]
    panels += [
        (
            f"{measure.name}: no model",
            measure.projection.coordinates,
            comparison.labels[measure.positions],
        )
        for measure in comparison.embeddings
    ]
    rows = (len(panels) + 1) // 2
    figure = make_subplots(
        rows=rows,
        cols=2,
        subplot_titles=[as_plot_text(title) for title, _, _ in panels],
        horizontal_spacing=0.06,
        vertical_spacing=0.08 / max(1, rows - 1) + 0.04,
    )
    present = [c for c in class_order if c in set(comparison.labels.tolist())]
    present += sorted(set(comparison.labels.tolist()) - set(present))
    colors = class_colors(present)
    for index, (_, coordinates, labels) in enumerate(panels):
        for label in present:
            mask = labels == label
            figure.add_trace(
                go.Scattergl(
                    x=coordinates[mask, 0],
                    y=coordinates[mask, 1],
                    mode="markers",
                    name=as_plot_text(label),
                    legendgroup=label,
                    showlegend=index == 0,
                    marker={"size": 4, "color": colors[label], "opacity": 0.75},
                    hovertemplate=f"{as_plot_text(label)}<extra></extra>",
                ),
                row=index // 2 + 1,
                col=index % 2 + 1,
            )
    figure.update_layout(
        height=320 * rows + 80,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        title=f"Same projection for every run: {comparison.params.describe()}",
        legend={"itemsizing": "constant"},
    )
    return figure


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
        *_embeddings_section(comparison),
        "<h2>Figures</h2>",
    ]
    for index, figure in enumerate(figures):
        parts.append(
            figure.to_html(full_html=False, include_plotlyjs="inline" if index == 0 else False)
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def _embeddings_section(comparison: Comparison) -> list[str]:
    """The report's table of every embedding, when some need no model (else nothing)."""
    if not comparison.embeddings:
        return []
    table = embedding_quality_table(comparison)
    return [
        "<h2>Embeddings</h2>",
        table.to_html(float_format=lambda v: f"{v:.3f}", na_rep="", escape=True),
    ]
