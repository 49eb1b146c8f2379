"""Explore's t-SNE and UMAP of large embeddings, run in the background.

From :func:`protviz.analysis.projection_jobs.background_points` points on (20,000 by
default), a t-SNE or UMAP projection runs in its own process
(:mod:`protviz.analysis.projection_jobs`): the page shows the PCA of the same vectors
meanwhile, with the job's progress, redrawn every few seconds by a fragment (only that
part of the page reruns), and a Cancel button. One projection runs at a time per store:
a later one says it is waiting for another projection, and a full queue is refused
with a message and a Try again button. When the job is done the whole page reruns once
and draws it. Results are kept on disk by (vectors, parameters), so every session and
share link that asks for the same projection gets it at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import streamlit as st

from protviz.analysis.projection import Projection, ProjectionParams
from protviz.analysis.projection_jobs import (
    JobState,
    ProjectionQueueFullError,
    advance_projection_queue,
    cancel_projection_job,
    forget_projection_job,
    job_state,
    load_projection_result,
    projection_folder,
    start_projection_job,
    vectors_digest,
)
from protviz.app.caches import store_folder
from protviz.app.errors import as_text
from protviz.app.state import ExploreKeys

POLL_SECONDS = 2.0
"""How often the progress of background projections is read again."""


@dataclass(frozen=True)
class Pending:
    """A projection running (or stopped) in the background.

    Attributes:
        title: What it is, e.g. ``UMAP (n_neighbors 15, ...) of the 50,000 averaged vectors``.
        folder: Its job folder.
        refused: Why it was not queued (the queue is full), or "".
    """

    title: str
    folder: Path
    refused: str = ""


@st.cache_data(max_entries=32, show_spinner="Reading the vectors...")
def cached_digest(run_id: str, dataset_hash: str, kind: str, _vectors: np.ndarray) -> str:
    """The digest of one kind of vectors (keyed by run, data set and kind)."""
    return vectors_digest(_vectors)


@st.cache_data(max_entries=16, show_spinner="Reading the projection...")
def cached_result(folder: str) -> Projection:
    """The result of a finished background projection (it never changes)."""
    return load_projection_result(Path(folder))


def background_projection(
    cache_key: tuple[str, str, str], params: ProjectionParams, vectors: np.ndarray
) -> Projection | Pending:
    """The projection if it is done on disk; else its job, started if it never was.

    Args:
        cache_key: ``(run id, data set hash, kind)`` of the vectors.
        params: A t-SNE or UMAP projection.
        vectors: Shape ``(n_points, n_features)``.

    Returns:
        The projection, or the job that will make it (or why it was refused).
    """
    folder = projection_folder(cached_digest(*cache_key, vectors), params, store_folder())
    if job_state(folder).state == "done":
        return cached_result(str(folder))
    title = f"{params.describe()} of the {len(vectors):,} {cache_key[2]} vectors"
    if job_state(folder).state == "none":
        try:
            start_projection_job(folder, vectors, params)
        except ProjectionQueueFullError as error:
            return Pending(title, folder, refused=str(error))
    return Pending(title, folder)


def meanwhile_params(params: ProjectionParams) -> ProjectionParams:
    """The projection shown while a background one runs: PCA, in as many dimensions."""
    return replace(params, method="pca")


def background_progress_ui(pending: dict[str, Pending]) -> None:
    """The progress of each background projection, with Cancel (or Run again); a
    projection the full queue refused, with Try again."""
    for kind, job in pending.items():
        if job.refused:
            text, button = st.columns([5, 1])
            text.warning(as_text(f"{job.title} cannot start: {job.refused} PCA is shown."))
            button.button("Try again", key=ExploreKeys.retry_projection(kind))
    waiting = {kind: job for kind, job in pending.items() if not job.refused}
    if waiting:
        _progress_fragment(waiting)


@st.fragment(run_every=POLL_SECONDS)
def _progress_fragment(pending: dict[str, Pending]) -> None:
    """Redrawn every :data:`POLL_SECONDS`; reruns the whole page once a projection is
    done (to draw it) or forgotten by Run again (to start it afresh). A queued job is
    started here if the one before it ended with no page or worker to start it."""
    states = {kind: job_state(job.folder) for kind, job in pending.items()}
    for kind, job in pending.items():
        if states[kind].state == "queued":
            advance_projection_queue(job.folder.parent)
            states[kind] = job_state(job.folder)
    if any(state.state in ("done", "none") for state in states.values()):
        st.rerun()  # draw the result, or start a job asked to run again
    for kind, job in pending.items():
        _job_ui(kind, job, states[kind])


def _job_ui(kind: str, job: Pending, state: JobState) -> None:
    """One job: a progress bar and Cancel while it runs or waits; its end and Run again
    after."""
    text, button = st.columns([5, 1])
    if state.state == "queued":
        text.progress(
            0.0,
            text=as_text(
                f"{job.title} is waiting for another projection to finish (number "
                f"{state.position} in line, {state.seconds:.0f} s so far). PCA is shown "
                "meanwhile; the page stays usable."
            ),
        )
    elif state.state == "running":
        text.progress(
            min(1.0, state.fraction or 0.0),
            text=as_text(
                f"{job.title} runs in the background: {state.stage}... "
                f"{state.seconds:.0f} s so far. PCA is shown meanwhile; the page stays usable."
            ),
        )
    if not state.settled:
        button.button(
            "Cancel",
            key=ExploreKeys.cancel_projection(kind),
            on_click=cancel_projection_job,
            args=(job.folder,),
        )
        return
    if state.state == "failed":
        text.error(as_text(f"{job.title} failed: {state.error}"), icon=":material/error:")
    else:
        text.info(as_text(f"{job.title} was cancelled; PCA is shown."), icon=":material/block:")
    button.button(
        "Run again",
        key=ExploreKeys.restart_projection(kind),
        on_click=forget_projection_job,
        args=(job.folder,),
    )
