"""Background training jobs: one trains at a time per server process, others queue.

The web app submits a job and returns at once; a worker thread runs
:func:`protviz.model.training.train` and records its progress, which any page run
can read. Jobs belong to an owner (a browser session), so two sessions never
see or cancel each other's jobs, and each run is saved under its own random
id by the run store's atomic write.

This module does not import TensorFlow: pages can show jobs without it. The
worker imports :mod:`protviz.model.training` (and so TensorFlow) when it runs
its first job with the default trainer.

Typical use::

    queue = JobQueue()
    job_id = queue.submit(dataset, TrainingConfig(arch="mean"), owner=session_id)
    view = queue.view(job_id)        # status, progress, history, run_id, error
    queue.cancel(job_id)
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset
from protviz.model.progress import Progress, TrainingCancelled

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED: tuple[JobStatus, ...] = ("done", "failed", "cancelled")
LOGGER = logging.getLogger(__name__)

Trainer = Callable[..., Any]


@dataclass(frozen=True)
class JobView:
    """A consistent snapshot of one job, safe to read while training goes on.

    Attributes:
        job_id: The job's random id.
        owner: Who submitted it (a browser session id).
        title: What is trained, e.g. ``bilstm on SCL2205``.
        status: ``queued``, ``running``, ``done``, ``failed`` or ``cancelled``.
        queue_position: Jobs ahead of this one (0 when running or finished).
        progress: The latest progress report, or None before the first batch.
        history: One dict per finished epoch (``loss``, ``accuracy``,
            ``val_loss``, ``val_accuracy``, ...).
        run_id: The saved run, once ``done``.
        error: What went wrong, for ``failed``.
        submitted: Submission time (seconds since the epoch).
        finished: End time, or None.
    """

    job_id: str
    owner: str
    title: str
    status: JobStatus
    queue_position: int
    progress: Progress | None
    history: tuple[dict[str, float], ...]
    run_id: str | None
    error: str
    submitted: float
    finished: float | None

    @property
    def is_finished(self) -> bool:
        """Whether the job has ended (done, failed or cancelled)."""
        return self.status in FINISHED


@dataclass
class _Job:
    job_id: str
    owner: str
    dataset: Dataset | None
    config: TrainingConfig
    name: str | None
    title: str
    parent: str | None = None
    status: JobStatus = "queued"
    progress: Progress | None = None
    history: list[dict[str, float]] = field(default_factory=list)
    run_id: str | None = None
    error: str = ""
    submitted: float = field(default_factory=time.time)
    finished: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event)


class JobQueue:
    """Runs submitted training jobs one after another in a worker thread.

    Args:
        home: Run store root passed to the trainer (None: the default store).
        trainer: The training function, :func:`protviz.model.training.train` by
            default; it is called as ``trainer(dataset, config, progress=...,
            cancel=..., name=..., home=...)`` (plus ``parent=...`` for a job that
            continues a run) and returns an object with a ``run`` attribute
            holding the saved run (with ``run_id``).
        keep_finished: Finished jobs remembered per owner.
    """

    def __init__(
        self,
        home: str | None = None,
        trainer: Trainer | None = None,
        keep_finished: int = 20,
    ) -> None:
        self.home = home
        self._trainer = trainer
        self._keep_finished = keep_finished
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._jobs: dict[str, _Job] = {}
        self._queue: deque[str] = deque()
        self._worker: threading.Thread | None = None

    # ----------------------------------------------------------------- public API

    def submit(
        self,
        dataset: Dataset,
        config: TrainingConfig,
        *,
        owner: str,
        name: str | None = None,
        parent: str | None = None,
    ) -> str:
        """Queue a training job and return its id at once.

        Args:
            dataset: The data set to train on.
            config: Hyper-parameters.
            owner: Who submits (a browser session id); only they see the job.
            name: User-facing run name (default: chosen by the trainer).
            parent: A saved run to continue training (see
                :func:`protviz.model.training.train`), or None.

        Returns:
            The job id.
        """
        job = _Job(
            job_id=secrets.token_urlsafe(12),
            owner=owner,
            dataset=dataset,
            config=config,
            name=name,
            title=f"{config.arch} on {dataset.name}" + (" (continued)" if parent else ""),
            parent=parent,
        )
        with self._wake:
            self._jobs[job.job_id] = job
            self._queue.append(job.job_id)
            self._forget_old(owner)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._work, name="protviz-training", daemon=True
                )
                self._worker.start()
            self._wake.notify()
        return job.job_id

    def view(self, job_id: str) -> JobView | None:
        """A snapshot of a job, or None if the id is unknown."""
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else self._view(job)

    def jobs(self, owner: str) -> list[JobView]:
        """An owner's jobs, newest first."""
        with self._lock:
            owned = [self._view(j) for j in self._jobs.values() if j.owner == owner]
        return sorted(owned, key=lambda view: view.submitted, reverse=True)

    def cancel(self, job_id: str, owner: str) -> bool:
        """Cancel a queued or running job of ``owner``.

        A queued job is dropped; a running one stops at its next batch and
        saves nothing.

        Returns:
            Whether a job was cancelled.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.owner != owner or job.status in FINISHED:
                return False
            job.cancel.set()
            if job.status == "queued":
                self._queue.remove(job_id)
                self._finish(job, "cancelled")
            return True

    def busy(self) -> bool:
        """Whether a job is running or waiting."""
        with self._lock:
            return any(job.status in ("queued", "running") for job in self._jobs.values())

    def wait(self, job_id: str, timeout: float | None = None) -> JobView | None:
        """Block until a job has finished (for scripts and tests)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._wake:
            while True:
                job = self._jobs.get(job_id)
                if job is None or job.status in FINISHED:
                    return None if job is None else self._view(job)
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return self._view(job)
                self._wake.wait(timeout=0.2 if left is None else min(0.2, left))

    # ----------------------------------------------------------------- worker

    def _view(self, job: _Job) -> JobView:
        position = 0
        if job.status == "queued":
            position = self._queue.index(job.job_id) + int(
                any(j.status == "running" for j in self._jobs.values())
            )
        return JobView(
            job_id=job.job_id,
            owner=job.owner,
            title=job.title,
            status=job.status,
            queue_position=position,
            progress=job.progress,
            history=tuple(dict(h) for h in job.history),
            run_id=job.run_id,
            error=job.error,
            submitted=job.submitted,
            finished=job.finished,
        )

    def _finish(self, job: _Job, status: JobStatus, error: str = "") -> None:
        job.status = status
        job.error = error
        job.finished = time.time()
        job.dataset = None  # free the memory; the run keeps what it needs
        self._wake.notify_all()

    def _forget_old(self, owner: str) -> None:
        finished = sorted(
            (j for j in self._jobs.values() if j.owner == owner and j.status in FINISHED),
            key=lambda job: job.submitted,
        )
        for job in finished[: max(0, len(finished) - self._keep_finished)]:
            del self._jobs[job.job_id]

    def _work(self) -> None:
        while True:
            with self._wake:
                while not self._queue:
                    self._wake.wait()
                job = self._jobs[self._queue.popleft()]
                job.status = "running"
            self._run(job)

    def _record(self, job: _Job) -> Callable[[Progress], None]:
        def report(progress: Progress) -> None:
            with self._lock:
                job.progress = progress
                job.history = [dict(epoch) for epoch in progress.history]

        return report

    def _run(self, job: _Job) -> None:
        trainer = self._trainer
        if trainer is None:
            # The one lazy import: TensorFlow loads in the worker thread, at the first job.
            from protviz.model.training import train as trainer
        continuing = {} if job.parent is None else {"parent": job.parent}
        try:
            result = trainer(
                job.dataset,
                job.config,
                progress=self._record(job),
                cancel=job.cancel,
                name=job.name,
                home=self.home,
                **continuing,
            )
        except TrainingCancelled:
            with self._wake:
                self._finish(job, "cancelled")
        except ValueError as error:  # bad data or hyper-parameters: a message for the user
            with self._wake:
                self._finish(job, "failed", str(error))
        except Exception as error:  # the worker must survive any failure
            LOGGER.exception("training job %s failed", job.job_id)
            with self._wake:
                self._finish(job, "failed", f"Training failed: {type(error).__name__}: {error}")
        else:
            with self._wake:
                job.run_id = result.run.run_id if result.run is not None else None
                self._finish(job, "done")


_DEFAULT_QUEUE: JobQueue | None = None
_DEFAULT_LOCK = threading.Lock()


def default_queue() -> JobQueue:
    """The process-wide queue the web app uses (one training at a time per server)."""
    global _DEFAULT_QUEUE
    with _DEFAULT_LOCK:
        if _DEFAULT_QUEUE is None:
            _DEFAULT_QUEUE = JobQueue()
        return _DEFAULT_QUEUE
