"""Compare page: does an LSTM make better sequence embeddings than averaging, and why?"""

from __future__ import annotations

import streamlit as st

from protviz.analysis.compare import with_embeddings
from protviz.app.errors import as_text, page_errors, section_errors
from protviz.app.model_caches import cached_comparison
from protviz.app.navigation import use_app_navigation
from protviz.app.panels.compare import (
    controls_ui,
    measure_on_ui,
    report_ui,
    results_ui,
    runs_ui,
    settings_ui,
    train_all_ui,
)
from protviz.app.panels.embeddings import compare_embeddings_ui, compare_measures
from protviz.app.widgets import current_dataset, share_link_ui
from protviz.model import runs

use_app_navigation()


def main() -> None:
    """The page."""
    st.title("Compare")
    st.caption(
        "Does an order-aware model (LSTM, BiLSTM, attention) make better sequence embeddings "
        "than averaging amino-acid embeddings, and why? Compare runs on one data set with the "
        "same projection, and shuffle residue order to see which models use it. The k-mer "
        "profile and your own embedding files can be measured beside them."
    )
    dataset = current_dataset()
    st.caption(
        as_text(
            f"Data set: {dataset.name} ({len(dataset):,} sequences). Change it on the Data page."
        )
    )
    with section_errors():
        train_all_ui(dataset)
    all_runs = runs.list_runs()
    chosen = runs_ui(all_runs, dataset)
    if len(chosen) < 2:
        st.info("Choose at least two runs (or train all four architectures above).")
        st.stop()
    params, max_sequences = settings_ui(len(dataset))
    no_model = compare_embeddings_ui(dataset)
    measure_on = measure_on_ui()
    share_link_ui(
        {
            "runs": [run.run_id for run in chosen],
            "method": params.method,
            "metric": params.metric,
            "emb": list(no_model),
        }
    )
    comparison = cached_comparison(
        tuple((run.run_id, str(run.path)) for run in chosen),
        dataset.content_hash,
        params,
        max_sequences,
        dataset,
        measure_on,
    )
    measures = compare_measures(comparison, no_model, dataset, max_sequences)
    measured = with_embeddings(comparison, measures)
    figure = results_ui(measured)
    controls: list[str] = []
    with section_errors():
        controls = controls_ui(comparison, all_runs)
    report_ui(measured, figure, controls)


with page_errors():
    main()
