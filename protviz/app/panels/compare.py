"""The Compare page's widget groups: the runs to compare, "train all four architectures"
(four jobs in the server's queue) with their progress, the projection settings and the
results."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from protviz.analysis.compare import (
    QUALITY_COLUMNS,
    Comparison,
    control_pairs,
    embedding_quality_table,
    summary_sentences,
)
from protviz.analysis.projection import METHOD_NAMES, ProjectionParams
from protviz.app import state
from protviz.app.errors import as_text, page_errors
from protviz.app.panels.jobs import REFRESH_SECONDS, view_or_none
from protviz.app.panels.train import hyperparameter_input
from protviz.app.state import COMPARE_VIEW, CompareKeys
from protviz.app.submit import submit, submit_control
from protviz.app.widgets import is_read_only, read_only_notice, run_label, three_decimals
from protviz.core.dataset import Dataset, require_classes
from protviz.model.config_form import every_architecture
from protviz.model.jobs import JobView
from protviz.model.runs import RunInfo
from protviz.report.compare import (
    baseline_sentences,
    comparison_frame,
    control_sentences,
    html_report,
    noise_sentences,
    small_multiples_figure,
)

MOST_RUNS = 4
"""The most runs compared at once."""

METHODS = ["pca", "umap", "tsne"]
"""The projections on offer, in the order shown."""

METRICS = ["euclidean", "cosine"]
"""The metrics on offer, in the order shown."""


def runs_ui(all_runs: list[RunInfo], dataset: Dataset) -> list[RunInfo]:
    """Choose two to four runs, by default those trained on this data set."""
    by_id = {run.run_id: run for run in all_runs}
    trained_here = [
        r.run_id for r in all_runs if r.record.dataset.content_hash == dataset.content_hash
    ]
    linked = state.new_link_value("runs")
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
        state.set_widget_value(CompareKeys.RUNS, [r for r in named if r in by_id][:MOST_RUNS])
    if state.widget_value(CompareKeys.RUNS) is None:
        state.set_widget_value(CompareKeys.RUNS, trained_here[:MOST_RUNS])
    chosen = st.multiselect(
        "Runs to compare (two to four; those trained on this data set are listed first)",
        trained_here + [r for r in by_id if r not in trained_here],
        format_func=lambda run_id: run_label(by_id[run_id]),
        max_selections=MOST_RUNS,
        key=CompareKeys.RUNS,
    )
    state.link_to("runs", ",".join(chosen))
    return [by_id[run_id] for run_id in chosen if run_id in by_id]


def _training_settings_ui() -> dict[str, object]:
    """The hyper-parameters shared by the four runs, by configuration field."""
    left, middle, right = st.columns(3)
    fields = (
        (left, "Epochs (most)", "epochs", CompareKeys.EPOCHS, {}),
        (middle, "Embedding dimension", "embedding_dim", CompareKeys.EMBEDDING_DIM, {}),
        (right, "Units", "units", CompareKeys.UNITS, {}),
        (left, "Max length (0 = none)", "max_length", CompareKeys.MAX_LENGTH, {"step": 100}),
        (middle, "Seed", "seed", CompareKeys.SEED, {}),
        (right, "Time cap per run (minutes, 0 = none)", "time_cap_minutes", CompareKeys.TIME_CAP,
         {}),
    )  # fmt: skip
    return {
        name: hyperparameter_input(column, label, name, key, **options)
        for column, label, name, key, options in fields
    }


def train_all_ui(dataset: Dataset) -> None:
    """Train the four architectures with the same settings, queued as four jobs."""
    if is_read_only():
        read_only_notice("training the four architectures here")
        return
    with st.expander("Train all four architectures on this data set with the same settings"):
        values = _training_settings_ui()
        st.caption(
            "Each architecture keeps its own learning rate; each trains until validation loss "
            "stops improving, or to the epoch or time cap."
        )
        if st.button("Train mean, lstm, bilstm and conv_attention", key=CompareKeys.TRAIN_ALL):
            require_classes(dataset)
            configs = [
                (config, f"{arch} on {dataset.name} (compare)")
                for arch, config in every_architecture(**values).items()
            ]
            state.COMPARE_JOBS.set(submit(dataset, state.dataset_ref() or "", configs))
    views = [view_or_none(job_id) for job_id in state.COMPARE_JOBS.get() or []]
    views = [view for view in views if view is not None]
    if views:
        jobs_progress_ui(views)


def _progress_bar(view: JobView) -> None:
    """One job's progress: its epoch, its place in the queue, or how it ended."""
    if view.status == "running" and view.progress is not None:
        text = f"{view.title}: epoch {view.progress.epoch}/{view.progress.epochs}"
        st.progress(view.progress.fraction, text=text)
    elif view.status == "queued":
        st.progress(0.0, text=f"{view.title}: waiting (number {view.queue_position} in the queue)")
    else:
        st.progress(1.0, text=f"{view.title}: {view.status}")
        if view.status == "failed":
            st.caption(as_text(view.record.error))


def jobs_progress_ui(jobs: list[JobView], *, add_to_selection: bool = False) -> None:
    """The jobs' progress, refreshed as a job view is; once all are done, their runs are
    chosen for comparison (added to the chosen runs with ``add_to_selection``)."""

    @st.fragment(run_every=REFRESH_SECONDS if any(not job.is_finished for job in jobs) else None)
    def progress() -> None:
        with page_errors():
            views = [view_or_none(job.job_id) for job in jobs]
            for view in views:
                if view is not None:
                    _progress_bar(view)
            if all(v is None or v.is_finished for v in views) and any(
                not job.is_finished for job in jobs
            ):
                done = [v.record.run_id for v in views if v is not None and v.status == "done"]
                if add_to_selection:
                    kept = list(state.widget_value(CompareKeys.RUNS) or [])
                    done = [*kept, *(run for run in done if run not in kept)]
                state.set_widget_value(CompareKeys.RUNS, done[:MOST_RUNS])
                st.rerun(scope="app")

    progress()


MEASURE_ON = {
    "test": "test sequences (unseen in training)",
    "all": "all sequences (training ones included)",
}
"""Which sequences the embeddings are measured on -> how the choice reads."""


def measure_on_ui() -> str:
    """Measure embedding quality on the runs' shared test sequences (default) or on all."""
    return st.radio(
        "Measure the embeddings on",
        list(MEASURE_ON),
        format_func=MEASURE_ON.get,
        horizontal=True,
        key=CompareKeys.MEASURE_ON,
        help="Test sequences: those in the test set of every compared run, which no run "
        "trained on. All: training sequences too, where a model's embedding looks better "
        "than it generalises.",
    )


def settings_ui(n_sequences: int) -> tuple[ProjectionParams, int]:
    """Projection method and sample size for the embeddings."""
    left, middle, right = st.columns(3)
    method_widget, metric_widget = COMPARE_VIEW
    state.bind_to_link(method_widget, choices=tuple(METHODS))
    state.bind_to_link(metric_widget, choices=tuple(METRICS))
    method = left.selectbox(
        "Projection (same for every panel)",
        METHODS,
        format_func=METHOD_NAMES.get,
        key=CompareKeys.METHOD,
    )
    metric = middle.radio("Metric", METRICS, horizontal=True, key=CompareKeys.METRIC)
    state.link_widgets(COMPARE_VIEW)
    max_sequences = right.number_input(
        "Embed at most (sequences)",
        100,
        max(100, n_sequences),
        min(3000, max(100, n_sequences)),
        step=500,
        key=CompareKeys.MAX_SEQUENCES,
        help="A seeded random sample keeps t-SNE and UMAP quick on large data sets.",
    )
    return ProjectionParams(method=method, metric=metric), int(max_sequences)


def controls_ui(comparison: Comparison, all_runs: list[RunInfo]) -> list[str]:
    """What order is worth: each run against its shuffled control, or a button to train it.

    Returns:
        The sentences shown, one per run (for the HTML report).
    """
    st.subheader("What residue order is worth: the shuffled control")
    st.caption(
        "A run's shuffled control has the same architecture and settings and the same split, "
        "but is trained on residue-shuffled sequences (composition kept, a fresh shuffle "
        "every epoch) and tested on its test sequences shuffled once. The gap between the "
        "two, paired on the same sequence IDs, is what order is worth on this data."
    )
    pairs = control_pairs(comparison, all_runs)
    sentences = control_sentences(pairs)
    for pair, sentence in zip(pairs, sentences, strict=True):
        st.markdown("- " + as_text(sentence))
        if pair.control is None and not is_read_only():
            _train_control_button(pair.run)
    jobs = [view_or_none(job) for job in state.CONTROL_JOBS.get() or []]
    jobs = [job for job in jobs if job is not None]
    if jobs:
        jobs_progress_ui(jobs, add_to_selection=True)
    return sentences


def _train_control_button(run: RunInfo) -> None:
    """ "Train the shuffled control" of one run: a job through the same training queue."""
    if st.button(
        f"Train the shuffled control of {run.name}",
        key=CompareKeys.train_control(run.run_id),
        icon=":material/shuffle:",
    ):
        job = submit_control(run)
        state.CONTROL_JOBS.set([*(state.CONTROL_JOBS.get() or []), job])
        st.rerun()


def results_ui(comparison: Comparison) -> go.Figure:
    """Summary, table, small multiples and the order test's explanation.

    Returns:
        The small-multiples figure (for the HTML report, :func:`report_ui`).
    """
    st.subheader("What the numbers say")
    for sentence in summary_sentences(comparison) + noise_sentences(comparison):
        st.markdown("- " + as_text(sentence))
    st.caption(as_text(f"Embedding quality and the projections: {comparison.measured_text}."))
    for note in comparison.notes:
        st.caption(note)
    with st.expander("Each run against simple baselines on its own test sequences"):
        for sentence in baseline_sentences(comparison):
            st.markdown("- " + as_text(sentence))
    table = comparison_frame(comparison)
    st.dataframe(
        table,
        key="comparison_table",
        column_config={
            column: st.column_config.NumberColumn(format="%.3f")
            for column in table.columns
            if column not in ("architecture", "split", "parameters", "training (s)")
            and not column.endswith("95% CI")
        },
    )
    st.caption(
        "95% CI: bootstrap interval over the test sequences. Baseline rows: amino-acid "
        "composition and a bag of 1-3-mers (logistic regression) fitted on the same training "
        "sequences; they have no embeddings."
    )
    st.caption(
        "Silhouette and 5-NN accuracy: how well the labels separate in each embedding; "
        f"trustworthiness: how faithful the 2-D projection is (measured on "
        f"{comparison.measured_text}). Order test: every test "
        "sequence's residues are shuffled (composition kept); 'accuracy drop' is what the "
        "model loses, 'learned shift' the mean cosine distance its learned embedding moves, "
        "'averaged shift' the largest change of the averaged embedding (zero by construction)."
    )
    embeddings_table_ui(comparison)
    figure = small_multiples_figure(comparison, comparison.classes)
    st.plotly_chart(figure, key="small_multiples")
    return figure


def report_ui(comparison: Comparison, figure: go.Figure, controls: list[str]) -> None:
    """The comparison as a standalone HTML file: what the page shows, the shuffled
    controls' sentences included."""
    title = f"protviz: {comparison.dataset_name}"
    st.download_button(
        "Download this comparison as a standalone HTML report",
        data=lambda: html_report(comparison, [figure], title=title, controls=controls),
        file_name="protviz-comparison.html",
        mime="text/html",
        key=CompareKeys.DOWNLOAD,
        icon=":material/download:",
    )


def embeddings_table_ui(comparison: Comparison) -> None:
    """Every embedding compared in one table, when some need no model (else nothing)."""
    if not comparison.embeddings:
        return
    st.subheader("Every embedding on the same sequences")
    table = embedding_quality_table(comparison)
    st.dataframe(
        table, key="embeddings_table", column_config=three_decimals(QUALITY_COLUMNS.values())
    )
