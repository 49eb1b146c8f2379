"""Explore page: interactive t-SNE / UMAP / PCA of sequence embeddings: a run's averaged and
learned embeddings, the k-mer profile (no run needed) and the user's own embedding files."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from protviz.analysis.explore_view import Neighbours
from protviz.analysis.points import class_list
from protviz.app import state
from protviz.app.errors import page_errors
from protviz.app.navigation import use_app_navigation
from protviz.app.panels.background import background_progress_ui
from protviz.app.panels.embeddings import (
    bind_kind,
    coverage_note,
    explore_run,
    exports_ui,
    kind_choices,
    link_kind,
    open_linked_file,
    upload_ui,
)
from protviz.app.panels.explore import (
    LINKED_TABS,
    Embedded,
    View,
    bind_tab,
    bind_view,
    chosen_neighbours,
    neighbours_ui,
    project_kinds,
    quality_keys,
    quality_ui,
    run_points,
    scatter_ui,
    search_ui,
    selection_ui,
    share_values,
    tab_link_value,
    view_ui,
)
from protviz.app.state import EXPLORE_VIEW, ExploreKeys
from protviz.app.widgets import current_dataset, share_link_ui
from protviz.core.dataset import Dataset
from protviz.model.runs import RunInfo

use_app_navigation()


def main() -> None:
    """The page."""
    st.title("Explore")
    st.caption(
        "Each point is a protein, placed by its embedding. 'averaged' is the mean of the "
        "learned amino-acid vectors (blind to residue order); 'learned' is the model's own "
        "sequence representation; 'kmer' is the 1-3-mer profile, which needs no model; an "
        "uploaded file holds your own embeddings (ESM, ProtT5, ...)."
    )
    dataset = current_dataset()
    share_slot = st.container()
    run = explore_run(dataset)
    upload_ui(dataset)
    open_linked_file(dataset)
    kinds = kind_choices(run, dataset)
    points = run_points(run, dataset)
    colors = bind_view(points)
    bind_tab()
    bind_kind(kinds)
    view = view_ui(colors, kinds, with_run=run is not None, classes=dataset.classes)
    search = search_ui(points)
    embedded = project_kinds(run, dataset, view.kinds, view.params)
    for message in {m for shown in embedded.values() for m in shown.projection.messages}:
        st.warning(message, icon=":material/tune:")
    background_progress_ui({kind: e.pending for kind, e in embedded.items() if e.pending})
    exported = embedded[view.neighbour_kind]
    coverage_note(exported.covered, kinds[view.neighbour_kind], dataset)
    shown = points.iloc[exported.covered.rows]
    neighbours = chosen_neighbours(shown, exported.covered.vectors)
    classes = class_list(dataset, run.class_names if run is not None else ())
    rows = scatter_ui(embedded, shown, view, search, neighbours, kinds, classes)
    with share_slot:
        share_link_ui(share_values(run, view, search, anchored=neighbours.anchor is not None))

    _tabs_ui(dataset, run, view, kinds, embedded, points, shown, neighbours, rows)
    state.link_widgets(EXPLORE_VIEW)
    state.link_to("tab", tab_link_value())
    state.link_hidden_classes(view.hidden)
    link_kind(view.kind)


def _tabs_ui(
    dataset: Dataset,
    run: RunInfo | None,
    view: View,
    kinds: dict[str, str],
    embedded: dict[str, Embedded],
    points: pd.DataFrame,
    shown: pd.DataFrame,
    neighbours: Neighbours,
    rows: list[int],
) -> None:
    """The tabs below the plot: selection, nearest neighbours, quality table and exports.

    Opening a tab reruns the page. The quality table is measured only while its tab is open:
    on a large data set it projects and measures every embedding, which a share link should
    not wait for. The exports are drawn only while theirs is open: a rerun gives download
    buttons new file IDs, so a button left from the run before the tab's click would
    download nothing.
    """
    selection_tab, neighbours_tab, quality_tab, export_tab = st.tabs(
        [f"Selection ({len(rows)})", *LINKED_TABS.values()],
        key=ExploreKeys.TAB,
        on_change="rerun",
    )
    with selection_tab:
        selection_ui(rows, points, dataset, run)
    with neighbours_tab:
        neighbours_ui(points, shown, neighbours, kinds[view.neighbour_kind], run)
    with quality_tab:
        if quality_tab.open:
            quality_ui(run, dataset, view.params, embedded, kinds)
        else:
            state.keep_widgets(quality_keys())
    with export_tab:
        if export_tab.open:
            exported = embedded[view.neighbour_kind]
            exports_ui(
                dataset,
                shown,
                exported.covered,
                exported.projection.coordinates,
                kinds[view.neighbour_kind],
            )


with page_errors():
    main()
