"""The server's scheduler: workers as processes, one at a time, faults settled as failed jobs.

Most tests run the fake worker (``tests.fake_worker``: the real worker code with a
trainer that waits for a ``release`` file); the last one trains a real model through
``python -m protviz job run``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from protviz.core.config import TrainingConfig
from protviz.core.job_record import WorkerInfo
from protviz.model import jobs, runs
from protviz.model.jobs import JobSpec
from protviz.model.processes import current_worker, process_start, this_host, worker_alive
from protviz.model.scheduler import JobScheduler, settle_gone_worker
from tests.conftest import copy_demo_run
from tests.fake_worker import FAIL_FILE, RELEASE_FILE

SPEC = JobSpec(TrainingConfig(arch="mean", epochs=1), "motif", "motif toy", "tiny mean")
TIMEOUT = 60


def fake_command(folder: Path) -> list[str]:
    return [sys.executable, "-m", "tests.fake_worker", str(folder)]


def scheduler(home: Path, most_jobs: int = 1) -> JobScheduler:
    return JobScheduler(home, most_jobs=most_jobs, command=fake_command)


def tick_until(schedule: JobScheduler, job_id: str, condition, home: Path) -> jobs.JobView:
    """Tick until ``condition(view)`` holds (fails after TIMEOUT seconds)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        schedule.tick()
        view = jobs.job_view(job_id, home)
        if condition(view):
            return view
        assert time.monotonic() < deadline, f"job {job_id} stuck: {view.status}"
        time.sleep(0.1)


def has_progress(view: jobs.JobView) -> bool:
    return view.progress is not None and view.progress.epoch == 2


def release(job_id: str, home: Path) -> None:
    (jobs.job_folder(job_id, home) / RELEASE_FILE).touch()


def finished(view: jobs.JobView) -> bool:
    return view.is_finished


@pytest.fixture
def cleanup_workers(tmp_path):
    """Kill any worker a test leaves running (none should be left)."""
    yield
    for record in jobs.list_jobs(tmp_path):
        if record.status == "running" and record.worker and worker_alive(record.worker):
            os.kill(record.worker.pid, signal.SIGKILL)


def test_jobs_run_one_at_a_time_in_queue_order(tmp_path, cleanup_workers):
    schedule = scheduler(tmp_path)
    first, second = jobs.submit_jobs([SPEC, SPEC], home=tmp_path)
    view = tick_until(schedule, first, has_progress, tmp_path)
    assert view.status == "running" and view.record.worker.pid != os.getpid()
    assert jobs.job_view(second, tmp_path).status == "queued"
    assert jobs.job_view(second, tmp_path).queue_position == 1
    release(first, tmp_path)
    release(second, tmp_path)
    assert tick_until(schedule, first, finished, tmp_path).status == "done"
    assert tick_until(schedule, second, finished, tmp_path).status == "done"
    assert jobs.log_tail(jobs.job_folder(second, tmp_path)).endswith(": done.")
    deadline = time.monotonic() + TIMEOUT
    while schedule.tick():  # until its workers have exited: then the thread would end
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_the_background_thread_runs_the_queue_and_ends_when_idle(tmp_path, cleanup_workers):
    schedule = JobScheduler(tmp_path, most_jobs=1, command=fake_command, interval=0.05)
    (job_id,) = jobs.submit_jobs([SPEC], home=tmp_path)
    release(job_id, tmp_path)
    schedule.ensure_running()
    assert jobs.wait_for(job_id, TIMEOUT, tmp_path).status == "done"
    deadline = time.monotonic() + TIMEOUT
    while schedule.is_running:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_two_workers_at_once_with_max_jobs_two(tmp_path, cleanup_workers):
    schedule = scheduler(tmp_path, most_jobs=2)
    first, second, third = jobs.submit_jobs([SPEC, SPEC, SPEC], home=tmp_path)
    tick_until(schedule, second, has_progress, tmp_path)
    assert jobs.job_view(first, tmp_path).status == "running"
    assert jobs.job_view(third, tmp_path).queue_position == 1
    for job_id in (first, second, third):
        release(job_id, tmp_path)
    assert tick_until(schedule, third, finished, tmp_path).status == "done"


def test_two_servers_sharing_a_store_never_start_a_job_twice(tmp_path, cleanup_workers):
    one, other = scheduler(tmp_path), scheduler(tmp_path)
    first, second = jobs.submit_jobs([SPEC, SPEC], home=tmp_path)
    one.tick()
    other.tick()  # same machine: its one slot is taken by the first server's worker
    assert jobs.job_view(first, tmp_path).status == "running"
    assert jobs.job_view(second, tmp_path).status == "queued"
    release(first, tmp_path)
    release(second, tmp_path)
    tick_until(one, first, finished, tmp_path)
    assert tick_until(other, second, finished, tmp_path).status == "done"


def test_cancel_stops_a_running_worker_and_a_queued_job_never_starts(tmp_path, cleanup_workers):
    schedule = scheduler(tmp_path)
    running, waiting = jobs.submit_jobs([SPEC, SPEC], owner="alice", home=tmp_path)
    tick_until(schedule, running, has_progress, tmp_path)
    assert jobs.request_cancel(waiting, owner="alice", home=tmp_path)
    assert jobs.request_cancel(running, owner="alice", home=tmp_path)
    assert tick_until(schedule, running, finished, tmp_path).status == "cancelled"
    schedule.tick()
    view = jobs.job_view(waiting, tmp_path)
    assert view.status == "cancelled" and view.record.worker is None


def test_a_failing_worker_fails_its_job_and_the_next_one_runs(tmp_path, cleanup_workers):
    schedule = scheduler(tmp_path)
    bad, good = jobs.submit_jobs([SPEC, SPEC], home=tmp_path)
    (jobs.job_folder(bad, tmp_path) / FAIL_FILE).write_text("Training needs at least 2 classes")
    release(bad, tmp_path)
    release(good, tmp_path)
    view = tick_until(schedule, bad, finished, tmp_path)
    assert (view.status, view.record.error) == ("failed", "Training needs at least 2 classes")
    assert tick_until(schedule, good, finished, tmp_path).status == "done"


def test_a_worker_killed_by_sigkill_becomes_a_failed_job_with_the_reason(tmp_path, cleanup_workers):
    schedule = scheduler(tmp_path)
    killed, waiting = jobs.submit_jobs([SPEC, SPEC], home=tmp_path)
    view = tick_until(schedule, killed, has_progress, tmp_path)
    os.kill(view.record.worker.pid, signal.SIGKILL)  # as the out-of-memory killer does
    view = tick_until(schedule, killed, finished, tmp_path)
    assert view.status == "failed"
    assert "killed (SIGKILL)" in view.record.error and "out of memory" in view.record.error
    assert "epoch 2/2" in jobs.log_tail(jobs.job_folder(killed, tmp_path))
    assert not runs.run_exists(view.record.run_id, tmp_path)
    tick_until(schedule, waiting, lambda v: v.status == "running", tmp_path)
    release(waiting, tmp_path)
    assert tick_until(schedule, waiting, finished, tmp_path).status == "done"


def test_a_restarted_server_adopts_a_live_worker_and_fails_a_gone_one(tmp_path, cleanup_workers):
    first_server = scheduler(tmp_path)
    job_id, waiting = jobs.submit_jobs([SPEC, SPEC], home=tmp_path)
    view = tick_until(first_server, job_id, has_progress, tmp_path)
    restarted = scheduler(tmp_path)  # a new server process knows no children
    restarted.tick()
    assert jobs.job_view(job_id, tmp_path).status == "running"  # still alive: left running
    os.kill(view.record.worker.pid, signal.SIGKILL)  # the first server never looks again
    view = tick_until(restarted, job_id, finished, tmp_path)
    assert view.status == "failed" and "gone without recording an outcome" in view.record.error
    release(waiting, tmp_path)  # the queued job still runs
    assert tick_until(restarted, waiting, finished, tmp_path).status == "done"


def test_a_worker_gone_after_saving_its_run_ends_done(tmp_path):
    (job_id,) = jobs.submit_jobs([SPEC], home=tmp_path)
    run_id = jobs.read_job(jobs.job_folder(job_id, tmp_path)).run_id
    copy_demo_run(tmp_path, "demo-motif-mean").rename(tmp_path / run_id)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    gone = WorkerInfo(this_host(), int(dead.stdout), None)
    jobs.change_job(job_id, lambda r: r.moved_to("running", now=1.0, worker=gone), tmp_path)
    settle_gone_worker(job_id, "gone", tmp_path)
    assert jobs.job_view(job_id, tmp_path).status == "done"


def test_a_worker_is_known_by_pid_and_start_time():
    me = current_worker()
    assert me.process_start == process_start(os.getpid())
    assert worker_alive(me) is True
    assert worker_alive(WorkerInfo(me.host, me.pid, (me.process_start or 0) + 1)) is False
    assert worker_alive(WorkerInfo("another-machine", me.pid, None)) is None


def test_a_real_training_job_runs_in_a_worker_process_and_saves_its_run(tmp_path):
    config = TrainingConfig(arch="mean", epochs=2, embedding_dim=4, units=4, batch_size=16)
    (job_id,) = jobs.submit_jobs([JobSpec(config, "motif", "toy", "tiny")], home=tmp_path)
    schedule = JobScheduler(tmp_path, most_jobs=1)  # python -m protviz job run
    view = tick_until(schedule, job_id, finished, tmp_path)
    log = jobs.log_tail(jobs.job_folder(job_id, tmp_path))
    assert view.status == "done", f"{view.record.error}\n{log}"
    assert [run.run_id for run in runs.list_runs(tmp_path)] == [view.record.run_id]
    assert len(view.history) == 2 and {"loss", "val_loss"} <= set(view.history[0])
    assert runs.get_run(view.record.run_id, tmp_path).name == "tiny"
