"""The Explore page's widget groups: the view (embedding, projection, colour), the search,
the scatter plots, and the selection, neighbour and quality tabs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from protviz.analysis.compare import test_indices
from protviz.analysis.explore_view import (
    DISTANCES,
    Neighbours,
    color_choices,
    find_neighbours,
    neighbour_table,
)
from protviz.analysis.kinds import EMBEDDING_KINDS, KIND_HELP
from protviz.analysis.points import COLOR_CHOICES, points_frame, search_mask, selection_fasta
from protviz.analysis.projection import METHOD_NAMES, METHODS, METRICS, Projection, ProjectionParams
from protviz.analysis.quality import QUALITY_HELP
from protviz.app import state
from protviz.app.errors import as_text
from protviz.app.model_caches import cached_projection, cached_quality, cached_vectors
from protviz.app.state import EXPLORE_VIEW, ExploreKeys
from protviz.core.dataset import Dataset
from protviz.model.runs import RunInfo
from protviz.report import figures as plots
from protviz.report.sentences import split_text

SIDE_BY_SIDE = ["averaged", "learned"]
"""The kinds shown side by side (what the architecture adds to averaging)."""

BOUNDS: dict[str, tuple[float, float]] = {
    "perplexity": (2, 100),
    "n_neighbors": (2, 200),
    "min_dist": (0.0, 1.0),
    "seed": (0, 2**31 - 1),
    "k": (1, 50),
}
"""Share-link parameter -> the range its widget allows."""


@dataclass(frozen=True)
class View:
    """What the scatter plots show.

    Attributes:
        kind: The embedding kind chosen.
        params: The projection.
        color: What colours the points.
        side_by_side: Whether averaged and learned are shown side by side.
    """

    kind: str
    params: ProjectionParams
    color: str
    side_by_side: bool

    @property
    def kinds(self) -> list[str]:
        """The kinds plotted, left to right."""
        return SIDE_BY_SIDE if self.side_by_side else [self.kind]

    @property
    def neighbour_kind(self) -> str:
        """The kind whose neighbours are listed (the chosen one, if plotted)."""
        return self.kind if self.kind in self.kinds else self.kinds[0]


@dataclass(frozen=True)
class Search:
    """The search box: its text, whether it is a regular expression, the matching rows."""

    query: str
    regex: bool
    highlight: np.ndarray


def run_vectors(run: RunInfo, dataset: Dataset, kind: str) -> np.ndarray:
    """One kind of per-sequence vectors of ``run`` on ``dataset`` (cached)."""
    return cached_vectors(run.run_id, str(run.path), dataset.content_hash, kind, dataset)


def run_points(run: RunInfo, dataset: Dataset) -> pd.DataFrame:
    """The points frame of ``run`` on ``dataset`` (one row per sequence, with predictions)."""
    probabilities = run_vectors(run, dataset, "probabilities")
    return points_frame(dataset, probabilities, run.class_names)


def project_kinds(
    run: RunInfo, dataset: Dataset, kinds: list[str], params: ProjectionParams
) -> tuple[dict[str, np.ndarray], dict[str, Projection]]:
    """The vectors and projections of ``kinds`` (cached), by kind."""
    vectors = {kind: run_vectors(run, dataset, kind) for kind in kinds}
    projections = {
        kind: cached_projection(run.run_id, dataset.content_hash, kind, params, vectors[kind])
        for kind in kinds
    }
    return vectors, projections


def _choices(points: pd.DataFrame) -> dict[str, list | tuple]:
    """Share-link parameter -> the values its widget offers."""
    return {
        "kind": EMBEDDING_KINDS,
        "method": METHODS,
        "dims": (2, 3),
        "color": color_choices(points),
        "metric": METRICS,
        "distance": DISTANCES,
        "seq": points["id"].tolist(),
    }


def bind_view(points: pd.DataFrame) -> list[str]:
    """Seed the view's widgets from their defaults or a new link. Returns the colourings."""
    choices = _choices(points)
    for widget in EXPLORE_VIEW:
        state.bind_to_link(
            widget, choices=choices.get(widget.parameter), bounds=BOUNDS.get(widget.parameter)
        )
    return list(choices["color"])


def view_ui(colors: list[str]) -> View:
    """Embedding kind, projection and colour widgets."""
    kind_column, method_column, dims_column, color_column = st.columns([2, 1, 1, 2])
    kind = kind_column.radio(
        "Embedding",
        EMBEDDING_KINDS,
        horizontal=True,
        key=ExploreKeys.KIND,
        help="; ".join(f"{k}: {v}" for k, v in KIND_HELP.items()),
    )
    method = method_column.selectbox(
        "Projection", METHODS, format_func=METHOD_NAMES.get, key=ExploreKeys.METHOD
    )
    dims = dims_column.radio("Dimensions", [2, 3], horizontal=True, key=ExploreKeys.DIMS)
    color = color_column.selectbox(
        "Colour by",
        colors,
        format_func=lambda c: COLOR_CHOICES.get(c, f"metadata: {c}"),
        key=ExploreKeys.COLOR,
    )
    with st.expander("Projection parameters"):
        params = _projection_ui(method, dims)
    side_by_side = st.toggle(
        "Averaged and learned side by side (what the architecture adds)", key=ExploreKeys.SIDE
    )
    return View(kind=kind, params=params, color=color, side_by_side=side_by_side)


def _projection_ui(method: str, dims: int) -> ProjectionParams:
    """The t-SNE and UMAP parameters, metric and seed."""
    left, middle, right = st.columns(3)
    return ProjectionParams(
        method=method,
        dims=dims,
        perplexity=float(left.slider("t-SNE perplexity", 2, 100, key=ExploreKeys.PERPLEXITY)),
        n_neighbors=middle.slider("UMAP n_neighbors", 2, 200, key=ExploreKeys.N_NEIGHBORS),
        min_dist=right.slider("UMAP min_dist", 0.0, 1.0, step=0.05, key=ExploreKeys.MIN_DIST),
        metric=left.radio("Metric", METRICS, horizontal=True, key=ExploreKeys.METRIC),
        seed=int(middle.number_input("Seed", 0, 2**31 - 1, key=ExploreKeys.SEED)),
    )


def search_ui(points: pd.DataFrame) -> Search:
    """The search box; a caption counts the matches, which are ringed in the plot."""
    query_column, regex_column = st.columns([4, 1])
    query = query_column.text_input(
        "Search ID or label", key=ExploreKeys.QUERY, placeholder="e.g. P31946 or mitochondrial"
    )
    regex = regex_column.checkbox("Regular expression", key=ExploreKeys.REGEX)
    highlight = search_mask(points, query, regex=regex)
    if query:
        st.caption(f"{int(highlight.sum()):,} sequence(s) match the search; they are ringed.")
    return Search(query=query, regex=regex, highlight=highlight)


def chosen_neighbours(points: pd.DataFrame, vectors: np.ndarray) -> Neighbours:
    """The neighbours of the sequence chosen in the neighbours tab (or by a link)."""
    return find_neighbours(
        points,
        vectors,
        state.widget_value(ExploreKeys.NEIGHBOUR_OF),
        state.widget_value(ExploreKeys.NEIGHBOURS),
        state.widget_value(ExploreKeys.DISTANCE),
    )


def selected_rows(event) -> list[int]:
    """Rows of the points a plotly selection event holds (via customdata[0])."""
    if event is None:
        return []
    points = event.selection.get("points", []) if hasattr(event, "selection") else []
    return sorted({int(p["customdata"][0]) for p in points if p.get("customdata")})


def scatter_ui(
    projections: dict[str, Projection],
    points: pd.DataFrame,
    view: View,
    search: Search,
    neighbours: Neighbours,
    class_order: list[str],
) -> list[int]:
    """One scatter plot per kind shown, side by side. Returns the rows selected in any."""
    events = []
    for column, shown in zip(st.columns(len(view.kinds)), view.kinds, strict=True):
        figure = plots.embedding_scatter_figure(
            projections[shown].coordinates,
            points,
            view.color,
            title=f"{shown} embedding, {projections[shown].params.describe()}",
            highlight=search.highlight,
            neighbours=neighbours.rows,
            anchor=neighbours.anchor,
            class_order=class_order,
        )
        events.append(
            column.plotly_chart(
                figure,
                key=ExploreKeys.scatter(shown),
                on_select="rerun",
                selection_mode=("points", "box", "lasso"),
            )
        )
    return sorted({row for event in events for row in selected_rows(event)})


def share_values(run: RunInfo, view: View, search: Search, anchored: bool) -> dict[str, object]:
    """The share link's parameters of this view."""
    neighbours_shown = {
        parameter: state.widget_value(key) if anchored else None
        for parameter, key in (("k", ExploreKeys.NEIGHBOURS), ("distance", ExploreKeys.DISTANCE))
    }
    return {
        "run": run.run_id,
        **view.params.relevant(),
        "kind": view.kind,
        "color": view.color,
        "q": search.query,
        "regex": search.regex or None,
        "side": view.side_by_side or None,
        "seq": state.widget_value(ExploreKeys.NEIGHBOUR_OF),
        **neighbours_shown,
    }


def attention_link(seq_id: str, run: RunInfo, column: DeltaGenerator | None = None) -> None:
    """A link that opens ``seq_id`` of this run and data set on the Attention page."""
    (column or st).page_link(
        "pages/attention.py",
        label="Open on the Attention page",
        icon=":material/visibility:",
        query_params={"seq": seq_id, "run": run.run_id, "dataset": state.dataset_ref() or ""},
    )


def selection_ui(rows: list[int], points: pd.DataFrame, dataset: Dataset, run: RunInfo) -> None:
    """The selected sequences as a table, with exports."""
    if not rows:
        st.caption("Select points with a click, the box or the lasso to list them here.")
        return
    chosen = points.iloc[rows]
    st.dataframe(chosen, hide_index=True, key="selection_table")
    left, right = st.columns(2)
    left.download_button(
        f"Download {len(rows)} IDs",
        "\n".join(chosen["id"]) + "\n",
        file_name="protviz-selection-ids.txt",
        key=ExploreKeys.DOWNLOAD_IDS,
    )
    right.download_button(
        f"Download {len(rows)} sequences (FASTA)",
        selection_fasta(dataset, rows),
        file_name="protviz-selection.fasta",
        key=ExploreKeys.DOWNLOAD_FASTA,
    )
    left, right = st.columns([3, 2])
    chosen_id = left.selectbox(
        "Look at one of them on the Attention page",
        chosen["id"].tolist(),
        key=ExploreKeys.ATTENTION_SEQUENCE,
    )
    attention_link(chosen_id, run, right)


def neighbours_ui(points: pd.DataFrame, neighbours: Neighbours, kind: str, run: RunInfo) -> None:
    """Choose a sequence and list its nearest neighbours in the original embedding space."""
    left, middle, right = st.columns([3, 1, 1])
    labels = dict(zip(points["id"], points["label"], strict=True))
    left.selectbox(
        "Sequence",
        points["id"].tolist(),
        index=None,
        format_func=lambda seq_id: f"{seq_id} ({labels[seq_id]})",
        key=ExploreKeys.NEIGHBOUR_OF,
        placeholder="Type to search an ID",
    )
    middle.slider("k", 1, 50, key=ExploreKeys.NEIGHBOURS)
    right.radio("Distance", list(DISTANCES), key=ExploreKeys.DISTANCE)
    if neighbours.anchor is None:
        st.caption("Choose a sequence to see its nearest neighbours; they are ringed in the plot.")
        return
    anchor_id = str(points.at[neighbours.anchor, "id"])
    st.caption(as_text(f"Nearest neighbours of {anchor_id} in the {kind} embedding."))
    st.dataframe(neighbour_table(points, neighbours), hide_index=True, key="neighbours_table")
    attention_link(anchor_id, run)


QUALITY_ON = {"test": "the run's test sequences", "all": "all sequences"}
"""Which sequences embedding quality is measured on -> how the choice reads."""


def _quality_rows(run: RunInfo, dataset: Dataset) -> tuple[np.ndarray, str]:
    """The rows to measure quality on (the run's test sequences by default) and their name."""
    everything = np.arange(len(dataset))
    if run.record.dataset.content_hash != dataset.content_hash:
        return everything, f"all {len(dataset):,} sequences (the run was not trained on them)"
    choice = st.radio(
        "Measure on", list(QUALITY_ON), format_func=QUALITY_ON.get, horizontal=True,
        key=ExploreKeys.QUALITY_ON, help="Test sequences were not seen in training; on "
        "training sequences a learned embedding separates the labels better than it generalises.",
    )  # fmt: skip
    if choice == "all":
        return everything, f"all {len(dataset):,} sequences, training sequences included"
    rows = test_indices(run, dataset)
    return rows, f"the run's {len(rows):,} test sequences ({split_text(run.record)})"


def quality_ui(
    run: RunInfo,
    dataset: Dataset,
    params: ProjectionParams,
    vectors: dict[str, np.ndarray],
    projections: dict[str, Projection],
) -> None:
    """The embedding-quality table of the kinds projected, and how to read it.

    One checkbox per method adds the kinds not shown: on by default for PCA (instant),
    off for t-SNE and UMAP, whose projection of every kind would take minutes on large
    data sets.
    """
    if st.checkbox(
        "Measure all three kinds (projects each one with the same parameters)",
        value=params.method == "pca",
        key=ExploreKeys.measure_all(params.method),
    ):
        missing = [kind for kind in EMBEDDING_KINDS if kind not in vectors]
        more_vectors, more_projections = project_kinds(run, dataset, missing, params)
        vectors, projections = vectors | more_vectors, projections | more_projections
    rows, described = _quality_rows(run, dataset)
    labels = np.asarray(dataset.labels)[rows]
    measured = [
        {
            "embedding": kind,
            **cached_quality(
                run.run_id,
                dataset.content_hash,
                kind,
                params,
                described,
                vectors[kind][rows],
                labels,
                projections[kind].coordinates[rows],
            ),
        }
        for kind in EMBEDDING_KINDS
        if kind in projections
    ]
    st.caption(as_text(f"Measured on {described}."))
    table = pd.DataFrame(measured).set_index("embedding")
    st.dataframe(
        table,
        key="quality_table",
        column_config={c: st.column_config.NumberColumn(format="%.3f") for c in table.columns},
    )
    st.caption(QUALITY_HELP)
