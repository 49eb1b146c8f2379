"""A server's training scheduler: start queued jobs as worker processes, watch them.

Each web server keeps one :class:`JobScheduler` per store. While any job in the store
is queued or running, a light background thread calls :meth:`JobScheduler.tick`
every second, which

1. starts queued jobs, oldest first, as ``python -m protviz job run <folder>``
   processes (their output goes to the job's ``worker.log``) while fewer than
   ``PROTVIZ_MAX_JOBS`` (default 1; 0: never start jobs here) run on this machine;
2. settles jobs whose worker is gone without recording an outcome (killed by a signal
   or the out-of-memory killer, or stopped with its machine): ``failed`` with the
   reason, or ``done`` when its run was saved before the worker died;
3. tidies finished job folders older than a week (hourly).

Workers run in their own session, so they outlive their server: a restarted server
finds them by pid and process start time and goes on watching them, and marks the
jobs of workers that are gone as failed. A worker on another machine (a cluster job
sharing the store) is judged by its heartbeat. Starting a job happens under the
store's lock, so servers sharing a store never start one twice. The thread ends when
no job is queued or running, and :meth:`JobScheduler.ensure_running` (called on every
page run) starts it again. This module does not import TensorFlow.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from protviz.core.job_record import JobRecord, WorkerInfo
from protviz.core.store import store_root
from protviz.model import jobs, runs
from protviz.model.processes import exit_reason, process_start, this_host, worker_alive

LOGGER = logging.getLogger(__name__)

MAX_JOBS_ENV = "PROTVIZ_MAX_JOBS"
"""Environment variable: the most workers this server runs at once (0: none)."""
DEFAULT_MAX_JOBS = 1
"""One training at a time: it gets every core that pages leave free."""
TICK_SECONDS = 1.0
"""How often the scheduler looks at the store while jobs are active."""
TIDY_SECONDS = 3600.0
"""How often finished jobs are tidied."""
LOST_AFTER_SECONDS = 600.0
"""A worker on another machine silent this long is taken for dead."""

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The folder holding the ``protviz`` package (put on the worker's ``PYTHONPATH``)."""

Command = Callable[[Path], list[str]]
"""The command line that runs the job in a folder."""


def worker_command(folder: Path) -> list[str]:
    """``python -m protviz job run <folder>`` with this interpreter."""
    return [sys.executable, "-m", "protviz", "job", "run", str(folder)]


def max_jobs() -> int:
    """The most workers this server runs at once (``PROTVIZ_MAX_JOBS``, default 1)."""
    return jobs.whole_number_setting(MAX_JOBS_ENV, DEFAULT_MAX_JOBS)


class JobScheduler:
    """Starts and watches the workers of one store's jobs (see the module's docstring).

    Args:
        home: Store root.
        most_jobs: The most workers at once on this machine (default :func:`max_jobs`).
        command: The worker's command line (tests run a fake worker).
        interval: Seconds between ticks.
    """

    def __init__(
        self,
        home: str | os.PathLike | None = None,
        *,
        most_jobs: int | None = None,
        command: Command = worker_command,
        interval: float = TICK_SECONDS,
    ) -> None:
        self.home = store_root(home)
        self.most_jobs = max_jobs() if most_jobs is None else most_jobs
        self.command = command
        self.interval = interval
        self._children: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._tidied = 0.0

    def ensure_running(self) -> None:
        """Start the background thread unless it runs (it ends when no job is active)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="protviz-scheduler", daemon=True
                )
                self._thread.start()

    @property
    def is_running(self) -> bool:
        """Whether the background thread is running."""
        with self._lock:
            return self._thread is not None

    def _loop(self) -> None:
        while True:
            with self._lock:
                try:
                    active = self._tick()
                except Exception:  # e.g. a read-only store: stop; the next page run retries
                    LOGGER.exception("training scheduler: a tick failed")
                    active = False
                if not active:
                    self._thread = None
                    return
            time.sleep(self.interval)

    def tick(self) -> bool:
        """Start, settle and tidy once; return whether any job is still active."""
        with self._lock:
            return self._tick()

    def _tick(self) -> bool:
        exited = self._reap()
        now = time.time()
        for record in jobs.list_jobs(self.home):
            if record.status == "running":
                self._settle_if_gone(record, exited, now)
        self._start_queued()
        if now - self._tidied > TIDY_SECONDS:
            self._tidied = now
            jobs.tidy_jobs(self.home, now=now)
        return bool(self._children) or any(
            record.status in ("queued", "running") for record in jobs.list_jobs(self.home)
        )

    def _reap(self) -> dict[str, int]:
        """Collect this server's workers that ended: job id -> exit status."""
        exited = {job_id: child.poll() for job_id, child in self._children.items()}
        exited = {job_id: code for job_id, code in exited.items() if code is not None}
        for job_id in exited:
            del self._children[job_id]
        return exited

    def _settle_if_gone(self, record: JobRecord, exited: dict[str, int], now: float) -> None:
        """Mark a running job whose worker is gone as failed (or done, if its run exists)."""
        if record.job_id in self._children or record.worker is None:
            return
        reason = self._gone_reason(record, exited, now)
        if reason is not None:
            settle_gone_worker(record.job_id, reason, self.home)

    def _gone_reason(self, record: JobRecord, exited: dict[str, int], now: float) -> str | None:
        """Why a running job's worker is gone, or None while it is (or may be) alive."""
        if record.job_id in exited:
            return exit_reason(exited[record.job_id])
        alive = worker_alive(record.worker)
        if alive is not None:
            return None if alive else exit_reason(None)
        folder = jobs.job_folder(record.job_id, self.home)
        silent = jobs.heartbeat_age(folder, now)
        if silent is None:
            silent = now - (record.started or now)
        if silent < LOST_AFTER_SECONDS:
            return None
        return (
            f"The worker on {record.worker.host} has not been heard from for "
            f"{silent / 60:.0f} minutes: it may have been stopped with its machine."
        )

    def _start_queued(self) -> None:
        """Start queued jobs, oldest first, while this machine has a free worker slot."""
        if self.most_jobs < 1 or not any(r.status == "queued" for r in jobs.list_jobs(self.home)):
            return
        host = this_host()
        with jobs.store_lock(self.home):
            records = jobs.list_jobs(self.home)
            running = sum(
                r.status == "running" and r.worker is not None and r.worker.host == host
                for r in records
            )
            for record in records:
                if running >= self.most_jobs:
                    return
                if record.status == "queued":
                    self._spawn(record)
                    running += 1

    def _spawn(self, record: JobRecord) -> None:
        """Start the worker of a queued job and record it (with the store's lock held)."""
        folder = jobs.job_folder(record.job_id, self.home)
        now = time.time()
        try:
            with (folder / jobs.LOG_FILE).open("ab") as log:
                child = subprocess.Popen(
                    self.command(folder),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=PROJECT_ROOT,
                    env=worker_environment(),
                    start_new_session=True,  # a worker outlives its server (Ctrl-C, restart)
                )
        except OSError as error:
            error_text = f"The worker could not start: {error}"
            jobs.write_record(folder, record.moved_to("failed", now=now, error=error_text))
            return
        self._children[record.job_id] = child
        worker = WorkerInfo(this_host(), child.pid, process_start(child.pid))
        jobs.write_record(folder, record.moved_to("running", now=now, worker=worker))


def worker_environment() -> dict[str, str]:
    """This process's environment, with the project on ``PYTHONPATH``."""
    paths = [str(PROJECT_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


def settle_gone_worker(job_id: str, reason: str, home: str | os.PathLike | None = None) -> None:
    """Record the end of a running job whose worker is gone without recording it.

    The job becomes ``done`` if its run was saved (the worker died just after), else
    ``failed`` with ``reason``. A job settled meanwhile (by its worker or another
    server) is left as it is.
    """

    def settle(record: JobRecord) -> JobRecord:
        if record.status != "running":
            return record
        if runs.run_exists(record.run_id, home):
            return record.moved_to("done", now=time.time())
        return record.moved_to("failed", now=time.time(), error=reason)

    jobs.change_job(job_id, settle, home)
