"""Figure factories: user text stays literal (never plotly markup), and a class keeps one
colour on every page and in every colouring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from protviz.analysis.density import marker_style
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


# --- One colour per class -----------------------------------------------------------------

FLU = Dataset.create(
    "flu",
    [f"s{i}" for i in range(8)],
    ["MKVL"] * 8,
    ["swine", "avian", "human", "human", "avian", "swine", "canine", "human"],
)
"""Four hosts; a run that never predicts 'canine' or 'swine' must not shift the others."""


def trace_colours(figure) -> dict[str, str]:
    """Legend name -> marker colour of every class trace of a figure (read from its dict)."""
    colours = {}
    for trace in figure.to_dict()["data"]:
        colour = trace.get("marker", {}).get("color") or trace.get("line", {}).get("color")
        if trace.get("name") and isinstance(colour, str):
            colours[trace["name"]] = colour
    return colours


def scatter(color: str, points):
    coordinates = np.random.default_rng(0).normal(size=(len(points), 2))
    return plots.embedding_scatter_figure(coordinates, points, color, classes=FLU.classes)


def test_a_class_keeps_its_colour_when_colouring_by_prediction():
    # Every sequence is predicted 'human' or 'avian': 'canine' and 'swine' never appear.
    probabilities = np.tile([0.1, 0.1, 0.7, 0.1], (8, 1))
    probabilities[[1, 4]] = [0.7, 0.1, 0.1, 0.1]
    points = points_frame(FLU, probabilities, ["avian", "canine", "human", "swine"])
    by_label = trace_colours(scatter("label", points))
    by_prediction = trace_colours(scatter("predicted", points))
    assert set(by_prediction) == {"avian", "human"}
    for label in by_prediction:
        assert by_prediction[label] == by_label[label]
    assert len(set(by_label.values())) == 4


def test_a_class_has_the_same_colour_on_every_page():
    points = points_frame(FLU, np.tile([0.25] * 4, (8, 1)), FLU.classes)
    explore = trace_colours(scatter("label", points))
    lengths = trace_colours(plots.length_distribution_figure(FLU))  # Data page
    bars = plots.class_counts_figure(FLU).to_dict()["data"][0]
    data_page = dict(zip(bars["x"], bars["marker"]["color"], strict=True))
    profile = pd.DataFrame(1.0, index=["human", "avian", "swine", "canine"], columns=[0.5])
    attention = trace_colours(plots.class_profile_figure(profile, FLU.classes))
    probabilities = plots.probabilities_figure(FLU.classes, np.full(4, 0.25)).to_dict()["data"]
    attention_bars = dict(
        zip(probabilities[0]["y"], probabilities[0]["marker"]["color"], strict=True)
    )
    for label in FLU.classes:
        colours = {explore[label], lengths[label], data_page[label], attention[label]}
        assert colours == {attention_bars[label]}, label


def test_class_colours_depend_on_the_class_list_alone():
    assert plots.class_colors(["b", "a", "c"]) == plots.class_colors(["c", "b", "a", "a"])
    assert plots.class_colors(["a", "b"])["a"] == plots.OKABE_ITO[0]


@pytest.mark.parametrize("n_classes", [2, 8, 9, 11, 12, 13, 23])
def test_palettes_give_distinct_colours_up_to_23_classes(n_classes):
    palette = plots.qualitative_palette(n_classes)
    assert len(palette) == n_classes == len(set(palette))


def test_the_class_chart_writes_each_count_on_its_bar():
    counts = [trace for trace in plots.class_counts_figure(FLU).data if trace.type == "scatter"]
    assert list(counts[0].text) == ["3", "2", "2", "1"]  # human, avian, swine, canine
    split_chart = plots.class_counts_figure(DATASET)
    patterns = {t.name: t.marker.pattern.shape for t in split_chart.data if t.type == "bar"}
    assert patterns["train"] == "" and patterns["test"] == "x"


def test_length_ticks_are_written_in_full():
    values, texts = plots.log_ticks(35, 4200)
    assert values[0] <= 35 * 1.5 and values[-1] >= 4200 / 1.5
    assert "1,000" in texts and "100" in texts
    assert all("k" not in text for text in texts)


def test_long_titles_wrap_and_end_in_an_ellipsis():
    title = plots.wrap_title("averaged embedding, UMAP (n_neighbors 15, min_dist 0.1, cosine)", 30)
    assert title.count("<br>") == 1
    assert all(len(line) <= 30 for line in title.split("<br>"))
    assert plots.wrap_title("x " * 100, 20, lines=1).endswith("…")


# --- Readable when dense ------------------------------------------------------------------


def two_class_points(n_per_class: int = 150) -> pd.DataFrame:
    """Two classes, the second listed after the first, indexed like data set rows 1000+."""
    labels = ["alpha"] * n_per_class + ["beta"] * n_per_class
    frame = pd.DataFrame({"id": [f"s{i}" for i in range(len(labels))], "label": labels})
    frame.index = np.arange(1000, 1000 + len(labels))
    return frame


def point_trace(figure):
    """The trace that holds every point (the one with customdata and many points)."""
    return next(t for t in figure.data if t.customdata is not None and len(t.customdata) > 1)


def colour_of_code(trace, code: int) -> str:
    """The colour a stepped colour scale gives a code."""
    scale = trace.marker.colorscale
    count = len(scale) // 2
    return scale[2 * code][1] if 0 <= code < count else ""


def test_points_are_drawn_in_a_seeded_random_order_across_classes():
    points = two_class_points()
    coordinates = np.random.default_rng(1).normal(size=(len(points), 2))
    figure = plots.embedding_scatter_figure(coordinates, points, "label")
    trace = point_trace(figure)
    rows = trace.customdata[:, 0].astype(int)
    assert sorted(rows) == list(points.index)  # every data set row, once
    assert list(rows) != sorted(rows)
    last_drawn = points.loc[rows[-30:], "label"]
    assert set(last_drawn) == {"alpha", "beta"}  # the classes are mixed to the end
    again = point_trace(plots.embedding_scatter_figure(coordinates, points, "label"))
    assert list(again.customdata[:, 0]) == list(trace.customdata[:, 0])
    positions = rows - 1000
    assert np.allclose(trace.x, coordinates[positions, 0])


def test_each_point_takes_its_class_colour_and_the_legend_names_the_classes():
    points = two_class_points()
    coordinates = np.random.default_rng(2).normal(size=(len(points), 2))
    figure = plots.embedding_scatter_figure(coordinates, points, "label", classes=["beta", "alpha"])
    trace = point_trace(figure)
    palette = plots.class_colors(["alpha", "beta"])
    labels = points.loc[trace.customdata[:, 0].astype(int), "label"]
    drawn = [colour_of_code(trace, int(code)) for code in trace.marker.color]
    assert drawn == [palette[label] for label in labels]
    assert trace_colours(figure) == palette  # the legend's entries
    assert figure.layout.legend.itemclick is False


def test_markers_shrink_and_fade_as_points_grow():
    styles = [marker_style(n) for n in (100, 1_000, 10_000, 50_000, 570_000)]
    sizes = [style.size for style in styles]
    opacities = [style.opacity for style in styles]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1] == 2.0
    assert opacities == sorted(opacities, reverse=True) and opacities[-1] == 0.25
    points = two_class_points(10)
    small = point_trace(plots.embedding_scatter_figure(np.zeros((20, 2)), points, "label"))
    assert small.marker.size == marker_style(20).size


def test_density_contours_per_class_in_2d_only():
    points = two_class_points()
    rng = np.random.default_rng(3)
    coordinates = np.vstack([rng.normal(0, 1, (150, 2)), rng.normal(6, 1, (150, 2))])
    figure = plots.embedding_scatter_figure(coordinates, points, "label", contours=True)
    contours = [t for t in figure.data if t.type == "contour"]
    palette = plots.class_colors(["alpha", "beta"])
    assert sorted(t.line.color for t in contours) == sorted(palette.values())
    beta = next(t for t in contours if t.line.color == palette["beta"])
    peak_row, peak_column = np.unravel_index(np.argmax(beta.z), np.shape(beta.z))
    assert abs(beta.x[peak_column] - 6) < 1.5 and abs(beta.y[peak_row] - 6) < 1.5
    plain = plots.embedding_scatter_figure(coordinates, points, "label")
    assert not [t for t in plain.data if t.type == "contour"]
    flat = np.hstack([coordinates, np.zeros((300, 1))])
    in_3d = plots.embedding_scatter_figure(flat, points, "label", contours=True)
    assert not [t for t in in_3d.data if t.type == "contour"]


def test_rings_and_a_numeric_colouring_keep_their_rows():
    points = two_class_points(10)
    points["length"] = np.arange(20)
    coordinates = np.random.default_rng(4).normal(size=(20, 2))
    figure = plots.embedding_scatter_figure(
        coordinates, points, "length", highlight=np.arange(20) == 3, neighbours=[5], anchor=7
    )
    rings = {t.name: list(t.customdata[:, 0].astype(int)) for t in figure.data[1:]}
    assert rings == {
        "search matches": [1003],
        "nearest neighbours": [1005],
        "chosen sequence": [1007],
    }
    trace = figure.data[0]
    rows = trace.customdata[:, 0].astype(int)
    assert list(trace.marker.color) == list(points.loc[rows, "length"].astype(float))


def test_points_left_out_keep_the_colours_and_the_scale_of_every_point():
    points = two_class_points(10)
    points["length"] = np.arange(20) * 10
    points["group"] = ["g1", "g2"] * 5 + ["g3"] * 10
    coordinates = np.random.default_rng(5).normal(size=(20, 2))
    kept = (points["label"] == "beta").to_numpy()
    every = plots.embedding_scatter_figure(coordinates, points, "group")
    only_beta = plots.embedding_scatter_figure(
        coordinates[kept], points[kept], "group", every_value=points["group"]
    )
    assert trace_colours(only_beta) == {"g3": trace_colours(every)["g3"]}  # not the first colour
    numeric = plots.embedding_scatter_figure(
        coordinates[kept], points[kept], "length", every_value=points["length"]
    )
    assert (numeric.data[0].marker.cmin, numeric.data[0].marker.cmax) == (0, 190)
    assert len(numeric.data[0].customdata) == 10
