"""Embedding matrix page: what a run learned about amino acids, and against BLOSUM62."""

from __future__ import annotations

import streamlit as st

from protviz.analysis.matrix import (
    BLOSUM_HELP,
    COMPARE_HELP,
    MatrixAnalysis,
    analyse_matrix,
    correlate,
)
from protviz.app.common import (
    as_text,
    cached_model,
    link_to,
    new_link_value,
    run_picker,
    saved_runs_or_stop,
    share_link_ui,
    show_error,
    use_app_navigation,
)
from protviz.model.runs import RunInfo
from protviz.report import figures as plots

use_app_navigation()

OTHER_RUN = "matrix_other_run"


@st.cache_data(max_entries=16, show_spinner="Reading the embedding matrix...")
def cached_analysis(run_id: str, run_path: str) -> MatrixAnalysis:
    """The analysis of one run's embedding matrix (keyed by run id and folder)."""
    from protviz.model.readout import embedding_matrix

    return analyse_matrix(embedding_matrix(cached_model(run_id, run_path)))


def other_run_ui(by_id: dict[str, RunInfo], run: RunInfo) -> RunInfo | None:
    """Choose a second run to compare with (another run by default)."""
    others = [run_id for run_id in by_id if run_id != run.run_id]
    if not others:
        st.info("Train or upload a second run (e.g. `mean` against `bilstm`) to compare them.")
        return None
    linked = new_link_value("other")
    if linked in others:
        st.session_state[OTHER_RUN] = linked
    elif linked is not None:
        st.warning(
            as_text(f"This link compares with the run '{linked[:40]}', which is not saved here."),
            icon=":material/link_off:",
        )
    if st.session_state.get(OTHER_RUN) not in others:
        same_data = [
            r
            for r in others
            if by_id[r].record.dataset.content_hash == run.record.dataset.content_hash
        ]
        st.session_state[OTHER_RUN] = (same_data or others)[0]
    other_id = st.selectbox(
        "Compare with",
        others,
        format_func=lambda run_id: f"{by_id[run_id].name}  [{run_id}]",
        key=OTHER_RUN,
    )
    link_to("other", other_id)
    return by_id[other_id]


def similarity_ui(analysis: MatrixAnalysis) -> None:
    """Clustered similarity heatmap with the BLOSUM62 correlation beside it."""
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


def compare_ui(run: RunInfo, analysis: MatrixAnalysis, other: RunInfo) -> None:
    """Two runs' similarity heatmaps side by side (same order) and their correlation."""
    other_analysis = cached_analysis(other.run_id, str(other.path))
    correlation = correlate(analysis.similarity, other_analysis.similarity)
    left, middle, right = st.columns(3)
    left.metric("Pearson r between the runs", f"{correlation.pearson:+.2f}")
    middle.metric("Spearman ρ between the runs", f"{correlation.spearman:+.2f}")
    right.metric(
        "BLOSUM62 ρ (this run / other run)",
        f"{analysis.blosum_spearman:+.2f} / {other_analysis.blosum_spearman:+.2f}",
    )
    st.caption(COMPARE_HELP)
    for column, shown, result in zip(
        st.columns(2), (run, other), (analysis, other_analysis), strict=True
    ):
        column.plotly_chart(
            plots.similarity_figure(
                result.similarity,
                result.letters,
                analysis.clustering.order,
                title=plots.as_plot_text(f"{shown.name} ({shown.arch})"),
            ),
            key=f"matrix_compare_{'first' if shown is run else 'second'}",
        )
    st.caption("Both heatmaps use this run's clustering order, so the same cell is the same pair.")


st.title("Embedding matrix")
st.caption(
    "The embedding layer gives each amino acid a learned vector. Do similar amino acids get "
    "similar vectors, and does the architecture change that?"
)
all_runs = saved_runs_or_stop()
by_id = {run.run_id: run for run in all_runs}
try:
    run = run_picker(list(by_id.values()), None, "matrix_run")
    analysis = cached_analysis(run.run_id, str(run.path))
except ValueError as error:
    show_error(error)
    st.stop()
share_slot = st.container()

st.subheader("The matrix")
st.caption(
    as_text(
        f"{run.name}: {analysis.matrix.shape[0]} letters x {analysis.matrix.shape[1]} "
        "dimensions (X is any unknown residue; the padding row is left out)."
    )
)
st.plotly_chart(plots.embedding_matrix_figure(analysis.matrix), key="matrix_heatmap")

st.subheader("Amino-acid similarity")
similarity_ui(analysis)

st.subheader("The amino acids in 2-D")
st.plotly_chart(
    plots.amino_acid_pca_figure(
        analysis.coordinates, analysis.letters, analysis.classes, analysis.explained
    ),
    key="matrix_pca",
)

st.subheader("Compare two runs")
other = other_run_ui(by_id, run)
with share_slot:
    share_link_ui({"run": run.run_id, "other": other.run_id if other else None})
if other is not None:
    try:
        compare_ui(run, analysis, other)
    except ValueError as error:
        show_error(error)
