"""Embedding matrix page: what a run learned about amino acids, and against BLOSUM62."""

from __future__ import annotations

import streamlit as st

from protviz.analysis.matrix import BLOSUM_HELP, COMPARE_HELP, MatrixAnalysis, correlate
from protviz.app import state
from protviz.app.errors import as_text, page_errors
from protviz.app.model_caches import cached_matrix_analysis
from protviz.app.navigation import use_app_navigation
from protviz.app.state import MatrixKeys
from protviz.app.widgets import run_label, run_picker, saved_runs_or_stop, share_link_ui
from protviz.model.runs import RunInfo
from protviz.report import figures as plots

use_app_navigation()


def matrix_analysis(run: RunInfo) -> MatrixAnalysis:
    """The analysis of ``run``'s embedding matrix (cached)."""
    return cached_matrix_analysis(run.run_id, str(run.path))


def _default_other(by_id: dict[str, RunInfo], run: RunInfo, others: list[str]) -> str:
    """Another run trained on the same data set, else the first other run."""
    same_data = [
        r for r in others if by_id[r].record.dataset.content_hash == run.record.dataset.content_hash
    ]
    return (same_data or others)[0]


def other_run_ui(by_id: dict[str, RunInfo], run: RunInfo) -> RunInfo | None:
    """Choose a second run to compare with (another run by default)."""
    others = [run_id for run_id in by_id if run_id != run.run_id]
    if not others:
        st.info("Train or upload a second run (e.g. `mean` against `bilstm`) to compare them.")
        return None
    linked = state.new_link_value("other")
    if linked in others:
        state.set_widget_value(MatrixKeys.OTHER_RUN, linked)
    elif linked is not None:
        st.warning(
            as_text(f"This link compares with the run '{linked[:40]}', which is not saved here."),
            icon=":material/link_off:",
        )
    if state.widget_value(MatrixKeys.OTHER_RUN) not in others:
        state.set_widget_value(MatrixKeys.OTHER_RUN, _default_other(by_id, run, others))
    other_id = st.selectbox(
        "Compare with",
        others,
        format_func=lambda run_id: run_label(by_id[run_id]),
        key=MatrixKeys.OTHER_RUN,
    )
    state.link_to("other", other_id)
    return by_id[other_id]


def matrix_ui(run: RunInfo, analysis: MatrixAnalysis) -> None:
    """The matrix, the clustered similarity with the BLOSUM62 correlation, and the PCA."""
    st.subheader("The matrix")
    st.caption(
        as_text(
            f"{run.name}: {analysis.matrix.shape[0]} letters x {analysis.matrix.shape[1]} "
            "dimensions (X is any unknown residue; the padding row is left out)."
        )
    )
    st.plotly_chart(plots.embedding_matrix_figure(analysis.matrix), key="matrix_heatmap")
    st.subheader("Amino-acid similarity")
    figure_column, number_column = st.columns([3, 1])
    clustering = analysis.clustering
    figure_column.plotly_chart(
        plots.similarity_figure(
            analysis.similarity,
            analysis.letters,
            clustering.order,
            segments=(clustering.segments_x, clustering.segments_y),
        ),
        key="matrix_similarity",
    )
    number_column.metric("Spearman ρ with BLOSUM62", f"{analysis.blosum_spearman:+.2f}")
    number_column.caption(BLOSUM_HELP)
    st.subheader("The amino acids in 2-D")
    st.plotly_chart(
        plots.amino_acid_pca_figure(
            analysis.coordinates, analysis.letters, analysis.classes, analysis.explained
        ),
        key="matrix_pca",
    )


def compare_ui(run: RunInfo, analysis: MatrixAnalysis, other: RunInfo) -> None:
    """Two runs' similarity heatmaps side by side (same order) and their correlation."""
    other_analysis = matrix_analysis(other)
    correlation = correlate(analysis.similarity, other_analysis.similarity)
    left, middle, right = st.columns(3)
    left.metric("Pearson r between the runs", f"{correlation.pearson:+.2f}")
    middle.metric("Spearman ρ between the runs", f"{correlation.spearman:+.2f}")
    right.metric(
        "BLOSUM62 ρ (this run / other run)",
        f"{analysis.blosum_spearman:+.2f} / {other_analysis.blosum_spearman:+.2f}",
    )
    st.caption(COMPARE_HELP)
    for column, shown, result, place in zip(
        st.columns(2), (run, other), (analysis, other_analysis), ("first", "second"), strict=True
    ):
        column.plotly_chart(
            plots.similarity_figure(
                result.similarity,
                result.letters,
                analysis.clustering.order,
                title=plots.as_plot_text(f"{shown.name} ({shown.arch})"),
            ),
            key=f"matrix_compare_{place}",
        )
    st.caption("Both heatmaps use this run's clustering order, so the same cell is the same pair.")


def main() -> None:
    """The page."""
    st.title("Embedding matrix")
    st.caption(
        "The embedding layer gives each amino acid a learned vector. Do similar amino acids get "
        "similar vectors, and does the architecture change that?"
    )
    all_runs = saved_runs_or_stop()
    by_id = {run.run_id: run for run in all_runs}
    run = run_picker(all_runs, state.chosen_dataset(), MatrixKeys.RUN, note_other_dataset=False)
    analysis = matrix_analysis(run)
    share_slot = st.container()
    matrix_ui(run, analysis)
    st.subheader("Compare two runs")
    other = other_run_ui(by_id, run)
    with share_slot:
        share_link_ui({"run": run.run_id, "other": other.run_id if other else None})
    if other is not None:
        compare_ui(run, analysis, other)


with page_errors():
    main()
