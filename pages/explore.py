"""Explore page: interactive t-SNE / UMAP / PCA of averaged and learned sequence embeddings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from protviz.analysis.embeddings import run_embeddings
from protviz.analysis.kinds import EMBEDDING_KINDS, KIND_HELP
from protviz.analysis.points import (
    COLOR_CHOICES,
    nearest_neighbours,
    points_frame,
    search_mask,
    selection_fasta,
)
from protviz.analysis.projection import (
    METHOD_NAMES,
    METHODS,
    METRICS,
    Projection,
    ProjectionParams,
    project,
)
from protviz.analysis.quality import QUALITY_HELP, embedding_quality
from protviz.app.common import (
    DATASET_REF,
    as_text,
    bind_to_link,
    cached_model,
    current_dataset,
    link_widgets,
    run_picker,
    saved_runs_or_stop,
    share_link_ui,
    show_error,
    use_app_navigation,
)
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.model import runs
from protviz.model.runs import RunInfo
from protviz.report import figures as plots

use_app_navigation()

NEIGHBOUR_OF = "seq"
"""Widget key and link parameter: the ID of the sequence whose nearest neighbours are shown."""


@st.cache_data(max_entries=32, show_spinner="Computing embeddings...")
def cached_vectors(run_id: str, run_path: str, dataset_hash: str, kind: str, _dataset: Dataset):
    """Per-sequence vectors of a run on a data set (cached on disk in the run folder too)."""
    run = runs.get_run(run_id)
    return run_embeddings(run, _dataset, kind, model=cached_model(run_id, run_path))


@st.cache_data(max_entries=32, show_spinner="Projecting...")
def cached_projection(
    run_id: str, dataset_hash: str, kind: str, params: ProjectionParams, _vectors: np.ndarray
) -> Projection:
    """The projection of one kind of vectors (keyed by run, data set, kind and parameters)."""
    return project(_vectors, params)


@st.cache_data(max_entries=32, show_spinner="Measuring the embedding...")
def cached_quality(
    run_id: str,
    dataset_hash: str,
    kind: str,
    params: ProjectionParams,
    _vectors: np.ndarray,
    _labels: np.ndarray,
    _coordinates: np.ndarray,
) -> dict:
    """Silhouette, k-NN accuracy and trustworthiness of one kind and projection."""
    return embedding_quality(_vectors, _labels, _coordinates, metric=params.metric)


VIEW_DEFAULTS: dict[str, object] = {
    "kind": "averaged",
    "method": "pca",
    "dims": 2,
    "color": "label",
    "perplexity": 30,
    "n_neighbors": 15,
    "min_dist": 0.1,
    "metric": "euclidean",
    "seed": 0,
    "side": False,
    "q": "",
    "regex": False,
    "k": 10,
    "distance": "cosine",
}
"""The view's widgets (key = query parameter) and their defaults."""


def bind_view(points: pd.DataFrame) -> list[str]:
    """Seed the view's widgets from their defaults or a new link. Returns the colourings."""
    colors = list(COLOR_CHOICES) + [
        c
        for c in points.columns
        if c not in COLOR_CHOICES and c not in ("id", "prediction", "start")
    ]
    choices = {
        "kind": EMBEDDING_KINDS,
        "method": METHODS,
        "dims": (2, 3),
        "color": colors,
        "metric": METRICS,
        "distance": ("cosine", "euclidean"),
    }
    bounds = {
        "perplexity": (2, 100),
        "n_neighbors": (2, 200),
        "min_dist": (0.0, 1.0),
        "seed": (0, 2**31 - 1),
        "k": (1, 50),
    }
    for key, default in VIEW_DEFAULTS.items():
        bind_to_link(key, default, choices=choices.get(key), bounds=bounds.get(key))
    bind_to_link(NEIGHBOUR_OF, None, choices=points["id"].tolist())
    return colors


def view_ui(colors: list[str]) -> tuple[str, ProjectionParams, str, bool]:
    """Embedding kind, projection and colour widgets. Returns kind, params, colour, side by side."""
    kind_column, method_column, dims_column, color_column = st.columns([2, 1, 1, 2])
    kind = kind_column.radio(
        "Embedding",
        EMBEDDING_KINDS,
        horizontal=True,
        key="kind",
        help="; ".join(f"{k}: {v}" for k, v in KIND_HELP.items()),
    )
    method = method_column.selectbox(
        "Projection", METHODS, format_func=METHOD_NAMES.get, key="method"
    )
    dims = dims_column.radio("Dimensions", [2, 3], horizontal=True, key="dims")
    color = color_column.selectbox(
        "Colour by",
        colors,
        format_func=lambda c: COLOR_CHOICES.get(c, f"metadata: {c}"),
        key="color",
    )
    with st.expander("Projection parameters"):
        left, middle, right = st.columns(3)
        params = ProjectionParams(
            method=method,
            dims=dims,
            perplexity=float(left.slider("t-SNE perplexity", 2, 100, key="perplexity")),
            n_neighbors=middle.slider("UMAP n_neighbors", 2, 200, key="n_neighbors"),
            min_dist=right.slider("UMAP min_dist", 0.0, 1.0, step=0.05, key="min_dist"),
            metric=left.radio("Metric", METRICS, horizontal=True, key="metric"),
            seed=int(middle.number_input("Seed", 0, 2**31 - 1, key="seed")),
        )
    side_by_side = st.toggle(
        "Averaged and learned side by side (what the architecture adds)", key="side"
    )
    return kind, params, color, side_by_side


def selected_rows(event) -> list[int]:
    """Rows of the points a plotly selection event holds (via customdata[0])."""
    if event is None:
        return []
    points = event.selection.get("points", []) if hasattr(event, "selection") else []
    return sorted({int(p["customdata"][0]) for p in points if p.get("customdata")})


def attention_link(seq_id: str, run: RunInfo, column=st) -> None:
    """A link that opens ``seq_id`` of this run and data set on the Attention page."""
    column.page_link(
        "pages/attention.py",
        label="Open on the Attention page",
        icon=":material/visibility:",
        query_params={
            "seq": seq_id,
            "run": run.run_id,
            "dataset": st.session_state.get(DATASET_REF) or "",
        },
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
        key="download_selection_ids",
    )
    right.download_button(
        f"Download {len(rows)} sequences (FASTA)",
        selection_fasta(dataset, rows),
        file_name="protviz-selection.fasta",
        key="download_selection_fasta",
    )
    left, right = st.columns([3, 2])
    chosen_id = left.selectbox(
        "Look at one of them on the Attention page", chosen["id"].tolist(), key="attention_seq"
    )
    attention_link(chosen_id, run, right)


def neighbours_ui(points: pd.DataFrame, vectors: np.ndarray, kind: str, run: RunInfo) -> None:
    """Choose a sequence and list its nearest neighbours in the original embedding space."""
    left, middle, right = st.columns([3, 1, 1])
    labels = dict(zip(points["id"], points["label"], strict=True))
    left.selectbox(
        "Sequence",
        points["id"].tolist(),
        index=None,
        format_func=lambda seq_id: f"{seq_id} ({labels[seq_id]})",
        key=NEIGHBOUR_OF,
        placeholder="Type to search an ID",
    )
    k = middle.slider("k", 1, 50, key="k")
    metric = right.radio("Distance", ["cosine", "euclidean"], key="distance")
    anchor = anchor_row(points)
    if anchor is None:
        st.caption("Choose a sequence to see its nearest neighbours; they are ringed in the plot.")
        return
    rows, distances = nearest_neighbours(vectors, anchor, k, metric)
    table = points.iloc[rows][["id", "label", "predicted", "confidence"]].copy()
    table.insert(0, "rank", range(1, len(rows) + 1))
    table[f"{metric} distance"] = distances.round(4)
    st.caption(as_text(f"Nearest neighbours of {points.at[anchor, 'id']} in the {kind} embedding."))
    st.dataframe(table, hide_index=True, key="neighbours_table")
    attention_link(str(points.at[anchor, "id"]), run)


def anchor_row(points: pd.DataFrame) -> int | None:
    """The row of the sequence chosen for neighbours (the ``seq`` parameter), if any."""
    chosen = st.session_state.get(NEIGHBOUR_OF)
    if chosen is None:
        return None
    rows = np.flatnonzero(points["id"].to_numpy() == chosen)
    return int(rows[0]) if len(rows) else None


def quality_ui(rows: list[dict]) -> None:
    """The embedding-quality table and how to read it."""
    table = pd.DataFrame(rows).set_index("embedding")
    st.dataframe(
        table,
        key="quality_table",
        column_config={c: st.column_config.NumberColumn(format="%.3f") for c in table.columns},
    )
    st.caption(QUALITY_HELP)


st.title("Explore")
st.caption(
    "Each point is a protein, placed by its embedding. 'averaged' is the mean of the learned "
    "amino-acid vectors (blind to residue order); 'learned' is the model's own sequence "
    "representation."
)
dataset = current_dataset()
all_runs = saved_runs_or_stop()
share_slot = st.container()
try:
    run = run_picker(all_runs, dataset, "explore_run")
    run_key = (run.run_id, str(run.path))
    probabilities = cached_vectors(*run_key, dataset.content_hash, "probabilities", dataset)
    points = points_frame(dataset, probabilities, run.class_names)
    kind, params, color, side_by_side = view_ui(bind_view(points))
    query_column, regex_column = st.columns([4, 1])
    query = query_column.text_input(
        "Search ID or label", key="q", placeholder="e.g. P31946 or mitochondrial"
    )
    regex = regex_column.checkbox("Regular expression", key="regex")
    highlight = search_mask(points, query, regex=regex)
    if query:
        st.caption(f"{int(highlight.sum()):,} sequence(s) match the search; they are ringed.")
    kinds = ["averaged", "learned"] if side_by_side else [kind]
    labels = np.asarray(dataset.labels)
    vectors = {k: cached_vectors(*run_key, dataset.content_hash, k, dataset) for k in kinds}
    projections = {
        k: cached_projection(run.run_id, dataset.content_hash, k, params, vectors[k]) for k in kinds
    }
except (ProteinDataError, ValueError) as error:
    show_error(error)
    st.stop()

for message in {m for p in projections.values() for m in p.messages}:
    st.warning(message, icon=":material/tune:")
neighbour_kind = kind if kind in vectors else kinds[0]
anchor = anchor_row(points)
neighbour_rows: np.ndarray = np.array([], dtype=int)
if anchor is not None:
    neighbour_rows, _ = nearest_neighbours(
        vectors[neighbour_kind],
        anchor,
        st.session_state.get("k", 10),
        st.session_state.get("distance", "cosine"),
    )
events = []
for column, shown in zip(st.columns(len(kinds)), kinds, strict=True):
    figure = plots.embedding_scatter_figure(
        projections[shown].coordinates,
        points,
        color,
        title=f"{shown} embedding, {projections[shown].params.describe()}",
        highlight=highlight,
        neighbours=neighbour_rows,
        anchor=anchor,
        class_order=run.class_names,
    )
    with column:
        events.append(
            st.plotly_chart(
                figure,
                key=f"scatter_{shown}",
                on_select="rerun",
                selection_mode=("points", "box", "lasso"),
            )
        )
rows = sorted({row for event in events for row in selected_rows(event)})
with share_slot:
    share_link_ui(
        {
            "run": run.run_id,
            **params.relevant(),
            "kind": kind,
            "color": color,
            "q": query,
            "regex": regex or None,
            "side": side_by_side or None,
            "seq": st.session_state.get(NEIGHBOUR_OF),
            "k": st.session_state.get("k") if anchor is not None else None,
            "distance": st.session_state.get("distance") if anchor is not None else None,
        }
    )

selection_tab, neighbours_tab, quality_tab = st.tabs(
    [f"Selection ({len(rows)})", "Nearest neighbours", "Embedding quality"]
)
with selection_tab:
    selection_ui(rows, points, dataset, run)
with neighbours_tab:
    neighbours_ui(points, vectors[neighbour_kind], neighbour_kind, run)
with quality_tab:
    # One checkbox per method: on by default for PCA (instant), off for t-SNE and UMAP,
    # whose projection of every kind would take minutes on large data sets.
    if st.checkbox(
        "Measure all three kinds (projects each one with the same parameters)",
        value=params.method == "pca",
        key=f"explore_measure_all_{params.method}",
    ):
        for other in EMBEDDING_KINDS:
            if other not in vectors:
                vectors[other] = cached_vectors(*run_key, dataset.content_hash, other, dataset)
                projections[other] = cached_projection(
                    run.run_id, dataset.content_hash, other, params, vectors[other]
                )
    measured = [
        {
            "embedding": shown,
            **cached_quality(
                run.run_id,
                dataset.content_hash,
                shown,
                params,
                vectors[shown],
                labels,
                projections[shown].coordinates,
            ),
        }
        for shown in EMBEDDING_KINDS
        if shown in projections
    ]
    quality_ui(measured)
link_widgets(
    {key: (st.session_state.get(key), default) for key, default in VIEW_DEFAULTS.items()}
    | {NEIGHBOUR_OF: (st.session_state.get(NEIGHBOUR_OF), None)}
)
