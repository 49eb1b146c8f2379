"""Queueing training jobs from a page: new runs, and a saved run continued.

The job folders and the queue are :mod:`protviz.model.jobs`; this module adds the
browser session as the jobs' owner and wakes the server's scheduler.
"""

from __future__ import annotations

from collections.abc import Sequence

from protviz.app import state
from protviz.app.caches import keep_jobs_moving, store_folder
from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset
from protviz.io.datastore import find_dataset_ref
from protviz.model import jobs, runs
from protviz.model.jobs import JobSpec
from protviz.model.runs import RunInfo

CONTINUED = " (continued)"
"""Appended to a run's name for the run that continues it."""
SHUFFLED_CONTROL = " (shuffled control)"
"""Appended to a run's name for its shuffled-training control."""


def submit(
    dataset: Dataset,
    ref: str,
    configs: Sequence[tuple[TrainingConfig, str]],
) -> list[str]:
    """Queue one job per ``(config, run name)`` on ``dataset`` (saved under ``ref``) for
    this session, all or none, and wake the scheduler; return the job ids.

    Args:
        dataset: The data set to train on.
        ref: Its reference (a built-in key or a saved data set's content hash).
        configs: The settings and run name of each job.

    Raises:
        JobQueueFullError: If the queue has no room for them all.
    """
    return _queue([JobSpec(config, ref, dataset.name, name) for config, name in configs])


def submit_continuation(run: RunInfo, config: TrainingConfig) -> str:
    """Queue a job that continues ``run`` with ``config`` (see
    :meth:`~protviz.core.config.TrainingConfig.continuation`); return its id.

    Raises:
        DatasetNotFoundError: If the run's data set is not on this server.
        JobQueueFullError: If the queue is full.
    """
    return _submit_for_run(run, config, CONTINUED, parent=run.run_id)


def submit_control(run: RunInfo) -> str:
    """Queue the shuffled-training control of ``run`` (its architecture and settings, trained
    and tested on residue-shuffled sequences, see
    :meth:`~protviz.core.config.TrainingConfig.shuffled_control`); return the job's id.

    Raises:
        DatasetNotFoundError: If the run's data set is not on this server.
        JobQueueFullError: If the queue is full.
    """
    config = run.record.config.shuffled_control(run.run_id)
    return _submit_for_run(run, config, SHUFFLED_CONTROL, parent=None)


def _submit_for_run(run: RunInfo, config: TrainingConfig, suffix: str, parent: str | None) -> str:
    """Queue one job on the data set ``run`` was trained on, named after it."""
    ref = find_dataset_ref(run.record.dataset.content_hash, store_folder())
    name = f"{run.name[: runs.MAX_NAME_LENGTH - len(suffix)]}{suffix}"
    (job_id,) = _queue([JobSpec(config, ref, run.record.dataset.name, name, parent)])
    return job_id


def _queue(specs: list[JobSpec]) -> list[str]:
    """Queue the jobs for this session, all or none, and wake the scheduler."""
    job_ids = jobs.submit_jobs(specs, owner=state.session_owner())
    keep_jobs_moving()
    return job_ids
