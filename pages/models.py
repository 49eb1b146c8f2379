"""Models page: the saved runs; choose the current one, inspect, rename, delete, share."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from protviz.app import state
from protviz.app.caches import store_folder, tidy_store_once
from protviz.app.errors import as_text, page_errors
from protviz.app.navigation import use_app_navigation
from protviz.app.panels.models import details_ui, manage_ui, skipped_folders_ui, upload_ui
from protviz.app.state import ModelsKeys
from protviz.app.widgets import missing_run_message, run_label, share_link_ui
from protviz.model import runs
from protviz.model.runs import RunInfo
from protviz.report.tables import compare_frame, runs_frame

use_app_navigation()


def filter_ui(table: pd.DataFrame) -> pd.DataFrame:
    """Text and architecture filters; returns the matching rows."""
    left, right = st.columns([2, 1])
    text = left.text_input(
        "Filter by name or data set", key=ModelsKeys.FILTER, placeholder="e.g. SCL2205"
    )
    architectures = sorted(a for a in table["architecture"].unique() if a)
    chosen = right.multiselect("Architecture", architectures, key=ModelsKeys.ARCHITECTURE_FILTER)
    mask = pd.Series(True, index=table.index)
    if text:
        needle = text.lower()
        mask &= table["name"].str.lower().str.contains(needle, regex=False) | table[
            "data set"
        ].str.lower().str.contains(needle, regex=False)
    if chosen:
        mask &= table["architecture"].isin(chosen)
    return table[mask]


def table_ui(table: pd.DataFrame) -> str | None:
    """The runs table; selecting a row makes that run current. Returns the selected id."""
    event = st.dataframe(
        table.drop(columns="run_id"),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=ModelsKeys.TABLE,
        column_config={
            **{
                column: st.column_config.NumberColumn(format="%.3f")
                for column in ("test accuracy", "balanced accuracy", "macro F1", "1-3-mer baseline")
            },
            "training (s)": st.column_config.NumberColumn(format="%.0f"),
        },
    )
    rows = event.selection.rows if event is not None else []
    return table.iloc[rows[0]]["run_id"] if rows else None


def _follow_links_and_table(by_id: dict[str, RunInfo], table_selection: str | None) -> None:
    """A new link's run, else a new table selection, becomes the current run."""
    linked = state.new_link_value("run")
    if linked is not None and linked not in by_id:
        st.warning(
            as_text(missing_run_message(linked) + " Choose a saved run below."),
            icon=":material/link_off:",
        )
    elif linked is not None:
        state.set_current_run(linked)
    if table_selection is not None and table_selection != state.MODELS_TABLE_SELECTION.get():
        state.set_current_run(table_selection)
    state.MODELS_TABLE_SELECTION.set(table_selection)


def current_run_ui(all_runs: list[RunInfo], table_selection: str | None) -> RunInfo | None:
    """The current-run chooser, kept in step with the table selection and other pages."""
    by_id = {run.run_id: run for run in all_runs}
    _follow_links_and_table(by_id, table_selection)
    current_id = state.current_run_id()
    if current_id not in by_id:
        current_id = None
    state.set_widget_value(ModelsKeys.CURRENT, current_id)
    st.selectbox(
        "Current run (used by the other pages)",
        list(by_id),
        format_func=lambda run_id: run_label(by_id[run_id]),
        index=None,
        key=ModelsKeys.CURRENT,
        on_change=lambda: state.set_current_run(state.widget_value(ModelsKeys.CURRENT)),
        placeholder="Choose a run",
    )
    state.link_to("run", current_id)
    return by_id.get(current_id)


def compare_ui(all_runs: list[RunInfo]) -> None:
    """Up to four runs' metrics side by side."""
    by_id = {run.run_id: run for run in all_runs}
    chosen = st.multiselect(
        "Runs to compare (up to four)",
        list(by_id),
        format_func=lambda run_id: run_label(by_id[run_id]),
        max_selections=4,
        key=ModelsKeys.COMPARE,
    )
    if len(chosen) >= 2:
        st.dataframe(compare_frame([by_id[i] for i in chosen]), key="compare_table")
    else:
        st.caption("Choose two to four runs.")


def runs_ui(all_runs: list[RunInfo]) -> None:
    """The runs table, the current run's details and management, and the comparison."""
    selected = table_ui(filter_ui(runs_frame(all_runs)))
    current = current_run_ui(all_runs, selected)
    share_link_ui({"run": current.run_id if current else None})
    if current is None:
        st.info("Select a run in the table (or above) to make it current and see its details.")
    else:
        manage_ui(current)
        details_ui(current)
    st.divider()
    st.subheader("Compare runs")
    compare_ui(all_runs)


def main() -> None:
    """The page."""
    st.title("Models")
    st.caption(
        "Saved runs: select one to make it the current model for the other pages, inspect how "
        "it trained and how it scores, and share it as a file."
    )
    skipped_folders_ui()
    flash = state.MODELS_FLASH.pop()
    if flash is not None:
        st.success(as_text(flash), icon=":material/check:")
    tidy_store_once(store_folder())
    all_runs = runs.list_runs()
    if all_runs:
        runs_ui(all_runs)
    else:
        st.info("No saved runs yet. Train one on the Train page, or upload a run below.")
    st.divider()
    st.subheader("Upload a run")
    upload_ui()


with page_errors():
    main()
