"""Attention page: where a model looks along a sequence, per class, and what its filters see."""

from __future__ import annotations

import re

import streamlit as st

from protviz.analysis.attention import (
    SCORE_HELP,
    ClassProfile,
    ResidueScores,
    dataset_class_profile,
    find_sequence,
    residue_scores,
)
from protviz.analysis.logos import (
    DEFAULT_TOP_K,
    LOGO_HELP,
    FilterMaxima,
    convolution_shape,
    filter_logo,
    filter_maxima,
)
from protviz.analysis.residues import DEFAULT_MAX_PER_CLASS
from protviz.app.common import (
    as_text,
    cached_model,
    current_dataset,
    link_to,
    new_link_value,
    run_picker,
    saved_runs_or_stop,
    share_link_ui,
    show_error,
    use_app_navigation,
)
from protviz.core.dataset import Dataset
from protviz.model.readout import has_attention
from protviz.model.runs import RunInfo
from protviz.report import figures as plots

use_app_navigation()

SEQUENCE = "attention_sequence"
"""Session-state key: the row of the chosen sequence in the current data set."""
AUTO_DATASET_LIMIT = 2000
"""Samples up to this size get their class profile and filter logos without asking."""


def _truncation(run: RunInfo) -> tuple[int | None, str]:
    return run.record.config.max_length, run.record.config.truncation


@st.cache_data(max_entries=64, show_spinner="Scoring the residues...")
def cached_scores(
    run_id: str, run_path: str, dataset_hash: str, row: int, _run: RunInfo, _dataset: Dataset
) -> ResidueScores:
    """Attention (or saliency) of one sequence, keyed by run, data set and row."""
    max_length, truncation = _truncation(_run)
    return residue_scores(
        cached_model(run_id, run_path),
        _dataset,
        row,
        _run.class_names,
        max_length=max_length,
        truncation=truncation,
    )


@st.cache_data(max_entries=8, show_spinner="Computing the attention profile per class...")
def cached_profile(
    run_id: str,
    run_path: str,
    dataset_hash: str,
    max_per_class: int,
    _run: RunInfo,
    _dataset: Dataset,
) -> ClassProfile:
    """The per-class attention profile, keyed by run, data set and sample size."""
    max_length, truncation = _truncation(_run)
    return dataset_class_profile(
        cached_model(run_id, run_path),
        _dataset,
        max_length=max_length,
        truncation=truncation,
        max_per_class=max_per_class,
    )


@st.cache_data(max_entries=8, show_spinner="Finding each filter's strongest windows...")
def cached_maxima(
    run_id: str,
    run_path: str,
    dataset_hash: str,
    max_per_class: int,
    _run: RunInfo,
    _dataset: Dataset,
) -> FilterMaxima:
    """Every filter's strongest activation per sequence, keyed like the profile."""
    max_length, truncation = _truncation(_run)
    return filter_maxima(
        cached_model(run_id, run_path),
        _dataset,
        max_length=max_length,
        truncation=truncation,
        max_per_class=max_per_class,
    )


def _link_to_sequence(dataset: Dataset) -> None:
    row = st.session_state.get(SEQUENCE)
    link_to("seq", None if row is None else dataset.ids[row])


def sequence_ui(dataset: Dataset) -> int | None:
    """Choose a sequence by ID (type to search), or take it from the ``seq`` link parameter."""
    if (st.session_state.get(SEQUENCE) or 0) >= len(dataset):
        st.session_state[SEQUENCE] = None
    shown = st.query_params.get("seq")
    linked = new_link_value("seq")
    if linked is None and st.session_state.get(SEQUENCE) is None:
        linked = shown  # back on this page through a link applied earlier in the session
    row = None if not linked else find_sequence(dataset, linked)
    if row is not None:
        st.session_state[SEQUENCE] = row
    if shown and find_sequence(dataset, shown) is None:
        st.warning(
            as_text(
                f"The link names sequence '{shown}', which is not in the current data set "
                f"'{dataset.name}'. Choose the data set it came from on the Data page, or "
                "choose another sequence below."
            ),
            icon=":material/link_off:",
        )
    st.selectbox(
        "Sequence",
        range(len(dataset)),
        index=None,
        format_func=lambda row: f"{dataset.ids[row]} ({dataset.labels[row]})",
        key=SEQUENCE,
        placeholder="Type to search an ID",
        on_change=_link_to_sequence,
        args=(dataset,),
    )
    return st.session_state.get(SEQUENCE)


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
        key="attention_download",
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


def profile_ui(run: RunInfo, dataset: Dataset, max_per_class: int, model) -> None:
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


def logo_ui(run: RunInfo, dataset: Dataset, max_per_class: int, model) -> None:
    """A sequence logo of one convolution filter's top-activating windows."""
    try:
        widths, filters = convolution_shape(model)
    except ValueError as error:
        st.info(str(error))
        return
    width_column, filter_column, k_column, kind_column = st.columns(4)
    width = width_column.selectbox(
        "Filter width", widths, index=len(widths) - 1, key="attention_logo_width"
    )
    filter_index = filter_column.number_input(
        "Filter", 0, filters - 1, 0, key="attention_logo_filter"
    )
    top_k = k_column.slider("Top windows", 5, 200, DEFAULT_TOP_K, key="attention_logo_k")
    kind = kind_column.radio(
        "Letter height", list(LOGO_HELP), horizontal=True, key="attention_logo_kind"
    )
    maxima = cached_maxima(
        run.run_id, str(run.path), dataset.content_hash, max_per_class, run, dataset
    )
    logo = filter_logo(maxima, int(width), int(filter_index), top_k=top_k, kind=kind)
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


st.title("Attention")
st.caption(
    "Where does the model look along a protein? conv_attention runs show their attention "
    "weights; other architectures show saliency (gradient x input), which is not attention."
)
dataset = current_dataset()
all_runs = saved_runs_or_stop()
try:
    run = run_picker(all_runs, dataset, "attention_run")
    model = cached_model(run.run_id, str(run.path))
except ValueError as error:
    show_error(error)
    st.stop()

with st.expander("Data-set sample for the class profile and the filter logos"):
    max_per_class = int(
        st.number_input(
            "Sequences per class (most; a random sample beyond that)",
            10,
            5000,
            DEFAULT_MAX_PER_CLASS,
            step=50,
            key="attention_max_per_class",
        )
    )
share_slot = st.container()
sequence_tab, profile_tab, logo_tab = st.tabs(["Sequence", "Per-class profile", "Filter logos"])
with sequence_tab:
    row = sequence_ui(dataset)
with share_slot:
    share_link_ui({"run": run.run_id, "seq": None if row is None else dataset.ids[row]})
with sequence_tab:
    if row is None:
        st.info("Choose a sequence to see where the model looks.")
    else:
        try:
            scores = cached_scores(
                run.run_id, str(run.path), dataset.content_hash, row, run, dataset
            )
            scores_ui(scores, dataset.labels[row])
        except ValueError as error:
            show_error(error)
for tab, draw in ((profile_tab, profile_ui), (logo_tab, logo_ui)):
    with tab:
        if compute_ui(dataset, max_per_class, key=f"attention_compute_{draw.__name__}"):
            try:
                draw(run, dataset, max_per_class, model)
            except ValueError as error:
                show_error(error)
