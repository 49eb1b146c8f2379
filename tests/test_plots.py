"""Figure factories keep user text literal: labels never become plotly markup."""

from __future__ import annotations

import numpy as np

from protviz.analysis.points import points_frame
from protviz.core.dataset import Dataset
from protviz.report import figures as plots

MARKUP = "<b>bold</b> & <a href='x'>link</a>"
ESCAPED = "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href='x'&gt;link&lt;/a&gt;"
DATASET = Dataset.create(
    "markup",
    ["P1", "<i>P2</i>", "P3", "P4"],
    ["MKV", "MKVL", "AAAA", "MKKL"],
    [MARKUP, MARKUP, "plain", "plain"],
    split=["train", "train", "test", "test"],
)


def all_text(figure) -> str:
    return figure.to_json()


def test_as_plot_text_escapes_markup():
    assert plots.as_plot_text(MARKUP) == ESCAPED


def test_data_figures_escape_labels():
    for factory in (
        plots.class_counts_figure,
        plots.length_distribution_figure,
        plots.composition_heatmap_figure,
    ):
        text = all_text(factory(DATASET))
        assert "<b>bold" not in text, factory.__name__
        assert "&lt;b&gt;bold" in text, factory.__name__


def test_confusion_matrix_and_scatter_escape_labels_and_ids():
    assert "<b>bold" not in all_text(plots.confusion_matrix_figure([[1, 0], [0, 1]], [MARKUP, "x"]))
    points = points_frame(DATASET, np.array([[0.9, 0.1]] * 4), [MARKUP, "plain"])
    figure = plots.embedding_scatter_figure(
        np.random.default_rng(0).normal(size=(4, 2)), points, "label"
    )
    text = all_text(figure)
    assert "<b>bold" not in text and "<i>P2" not in text
    assert "&lt;i&gt;P2&lt;" in text
