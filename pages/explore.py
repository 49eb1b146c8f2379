"""Explore page: interactive t-SNE / UMAP / PCA of averaged and learned sequence embeddings."""

from __future__ import annotations

import streamlit as st

from protviz.analysis.points import class_list
from protviz.app import state
from protviz.app.errors import page_errors
from protviz.app.navigation import use_app_navigation
from protviz.app.panels.explore import (
    bind_view,
    chosen_neighbours,
    neighbours_ui,
    project_kinds,
    quality_ui,
    run_points,
    scatter_ui,
    search_ui,
    selection_ui,
    share_values,
    view_ui,
)
from protviz.app.state import EXPLORE_VIEW, ExploreKeys
from protviz.app.widgets import current_dataset, run_picker, saved_runs_or_stop, share_link_ui

use_app_navigation()


def main() -> None:
    """The page."""
    st.title("Explore")
    st.caption(
        "Each point is a protein, placed by its embedding. 'averaged' is the mean of the "
        "learned amino-acid vectors (blind to residue order); 'learned' is the model's own "
        "sequence representation."
    )
    dataset = current_dataset()
    all_runs = saved_runs_or_stop()
    share_slot = st.container()
    run = run_picker(all_runs, dataset, ExploreKeys.RUN)
    points = run_points(run, dataset)
    view = view_ui(bind_view(points))
    search = search_ui(points)
    vectors, projections = project_kinds(run, dataset, view.kinds, view.params)
    for message in {m for projection in projections.values() for m in projection.messages}:
        st.warning(message, icon=":material/tune:")
    neighbours = chosen_neighbours(points, vectors[view.neighbour_kind])
    classes = class_list(dataset, run.class_names)
    rows = scatter_ui(projections, points, view, search, neighbours, classes)
    with share_slot:
        share_link_ui(share_values(run, view, search, anchored=neighbours.anchor is not None))

    selection_tab, neighbours_tab, quality_tab = st.tabs(
        [f"Selection ({len(rows)})", "Nearest neighbours", "Embedding quality"]
    )
    with selection_tab:
        selection_ui(rows, points, dataset, run)
    with neighbours_tab:
        neighbours_ui(points, neighbours, view.neighbour_kind, run)
    with quality_tab:
        quality_ui(run, dataset, view.params, vectors, projections)
    state.link_widgets(EXPLORE_VIEW)


with page_errors():
    main()
