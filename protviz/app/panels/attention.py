"""The Attention page's widget groups: one sequence's scores, the per-class profile and
the filter logos."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from protviz.analysis.attention import SCORE_HELP, ResidueScores
from protviz.analysis.logos import DEFAULT_TOP_K, LOGO_HELP, convolution_shape, filter_logo
from protviz.analysis.residues import AttentionError
from protviz.app.errors import as_text
from protviz.app.model_caches import cached_maxima, cached_profile
from protviz.app.state import AttentionKeys
from protviz.core.dataset import Dataset
from protviz.model.readout import has_attention
from protviz.model.runs import RunInfo
from protviz.report import figures as plots

AUTO_DATASET_LIMIT = 2000
"""Samples up to this size get their class profile and filter logos without asking."""

LOGO_TOP_K = (5, 200)
"""The range of "top windows" a logo offers."""


def scores_ui(scores: ResidueScores, label: str) -> None:
    """The residues coloured by score, the line plot, the probabilities and the CSV."""
    if scores.truncated:
        st.warning(as_text(scores.truncation_note()), icon=":material/content_cut:")
    if scores.kind == "saliency":
        st.info(SCORE_HELP["saliency"], icon=":material/info:")
    else:
        st.caption(SCORE_HELP["attention"])
    overlay_column, probability_column = st.columns([3, 1])
    overlay_column.plotly_chart(
        plots.residue_scores_figure(scores.sequence, scores.full_scores(), scores.kind),
        key="attention_overlay",
    )
    with probability_column:
        st.metric("Predicted", scores.predicted_class)
        st.caption(as_text(f"True label: {label}"))
        st.plotly_chart(
            plots.probabilities_figure(scores.class_names, scores.probabilities),
            key="attention_probabilities",
        )
    st.plotly_chart(
        plots.residue_scores_line_figure(scores.full_scores(), scores.kind), key="attention_line"
    )
    safe_id = re.sub(r"[^A-Za-z0-9._-]+", "_", scores.seq_id)[:80]
    st.download_button(
        f"Download the per-residue {scores.kind} (CSV)",
        scores.to_csv(),
        file_name=f"protviz-{scores.kind}-{safe_id}.csv",
        mime="text/csv",
        key=AttentionKeys.DOWNLOAD,
    )


def compute_ui(dataset: Dataset, max_per_class: int, key: str) -> bool:
    """Whether to compute over the data set: at once for small ones, on request for large."""
    used = int(dataset.class_counts.clip(upper=max_per_class).sum())
    if used <= AUTO_DATASET_LIMIT:
        return True
    return st.toggle(
        f"Compute over the data set ({used:,} sequences; this may take a minute or more)",
        key=key,
    )


def profile_ui(run: RunInfo, dataset: Dataset, max_per_class: int, model: Any) -> None:
    """The per-class attention profile (conv_attention runs only)."""
    if not has_attention(model):
        st.info(
            "Per-class attention profiles need a conv_attention run: this architecture has no "
            "attention weights."
        )
        return
    profile = cached_profile(
        run.run_id, str(run.path), dataset.content_hash, max_per_class, run, dataset
    )
    st.plotly_chart(
        plots.class_profile_figure(profile.profile, list(dataset.class_counts.index)),
        key="attention_profile",
    )
    st.caption(
        "Each sequence is cut into 50 bins from N- to C-terminus; a residue's relative "
        "attention is its weight times the number of residues the model saw (1 = uniform). "
        + profile.note()
    )


def _logo_settings_ui(widths: tuple[int, ...], filters: int) -> tuple[int, int, int, str]:
    """Filter width and number, how many windows, and the letter height."""
    width_column, filter_column, k_column, kind_column = st.columns(4)
    width = width_column.selectbox(
        "Filter width", widths, index=len(widths) - 1, key=AttentionKeys.LOGO_WIDTH
    )
    filter_index = filter_column.number_input(
        "Filter", 0, filters - 1, 0, key=AttentionKeys.LOGO_FILTER
    )
    top_k = k_column.slider("Top windows", *LOGO_TOP_K, DEFAULT_TOP_K, key=AttentionKeys.LOGO_TOP_K)
    kind = kind_column.radio(
        "Letter height", list(LOGO_HELP), horizontal=True, key=AttentionKeys.LOGO_KIND
    )
    return int(width), int(filter_index), top_k, kind


def logo_ui(run: RunInfo, dataset: Dataset, max_per_class: int, model: Any) -> None:
    """A sequence logo of one convolution filter's top-activating windows."""
    try:
        widths, filters = convolution_shape(model)
    except AttentionError as error:
        st.info(str(error))
        return
    width, filter_index, top_k, kind = _logo_settings_ui(widths, filters)
    maxima = cached_maxima(
        run.run_id, str(run.path), dataset.content_hash, max_per_class, run, dataset
    )
    logo = filter_logo(maxima, width, filter_index, top_k=top_k, kind=kind)
    st.plotly_chart(
        plots.logo_figure(
            logo.heights,
            f"Filter {logo.filter_index} of width {logo.width}: top {len(logo.windows)} windows "
            f"(consensus {logo.consensus})",
            y_title="bits" if kind == "information" else "frequency",
        ),
        key="attention_logo",
    )
    sample = (
        f" from a sample of at most {max_per_class:,} sequences per class" if maxima.capped else ""
    )
    st.caption(
        f"{LOGO_HELP[kind]} Each sequence gives its single strongest window{sample}; X and "
        "positions beyond the sequence ends are not counted."
    )
    with st.expander("The windows"):
        st.dataframe(logo.windows, hide_index=True, key="attention_windows")
