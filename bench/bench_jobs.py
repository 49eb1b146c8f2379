"""Training speed: a job in a worker process against training in the calling process.

Before issue 14 the app trained in a thread of the server process: that is the
``in-process`` side here (:func:`protviz.model.training.train` called in this
process, TensorFlow already imported and warm). The ``worker`` side queues the same
training as a job and lets a :class:`~protviz.model.scheduler.JobScheduler` start
``python -m protviz job run`` for it, as the server does: at the default niceness
(``PROTVIZ_JOB_NICE`` 10), and at niceness 0 to tell the process from its priority
on a machine that is not idle.

Same data, model, seed and settings on every side; the sides alternate, ``--repeats``
times. Reported per side (medians): the run's own ``train_seconds`` (``model.fit``)
and sequences per second, and the wall time from the call (or the submission) until
the run is saved, which for a worker includes starting Python, importing TensorFlow
and loading the data set.

Usage::

    python bench/bench_jobs.py --output bench/results/jobs_speed.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from protviz.core.config import TrainingConfig
from protviz.io.builtin import load_builtin
from protviz.model import jobs, runs
from protviz.model.jobs import JobSpec
from protviz.model.scheduler import JobScheduler
from protviz.model.training import device_name, train
from protviz.model.worker import NICE_ENV

SIDES = ("in-process", "worker (nice 10)", "worker (nice 0)")


def in_process(dataset, config: TrainingConfig, home: Path) -> dict[str, float]:
    """Train in this process, as the server's thread did; time it."""
    started = time.perf_counter()
    result = train(dataset, config, home=home, name="in-process")
    return _timings(result.record, time.perf_counter() - started)


def in_worker(config: TrainingConfig, builtin: str, home: Path, nice: int) -> dict[str, float]:
    """Queue the training as a job, let a scheduler start its worker process; time it."""
    os.environ[NICE_ENV] = str(nice)
    started = time.perf_counter()
    spec = JobSpec(config, builtin, builtin, f"worker nice {nice}")
    (job_id,) = jobs.submit_jobs([spec], home=home)
    scheduler = JobScheduler(home, most_jobs=1)
    while not jobs.job_view(job_id, home).is_finished:
        scheduler.tick()
        time.sleep(0.1)
    wall = time.perf_counter() - started
    view = jobs.job_view(job_id, home)
    if view.status != "done":
        raise SystemExit(f"the job {view.status}: {view.record.error}")
    return _timings(runs.get_run(view.record.run_id, home).record, wall)


def _timings(record, wall: float) -> dict[str, float]:
    return {
        "train_seconds": record.timings.train_seconds,
        "sequences_per_second": record.timings.sequences_per_second,
        "wall_seconds": round(wall, 2),
    }


def summary(samples: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per side: the median of each timing, and train_seconds relative to in-process."""
    medians = {
        side: {key: round(statistics.median(s[key] for s in rows), 2) for key in rows[0]}
        for side, rows in samples.items()
    }
    base = medians["in-process"]["train_seconds"]
    for row in medians.values():
        row["train_time_vs_in_process"] = round(row["train_seconds"] / base, 3)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--builtin", default="motif")
    parser.add_argument("--arch", default="bilstm")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    config = TrainingConfig(arch=args.arch, epochs=args.epochs, patience=args.epochs, seed=0)
    dataset = load_builtin(args.builtin)
    samples: dict[str, list[dict[str, float]]] = {side: [] for side in SIDES}
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        in_process(dataset, config, home)  # warm-up: TensorFlow's first graph
        for repeat in range(args.repeats):
            samples["in-process"].append(in_process(dataset, config, home))
            samples["worker (nice 10)"].append(in_worker(config, args.builtin, home, 10))
            samples["worker (nice 0)"].append(in_worker(config, args.builtin, home, 0))
            print(repeat + 1, {side: rows[-1] for side, rows in samples.items()}, flush=True)
    result = {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "device": device_name(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "settings": {**vars(args), "output": None, "sequences": len(dataset)},
        "samples": samples,
        "median": summary(samples),
    }
    print(json.dumps(result["median"], indent=2))
    if args.output:
        args.output.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
