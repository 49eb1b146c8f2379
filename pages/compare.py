"""Compare page: does an LSTM make better sequence embeddings than averaging, and why?"""

from __future__ import annotations

import streamlit as st

from protviz.analysis.compare import (
    Comparison,
    compare_runs,
    comparison_table,
    summary_sentences,
)
from protviz.analysis.projection import METHOD_NAMES, ProjectionParams
from protviz.app.common import (
    as_text,
    bind_to_link,
    cached_model,
    current_dataset,
    is_read_only,
    link_to,
    link_widgets,
    new_link_value,
    read_only_notice,
    session_owner,
    share_link_ui,
    show_error,
    use_app_navigation,
)
from protviz.core.config import ARCHITECTURE_NAMES, TrainingConfig
from protviz.core.dataset import Dataset, require_classes
from protviz.model import runs
from protviz.model.jobs import default_queue
from protviz.model.runs import RunInfo
from protviz.report.compare import html_report, small_multiples_figure

use_app_navigation()

# Session-state key: the jobs started by "train all four architectures".
COMPARE_JOBS = "compare_job_ids"


@st.cache_data(max_entries=8, show_spinner="Embedding, projecting and shuffling...")
def cached_comparison(
    run_keys: tuple[tuple[str, str], ...],
    dataset_hash: str,
    params: ProjectionParams,
    max_sequences: int,
    _dataset: Dataset,
) -> Comparison:
    """The comparison of the runs on the data set (keyed by runs, data set and settings)."""
    pairs = [(runs.get_run(run_id), cached_model(run_id, path)) for run_id, path in run_keys]
    return compare_runs(pairs, _dataset, params=params, max_sequences=max_sequences)


def runs_ui(all_runs: list[RunInfo], dataset: Dataset) -> list[RunInfo]:
    """Choose two to four runs, by default those trained on this data set."""
    by_id = {run.run_id: run for run in all_runs}
    trained_here = [
        r.run_id for r in all_runs if r.record.dataset.content_hash == dataset.content_hash
    ]
    linked = new_link_value("runs")
    if linked is not None:
        named = linked.split(",")
        missing = [run_id for run_id in named if run_id not in by_id]
        if missing:
            st.warning(
                as_text(
                    f"This link names run(s) not saved on this server: {', '.join(missing)[:200]}."
                    " They are left out."
                ),
                icon=":material/link_off:",
            )
        st.session_state["compare_selection"] = [r for r in named if r in by_id][:4]
    if "compare_selection" not in st.session_state:
        st.session_state["compare_selection"] = trained_here[:4]
    chosen = st.multiselect(
        "Runs to compare (two to four; those trained on this data set are listed first)",
        trained_here + [r for r in by_id if r not in trained_here],
        format_func=lambda run_id: f"{by_id[run_id].name}  [{run_id}]",
        max_selections=4,
        key="compare_selection",
    )
    link_to("runs", ",".join(chosen))
    return [by_id[run_id] for run_id in chosen if run_id in by_id]


def train_all_ui(dataset: Dataset) -> None:
    """Train the four architectures with the same settings, in the background."""
    if is_read_only():
        read_only_notice("training the four architectures here")
        return
    with st.expander("Train all four architectures on this data set with the same settings"):
        left, middle, right = st.columns(3)
        epochs = left.number_input("Epochs (most)", 1, 500, 10, key="compare_epochs")
        embedding_dim = middle.number_input(
            "Embedding dimension", 2, 128, 10, key="compare_embedding_dim"
        )
        units = right.number_input("Units", 4, 512, 64, key="compare_units")
        max_length = left.number_input(
            "Max length (0 = none)", 0, 100_000, 1000, step=100, key="compare_max_length"
        )
        seed = middle.number_input("Seed", 0, 2**31 - 1, 0, key="compare_seed")
        if st.button("Train mean, lstm, bilstm and conv_attention", key="compare_train_all"):
            require_classes(dataset)
            st.session_state[COMPARE_JOBS] = [
                default_queue().submit(
                    dataset,
                    TrainingConfig(
                        arch=arch,
                        epochs=int(epochs),
                        embedding_dim=int(embedding_dim),
                        units=int(units),
                        max_length=int(max_length) or None,
                        seed=int(seed),
                    ),
                    owner=session_owner(),
                    name=f"{arch} on {dataset.name} (compare)",
                )
                for arch in ARCHITECTURE_NAMES
            ]
    jobs = [default_queue().view(job) for job in st.session_state.get(COMPARE_JOBS, [])]
    jobs = [job for job in jobs if job is not None]
    if not jobs:
        return

    @st.fragment(run_every=1.0 if any(not job.is_finished for job in jobs) else None)
    def progress() -> None:
        views = [default_queue().view(job.job_id) for job in jobs]
        for view in views:
            if view is None:
                continue
            if view.status == "running" and view.progress is not None:
                text = f"{view.title}: epoch {view.progress.epoch}/{view.progress.epochs}"
                st.progress(view.progress.fraction, text=text)
            elif view.status == "queued":
                st.progress(0.0, text=f"{view.title}: waiting ({view.queue_position} ahead)")
            else:
                st.progress(1.0, text=f"{view.title}: {view.status}")
        if all(v is None or v.is_finished for v in views) and any(
            not job.is_finished for job in jobs
        ):
            done = [v.run_id for v in views if v is not None and v.run_id]
            st.session_state["compare_selection"] = done[:4]
            st.rerun(scope="app")

    progress()


def settings_ui(n_sequences: int) -> tuple[ProjectionParams, int]:
    """Projection method and sample size for the embeddings."""
    left, middle, right = st.columns(3)
    bind_to_link("method", "pca", choices=("pca", "umap", "tsne"))
    bind_to_link("metric", "euclidean", choices=("euclidean", "cosine"))
    method = left.selectbox(
        "Projection (same for every panel)",
        ["pca", "umap", "tsne"],
        format_func=METHOD_NAMES.get,
        key="method",
    )
    metric = middle.radio("Metric", ["euclidean", "cosine"], horizontal=True, key="metric")
    link_widgets({"method": (method, "pca"), "metric": (metric, "euclidean")})
    max_sequences = right.number_input(
        "Embed at most (sequences)",
        100,
        max(100, n_sequences),
        min(3000, max(100, n_sequences)),
        step=500,
        key="compare_max_sequences",
        help="A seeded random sample keeps t-SNE and UMAP quick on large data sets.",
    )
    return ProjectionParams(method=method, metric=metric), int(max_sequences)


def results_ui(comparison: Comparison) -> None:
    """Summary, table, small multiples, the order test's explanation, and the export."""
    st.subheader("What the numbers say")
    for sentence in summary_sentences(comparison):
        st.markdown("- " + as_text(sentence))
    for note in comparison.notes:
        st.caption(note)
    table = comparison_table(comparison)
    st.dataframe(
        table,
        key="comparison_table",
        column_config={
            column: st.column_config.NumberColumn(format="%.3f")
            for column in table.columns
            if column not in ("architecture", "parameters", "training (s)")
        },
    )
    st.caption(
        "Silhouette and 5-NN accuracy: how well the labels separate in each embedding; "
        "trustworthiness: how faithful the 2-D projection is. Order test: every test "
        "sequence's residues are shuffled (composition kept); 'accuracy drop' is what the "
        "model loses, 'learned shift' the mean cosine distance its learned embedding moves, "
        "'averaged shift' the largest change of the averaged embedding (zero by construction)."
    )
    class_order = comparison.runs[0].run.class_names
    figure = small_multiples_figure(comparison, class_order)
    st.plotly_chart(figure, key="small_multiples")
    st.download_button(
        "Download this comparison as a standalone HTML report",
        data=lambda: html_report(comparison, [figure], title=f"protviz: {comparison.dataset_name}"),
        file_name="protviz-comparison.html",
        mime="text/html",
        key="download_report",
        icon=":material/download:",
    )


st.title("Compare")
st.caption(
    "Does an order-aware model (LSTM, BiLSTM, attention) make better sequence embeddings than "
    "averaging amino-acid embeddings, and why? Compare runs on one data set with the same "
    "projection, and shuffle residue order to see which models use it."
)
dataset = current_dataset()
st.caption(
    as_text(f"Data set: {dataset.name} ({len(dataset):,} sequences). Change it on the Data page.")
)
try:
    train_all_ui(dataset)
except ValueError as error:
    show_error(error)
all_runs = runs.list_runs()
chosen = runs_ui(all_runs, dataset)
if len(chosen) < 2:
    st.info("Choose at least two runs (or train all four architectures above).")
    st.stop()
params, max_sequences = settings_ui(len(dataset))
share_link_ui(
    {"runs": [run.run_id for run in chosen], "method": params.method, "metric": params.metric}
)
try:
    comparison = cached_comparison(
        tuple((run.run_id, str(run.path)) for run in chosen),
        dataset.content_hash,
        params,
        max_sequences,
        dataset,
    )
except ValueError as error:
    show_error(error)
    st.stop()
results_ui(comparison)
