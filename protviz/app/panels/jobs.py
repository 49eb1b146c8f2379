"""Training jobs on a page: one job's live view (progress, curves, results or failure),
the server's queue, and the Start/Cancel actions.

Everything is read from the job folders in the store (:mod:`protviz.model.jobs`), so a
reload, another tab or a colleague's browser shows the same job. Live parts are
fragments that rerun every :data:`REFRESH_SECONDS` while a job is active.
"""

from __future__ import annotations

import time

import streamlit as st

from protviz.app import state
from protviz.app.errors import as_text, page_errors, show_error
from protviz.app.panels.results import run_results_ui
from protviz.app.state import TrainKeys
from protviz.app.widgets import is_read_only
from protviz.core.job_record import JobError
from protviz.model import jobs, runs
from protviz.model.jobs import JobView
from protviz.model.progress import CONTINUING_STEP, PREPARATION_STEPS
from protviz.model.runs import RunStoreError
from protviz.report import figures as plots

REFRESH_SECONDS = 2.0
"""How often a live job view rereads the job folder (each reread is a script run on the
server and a redraw in the browser: every 2 s rather than 1 s halves what a watched job
takes from other visitors; BENCHMARKS.md "Load")."""
LIST_REFRESH_SECONDS = 2.0
"""How often the list of the server's jobs is reread while a job is active."""
RECENT_FINISHED = 5
"""Finished jobs listed under the active ones."""

STATUS_ICONS = {
    "queued": ":material/hourglass_top:",
    "running": ":material/model_training:",
    "done": ":material/check_circle:",
    "failed": ":material/error:",
    "cancelled": ":material/block:",
}


def view_or_none(job_id: str | None) -> JobView | None:
    """The job's view, or None when there is no such job (any more)."""
    if not job_id:
        return None
    try:
        return jobs.job_view(job_id)
    except JobError:
        return None


def duration(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a person."""
    minutes, seconds = divmod(int(max(0.0, seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


# --------------------------------------------------------------------------- one job


def linked_job_ui() -> None:
    """Apply a link's ``?job=<id>``: show that job, or say that it is not on this server."""
    linked = state.new_link_value("job")
    if linked is None:
        return
    try:
        jobs.job_view(linked)
    except JobError as error:
        st.warning(as_text(f"This link's training job cannot be shown. {error}"))
        state.TRAIN_JOB.pop()
        state.link_to("job", None)
        return
    state.show_job(linked)


def job_ui() -> None:
    """The job on show (``?job=``): live while it runs, then its outcome."""
    view = view_or_none(state.TRAIN_JOB.get())
    if view is None:
        return
    state.link_to("job", view.job_id)
    active = not view.is_finished

    @st.fragment(run_every=REFRESH_SECONDS if active else None)
    def live() -> None:
        with page_errors():
            current = view_or_none(view.job_id)
            if current is None:
                return
            if current.is_finished and active:
                st.rerun(scope="app")
            if current.is_finished:
                result_ui(current)
            else:
                progress_ui(current)

    st.subheader(as_text(view.title))
    st.caption(as_text(f"Run name: {view.record.run_name}. Job {view.job_id}."))
    live()
    st.divider()


STAGES = ("Preparing the data and the model", "Training", "Scoring the test set", "Results")
"""What a job goes through once it runs, in order (:func:`stage_of`)."""


def stage_of(view: JobView) -> int:
    """The index in :data:`STAGES` of a running or finished job (-1 while it is queued)."""
    if view.is_finished:
        return 3
    progress = view.progress
    if view.status == "queued":
        return -1
    if progress is None or progress.phase == "prepare":
        return 0
    return 2 if progress.phase == "evaluate" else 1


def stages_ui(current: int) -> None:
    """The stages in a row: those done ticked, the current one in bold."""
    marks = [
        f":material/check: {name}" if index < current else f"**{name}**" if index == current
        else name
        for index, name in enumerate(STAGES)
    ]  # fmt: skip
    st.caption("  →  ".join(marks))


def progress_ui(view: JobView) -> None:
    """A queued or running job: its place in the queue, or its stage with what is being done
    (live curves once an epoch has ended), and Cancel."""
    if view.status == "queued":
        st.info(
            f"Waiting to start: number {view.queue_position} in the queue, "
            f"{duration(view.elapsed(time.time()))} so far. This server trains "
            "one model at a time (PROTVIZ_MAX_JOBS).",
            icon=":material/hourglass_top:",
        )
    else:
        stage = stage_of(view)
        stages_ui(stage)
        if stage == 0:
            preparing_ui(view)
        else:
            _progress_bar(view)
            curves_ui(view)
    cancel_ui(view)


def preparing_ui(view: JobView) -> None:
    """Before the first batch: the preparation steps, the current one marked, and the time
    so far; no curves yet."""
    progress = view.progress
    step = PREPARATION_STEPS[0] if progress is None else progress.step
    steps = [CONTINUING_STEP if step == CONTINUING_STEP and index == 2 else name
             for index, name in enumerate(PREPARATION_STEPS)]  # fmt: skip
    current = steps.index(step) if step in steps else len(steps)
    if step not in steps:
        steps.append(step)
    lines = [
        f"- :material/check: {text}" if index < current else f"- **{text}...**"
        if index == current else f"- {text}"
        for index, text in enumerate(map(as_text, steps))
    ]  # fmt: skip
    worker = view.record.worker
    where = f" in process {worker.pid} on {worker.host}" if worker is not None else ""
    st.info(
        as_text(
            f"Preparing the data and the model{where}, "
            f"{duration(view.elapsed(time.time()))} so far. Training curves appear when the "
            "first epoch ends."
        ),
        icon=":material/hourglass_top:",
    )
    st.markdown("\n".join(lines))


def curves_ui(view: JobView) -> None:
    """The live training curves, once an epoch has ended (never empty axes)."""
    if view.history:
        st.plotly_chart(plots.training_curves_figure(view.history), key="live_curves")
    else:
        st.caption("The training curves appear when the first epoch ends.")


def cancel_ui(view: JobView) -> None:
    """Cancel, offered to the session that started the job (never in read-only mode)."""
    if view.cancel_requested:
        st.caption("Cancelling: training stops at its next batch and saves nothing.")
        return
    if is_read_only() or view.record.owner != state.session_owner():
        return
    if st.button("Cancel training", key=TrainKeys.CANCEL, icon=":material/stop:"):
        jobs.request_cancel(view.job_id, owner=state.session_owner())
        st.rerun()


def time_left_text(seconds: float | None, kind: str) -> str:
    """The time left as a person reads it: "estimating" until an epoch has ended, "at most"
    when early stopping may end training sooner, and whether the time cap ends it."""
    if seconds is None:
        return "estimating the time left (known when the first epoch ends)..."
    left = duration(seconds)
    if kind == "upper_bound":
        return f"at most {left} left (early stopping usually ends training sooner)"
    if kind == "time_cap":
        return f"about {left} left (the time cap ends training)"
    return f"about {left} left"


def _progress_bar(view: JobView) -> None:
    """How far a running job is: an epoch and batch (or its validation), or scoring the
    test set; and the time so far."""
    progress = view.progress
    so_far = f"{duration(view.elapsed(time.time()))} so far"
    if progress is None:
        return
    if progress.phase == "evaluate":
        done = f"batch {progress.batch}/{progress.batches}" if progress.batches else progress.step
        text = f"Scoring the test set: {done}. {so_far}."
    else:
        doing = (
            "validating"
            if progress.step == "validating"
            else f"batch {progress.batch}/{progress.batches}, loss {progress.loss or 0:.4f}"
        )
        text = (
            f"Epoch {progress.epoch}/{progress.epochs}, {doing}. {so_far}, "
            f"{time_left_text(progress.eta_seconds, progress.eta_kind)}."
        )
    worker = view.record.worker
    st.progress(progress.fraction, text=as_text(text))
    if worker is not None:
        st.caption(as_text(f"Training in process {worker.pid} on {worker.host}."))


def result_ui(view: JobView) -> None:
    """A finished job: its outcome, and for a saved run its test results."""
    if view.status == "cancelled":
        st.info("Training was cancelled. Nothing was saved.", icon=":material/block:")
        return
    if view.status == "failed":
        failure_ui(view)
        return
    try:
        run = runs.get_run(view.record.run_id)
    except RunStoreError as error:
        show_error(error)
        return
    stages_ui(stage_of(view))
    if state.TRAIN_RESULT_SHOWN.get() != view.job_id:
        state.TRAIN_RESULT_SHOWN.set(view.job_id)
        state.set_current_run(run.run_id)
    st.success(
        as_text(f"Saved '{run.name}' and made it the current run for the other pages."),
        icon=":material/check:",
    )
    run_results_ui(run)


def failure_ui(view: JobView) -> None:
    """Why a job failed, and the last lines of its worker's log."""
    st.error(as_text(f"Training failed. {view.record.error}"), icon=":material/error:")
    tail = jobs.log_tail(jobs.job_folder(view.job_id))
    if tail:
        st.caption("The last lines of the training process's log:")
        st.code(tail, language=None)
    st.caption("Nothing was saved. The saved runs and data sets are unchanged.")


# --------------------------------------------------------------------------- the queue


def jobs_list_ui() -> None:
    """The server's queued and running jobs, then the recently finished ones; each opens
    on this page. Refreshed every few seconds while any job is active, unless the job on
    show is (then the page is redrawn when it ends)."""
    views = jobs.job_views()
    shown = view_or_none(state.TRAIN_JOB.get())
    live_view = shown is not None and not shown.is_finished
    # While the job on show refreshes, the list waits for it: two fragments on timers
    # queue behind each other, and the one waiting is drawn greyed out. The page reruns
    # whole when the job on show ends.
    active = any(not view.is_finished for view in views) and not live_view

    @st.fragment(run_every=LIST_REFRESH_SECONDS if active else None)
    def listing() -> None:
        with page_errors():
            current = jobs.job_views()
            now = time.time()
            waiting = [view for view in current if not view.is_finished]
            finished = sorted(
                (view for view in current if view.is_finished),
                key=lambda view: view.record.finished or 0.0,
                reverse=True,
            )[:RECENT_FINISHED]
            st.markdown("**Training jobs on this server**")
            if not waiting:
                st.caption("None queued or running.")
            for view in waiting:
                _job_link(view, now)
            if finished:
                st.markdown("**Recently finished**")
            for view in finished:
                _job_link(view, now)

    if views:
        listing()


def _job_link(view: JobView, now: float) -> None:
    """One job as a link that shows it here: status, name, data set, architecture, time."""
    record = view.record
    if view.status == "queued":
        where = f"number {view.queue_position} in the queue, waiting {duration(view.elapsed(now))}"
    elif view.status == "running":
        where = f"running for {duration(view.elapsed(now))}"
    else:
        where = f"{view.status} {duration(now - (record.finished or now))} ago"
    mine = " (yours)" if record.owner and record.owner == state.session_owner() else ""
    st.page_link(
        "pages/train.py",
        label=as_text(
            f"{record.run_name} · {record.dataset_name} · {record.config.arch} · {where}{mine}"
        ),
        icon=STATUS_ICONS[view.status],
        query_params={"job": view.job_id},
    )
