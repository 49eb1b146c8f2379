"""``python -m protviz job {submit,list,cancel}``: the training queue from the command line.

``job run`` (which loads TensorFlow) is :mod:`protviz.cli.job_run`; these actions
stay light. A job submitted here waits in the same queue as the web app's: a protviz
server sharing the store starts it when it has a free slot, or any machine runs it
with ``python -m protviz job run <folder>``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from protviz.cli.common import config_from_args, dataset_from_args
from protviz.core.job_record import JobError
from protviz.core.store import store_root
from protviz.io.builtin import BUILTINS
from protviz.io.datastore import save_dataset
from protviz.model import jobs
from protviz.model.config_form import default_run_name


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Submit, list or cancel; return what was done."""
    return ACTIONS[args.action](args)


def submit(args: argparse.Namespace) -> dict[str, Any]:
    """Queue a job with the options of ``train``; a FASTA file is saved in the store first."""
    dataset = dataset_from_args(args)
    config = config_from_args(args)
    if args.builtin and args.builtin in BUILTINS:
        ref = args.builtin
    else:
        ref = save_dataset(dataset, args.home)
    spec = jobs.JobSpec(
        config, ref, dataset.name, args.name or default_run_name(config.arch, dataset.name)
    )
    (job_id,) = jobs.submit_jobs([spec], home=args.home)
    return {"job_id": job_id, "folder": str(jobs.job_folder(job_id, args.home))}


def list_jobs(args: argparse.Namespace) -> dict[str, Any]:
    """Every job in queue order, with its status, place, worker and run."""
    now = time.time()
    return {
        "home": str(store_root(args.home)),
        "jobs": [
            {
                "job_id": view.job_id,
                "status": view.status,
                "queue_position": view.queue_position,
                "title": view.title,
                "run_name": view.record.run_name,
                "run_id": view.record.run_id if view.status == "done" else None,
                "elapsed_seconds": round(view.elapsed(now), 1),
                "worker": None if view.record.worker is None else view.record.worker.to_dict(),
                "error": view.record.error,
            }
            for view in jobs.job_views(args.home)
        ],
    }


def cancel(args: argparse.Namespace) -> dict[str, Any]:
    """Cancel a queued job at once, a running one at its next batch."""
    if not jobs.request_cancel(args.job_id, owner=None, home=args.home):
        status = jobs.read_job(jobs.job_folder(args.job_id, args.home)).status
        raise JobError(f"Job {args.job_id} is {status} already; nothing to cancel.")
    return {"job_id": args.job_id, "cancel_requested": True}


ACTIONS = {"submit": submit, "list": list_jobs, "cancel": cancel}
"""``job`` action -> what does it (``run`` is :mod:`protviz.cli.job_run`)."""


def format(result: dict[str, Any]) -> str:
    """Human-readable text for the result of a ``job`` action."""
    if "folder" in result:
        return (
            f"queued job {result['job_id']} in {result['folder']}\n"
            f"run it here with: python -m protviz job run {result['folder']}"
        )
    if "cancel_requested" in result:
        return f"cancelling job {result['job_id']}"
    if not result["jobs"]:
        return f"no jobs in {result['home']}"
    return "\n".join(_job_line(job) for job in result["jobs"])


def _job_line(job: dict[str, Any]) -> str:
    """One job: id, status (and place in the queue), elapsed time, title, worker, outcome."""
    status = job["status"] + (f" #{job['queue_position']}" if job["queue_position"] else "")
    worker = job["worker"]
    where = f"  {worker['host']}:{worker['pid']}" if worker else ""
    outcome = job["run_id"] or job["error"][:80]
    return (
        f"{job['job_id']}  {status:<11} {job['elapsed_seconds']:>8.0f} s  {job['title']}"
        f"{where}  {outcome}".rstrip()
    )
