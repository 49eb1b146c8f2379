"""The Attention page's widget groups: the sequence, its scores, the per-class profile and
the filter logos."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from protviz.analysis.attention import (
    MIN_SEQUENCES_PER_RESIDUE,
    PROFILE_BINS,
    PROFILE_PERCENTILE,
    PROFILE_SCALES,
    SCORE_HELP,
    ResidueScores,
    find_sequence,
)
from protviz.analysis.logos import (
    DEFAULT_TOP_K,
    LOGO_HELP,
    convolution_shape,
    filter_logo,
    filter_specificity,
)
from protviz.analysis.points import class_list, telling_sequence
from protviz.analysis.residues import AttentionError
from protviz.app import state
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


def _link_to_sequence(dataset: Dataset) -> None:
    """The sequence was chosen here: write it into the URL and share it with Explore."""
    row = state.widget_value(AttentionKeys.SEQUENCE)
    seq_id = None if row is None else dataset.ids[row]
    state.link_to("seq", seq_id)
    state.set_chosen_sequence(seq_id)


def _follow_link(dataset: Dataset) -> None:
    """A ``seq`` link chooses its sequence; one naming no sequence here gets a warning."""
    if (state.widget_value(AttentionKeys.SEQUENCE) or 0) >= len(dataset):
        state.set_widget_value(AttentionKeys.SEQUENCE, None)
    shown = state.link_value("seq")
    linked = state.new_link_value("seq")
    if linked is not None and find_sequence(dataset, linked) is not None:
        state.set_chosen_sequence(linked)
    if linked is None and state.widget_value(AttentionKeys.SEQUENCE) is None:
        linked = shown  # back on this page through a link applied earlier in the session
    row = None if not linked else find_sequence(dataset, linked)
    if row is not None:
        state.set_widget_value(AttentionKeys.SEQUENCE, row)
    if shown and find_sequence(dataset, shown) is None:
        st.warning(
            as_text(
                f"The link names sequence '{shown}', which is not in the current data set "
                f"'{dataset.name}'. Choose the data set it came from on the Data page, or "
                "choose another sequence below."
            ),
            icon=":material/link_off:",
        )


def _start_with_a_sequence(dataset: Dataset, run: RunInfo) -> None:
    """With no sequence chosen and none linked: the one chosen on Explore (or earlier
    here), else the run's most telling test sequence (:func:`telling_sequence`)."""
    if state.widget_value(AttentionKeys.SEQUENCE) is not None or state.link_value("seq"):
        return
    for candidate in (state.chosen_sequence(), telling_sequence(run, dataset)):
        row = None if candidate is None else find_sequence(dataset, candidate)
        if row is not None:
            state.set_widget_value(AttentionKeys.SEQUENCE, row)
            return


def sequence_ui(dataset: Dataset, run: RunInfo) -> int | None:
    """Choose a sequence by ID (type to search); a ``seq`` link, the sequence chosen on
    Explore, or else the run's most telling one comes chosen."""
    _follow_link(dataset)
    _start_with_a_sequence(dataset, run)
    st.selectbox(
        "Sequence",
        range(len(dataset)),
        index=None,
        format_func=lambda row: f"{dataset.ids[row]} ({dataset.labels[row]})",
        key=AttentionKeys.SEQUENCE,
        placeholder="Type to search an ID",
        on_change=_link_to_sequence,
        args=(dataset,),
    )
    row = state.widget_value(AttentionKeys.SEQUENCE)
    if row is not None:
        state.link_to("seq", dataset.ids[row])
    return row


def scores_ui(scores: ResidueScores, label: str, classes: list[str]) -> None:
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
            plots.probabilities_figure(scores.class_names, scores.probabilities, classes=classes),
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


PROFILE_HELP = {
    "relative": (
        f"Each sequence is cut into {PROFILE_BINS} bins from N- to C-terminus, whatever its length."
    ),
    "n_terminus": (
        "Residue numbers from the N-terminus (1 = the first residue), up to the "
        f"{PROFILE_PERCENTILE}th percentile of the lengths: a signal at a fixed distance from "
        "the start stays sharp however long the proteins are. Each residue number is "
        "averaged over the sequences of the class long enough to have it (at least "
        f"{MIN_SEQUENCES_PER_RESIDUE})."
    ),
    "c_terminus": (
        "Residues counted back from the C-terminus (1 = the last residue), up to the "
        f"{PROFILE_PERCENTILE}th percentile of the lengths; each is averaged over the "
        f"sequences of the class long enough to have it (at least {MIN_SEQUENCES_PER_RESIDUE})."
    ),
}
"""How to read the class profile along each scale."""


def profile_ui(run: RunInfo, dataset: Dataset, max_per_class: int, model: Any) -> None:
    """The per-class attention profile (conv_attention runs only), along relative positions
    or residue numbers."""
    if not has_attention(model):
        st.info(
            "Per-class attention profiles need a conv_attention run: this architecture has no "
            "attention weights."
        )
        return
    scale = st.radio(
        "Position",
        list(PROFILE_SCALES),
        format_func=PROFILE_SCALES.get,
        horizontal=True,
        key=AttentionKeys.PROFILE_SCALE,
        help="Relative positions stretch every sequence to the same length; residue numbers "
        "keep positions as they are, so proteins of different lengths are not mixed up.",
    )
    profile = cached_profile(
        run.run_id, str(run.path), dataset.content_hash, max_per_class, run, dataset
    )
    st.plotly_chart(
        plots.class_profile_figure(
            profile.profiles[scale], class_list(dataset, run.class_names), scale=scale
        ),
        key="attention_profile",
    )
    st.caption(
        PROFILE_HELP[scale]
        + " A residue's relative attention is its weight times the number of residues the "
        "model saw (1 = uniform). " + profile.note()
    )


def _filter_descriptions(ranking: pd.DataFrame) -> dict[int, str]:
    """Each filter's column -> its description in the filter list, in ranking order."""
    described = {}
    for row in ranking.to_dict("records"):
        score = f"{row['F']:,.1f}" if row["F"] < 1e9 else "very large"
        described[int(row["column"])] = (
            f"width {row['width']}, filter {row['filter']}: F = {score}, "
            f"strongest in {row['strongest in']}"
        )
    return described


def _filter_ui(ranking: pd.DataFrame) -> tuple[int, int, str]:
    """The filter, most class-specific first; how many windows; the letter height."""
    filter_column, k_column, kind_column = st.columns([2, 1, 1])
    described = _filter_descriptions(ranking)
    column = filter_column.selectbox(
        "Filter (most class-specific first)",
        list(described),
        format_func=described.get,
        key=AttentionKeys.LOGO_FILTER,
        help="Ranked by the ANOVA F statistic of each filter's strongest activation per "
        "sequence across the classes: how much more it differs between classes than "
        "within them.",
    )
    top_k = k_column.slider("Top windows", *LOGO_TOP_K, DEFAULT_TOP_K, key=AttentionKeys.LOGO_TOP_K)
    kind = kind_column.radio(
        "Letter height", list(LOGO_HELP), horizontal=True, key=AttentionKeys.LOGO_KIND
    )
    return int(column), top_k, kind


def logo_ui(run: RunInfo, dataset: Dataset, max_per_class: int, model: Any) -> None:
    """A sequence logo of one convolution filter's top-activating windows."""
    try:
        convolution_shape(model)
    except AttentionError as error:
        st.info(str(error))
        return
    maxima = cached_maxima(
        run.run_id, str(run.path), dataset.content_hash, max_per_class, run, dataset
    )
    column, top_k, kind = _filter_ui(filter_specificity(maxima))
    width, filter_index = maxima.filter_of(column)
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
        "positions beyond the sequence ends are not counted. In the table, 'start' is the "
        "residue number (1-based) where each window begins."
    )
    with st.expander("The windows"):
        st.dataframe(logo.windows, hide_index=True, key="attention_windows")
