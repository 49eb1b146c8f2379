"""Attention page: where a model looks along a sequence, per class, and what its filters see."""

from __future__ import annotations

import streamlit as st

from protviz.analysis.points import class_list
from protviz.analysis.residues import DEFAULT_MAX_PER_CLASS
from protviz.app.errors import page_errors, section_errors
from protviz.app.model_caches import cached_scores, run_model
from protviz.app.navigation import use_app_navigation
from protviz.app.panels.attention import compute_ui, logo_ui, profile_ui, scores_ui, sequence_ui
from protviz.app.state import AttentionKeys
from protviz.app.widgets import current_dataset, run_picker, saved_runs_or_stop, share_link_ui

use_app_navigation()


def max_per_class_ui() -> int:
    """How many sequences per class the profile and the logos use (most)."""
    with st.expander("Data-set sample for the class profile and the filter logos"):
        return int(
            st.number_input(
                "Sequences per class (most; a random sample beyond that)",
                10,
                5000,
                DEFAULT_MAX_PER_CLASS,
                step=50,
                key=AttentionKeys.MAX_PER_CLASS,
            )
        )


def main() -> None:
    """The page."""
    st.title("Attention")
    st.caption(
        "Where does the model look along a protein? conv_attention runs show their attention "
        "weights; other architectures show saliency (gradient x input), which is not attention."
    )
    dataset = current_dataset()
    all_runs = saved_runs_or_stop()
    run = run_picker(all_runs, dataset, AttentionKeys.RUN)
    model = run_model(run)
    max_per_class = max_per_class_ui()
    share_slot = st.container()
    sequence_tab, profile_tab, logo_tab = st.tabs(["Sequence", "Per-class profile", "Filter logos"])
    with sequence_tab:
        row = sequence_ui(dataset, run)
    with share_slot:
        share_link_ui({"run": run.run_id, "seq": None if row is None else dataset.ids[row]})
    with sequence_tab:
        if row is None:
            st.info("Choose a sequence to see where the model looks.")
        else:
            with section_errors():
                scores = cached_scores(
                    run.run_id, str(run.path), dataset.content_hash, row, run, dataset
                )
                scores_ui(scores, dataset.labels[row], class_list(dataset, run.class_names))
    for tab, draw in ((profile_tab, profile_ui), (logo_tab, logo_ui)):
        with tab:
            if compute_ui(dataset, max_per_class, key=AttentionKeys.compute(draw.__name__)):
                with section_errors():
                    draw(run, dataset, max_per_class, model)


with page_errors():
    main()
