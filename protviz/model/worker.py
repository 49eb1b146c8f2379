"""Run one training job in this process: the body of ``python -m protviz job run``.

:func:`run_job` takes a job from the store (:mod:`protviz.model.jobs`), lowers its
own scheduling priority, trains it with the trainer it is given (the command line
passes :func:`protviz.model.training.train`, the same code path as ``python -m
protviz train``) and records the outcome:

- progress goes to ``progress.json`` (at most a few times a second, atomically; every
  new phase, epoch and preparation step at once) and a line now and then to
  ``worker.log``; the first step, reading the data set, is the worker's own;
- a heartbeat file is touched every few seconds, for schedulers on other machines;
- the ``cancel`` flag file (or ``stop``, set by the command line on SIGTERM) stops
  training at the next batch: the job ends ``cancelled`` and no run is saved;
- a :class:`~protviz.core.errors.ProtvizError` ends it ``failed`` with its message,
  any other exception ``failed`` with its type, and its traceback in the log;
- a saved run ends it ``done`` (the run id was chosen at submission).

A worker killed outright (SIGKILL, out of memory) records nothing; the scheduler
that watches it, or the next server to start, marks the job failed
(:mod:`protviz.model.scheduler`). This module does not import TensorFlow: the
trainer does.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from protviz.core.errors import ProtvizError
from protviz.core.job_record import JobRecord, JobStatus
from protviz.io.datastore import load_dataset
from protviz.model import jobs
from protviz.model.processes import current_worker
from protviz.model.progress import PREPARATION_STEPS, Progress, ProgressBar, TrainingCancelled

NICE_ENV = "PROTVIZ_JOB_NICE"
"""Environment variable: the worker's niceness (0 to 19; default 10)."""
DEFAULT_NICE = 10
"""Page requests of a server at niceness 0 get about nine times the CPU of a worker at 10
when both want it; an idle machine is all the worker's."""
IDLE_ENV = "PROTVIZ_JOB_IDLE"
"""Environment variable: 1 (default) runs the worker under Linux's ``SCHED_IDLE`` policy,
on top of its niceness, so it gets the CPU only when nothing else on the machine wants it;
0 keeps the niceness alone. Elsewhere (macOS, Windows) only the niceness applies."""
THREADS_ENV = "PROTVIZ_JOB_THREADS"
"""Environment variable: the cores one training uses (default: every core this process
may run on)."""

HEARTBEAT_SECONDS = 5.0
"""How often a running worker touches its heartbeat file."""
PROGRESS_SECONDS = 0.5
"""Most often progress is written to the job folder (a new epoch or phase is always written)."""
CANCEL_CHECK_SECONDS = 0.25
"""Most often the cancel flag file is looked for."""

Trainer = Callable[..., Any]
"""Called as ``trainer(dataset, config, progress=, cancel=, name=, home=, run_id=)``, like
:func:`protviz.model.training.train`."""


def niceness() -> int:
    """The worker's niceness from ``PROTVIZ_JOB_NICE`` (default 10)."""
    value = jobs.whole_number_setting(NICE_ENV, DEFAULT_NICE)
    return min(value, 19)


def thread_counts() -> tuple[int, int]:
    """TensorFlow's thread pools for a worker: ``(intra_op, inter_op)``.

    Both are ``PROTVIZ_JOB_THREADS``, else the cores this process may run on (its CPU
    affinity, which a container's CPU set narrows; TensorFlow's own default counts every
    core of the machine). An idle machine is then used whole, and the niceness, not
    fewer threads, lets page requests win when they come.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    threads = jobs.whole_number_setting(THREADS_ENV, 0) or cores or 1
    return threads, threads


def idle_policy() -> bool:
    """Whether a worker asks for ``SCHED_IDLE``: ``PROTVIZ_JOB_IDLE`` is not 0 and the
    operating system has the policy (Linux)."""
    return hasattr(os, "SCHED_IDLE") and jobs.whole_number_setting(IDLE_ENV, 1) != 0


def lower_priority(level: int, idle: bool = False) -> int:
    """Raise the niceness of this process to ``level`` (never lower it); return it.

    On Linux niceness and scheduling policy belong to each thread, and importing
    TensorFlow already started some, so every thread is changed; threads started later
    inherit both.

    Args:
        level: The niceness (0 to 19).
        idle: Also move every thread to the ``SCHED_IDLE`` policy (Linux): such a thread
            runs only on a core that no normal thread wants, however nice those are.
            Unprivileged processes may do this, and cannot undo it.
    """
    tasks = Path("/proc/self/task")
    thread_ids = [int(name) for name in os.listdir(tasks)] if tasks.is_dir() else [0]
    for thread_id in thread_ids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpriority(os.PRIO_PROCESS, thread_id) < level:
                os.setpriority(os.PRIO_PROCESS, thread_id, level)
        if idle and hasattr(os, "SCHED_IDLE"):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.sched_setscheduler(thread_id, os.SCHED_IDLE, os.sched_param(0))
    return os.getpriority(os.PRIO_PROCESS, 0)


def priority_text() -> str:
    """This process's priority in words, for the job log: ``"niceness 10, SCHED_IDLE"``."""
    text = f"niceness {os.getpriority(os.PRIO_PROCESS, 0)}"
    if hasattr(os, "SCHED_IDLE") and os.sched_getscheduler(0) == os.SCHED_IDLE:
        text += ", SCHED_IDLE"
    return text


class CancelFlag:
    """Whether a job should stop: its ``cancel`` file exists, or ``stop`` was set.

    Args:
        folder: The job folder.
        stop: Set by a signal handler (SIGTERM) in the command line, or None.
    """

    def __init__(self, folder: Path, stop: threading.Event | None = None) -> None:
        self.folder = folder
        self.stop = stop or threading.Event()
        self._checked = 0.0
        self._cancelled = False

    def is_set(self) -> bool:
        """Whether training should stop (the file is looked for a few times a second)."""
        now = time.monotonic()
        if not self._cancelled and now - self._checked >= CANCEL_CHECK_SECONDS:
            self._checked = now
            self._cancelled = jobs.cancel_requested(self.folder)
        return self._cancelled or self.stop.is_set()


class ProgressWriter:
    """Write a job's progress to its folder (throttled) and a line now and then to its log.

    Args:
        folder: The job folder.
        log: The job's log stream.
    """

    def __init__(self, folder: Path, log: TextIO) -> None:
        self.folder = folder
        self.bar = ProgressBar(log)
        self._written = 0.0
        self._last_step: tuple[str, int, str] = ("", 0, "")

    def __call__(self, progress: Progress) -> None:
        self.bar(progress)
        now = time.monotonic()
        step = (progress.phase, progress.epoch, progress.step)
        last_batch = progress.batch == progress.batches
        if step != self._last_step or last_batch or now - self._written >= PROGRESS_SECONDS:
            jobs.write_progress(self.folder, progress)
            self._written, self._last_step = now, step


class Heartbeat:
    """Touch the job's heartbeat file every few seconds while training (a daemon thread)."""

    def __init__(self, folder: Path, interval: float = HEARTBEAT_SECONDS) -> None:
        self.folder = folder
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="protviz-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        while True:
            with contextlib.suppress(OSError):  # a full disk: the job's outcome says more
                jobs.touch_heartbeat(self.folder)
            if self._stop.wait(self.interval):
                return


def claim(folder: Path) -> JobRecord:
    """Take the job in ``folder`` for this process.

    A queued job becomes running with this process as its worker (a job run by
    hand or by a cluster's batch system). A running job must already name this
    process (a server's scheduler started it and recorded it).

    Raises:
        JobStateError: If the job is finished, or another process runs it.
    """
    me = current_worker()

    def take(record: JobRecord) -> JobRecord:
        started_for_me = record.worker is not None and (
            (record.worker.host, record.worker.pid) == (me.host, me.pid)
        )
        if record.status == "running" and started_for_me:
            return record
        return record.moved_to("running", now=time.time(), worker=me)

    return jobs.change_job(folder.name, take, folder.parent.parent)


def claim_next(home: str | os.PathLike | None = None) -> Path | None:
    """Take the oldest queued job of the store for this process; return its folder (None:
    nothing is queued)."""
    me = current_worker()
    with jobs.store_lock(home):
        for record in jobs.list_jobs(home):
            if record.status == "queued":
                folder = jobs.job_folder(record.job_id, home)
                jobs.write_record(folder, record.moved_to("running", now=time.time(), worker=me))
                return folder
    return None


def finish(folder: Path, status: JobStatus, error: str = "") -> JobRecord:
    """Record how the job ended (unless someone recorded it first; that record stays)."""
    return jobs.change_job(
        folder.name,
        lambda record: record.moved_to(status, now=time.time(), error=error),
        folder.parent.parent,
    )


def run_job(
    folder: Path,
    trainer: Trainer,
    *,
    log: TextIO,
    stop: threading.Event | None = None,
) -> JobRecord:
    """Claim, train and record the job in ``folder``.

    Args:
        folder: The job folder (``$PROTVIZ_HOME/jobs/<job_id>``); the store is the
            folder two levels up, so a store mounted elsewhere on another machine works.
        trainer: Trains and saves the run (see :data:`Trainer`).
        log: Where progress lines, the outcome and any traceback are written.
        stop: Set to cancel from outside (a signal handler).

    Returns:
        The job's final record.

    Raises:
        JobError: If the job cannot be run here (not queued, or another worker's).
    """
    record = claim(folder)
    lower_priority(niceness(), idle=idle_policy())
    log.write(
        f"protviz job {record.job_id}: {record.title} as run {record.run_id}, "
        f"worker {os.getpid()} at {priority_text()}\n"
    )
    log.flush()
    status, error = _train(folder, record, trainer, log, CancelFlag(folder, stop))
    try:
        final = finish(folder, status, error)
    except ProtvizError as refused:  # it was settled meanwhile (e.g. marked failed)
        log.write(f"not recorded as {status}: {refused}\n")
        final = jobs.read_job(folder)
    log.write(f"protviz job {record.job_id}: {final.status}. {final.error}".rstrip() + "\n")
    log.flush()
    return final


def _train(
    folder: Path, record: JobRecord, trainer: Trainer, log: TextIO, cancel: CancelFlag
) -> tuple[JobStatus, str]:
    """Load the data set and train; return the outcome and the error message."""
    home = folder.parent.parent
    progress = ProgressWriter(folder, log)
    try:
        with Heartbeat(folder):
            progress(Progress.between_batches("prepare", PREPARATION_STEPS[1], 0.0))
            dataset = load_dataset(record.dataset_ref, home)
            trainer(
                dataset,
                record.config,
                progress=progress,
                cancel=cancel,
                name=record.run_name,
                home=home,
                run_id=record.run_id,
                **({} if record.parent is None else {"parent": record.parent}),
            )
    except TrainingCancelled:
        return "cancelled", ""
    except ProtvizError as error:
        return "failed", str(error)
    except KeyboardInterrupt:
        return "cancelled", "Interrupted (Ctrl-C); nothing was saved."
    except Exception as error:  # a bug or a resource problem: the job fails, not the server
        log.write(traceback.format_exc())
        return "failed", f"Training failed: {type(error).__name__}: {error}"
    return "done", ""
