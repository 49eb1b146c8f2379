"""The Explore page's widget groups: the view (embedding, projection, colour), the search,
the scatter plots, and the selection, neighbour and quality tabs. Which run and which
embeddings are on offer, the upload and the exports are in
:mod:`protviz.app.panels.embeddings`."""

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
from protviz.analysis.kinds import DATASET_KINDS, RUN_KINDS
from protviz.analysis.kmer import kmer_cache_path
from protviz.analysis.points import (
    COLOR_CHOICES,
    points_frame,
    search_mask,
    search_summary,
    searched_columns,
    selection_fasta,
)
from protviz.analysis.projection import METHOD_NAMES, METHODS, METRICS, Projection, ProjectionParams
from protviz.analysis.projection_jobs import background_points
from protviz.analysis.quality import QUALITY_COLUMN_HELP, QUALITY_COLUMNS, QUALITY_HELP
from protviz.analysis.sources import CoveredVectors
from protviz.app import links, state
from protviz.app.caches import store_folder
from protviz.app.errors import as_text
from protviz.app.model_caches import (
    cached_projection,
    cached_quality,
    cached_split,
    cached_vectors,
)
from protviz.app.panels.background import Pending, background_projection, meanwhile_params
from protviz.app.panels.embeddings import kind_help, kind_link_values, no_run_vectors
from protviz.app.state import EXPLORE_VIEW, ExploreKeys
from protviz.core.dataset import Dataset
from protviz.model.runs import RunInfo
from protviz.report import figures as plots
from protviz.report.sentences import split_text

SIDE_BY_SIDE = ["averaged", "learned"]
"""The kinds shown side by side (what the architecture adds to averaging)."""

QUICK_KMER_SEQUENCES = 5_000
"""Data sets up to this size get their k-mer profile measured without being asked."""

TITLE_WIDTH = {1: 90, 2: 44}
"""Most characters per title line, by plots side by side (about what fits at 1,400 px)."""

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
        kind: The embedding chosen (a kind, or an embedding file's reference).
        params: The projection.
        color: What colours the points.
        side_by_side: Whether averaged and learned are shown side by side.
        contours: Whether each colour's density contours are drawn (2-D, categories).
        hidden: The classes left out of the plots and the selection (in class order).
    """

    kind: str
    params: ProjectionParams
    color: str
    side_by_side: bool
    contours: bool = False
    hidden: tuple[str, ...] = ()

    @property
    def kinds(self) -> list[str]:
        """The kinds plotted, left to right."""
        return SIDE_BY_SIDE if self.side_by_side else [self.kind]

    @property
    def neighbour_kind(self) -> str:
        """The kind whose neighbours are listed and which is exported (the chosen one, if
        plotted)."""
        return self.kind if self.kind in self.kinds else self.kinds[0]


@dataclass(frozen=True)
class Search:
    """The search box: its text, whether it is a regular expression, the matching rows."""

    query: str
    regex: bool
    highlight: np.ndarray


@dataclass(frozen=True)
class Embedded:
    """One embedding's vectors (with the data set rows they cover) and its projection
    (while a background t-SNE or UMAP runs: the PCA, and the job in ``pending``)."""

    covered: CoveredVectors
    projection: Projection
    pending: Pending | None = None


def run_vectors(run: RunInfo, dataset: Dataset, kind: str) -> np.ndarray:
    """One kind of per-sequence vectors of ``run`` on ``dataset`` (cached)."""
    return cached_vectors(run.run_id, str(run.path), dataset.content_hash, kind, dataset)


def run_points(run: RunInfo | None, dataset: Dataset) -> pd.DataFrame:
    """The points frame of ``dataset`` (one row per sequence), with ``run``'s predictions
    and split."""
    if run is None:
        return points_frame(dataset)
    probabilities = run_vectors(run, dataset, "probabilities")
    split = cached_split(run.run_id, str(run.path), dataset.content_hash, run, dataset)
    return points_frame(dataset, probabilities, run.class_names, split)


def kind_vectors(run: RunInfo | None, dataset: Dataset, kind: str) -> CoveredVectors:
    """The vectors of one embedding (cached): a run kind, ``kmer`` or a saved file."""
    if run is not None and kind in RUN_KINDS:
        return CoveredVectors.every_row(run_vectors(run, dataset, kind))
    return no_run_vectors(kind, dataset)


def _kmer_ready(dataset: Dataset) -> bool:
    """Whether the k-mer profile is quick to get: a small data set, or cached on disk."""
    return (
        len(dataset) <= QUICK_KMER_SEQUENCES
        or kmer_cache_path(dataset, home=store_folder()).is_file()
    )


def _cache_run_id(run: RunInfo | None, kind: str) -> str:
    """The run a kind's projection is cached under ("" for kinds that need no run)."""
    return run.run_id if run is not None and kind in RUN_KINDS else ""


def project_kinds(
    run: RunInfo | None, dataset: Dataset, kinds: list[str], params: ProjectionParams
) -> dict[str, Embedded]:
    """The vectors and projections of ``kinds`` (cached), by kind. A t-SNE or UMAP of
    many points runs in the background (:mod:`protviz.app.panels.background`)."""
    embedded = {}
    for kind in kinds:
        covered = kind_vectors(run, dataset, kind)
        cache_key = (_cache_run_id(run, kind), dataset.content_hash, kind)
        projected = (
            background_projection(cache_key, params, covered.vectors)
            if params.method != "pca" and len(covered.vectors) >= background_points()
            else cached_projection(*cache_key, params, covered.vectors)
        )
        if isinstance(projected, Pending):
            meanwhile = cached_projection(*cache_key, meanwhile_params(params), covered.vectors)
            embedded[kind] = Embedded(covered, meanwhile, projected)
        else:
            embedded[kind] = Embedded(covered, projected)
    return embedded


def _choices(points: pd.DataFrame) -> dict[str, list | tuple]:
    """Share-link parameter -> the values its widget offers."""
    return {
        "method": METHODS,
        "dims": (2, 3),
        "color": color_choices(points),
        "metric": METRICS,
        "distance": DISTANCES,
        "seq": points["id"].tolist(),
    }


def bind_view(points: pd.DataFrame) -> list[str]:
    """Seed the view's widgets from their defaults or a new link (the chosen sequence from
    the one chosen on Attention, when it is here). Returns the colourings."""
    choices = _choices(points)
    if state.widget_value(ExploreKeys.NEIGHBOUR_OF) is None:
        chosen = state.chosen_sequence()
        if chosen in choices["seq"]:
            state.set_widget_value(ExploreKeys.NEIGHBOUR_OF, chosen)
    for widget in EXPLORE_VIEW:
        state.bind_to_link(
            widget, choices=choices.get(widget.parameter), bounds=BOUNDS.get(widget.parameter)
        )
    state.bind_shown_classes(sorted(set(points["label"])))
    colors = list(choices["color"])
    if state.widget_value(ExploreKeys.COLOR) not in colors:  # e.g. "predicted" without a run
        state.set_widget_value(ExploreKeys.COLOR, "label")
    return colors


def view_ui(colors: list[str], kinds: dict[str, str], with_run: bool, classes: list[str]) -> View:
    """Embedding, projection and colour widgets (side by side only with a run), and the
    classes shown."""
    kind_column, method_column, dims_column, color_column = st.columns([2, 1, 1, 2])
    kind = kind_column.radio(
        "Embedding",
        list(kinds),
        horizontal=True,
        format_func=kinds.get,
        key=ExploreKeys.KIND,
        help=kind_help(kinds),
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
    side_by_side, contours = _overlay_ui(dims, with_run)
    shown = st.multiselect(
        "Classes shown",
        classes,
        key=ExploreKeys.CLASSES,
        placeholder="No class is shown: choose one or more",
        help="Only sequences of these classes (their true label) are drawn and listed in "
        "the selection. The embedding-quality numbers, the nearest neighbours and the "
        "exports still use every sequence.",
    )
    return View(
        kind=kind,
        params=params,
        color=color,
        side_by_side=side_by_side and with_run,
        contours=contours and dims == 2,
        hidden=tuple(name for name in classes if name not in shown),
    )


def _overlay_ui(dims: int, with_run: bool) -> tuple[bool, bool]:
    """Side by side (only with a run) and density contours (2-D only)."""
    side_column, contours_column = st.columns(2)
    side_by_side = side_column.toggle(
        "Averaged and learned side by side (what the architecture adds)",
        key=ExploreKeys.SIDE,
        disabled=not with_run,
    )
    contours = contours_column.checkbox(
        "Density contours per colour",
        key=ExploreKeys.CONTOURS,
        disabled=dims != 2,
        help="Where each class (or other category) is densest: three contour lines per "
        "colour, at 20%, 45% and 70% of its peak. 2-D plots coloured by a category only.",
    )
    return side_by_side, contours


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
    """The search box (ID, label and text metadata); a caption counts the matches, which
    are ringed in the plot."""
    query_column, regex_column = st.columns([4, 1])
    searched = searched_columns(points)
    query = query_column.text_input(
        "Search ID, label or metadata",
        key=ExploreKeys.QUERY,
        placeholder="e.g. P31946, mitochondrial or A/swine",
        help=as_text("Looks in: " + ", ".join(searched) + " (case-insensitive)."),
    )
    regex = regex_column.checkbox("Regular expression", key=ExploreKeys.REGEX)
    highlight = search_mask(points, query, regex=regex)
    if query:
        st.caption(search_summary(int(highlight.sum())))
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
    embedded: dict[str, Embedded],
    shown: pd.DataFrame,
    view: View,
    search: Search,
    neighbours: Neighbours,
    names: dict[str, str],
    classes: list[str],
) -> list[int]:
    """One scatter plot per kind shown, side by side (titles wrapped to fit), of the
    points of the classes shown. Returns the data set rows selected (of those classes).

    Args:
        embedded: The kinds shown, by kind.
        shown: The points drawn (every kind shown covers the same rows); the index is
            their data set row, which a selection returns.
        view: The view.
        search: The search (its mask covers the whole data set).
        neighbours: Nearest neighbours, as positions in ``shown``.
        names: Kind -> its name.
        classes: The data set's classes (one colour per class).
    """
    kept = ~shown["label"].isin(view.hidden).to_numpy()
    if not kept.any():
        st.info("No class is shown: choose one or more under Classes shown.")
        return []
    drawn = shown[kept] if view.hidden else shown  # no copy of every point when none is hidden
    highlight = search.highlight[drawn.index.to_numpy()]
    neighbours = neighbours.within(kept)
    events = []
    width = TITLE_WIDTH[len(view.kinds)]
    for column, kind in zip(st.columns(len(view.kinds)), view.kinds, strict=True):
        projection = embedded[kind].projection
        title = f"{names[kind]} embedding, {projection.params.describe()}"
        figure = plots.embedding_scatter_figure(
            projection.coordinates[kept] if view.hidden else projection.coordinates,
            drawn,
            view.color,
            title=plots.wrap_title(title, width),
            highlight=highlight,
            neighbours=neighbours.rows,
            anchor=neighbours.anchor,
            classes=classes,
            contours=view.contours,
            every_value=shown[view.color],
        )
        events.append(
            column.plotly_chart(
                figure,
                key=ExploreKeys.scatter(kind),
                on_select="rerun",
                selection_mode=("points", "box", "lasso"),
            )
        )
    selected = {row for event in events for row in selected_rows(event)}
    return sorted(selected & set(drawn.index))  # a selection made before a class was hidden


def share_values(
    run: RunInfo | None, view: View, search: Search, anchored: bool
) -> dict[str, object]:
    """The share link's parameters of this view."""
    neighbours_shown = {
        parameter: state.widget_value(key) if anchored else None
        for parameter, key in (("k", ExploreKeys.NEIGHBOURS), ("distance", ExploreKeys.DISTANCE))
    }
    return {
        "run": run.run_id if run is not None else None,
        **view.params.relevant(),
        **kind_link_values(view.kind),
        "color": view.color,
        "q": search.query,
        "regex": search.regex or None,
        "side": view.side_by_side or None,
        "contours": view.contours or None,
        state.HIDDEN_CLASSES_PARAMETER: list(view.hidden),
        "seq": state.widget_value(ExploreKeys.NEIGHBOUR_OF),
        **neighbours_shown,
        "tab": tab_link_value(),
    }


def attention_link(seq_id: str, run: RunInfo | None, column: DeltaGenerator | None = None) -> None:
    """A link that opens ``seq_id`` of this data set (and run) on the Attention page."""
    parameters = {"seq": seq_id, "dataset": state.dataset_ref() or ""}
    if run is not None:
        parameters["run"] = run.run_id
    (column or st).page_link(
        "pages/attention.py",
        label="Open on the Attention page",
        icon=":material/visibility:",
        query_params=parameters,
    )


def selection_ui(
    rows: list[int], points: pd.DataFrame, dataset: Dataset, run: RunInfo | None
) -> None:
    """The selected sequences (data set rows) as a table, with exports."""
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


def neighbours_ui(
    points: pd.DataFrame,
    shown: pd.DataFrame,
    neighbours: Neighbours,
    name: str,
    run: RunInfo | None,
) -> None:
    """Choose a sequence and list its nearest neighbours in the original embedding space.

    Args:
        points: Every sequence (the chooser offers them all).
        shown: The points drawn; ``neighbours`` are positions in it.
        neighbours: The neighbours of the chosen sequence.
        name: The embedding's name.
        run: The run, if any.
    """
    left, middle, right = st.columns([3, 1, 1])
    labels = dict(zip(points["id"], points["label"], strict=True))
    chosen = left.selectbox(
        "Sequence",
        points["id"].tolist(),
        index=None,
        format_func=lambda seq_id: f"{seq_id} ({labels[seq_id]})",
        key=ExploreKeys.NEIGHBOUR_OF,
        placeholder="Type to search an ID",
    )
    state.set_chosen_sequence(state.widget_value(ExploreKeys.NEIGHBOUR_OF))
    middle.slider("k", 1, 50, key=ExploreKeys.NEIGHBOURS)
    right.radio("Distance", list(DISTANCES), key=ExploreKeys.DISTANCE)
    if neighbours.anchor is None:
        missing = chosen is not None
        st.caption(
            as_text(f"{chosen} has no vector in the {name} embedding.")
            if missing
            else "Choose a sequence to see its nearest neighbours; they are ringed in the plot."
        )
        return
    anchor_id = str(shown["id"].iloc[neighbours.anchor])
    st.caption(as_text(f"Nearest neighbours of {anchor_id} in the {name} embedding."))
    st.dataframe(neighbour_table(shown, neighbours), hide_index=True, key="neighbours_table")
    attention_link(anchor_id, run)


QUALITY_ON = {"test": "the run's test sequences", "all": "all sequences"}
"""Which sequences embedding quality is measured on -> how the choice reads."""


def _quality_rows(run: RunInfo | None, dataset: Dataset) -> tuple[np.ndarray, str]:
    """The rows to measure quality on (the run's test sequences by default) and their name."""
    everything = np.arange(len(dataset))
    if run is None:
        return everything, f"all {len(dataset):,} sequences (no run: no test split)"
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


def _every_kind(
    run: RunInfo | None,
    dataset: Dataset,
    params: ProjectionParams,
    embedded: dict[str, Embedded],
    names: dict[str, str],
) -> dict[str, Embedded]:
    """``embedded`` with every other embedding on offer projected too, but a k-mer profile
    that would take long (not computed yet on a large data set), with a caption."""
    missing = [kind for kind in names if kind not in embedded]
    slow = [kind for kind in missing if kind in DATASET_KINDS and not _kmer_ready(dataset)]
    if slow:
        st.caption(
            "The k-mer profile of this data set is not computed yet: choose kmer as the "
            "embedding once to compute it (about a minute at 20,000 sequences), and it "
            "is measured here from then on."
        )
    missing = [kind for kind in missing if kind not in slow]
    return embedded | project_kinds(run, dataset, missing, params)


QUALITY_TAB = "Embedding quality"
"""The Explore tab of the quality table: it is measured only while this tab is open."""

LINKED_TABS: dict[str, str] = {
    "neighbours": "Nearest neighbours",
    "quality": QUALITY_TAB,
    "export": "Export",
}
"""The Explore tabs a share link opens (its ``tab``), by parameter value. The first tab,
the selection's, is the default and is left out of links."""


def bind_tab() -> None:
    """Before creating Explore's tabs: open the one a new link names (``tab``).

    An unknown value keeps the open tab, with a warning naming the values allowed.
    """
    text = state.new_link_value("tab")
    if text is None:
        return
    try:
        name = links.parse_parameter("tab", text, "", choices=list(LINKED_TABS))
    except links.LinkParameterError as error:
        st.warning(as_text(f"{error} The first tab is shown."), icon=":material/link_off:")
        return
    state.set_widget_value(ExploreKeys.TAB, LINKED_TABS[str(name)])


def tab_link_value() -> str | None:
    """The ``tab`` link value of Explore's open tab (None for the first)."""
    opened = state.widget_value(ExploreKeys.TAB)
    return next((name for name, label in LINKED_TABS.items() if label == opened), None)


def quality_keys() -> list[str]:
    """The keys of the quality tab's widgets (kept while the tab is closed)."""
    return [ExploreKeys.QUALITY_ON, *(ExploreKeys.measure_all(method) for method in METHODS)]


def quality_ui(
    run: RunInfo | None,
    dataset: Dataset,
    params: ProjectionParams,
    embedded: dict[str, Embedded],
    names: dict[str, str],
) -> None:
    """The embedding-quality table of the embeddings projected, and how to read it.

    One checkbox per method adds the embeddings on offer that are not shown: on by
    default for PCA (instant), off for t-SNE and UMAP, whose projection of every
    embedding would take minutes on large data sets. A k-mer profile not computed yet
    is left out on large data sets (it takes about a minute at 20,000 sequences), with
    a caption.
    """
    if st.checkbox(
        "Measure every embedding on offer (projects each one with the same parameters)",
        value=params.method == "pca",
        key=ExploreKeys.measure_all(params.method),
    ):
        embedded = _every_kind(run, dataset, params, embedded, names)
    rows, described = _quality_rows(run, dataset)
    labels = np.asarray(dataset.labels)
    kept = {kind: np.isin(shown.covered.rows, rows) for kind, shown in embedded.items()}
    measured = [
        {
            "embedding": names[kind],
            "sequences": int(kept[kind].sum()),
            **cached_quality(
                _cache_run_id(run, kind),
                dataset.content_hash,
                kind,
                embedded[kind].projection.params,
                described,
                embedded[kind].covered.vectors[kept[kind]],
                labels[embedded[kind].covered.rows[kept[kind]]],
                embedded[kind].projection.coordinates[kept[kind]],
            ),
        }
        for kind in names
        if kind in embedded
    ]
    st.caption(as_text(f"Measured on {described}."))
    table = pd.DataFrame(measured).set_index("embedding").rename(columns=QUALITY_COLUMNS)
    st.dataframe(
        table,
        key="quality_table",
        column_config={
            c: st.column_config.NumberColumn(format="%.3f", help=QUALITY_COLUMN_HELP.get(c))
            for c in table.columns
            if c != "sequences"
        },
    )
    st.caption(QUALITY_HELP)
