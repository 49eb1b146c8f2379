"""Training jobs kept in the store: one folder per job, shared by every process.

The web app and ``python -m protviz job submit`` queue a job; a worker process
(``python -m protviz job run``, :mod:`protviz.model.worker`) trains it, started by
a server's scheduler (:mod:`protviz.model.scheduler`) or by any other means (a
cluster's batch system). Every page, in every session and every server sharing the
store, reads the same state. A job lives in ``$PROTVIZ_HOME/jobs/<job_id>/``:

- ``job.json``: the record (:class:`~protviz.core.job_record.JobRecord`: status,
  settings, data set reference, run name and id, owner, worker, timestamps, error);
- ``progress.json``: the latest :class:`~protviz.model.progress.Progress` (epoch,
  batch, loss, metrics and the history of finished epochs);
- ``worker.log``: what the worker printed (progress lines, a traceback);
- ``heartbeat``: touched by a running worker every few seconds;
- ``cancel``: present once cancelling was asked for.

Records and progress are written next to their final name and renamed over it, so a
reader never sees half a file. Every status change reads, checks and writes the
record under one lock file (``jobs/.lock``, ``fcntl``), so two servers sharing the
store never start a job twice and never both finish it. The queue order is a
counter kept under the same lock. This module does not import TensorFlow.

Typical use::

    (job_id,) = submit_jobs([JobSpec(config, "motif", "motif toy", "mean on motif")])
    view = job_view(job_id)       # status, queue position, progress, error
    request_cancel(job_id, owner=None)
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from protviz.core.config import TrainingConfig
from protviz.core.job_record import (
    JOB_FILE,
    JOB_ID_PATTERN,
    JobError,
    JobRecord,
    JobRecordError,
    check_job_id,
)
from protviz.core.store import (
    TEMP_PREFIX,
    exclusive_lock,
    remove_stale_temporaries,
    store_root,
    write_text_atomically,
)
from protviz.io.datastore import check_dataset_ref
from protviz.model import runs
from protviz.model.progress import Progress

JOBS_FOLDER = "jobs"
"""The jobs' folder under the store root."""
LOCK_FILE = ".lock"
SEQUENCE_FILE = ".sequence"
PROGRESS_FILE = "progress.json"
LOG_FILE = "worker.log"
CANCEL_FILE = "cancel"
HEARTBEAT_FILE = "heartbeat"

MAX_QUEUED_ENV = "PROTVIZ_MAX_QUEUED"
"""Environment variable: the most jobs waiting at once in the store."""
DEFAULT_MAX_QUEUED = 10
"""Default of :data:`MAX_QUEUED_ENV`: room for two rounds of "train all four"."""

KEEP_DAYS = 7
"""Finished jobs older than this are tidied away (their runs stay)."""
KEEP_FINISHED = 50
"""The most finished jobs kept, whatever their age."""


class JobQueueFullError(JobError):
    """The queue has no room for more jobs."""


@dataclass(frozen=True)
class JobSpec:
    """What a job trains.

    Attributes:
        config: The hyper-parameters.
        dataset_ref: A built-in key or the content hash of a saved data set.
        dataset_name: The data set's name, for lists.
        run_name: The name to save the run under.
        parent: A saved run to continue training (see
            :func:`protviz.model.training.train`), or None for a new model.
    """

    config: TrainingConfig
    dataset_ref: str
    dataset_name: str
    run_name: str
    parent: str | None = None


@dataclass(frozen=True)
class JobView:
    """A job as a page shows it: its record, latest progress and place in the queue.

    Attributes:
        record: The job's record.
        progress: The latest progress, or None before the first batch.
        queue_position: 1 for the next job to start, 2 for the one after...; 0 when
            the job is not waiting.
        cancel_requested: Whether someone asked to cancel it (a running job stops at
            its next batch).
    """

    record: JobRecord
    progress: Progress | None
    queue_position: int
    cancel_requested: bool

    @property
    def job_id(self) -> str:
        """The job's id."""
        return self.record.job_id

    @property
    def status(self) -> str:
        """``queued``, ``running``, ``done``, ``failed`` or ``cancelled``."""
        return self.record.status

    @property
    def title(self) -> str:
        """What is trained, e.g. ``bilstm on SCL2205``."""
        return self.record.title

    @property
    def is_finished(self) -> bool:
        """Whether the job is over."""
        return self.record.is_finished

    @property
    def history(self) -> tuple[dict[str, float], ...]:
        """One dict per finished epoch (``loss``, ``accuracy``, ``val_loss``...)."""
        return () if self.progress is None else self.progress.history

    def elapsed(self, now: float) -> float:
        """Seconds waiting (queued), training (running) or trained (finished)."""
        record = self.record
        if record.status == "queued":
            return now - record.submitted
        started = record.started if record.started is not None else record.submitted
        return (record.finished or now) - started


def jobs_root(home: str | os.PathLike | None = None) -> Path:
    """The folder holding the job folders (not created)."""
    return store_root(home) / JOBS_FOLDER


def job_folder(job_id: str, home: str | os.PathLike | None = None) -> Path:
    """The folder of job ``job_id`` (the id is checked first; the folder may not exist)."""
    return jobs_root(home) / check_job_id(job_id)


def max_queued() -> int:
    """The most jobs that may wait at once (``PROTVIZ_MAX_QUEUED``, default 10)."""
    return whole_number_setting(MAX_QUEUED_ENV, DEFAULT_MAX_QUEUED, minimum=1)


def whole_number_setting(name: str, default: int, minimum: int = 0) -> int:
    """A whole-number environment setting (``default`` when unset).

    Raises:
        JobError: If it is set to something else than a whole number >= ``minimum``.
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise JobError(f"{name} must be a whole number >= {minimum}; it is {text!r}.")
    return value


# --------------------------------------------------------------------------- the lock


def store_lock(home: str | os.PathLike | None = None):
    """The lock held for every change of any job's record (a context manager)."""
    return exclusive_lock(jobs_root(home) / LOCK_FILE)


def _next_sequence(root: Path) -> int:
    """The next place in the queue (call with the lock held)."""
    path = root / SEQUENCE_FILE
    try:
        last = int(path.read_text(encoding="utf-8").strip() or 0)
    except FileNotFoundError:
        last = max((record.sequence for record in _records(root)), default=0)
    write_text_atomically(path, f"{last + 1}\n")
    return last + 1


# --------------------------------------------------------------------------- records


def write_record(folder: Path, record: JobRecord) -> None:
    """Write a job's record atomically (call with the lock held)."""
    write_text_atomically(folder / JOB_FILE, json.dumps(record.to_dict(), indent=2) + "\n")


def read_job(folder: Path) -> JobRecord:
    """Read the record of the job in ``folder``.

    Raises:
        JobError: If there is no such job (it was never submitted, or was tidied away).
        JobRecordError: If its record cannot be read.
    """
    try:
        text = (folder / JOB_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise JobError(
            f"No training job {folder.name} on this server: it may have been tidied away "
            f"(finished jobs are kept {KEEP_DAYS} days), or the link was made on another "
            "server. Its run, if it finished, is on the Models page."
        ) from None
    try:
        return JobRecord.from_dict(json.loads(text))
    except ValueError as error:  # not JSON, or a JobRecordError
        raise JobRecordError(f"The record of job {folder.name} is damaged: {error}") from None


def _records(root: Path) -> list[JobRecord]:
    """Every readable job record under ``root``, in queue order (damaged ones skipped)."""
    if not root.is_dir():
        return []
    records = []
    for folder in root.iterdir():
        if folder.is_dir() and JOB_ID_PATTERN.fullmatch(folder.name):
            try:
                records.append(read_job(folder))
            except JobError:
                continue
    return sorted(records, key=lambda record: record.sequence)


def list_jobs(home: str | os.PathLike | None = None) -> list[JobRecord]:
    """Every job in the store, in queue order (oldest submission first)."""
    return _records(jobs_root(home))


def change_job(
    job_id: str, change: Callable[[JobRecord], JobRecord], home: str | os.PathLike | None = None
) -> JobRecord:
    """Read a job's record, change it and write it back, all under the store's lock.

    Args:
        job_id: The job.
        change: Returns the new record from the current one (it may raise
            :class:`~protviz.core.job_record.JobStateError` to refuse).
        home: Store root.

    Returns:
        The new record.
    """
    folder = job_folder(job_id, home)
    with store_lock(home):
        record = change(read_job(folder))
        write_record(folder, record)
    return record


def submit_jobs(
    specs: Sequence[JobSpec],
    *,
    owner: str = "",
    home: str | os.PathLike | None = None,
    limit: int | None = None,
) -> list[str]:
    """Queue training jobs, all or none, and return their ids at once.

    Args:
        specs: What each job trains (queued in this order).
        owner: The browser session submitting them ('' for the command line).
        home: Store root.
        limit: The most jobs waiting at once (default :func:`max_queued`).

    Returns:
        The job ids.

    Raises:
        JobQueueFullError: If the jobs do not all fit in the queue.
        JobError: If a data set reference or run name is not valid.
    """
    limit = max_queued() if limit is None else limit
    for spec in specs:
        check_dataset_ref(spec.dataset_ref)
        runs.check_name(spec.run_name)
    root = jobs_root(home)
    root.mkdir(parents=True, exist_ok=True)
    with store_lock(home):
        waiting = sum(record.status == "queued" for record in _records(root))
        if waiting + len(specs) > limit:
            raise JobQueueFullError(
                f"{waiting} training job(s) are already waiting, and this server queues at most "
                f"{limit} ({MAX_QUEUED_ENV}). Wait for one to finish, or cancel one of yours, "
                "then start again."
            )
        return [_create(root, spec, owner) for spec in specs]


def _create(root: Path, spec: JobSpec, owner: str) -> str:
    """Write a new queued job's folder in one step (call with the lock held)."""
    record = JobRecord(
        job_id=secrets.token_hex(8),
        sequence=_next_sequence(root),
        status="queued",
        config=spec.config,
        dataset_ref=spec.dataset_ref,
        dataset_name=spec.dataset_name,
        run_name=runs.check_name(spec.run_name),
        run_id=runs.new_run_id(),
        owner=owner,
        submitted=time.time(),
        parent=spec.parent,
    )
    staging = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
    try:
        write_record(staging, record)
        staging.rename(root / record.job_id)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return record.job_id


# --------------------------------------------------------------------------- progress, cancel


def write_progress(folder: Path, progress: Progress) -> None:
    """Write a job's latest progress atomically."""
    write_text_atomically(folder / PROGRESS_FILE, json.dumps(progress.to_dict()))


def read_progress(folder: Path) -> Progress | None:
    """A job's latest progress, or None before the first one (or if unreadable)."""
    try:
        return Progress.from_dict(json.loads((folder / PROGRESS_FILE).read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def touch_heartbeat(folder: Path) -> None:
    """Say that the job's worker is alive (now)."""
    (folder / HEARTBEAT_FILE).touch()


def heartbeat_age(folder: Path, now: float) -> float | None:
    """Seconds since the worker's last heartbeat, or None if it never sent one."""
    try:
        return now - (folder / HEARTBEAT_FILE).stat().st_mtime
    except FileNotFoundError:
        return None


def cancel_requested(folder: Path) -> bool:
    """Whether cancelling the job was asked for."""
    return (folder / CANCEL_FILE).exists()


def request_cancel(
    job_id: str, *, owner: str | None, home: str | os.PathLike | None = None
) -> bool:
    """Cancel a job: a waiting one at once, a running one at its next batch (it saves nothing).

    Args:
        job_id: The job.
        owner: The session asking; only the job's owner may cancel it. None: anyone
            (the command line).
        home: Store root.

    Returns:
        Whether cancelling was asked for (False for another owner's job or a finished one).
    """
    folder = job_folder(job_id, home)
    with store_lock(home):
        record = read_job(folder)
        if record.is_finished or (owner is not None and owner != record.owner):
            return False
        (folder / CANCEL_FILE).touch()
        if record.status == "queued":
            write_record(folder, record.moved_to("cancelled", now=time.time()))
    return True


def log_tail(folder: Path, lines: int = 20, most_characters: int = 4000) -> str:
    """The last lines of a job's log (at most ``most_characters``), or ''."""
    try:
        with (folder / LOG_FILE).open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 4 * most_characters))
            text = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    text = text.replace("\r", "\n")
    kept = [line for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join(kept)[-most_characters:]


# --------------------------------------------------------------------------- views


def job_views(home: str | os.PathLike | None = None) -> list[JobView]:
    """Every job with its queue position, in queue order (the progress of running jobs
    only: a list needs no more)."""
    root = jobs_root(home)
    records = _records(root)
    waiting = [record.job_id for record in records if record.status == "queued"]
    return [
        _view(root / record.job_id, record, waiting, record.status == "running")
        for record in records
    ]


def job_view(job_id: str, home: str | os.PathLike | None = None) -> JobView:
    """One job with its progress and queue position.

    Raises:
        JobError: If the id is not valid or names no job.
    """
    root = jobs_root(home)
    record = read_job(job_folder(job_id, home))
    waiting = []
    if record.status == "queued":
        waiting = [other.job_id for other in _records(root) if other.status == "queued"]
    return _view(root / job_id, record, waiting, record.status != "queued")


def _view(folder: Path, record: JobRecord, waiting: list[str], with_progress: bool) -> JobView:
    position = waiting.index(record.job_id) + 1 if record.job_id in waiting else 0
    progress = read_progress(folder) if with_progress else None
    return JobView(record, progress, position, cancel_requested(folder))


def wait_for(
    job_id: str,
    timeout: float,
    home: str | os.PathLike | None = None,
    interval: float = 0.2,
) -> JobView:
    """Wait until a job has finished or ``timeout`` seconds have passed (for scripts and
    tests); return its view then."""
    deadline = time.monotonic() + timeout
    view = job_view(job_id, home)
    while not view.is_finished and time.monotonic() < deadline:
        time.sleep(interval)
        view = job_view(job_id, home)
    return view


# --------------------------------------------------------------------------- tidying


def tidy_jobs(
    home: str | os.PathLike | None = None,
    *,
    now: float | None = None,
    keep_days: float = KEEP_DAYS,
    keep_finished: int = KEEP_FINISHED,
) -> int:
    """Remove finished jobs older than ``keep_days`` and all but the newest
    ``keep_finished`` finished ones (their runs stay), and temporaries left by crashes.

    Returns:
        The number of job folders removed.
    """
    now = time.time() if now is None else now
    root = jobs_root(home)
    if not root.is_dir():
        return 0
    with store_lock(home):
        finished = sorted(
            (record for record in _records(root) if record.is_finished),
            key=_ended,
            reverse=True,
        )
        cutoff = now - keep_days * 24 * 3600
        doomed = [
            record
            for index, record in enumerate(finished)
            if index >= keep_finished or _ended(record) < cutoff
        ]
        for record in doomed:
            trash = root / f"{TEMP_PREFIX}deleted-{record.job_id}"
            os.rename(root / record.job_id, trash)
            shutil.rmtree(trash, ignore_errors=True)
    remove_stale_temporaries(root)
    return len(doomed)


def _ended(record: JobRecord) -> float:
    """When a finished job ended (its submission time if that was not recorded)."""
    return record.submitted if record.finished is None else record.finished
