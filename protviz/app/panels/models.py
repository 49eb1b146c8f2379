"""The Models page's view of one run (metrics, curves, settings), its management
(rename, download, delete), the run upload and the unreadable run folders."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from protviz.app import state
from protviz.app.errors import as_text, show_error
from protviz.app.panels.results import outcome_ui, per_class_ui, scores_ui
from protviz.app.state import ModelsKeys
from protviz.app.widgets import is_read_only, read_only_notice
from protviz.core.records import RunRecord
from protviz.model import runs
from protviz.model.archive import export_run, import_run
from protviz.model.runs import RunInfo, RunStoreError
from protviz.report import figures as plots
from protviz.report.sentences import split_text
from protviz.report.tables import stopped_text


def details_ui(run: RunInfo) -> None:
    """Metrics with intervals, baselines, how training ended, curves, confusion matrix and
    hyper-parameters of one run."""
    record = run.record
    metrics = record.metrics
    scores_ui(run)
    outcome_ui(run)
    metrics_tab, curves_tab, confusion_tab, settings_tab = st.tabs(
        ["Per class", "Training curves", "Confusion matrix", "Hyper-parameters"]
    )
    with metrics_tab:
        per_class_ui(metrics, "per_class")
    with curves_tab:
        history = record.history
        if history:
            st.plotly_chart(plots.training_curves_figure(history), key="run_curves")
        else:
            st.info("This run has no training history.")
    with confusion_tab:
        matrix = metrics.confusion_matrix
        if matrix:
            normalise = st.toggle("Row-normalised", key=ModelsKeys.CONFUSION_NORMALISED)
            st.plotly_chart(
                plots.confusion_matrix_figure(matrix, run.class_names, normalise=normalise),
                key="run_confusion",
            )
        else:
            st.info("This run has no confusion matrix.")
    with settings_tab:
        st.dataframe(settings_frame(run), hide_index=True, key="run_settings")


def settings_frame(run: RunInfo) -> pd.DataFrame:
    """A run's hyper-parameters, data set and provenance as ``setting``/``value`` rows."""
    record = run.record
    settings = {"run id": run.run_id, **record.config.to_dict()}
    settings.update(
        {
            "data set": record.dataset.name,
            "data set hash": record.dataset.content_hash,
            "split sizes": record.split_sizes,
            "split": split_text(record),
            "shuffled control of": record.control_of or "",
            "class weighting": _weighting_text(record),
            "epochs run": record.epochs_run,
            "best epoch": record.best_epoch,
            "stopped": stopped_text(record),
            "continued from": record.parent or "",
            "parameters": record.parameters,
            "device": record.device,
            "created": record.created,
        }
    )
    return pd.DataFrame({"setting": list(settings), "value": [str(v) for v in settings.values()]})


def _weighting_text(record: RunRecord) -> str:
    """Whether classes were weighted, and why, for the settings table."""
    if record.class_weighted is None:
        return ""
    return f"{'on' if record.class_weighted else 'off'}: {record.class_weighting_reason}"


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
            key=ModelsKeys.DOWNLOAD,
            icon=":material/download:",
        )
    if read_only:
        return
    with rename_column:
        _rename_ui(run)
    with delete_column:
        _delete_ui(run)


def _rename_ui(run: RunInfo) -> None:
    """A name field and Rename."""
    new_name = st.text_input("Name", value=run.name, key=ModelsKeys.new_name(run.run_id))
    if st.button("Rename", key=ModelsKeys.RENAME) and new_name != run.name:
        try:
            renamed = runs.rename_run(run.run_id, new_name)
        except RunStoreError as error:
            show_error(error)
            return
        state.MODELS_FLASH.set(f"Renamed to '{renamed.name}'.")
        st.rerun()


def _delete_ui(run: RunInfo) -> None:
    """A confirmation and Delete."""
    confirmed = st.checkbox("Yes, delete this run", key=ModelsKeys.confirm_delete(run.run_id))
    if st.button("Delete", key=ModelsKeys.DELETE, disabled=not confirmed, type="primary"):
        try:
            runs.delete_run(run.run_id)
        except RunStoreError as error:
            show_error(error)
            return
        if state.current_run_id() == run.run_id:
            state.forget_current_run()
        state.forget_widget(ModelsKeys.TABLE)
        state.MODELS_FLASH.set(f"Deleted '{run.name}'.")
        st.rerun()


def upload_ui() -> None:
    """Upload a run zip or a bare .keras model into the store (not when read-only)."""
    if is_read_only():
        read_only_notice("uploading runs")
        return
    upload = st.file_uploader(
        "Upload a run (.zip from this page) or a Keras model (.keras)",
        type=["zip", "keras"],
        key=ModelsKeys.UPLOAD,
        help="The model is loaded with safe_mode=True: files with Lambda layers or other "
        "arbitrary code are refused, and nothing in the store changes.",
    )
    if upload is None or state.MODELS_UPLOADED_FILE.get() == upload.file_id:
        return
    try:
        run = import_run(upload.getvalue(), upload.name)
    except RunStoreError as error:
        show_error(error)
        return
    state.MODELS_UPLOADED_FILE.set(upload.file_id)
    state.set_current_run(run.run_id)
    state.MODELS_FLASH.set(f"Added '{run.name}' and made it the current run.")
    st.rerun()


def skipped_folders_ui() -> None:
    """One warning naming the run folders that cannot be read (the runs table skips them)."""
    skipped = runs.problem_folders()
    if skipped:
        intro = f"{len(skipped)} run folder(s) cannot be read and are not listed. Fix or delete:"
        items = [f"- {as_text(f'{name}: {reason}')}" for name, reason in skipped]
        st.warning("\n".join([as_text(intro), *items]), icon=":material/warning:")
