"""A comparison of runs for people: its table with intervals and baselines, the sentences
on what lies within the noise, its small-multiples figure and a standalone HTML report.

The measurements are :mod:`protviz.analysis.compare`'s; this module only draws
and writes them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from protviz.analysis.compare import (
    RUN_KINDS_COMPARED,
    BaselineEntry,
    Comparison,
    ControlPair,
    baseline_entries,
    comparison_table,
    embedding_quality_table,
    run_pairs,
    summary_sentences,
)
from protviz.analysis.scores import baseline_comparisons
from protviz.core.records import RunRecord
from protviz.model.bootstrap import PairedDifference
from protviz.report.figures import as_plot_text, class_colors, wrap_title
from protviz.report.sentences import (
    baseline_label,
    baseline_sentence,
    care_problem,
    compare_sentence,
    interval_text,
    range_text,
    same_split,
    split_text,
)
from protviz.report.tables import range_cell

TABLE_METRICS = {
    "test accuracy": "accuracy",
    "balanced accuracy": "balanced_accuracy",
    "macro F1": "macro_f1",
    "MCC": "mcc",
}
"""Column of :func:`~protviz.analysis.compare.comparison_table` -> its metric."""

PANEL_TITLE = 44
"""Most characters of a small-multiple title (about half a 1,400-pixel-wide page); the
full title is in its hover."""

INTERVAL_COLUMNS = {"test accuracy": "accuracy", "macro F1": "macro_f1"}
"""Table column -> the metric whose 95% interval is shown in the column after it."""


def comparison_frame(comparison: Comparison) -> pd.DataFrame:
    """The comparison table with 95% intervals, and one row per baseline.

    Args:
        comparison: The comparison.

    Returns:
        :func:`~protviz.analysis.compare.comparison_table` with a ``... 95% CI``
        text column after ``test accuracy`` and ``macro F1``, then one row per
        baseline and test set (architecture ``baseline``; the embedding and
        order-test columns empty).
    """
    table = comparison_table(comparison)
    entries = baseline_entries(comparison)
    names = [entry.scores.name for entry in entries]
    rows = [_baseline_row(entry, names.count(entry.scores.name) > 1) for entry in entries]
    for column, metric in INTERVAL_COLUMNS.items():
        table[f"{column} 95% CI"] = [
            range_cell(entry.scores[0].get(metric)) if entry.scores else ""
            for entry in comparison.runs
        ]
    frame = pd.concat([table, pd.DataFrame(rows).set_index("run")]) if rows else table
    order = []
    for column in table.columns:
        if column.endswith("95% CI"):
            continue
        order.append(column)
        if column in INTERVAL_COLUMNS:
            order.append(f"{column} 95% CI")
    return frame[order]


def _baseline_row(entry: BaselineEntry, name_runs: bool) -> dict[str, object]:
    """One baseline's row of :func:`comparison_frame`."""
    scores = entry.scores
    label = baseline_label(scores.name)
    if name_runs:
        label += f" (test set of {', '.join(entry.runs)})"
    row: dict[str, object] = {"run": label, "architecture": "baseline"}
    for column, metric in TABLE_METRICS.items():
        interval = scores.get(metric)
        row[column] = None if interval is None else interval.estimate
        if column in INTERVAL_COLUMNS:
            row[f"{column} 95% CI"] = range_cell(interval)
    return row


def noise_sentences(comparison: Comparison, metric: str = "accuracy") -> list[str]:
    """Every pair of runs compared on their shared test sequences: is the difference beyond
    the noise? Only runs trained with equal care (both converged) and split the same way
    are compared; otherwise the sentence says why they cannot be.

    Returns:
        One sentence per pair of runs (or why it cannot be compared).
    """
    short = comparison.short_labels()
    sentences = []
    for pair in run_pairs(comparison, metric):
        first, second = short[pair.first.run_id], short[pair.second.run_id]
        problem = _pair_problem(pair.first.record, first, pair.second.record, second)
        if problem:
            sentences.append(problem)
        elif pair.comparison is None:
            sentences.append(f"{first} and {second} share too few test sequences to be compared.")
        else:
            split = split_text(pair.first.record)
            sentences.append(f"{compare_sentence(pair.comparison, first, second)} ({split}.)")
    return sentences


def _pair_problem(first: RunRecord, first_name: str, second: RunRecord, second_name: str) -> str:
    """Why two runs cannot be compared fairly (unequal care or other splits), else empty."""
    care = care_problem({first_name: first, second_name: second})
    if care:
        return (
            f"{first_name} and {second_name} cannot be compared fairly: {care}. Continue "
            "training until early stopping ends it, then compare."
        )
    if not same_split(first, second):
        return (
            f"{first_name} and {second_name} cannot be compared: they were tested on "
            f"different splits ({split_text(first)}; {split_text(second)})."
        )
    return ""


def control_sentences(pairs: Sequence[ControlPair]) -> list[str]:
    """What order is worth on this data: each run against its shuffled control.

    Returns:
        One sentence per run: the gap with its paired interval, why it cannot be
        read, or that the run has no control yet.
    """
    sentences = []
    for pair in pairs:
        name = pair.run.name
        if pair.control is None:
            sentences.append(
                f"{name} has no shuffled control yet: train it to learn what residue order "
                "is worth on this data."
            )
            continue
        control = f"its shuffled control ({pair.control.name})"
        care = care_problem({name: pair.run.record, control: pair.control.record})
        if care:
            sentences.append(f"{name} and {control} cannot be compared fairly: {care}.")
        elif pair.comparison is None:
            sentences.append(f"{name} and {control} share too few test sequences to compare.")
        else:
            sentences.append(_order_worth(pair.comparison, name, control, pair.run.record))
    return sentences


def _order_worth(paired: PairedDifference, name: str, control: str, record: RunRecord) -> str:
    """The gap between a run and its shuffled control, as what order is worth."""
    gap = paired.difference
    detail = (
        f"{gap.estimate:+.3f}, {paired.confidence:.0%} CI "
        f"{range_text(gap.low, gap.high, signed=True)}"
    )
    if paired.within_noise:
        verdict = (
            f"order adds nothing beyond the noise on this data (gap {detail}): composition "
            "carries what this architecture learns"
        )
    elif gap.estimate > 0:
        verdict = f"residue order is worth {gap.estimate:.3f} {paired.metric} here (gap {detail})"
    else:
        verdict = f"the shuffled control does better, beyond the noise (gap {detail})"
    return (
        f"What order is worth: {name} scores {interval_text(paired.first)} {paired.metric} on "
        f"the same {paired.n:,} test sequences ({split_text(record)}) on which {control}, "
        f"trained and tested on residue-shuffled sequences, scores "
        f"{interval_text(paired.second, confidence=None)}: {verdict}."
    )


def baseline_sentences(comparison: Comparison, metric: str = "accuracy") -> list[str]:
    """Each run against each of its baselines, on the run's test sequences."""
    short = comparison.short_labels()
    sentences = []
    for entry in comparison.runs:
        for name, paired in baseline_comparisons(entry.predictions, metric).items():
            sentences.append(f"{short[entry.run.run_id]}: {baseline_sentence(name, paired)}")
    return sentences


def small_multiples_figure(comparison: Comparison, classes: Sequence[str]) -> go.Figure:
    """One panel per run and embedding kind, same projection and colours.

    Panels are titled with the runs' short labels (shortened further when needed, the
    full title in the title's hover), so no title is cut at the panel's edge.

    Args:
        comparison: The comparison.
        classes: The data set's full class list: one colour per class (:func:`class_colors`),
            as on every other page.

    Returns:
        A grid of two columns: a row per run (``averaged``, ``learned``), then the
        embeddings that need no model, two to a row.
    """
    short = comparison.short_labels()
    panels = [  # (title, full title, coordinates, labels); the kind is never cut
        _Panel(
            f"{wrap_title(short[entry.run.run_id], PANEL_TITLE - len(kind) - 2, lines=1)}: {kind}",
            f"{entry.run.name} ({entry.run.arch}): {kind}",
            entry.projections[kind].coordinates,
            comparison.labels,
        )
        for entry in comparison.runs
        for kind in RUN_KINDS_COMPARED
    ]
    panels += [
        _Panel(
            wrap_title(f"{measure.name}: no model", PANEL_TITLE, lines=1),
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
        subplot_titles=[panel.title for panel in panels],
        horizontal_spacing=0.06,
        vertical_spacing=0.08 / max(1, rows - 1) + 0.04,
    )
    for annotation, panel in zip(figure.layout.annotations, panels, strict=True):
        annotation.hovertext = as_plot_text(panel.full_title)
    colors = class_colors([*classes, *comparison.labels.tolist()])
    present = [label for label in colors if label in set(comparison.labels.tolist())]
    for index, panel in enumerate(panels):
        _add_panel(figure, panel, present, colors, (index // 2 + 1, index % 2 + 1))
    figure.update_layout(
        height=320 * rows + 80,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        title=wrap_title(f"Same projection for every run: {comparison.params.describe()}", 90),
        legend={"itemsizing": "constant"},
    )
    return figure


class _Panel(NamedTuple):
    """One small multiple: its title (plotly text), full title, points and their labels."""

    title: str
    full_title: str
    coordinates: np.ndarray
    labels: np.ndarray


def _add_panel(
    figure: go.Figure,
    panel: _Panel,
    present: Sequence[str],
    colors: Mapping[str, str],
    cell: tuple[int, int],
) -> None:
    """One panel's points, a trace per class (the legend once, from the first panel)."""
    row, column = cell
    for label in present:
        mask = panel.labels == label
        figure.add_trace(
            go.Scattergl(
                x=panel.coordinates[mask, 0],
                y=panel.coordinates[mask, 1],
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
    controls: Sequence[str] = (),
) -> str:
    """A standalone HTML page with the summary, the table and the figures.

    Plotly's JavaScript is embedded once, so the file opens offline.

    Args:
        comparison: The comparison.
        figures: Figures to include, in order.
        title: Page title.
        controls: What residue order is worth, each run against its shuffled control
            (:func:`control_sentences`); none: no such section.

    Returns:
        The HTML document.
    """
    table = comparison_frame(comparison)
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
        *(f"<li>{html.escape(sentence)}</li>" for sentence in noise_sentences(comparison)),
        *(f"<li>{html.escape(sentence)}</li>" for sentence in baseline_sentences(comparison)),
        *(f"<li>{html.escape(note)}</li>" for note in comparison.notes),
        "</ul><h2>Runs</h2>",
        table.to_html(float_format=lambda v: f"{v:.3f}", na_rep="", escape=True),
        *_embeddings_section(comparison),
        *_controls_section(controls),
        "<h2>Figures</h2>",
    ]
    for index, figure in enumerate(figures):
        parts.append(
            figure.to_html(full_html=False, include_plotlyjs="inline" if index == 0 else False)
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def _controls_section(controls: Sequence[str]) -> list[str]:
    """The report's section on the shuffled controls, when there are sentences (else nothing)."""
    if not controls:
        return []
    return [
        "<h2>What residue order is worth: the shuffled controls</h2><ul>",
        *(f"<li>{html.escape(sentence)}</li>" for sentence in controls),
        "</ul>",
    ]


def _embeddings_section(comparison: Comparison) -> list[str]:
    """The report's table of every embedding, when some need no model (else nothing)."""
    if not comparison.embeddings:
        return []
    table = embedding_quality_table(comparison)
    return [
        "<h2>Embeddings</h2>",
        table.to_html(float_format=lambda v: f"{v:.3f}", na_rep="", escape=True),
    ]
