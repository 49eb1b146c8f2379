"""Models page: the saved runs; choose the current one, inspect, rename, delete, share."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from protviz.app.common import (
    RUN_ID,
    as_text,
    is_read_only,
    link_to,
    missing_run_message,
    new_link_value,
    read_only_notice,
    share_link_ui,
    show_error,
    tidy_store_once,
    use_app_navigation,
)
from protviz.core.records import METRIC_LABELS
from protviz.core.store import store_root
from protviz.model import runs
from protviz.model.archive import export_run, import_run
from protviz.model.runs import RunInfo, RunStoreError
from protviz.report import figures as plots
from protviz.report.tables import compare_frame, per_class_frame, runs_frame

use_app_navigation()

# Session-state key: a message to show after the rerun that follows a change.
FLASH_KEY = "models_flash"
# Session-state key: the id of the last upload already imported (not imported twice).
UPLOADED_KEY = "models_uploaded_file"


def filter_ui(table: pd.DataFrame) -> pd.DataFrame:
    """Text and architecture filters; returns the matching rows."""
    left, right = st.columns([2, 1])
    text = left.text_input(
        "Filter by name or data set", key="models_filter", placeholder="e.g. SCL2205"
    )
    architectures = sorted(a for a in table["architecture"].unique() if a)
    chosen = right.multiselect("Architecture", architectures, key="models_arch_filter")
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
        key="runs_table",
        column_config={
            "test accuracy": st.column_config.NumberColumn(format="%.3f"),
            "macro F1": st.column_config.NumberColumn(format="%.3f"),
            "training (s)": st.column_config.NumberColumn(format="%.0f"),
        },
    )
    rows = event.selection.rows if event is not None else []
    return table.iloc[rows[0]]["run_id"] if rows else None


CURRENT_SELECT = "current_run_select"
TABLE_SELECTION = "models_last_table_selection"


def _choose_current() -> None:
    st.session_state[RUN_ID] = st.session_state[CURRENT_SELECT]


def current_run_ui(all_runs: list[RunInfo], table_selection: str | None) -> RunInfo | None:
    """The current-run chooser, kept in step with the table selection and other pages."""
    by_id = {run.run_id: run for run in all_runs}
    linked = new_link_value("run")
    if linked is not None and linked not in by_id:
        st.warning(
            as_text(missing_run_message(linked) + " Choose a saved run below."),
            icon=":material/link_off:",
        )
    elif linked is not None:
        st.session_state[RUN_ID] = linked
    if table_selection is not None and table_selection != st.session_state.get(TABLE_SELECTION):
        st.session_state[RUN_ID] = table_selection
    st.session_state[TABLE_SELECTION] = table_selection
    current_id = st.session_state.get(RUN_ID)
    if current_id not in by_id:
        current_id = None
    st.session_state[CURRENT_SELECT] = current_id
    st.selectbox(
        "Current run (used by the other pages)",
        list(by_id),
        format_func=lambda run_id: f"{by_id[run_id].name}  [{run_id}]",
        index=None,
        key=CURRENT_SELECT,
        on_change=_choose_current,
        placeholder="Choose a run",
    )
    link_to("run", current_id)
    return by_id.get(current_id)


def details_ui(run: RunInfo) -> None:
    """Metrics, curves, confusion matrix and hyper-parameters of one run."""
    record = run.record
    metrics = record.metrics
    headline = metrics.headline()
    columns = st.columns(4)
    for column, (key, label) in zip(columns, METRIC_LABELS.items(), strict=True):
        value = headline[key]
        column.metric(label, "n/a" if value is None else f"{value:.3f}")
    metrics_tab, curves_tab, confusion_tab, settings_tab = st.tabs(
        ["Per class", "Training curves", "Confusion matrix", "Hyper-parameters"]
    )
    with metrics_tab:
        frame = per_class_frame(metrics)
        if frame.empty:
            st.info("This run has no test metrics (it was uploaded as a bare model).")
        else:
            st.dataframe(frame, key="per_class")
    with curves_tab:
        history = record.history
        if history:
            st.plotly_chart(plots.training_curves_figure(history), key="run_curves")
        else:
            st.info("This run has no training history.")
    with confusion_tab:
        matrix = metrics.confusion_matrix
        if matrix:
            normalise = st.toggle("Row-normalised", key="confusion_normalised")
            st.plotly_chart(
                plots.confusion_matrix_figure(matrix, run.class_names, normalise=normalise),
                key="run_confusion",
            )
        else:
            st.info("This run has no confusion matrix.")
    with settings_tab:
        settings = {"run id": run.run_id, **record.config.to_dict()}
        settings.update(
            {
                "data set": record.dataset.name,
                "data set hash": record.dataset.content_hash,
                "split sizes": record.split_sizes,
                "parameters": record.parameters,
                "device": record.device,
                "created": record.created,
            }
        )
        st.dataframe(
            pd.DataFrame({"setting": list(settings), "value": [str(v) for v in settings.values()]}),
            hide_index=True,
            key="run_settings",
        )


def manage_ui(run: RunInfo) -> None:
    """Rename, download and delete one run (download only, when read-only)."""
    rename_column, download_column, delete_column = st.columns([2, 1, 1])
    read_only = is_read_only()
    if read_only:
        with rename_column:
            read_only_notice("renaming and deleting runs")
    with download_column:
        st.download_button(
            "Download run (.zip)",
            data=lambda: export_run(run.run_id),
            file_name=f"protviz-run-{run.run_id}.zip",
            mime="application/zip",
            key="download_run",
            icon=":material/download:",
        )
    if read_only:
        return
    with rename_column:
        new_name = st.text_input("Name", value=run.name, key=f"rename_{run.run_id}")
        if st.button("Rename", key="rename_run") and new_name != run.name:
            try:
                renamed = runs.rename_run(run.run_id, new_name)
                st.session_state[FLASH_KEY] = f"Renamed to '{renamed.name}'."
                st.rerun()
            except RunStoreError as error:
                show_error(error)
    with delete_column:
        confirmed = st.checkbox("Yes, delete this run", key=f"confirm_delete_{run.run_id}")
        if st.button("Delete", key="delete_run", disabled=not confirmed, type="primary"):
            try:
                runs.delete_run(run.run_id)
            except RunStoreError as error:
                show_error(error)
                return
            if st.session_state.get(RUN_ID) == run.run_id:
                del st.session_state[RUN_ID]
            st.session_state.pop("runs_table", None)
            st.session_state[FLASH_KEY] = f"Deleted '{run.name}'."
            st.rerun()


def upload_ui() -> None:
    """Upload a run zip or a bare .keras model into the store (not when read-only)."""
    if is_read_only():
        read_only_notice("uploading runs")
        return
    upload = st.file_uploader(
        "Upload a run (.zip from this page) or a Keras model (.keras)",
        type=["zip", "keras"],
        key="run_upload",
        help="The model is loaded with safe_mode=True: files with Lambda layers or other "
        "arbitrary code are refused, and nothing in the store changes.",
    )
    if upload is None or st.session_state.get(UPLOADED_KEY) == upload.file_id:
        return
    try:
        run = import_run(upload.getvalue(), upload.name)
    except RunStoreError as error:
        show_error(error)
        return
    st.session_state[UPLOADED_KEY] = upload.file_id
    st.session_state[RUN_ID] = run.run_id
    st.session_state[FLASH_KEY] = f"Added '{run.name}' and made it the current run."
    st.rerun()


def compare_ui(all_runs: list[RunInfo]) -> None:
    """Up to four runs' metrics side by side."""
    by_id = {run.run_id: run for run in all_runs}
    chosen = st.multiselect(
        "Runs to compare (up to four)",
        list(by_id),
        format_func=lambda run_id: f"{by_id[run_id].name}  [{run_id}]",
        max_selections=4,
        key="compare_runs",
    )
    if len(chosen) >= 2:
        st.dataframe(compare_frame([by_id[i] for i in chosen]), key="compare_table")
    else:
        st.caption("Choose two to four runs.")


def skipped_folders_ui() -> None:
    """One warning naming the run folders that cannot be read (the runs table skips them)."""
    skipped = runs.problem_folders()
    if skipped:
        intro = f"{len(skipped)} run folder(s) cannot be read and are not listed. Fix or delete:"
        items = [f"- {as_text(f'{name}: {reason}')}" for name, reason in skipped]
        st.warning("\n".join([as_text(intro), *items]), icon=":material/warning:")


st.title("Models")
st.caption(
    "Saved runs: select one to make it the current model for the other pages, inspect how it "
    "trained and how it scores, and share it as a file."
)
skipped_folders_ui()
if FLASH_KEY in st.session_state:
    st.success(as_text(st.session_state.pop(FLASH_KEY)), icon=":material/check:")
tidy_store_once(str(store_root()))
all_runs = runs.list_runs()
if not all_runs:
    st.info("No saved runs yet. Train one on the Train page, or upload a run below.")
else:
    table = filter_ui(runs_frame(all_runs))
    selected = table_ui(table)
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
st.divider()
st.subheader("Upload a run")
upload_ui()
