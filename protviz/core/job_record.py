"""The typed record of a training job: what ``job.json`` holds, and its state machine.

A job is a training waiting to run, running, or finished, kept in the store as a
folder (:mod:`protviz.model.jobs`). Its record says what to train (settings, data
set reference, run name), who asked (a browser session, or nobody for the command
line), where it is in the queue (``sequence``), which process trains it
(:class:`WorkerInfo`) and how it ended.

The status moves only forward::

    queued --> running --> done | failed | cancelled
       |
       +--> cancelled | failed        (cancelled while waiting; could not start)

:meth:`JobRecord.moved_to` refuses any other move with :class:`JobStateError`, so
two processes that race to finish a job cannot both win: the store makes every move
under one lock, and the loser's move is refused.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Literal

from protviz.core.config import TrainingConfig
from protviz.core.errors import ProtvizError

JOB_FILE = "job.json"
"""The record's file name in a job folder."""

JOB_SCHEMA_VERSION = 1
"""The record layout this protviz writes."""

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
JOB_STATUSES: tuple[JobStatus, ...] = ("queued", "running", "done", "failed", "cancelled")
ACTIVE: tuple[JobStatus, ...] = ("queued", "running")
"""Statuses of a job that is not over."""
FINISHED: tuple[JobStatus, ...] = ("done", "failed", "cancelled")
"""Statuses of a job that is over (they never change again)."""

TRANSITIONS: dict[JobStatus, tuple[JobStatus, ...]] = {
    "queued": ("running", "cancelled", "failed"),
    "running": ("done", "failed", "cancelled"),
}
"""Status -> the statuses it may move to (finished statuses move nowhere)."""

JOB_ID_PATTERN = re.compile(r"[0-9a-f]{16}")
"""A job id: 16 lowercase hex digits (64 random bits; shorter than a run id)."""


class JobError(ProtvizError):
    """A job that cannot be found, submitted, run or cancelled, with what to do instead."""


class JobStateError(JobError):
    """A status change the state machine does not allow (e.g. a finished job restarted)."""


class JobRecordError(JobError):
    """A ``job.json`` that cannot be read as a job record."""


def check_job_id(job_id: object) -> str:
    """Return ``job_id`` if it is a valid job id (before it names a folder).

    Raises:
        JobError: For anything else, with where to find a valid id.
    """
    if isinstance(job_id, str) and JOB_ID_PATTERN.fullmatch(job_id):
        return job_id
    raise JobError(
        f"{str(job_id)[:40]!r} is not a training job id: expected 16 lowercase hex digits. "
        "Copy the id from the Train page's list of jobs or from `python -m protviz job list`."
    )


@dataclass(frozen=True)
class WorkerInfo:
    """The process that trains a job, enough to tell later whether it is still alive.

    Attributes:
        host: The machine's name (a worker elsewhere is judged by its heartbeat).
        pid: The process id.
        process_start: The process's start time in clock ticks since boot (Linux
            ``/proc/<pid>/stat``), so a recycled pid is not taken for the worker;
            None where it cannot be read.
    """

    host: str
    pid: int
    process_start: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The worker as JSON-ready data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkerInfo:
        """Read :meth:`to_dict` output."""
        start = data.get("process_start")
        return cls(str(data["host"]), int(data["pid"]), None if start is None else int(start))


@dataclass(frozen=True)
class JobRecord:
    """Everything about one training job (the content of ``job.json``).

    Attributes:
        job_id: The job's id (its folder's name).
        sequence: Its place in the store's queue: jobs run in increasing order.
        status: ``queued``, ``running``, ``done``, ``failed`` or ``cancelled``.
        config: The hyper-parameters.
        dataset_ref: The data set: a built-in key or the content hash of a saved upload.
        dataset_name: The data set's name (for lists; the reference is what is loaded).
        run_name: The name the run is saved under.
        run_id: The id the run is saved under (chosen at submission, so a run saved by
            a worker that died before recording it is still found).
        owner: The browser session that submitted it ('' from the command line); only
            it is offered Cancel.
        submitted: Submission time (seconds since the epoch).
        started: When a worker took it, or None.
        finished: When it ended, or None.
        worker: The process training it, once running.
        error: Why it failed (a message for a person), or ''.
        parent: The saved run this job continues training (from its model and optimizer
            state), or None for a new model.
        schema_version: The layout of the record.
    """

    job_id: str
    sequence: int
    status: JobStatus
    config: TrainingConfig
    dataset_ref: str
    dataset_name: str
    run_name: str
    run_id: str
    owner: str
    submitted: float
    started: float | None = None
    finished: float | None = None
    worker: WorkerInfo | None = None
    error: str = ""
    parent: str | None = None
    schema_version: int = JOB_SCHEMA_VERSION

    def __post_init__(self) -> None:
        check_job_id(self.job_id)
        if self.status not in JOB_STATUSES:
            raise JobRecordError(
                f"Job {self.job_id} has the unknown status {self.status!r}; expected one of "
                f"{', '.join(JOB_STATUSES)}."
            )

    @property
    def title(self) -> str:
        """What is trained, e.g. ``bilstm on SCL2205``."""
        title = f"{self.config.arch} on {self.dataset_name}"
        return title + (" (continued)" if self.parent else "")

    @property
    def is_finished(self) -> bool:
        """Whether the job is over (done, failed or cancelled)."""
        return self.status in FINISHED

    def moved_to(self, status: JobStatus, *, now: float, **changes: Any) -> JobRecord:
        """The record after a status change, stamped with ``now``.

        Args:
            status: The new status.
            now: The time of the change (``started`` for running, ``finished`` for the
                finished statuses).
            **changes: Other fields to change with it (``worker``, ``error``).

        Returns:
            The new record (this one is unchanged).

        Raises:
            JobStateError: If the state machine does not allow the move.
        """
        if status not in TRANSITIONS.get(self.status, ()):
            raise JobStateError(f"Job {self.job_id} is {self.status}; it cannot become {status}.")
        stamp = {"started": now} if status == "running" else {"finished": now}
        return dataclasses.replace(self, status=status, **stamp, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data."""
        data = dataclasses.asdict(self)
        data["config"] = self.config.to_dict()
        data["worker"] = None if self.worker is None else self.worker.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Any) -> JobRecord:
        """Read a ``job.json``.

        Raises:
            JobRecordError: If it does not describe a job (an entry missing or of the
                wrong type), naming the problem.
        """
        try:
            fields = {f.name for f in dataclasses.fields(cls)}
            values = {key: value for key, value in dict(data).items() if key in fields}
            values["config"] = TrainingConfig.from_dict(dict(data["config"]))
            worker = data.get("worker")
            values["worker"] = None if worker is None else WorkerInfo.from_dict(dict(worker))
            for name in ("submitted", "started", "finished"):
                if values.get(name) is not None:
                    values[name] = float(values[name])
            values["sequence"] = int(data["sequence"])
            return cls(**values)
        except JobRecordError:
            raise
        except (KeyError, TypeError, ValueError) as error:
            raise JobRecordError(
                f"{JOB_FILE} does not describe a training job ({error})."
            ) from None
