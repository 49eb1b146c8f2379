"""``python -m protviz job run [FOLDER | --next]``: train one queued job in this process.

This is the worker a protviz server starts for every job (its output goes to the job's
``worker.log``), and what a cluster's batch system runs on a machine that shares the
store. It sizes TensorFlow's thread pools before anything runs, turns SIGTERM into a
cancel (nothing is saved), and trains with :func:`protviz.model.training.train`, the
same code path as ``python -m protviz train``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from protviz.core.job_record import JobError
from protviz.model import jobs
from protviz.model.training import train, use_threads
from protviz.model.worker import claim_next, run_job, thread_counts


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the job; return its id, status, run id and error.

    Raises:
        JobError: If the job cannot be run here, or it failed (exit status 2).
    """
    folder = _job_folder(args)
    if folder is None:
        return {"job_id": None, "status": "nothing queued", "run_id": None, "error": ""}
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    use_threads(*thread_counts())
    with _job_log(folder) as log:
        record = run_job(folder, train, log=log, stop=stop)
    if record.status == "failed":
        raise JobError(f"Job {record.job_id} failed: {record.error}")
    return {
        "job_id": record.job_id,
        "status": record.status,
        "run_id": record.run_id if record.status == "done" else None,
        "error": record.error,
    }


def _job_folder(args: argparse.Namespace) -> Path | None:
    """The folder named on the command line, or the oldest queued job's with ``--next``."""
    if args.next:
        return claim_next(args.home)
    if args.folder is None:
        raise JobError("Name the job folder ($PROTVIZ_HOME/jobs/<job_id>), or use --next.")
    folder = args.folder.resolve()
    jobs.read_job(folder)  # a clear message for a folder that holds no job
    return folder


@contextlib.contextmanager
def _job_log(folder: Path) -> Iterator[TextIO]:
    """The job's ``worker.log``, also echoed to stderr when that is not the log already."""
    with (folder / jobs.LOG_FILE).open("a", encoding="utf-8", buffering=1) as log:
        yield log if _same_file(log, sys.stderr) else _Tee(log, sys.stderr)


def _same_file(first: TextIO, second: TextIO) -> bool:
    try:
        one, other = os.fstat(first.fileno()), os.fstat(second.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return (one.st_dev, one.st_ino) == (other.st_dev, other.st_ino)


class _Tee:
    """A text stream writing to two streams (not a terminal: progress comes line by line)."""

    def __init__(self, *streams: TextIO) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()

    def isatty(self) -> bool:
        return False


def format(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``job run``."""
    if result["job_id"] is None:
        return "no job is queued"
    ending = f": run {result['run_id']}" if result["run_id"] else ""
    return f"job {result['job_id']} {result['status']}{ending}"
