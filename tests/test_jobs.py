"""Training jobs in the store: the record's state machine, atomic writes, the queue across
processes, cancel, tidying, and the worker run in this process with a fake trainer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from protviz.core import store
from protviz.core.config import TrainingConfig
from protviz.core.errors import ProtvizError
from protviz.core.job_record import (
    JobError,
    JobRecord,
    JobRecordError,
    JobStateError,
    WorkerInfo,
    check_job_id,
)
from protviz.model import jobs
from protviz.model.jobs import JobQueueFullError, JobSpec
from protviz.model.progress import TrainingCancelled
from protviz.model.worker import (
    IDLE_ENV,
    NICE_ENV,
    THREADS_ENV,
    claim,
    idle_policy,
    run_job,
    thread_counts,
)
from tests.conftest import ROOT
from tests.fake_worker import snapshot

CONFIG = TrainingConfig(arch="mean", epochs=1)


@pytest.fixture(autouse=True)
def _keep_the_test_process_priority(monkeypatch):
    """run_job lowers its process's priority; in this process, keep it as it is (an
    unprivileged process cannot leave SCHED_IDLE once in it)."""
    monkeypatch.setenv(NICE_ENV, "0")
    monkeypatch.setenv(IDLE_ENV, "0")


SPEC = JobSpec(CONFIG, "motif", "motif position (toy)", "tiny mean")


def record(status: str = "queued", **changes) -> JobRecord:
    values = dict(
        job_id="0123456789abcdef", sequence=1, status=status, config=CONFIG,
        dataset_ref="motif", dataset_name="motif toy", run_name="tiny",
        run_id="a" * 24, owner="alice", submitted=100.0,
    )  # fmt: skip
    return JobRecord(**{**values, **changes})


# --------------------------------------------------------------------------- the record


def test_a_job_moves_forward_through_its_states_with_timestamps():
    running = record().moved_to("running", now=110.0, worker=WorkerInfo("h", 42, 7))
    assert (running.status, running.started, running.worker.pid) == ("running", 110.0, 42)
    done = running.moved_to("done", now=130.0)
    assert (done.status, done.started, done.finished) == ("done", 110.0, 130.0)
    assert done.is_finished and not running.is_finished


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("queued", "done"),
        ("queued", "queued"),
        ("running", "queued"),
        ("done", "running"),
        ("failed", "done"),
        ("cancelled", "running"),
    ],
)
def test_the_state_machine_refuses_other_moves(start, target):
    with pytest.raises(JobStateError, match=f"is {start}; it cannot become {target}"):
        record(start).moved_to(target, now=1.0)


def test_a_record_survives_its_json_round_trip():
    original = record("failed", worker=WorkerInfo("h", 42, None), error="boom", finished=5.0)
    assert JobRecord.from_dict(json.loads(json.dumps(original.to_dict()))) == original


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data.pop("config"), "does not describe a training job"),
        (lambda data: data.update(status="paused"), "unknown status 'paused'"),
        (lambda data: data.update(job_id="../../etc"), "not a training job id"),
        (lambda data: data.update(sequence="first"), "does not describe a training job"),
    ],
)
def test_a_damaged_record_is_refused_with_a_message(damage, message):
    data = record().to_dict()
    damage(data)
    with pytest.raises(JobRecordError, match=message):
        JobRecord.from_dict(data)


def test_job_ids_are_checked_before_they_name_a_folder():
    assert check_job_id("0123456789abcdef") == "0123456789abcdef"
    for bad in ("../jobs", "0123456789ABCDEF", "a" * 24, None):
        with pytest.raises(JobError, match="16 lowercase hex digits"):
            check_job_id(bad)


# --------------------------------------------------------------------------- atomic writes


def test_an_atomic_write_replaces_the_whole_file(tmp_path):
    path = tmp_path / "job.json"
    store.write_text_atomically(path, "old")
    store.write_text_atomically(path, "new")
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["job.json"]


def test_an_interrupted_atomic_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "job.json"
    store.write_text_atomically(path, "old")

    def crash(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.write_text_atomically(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["job.json"]


def test_progress_is_written_whole_and_read_back(tmp_path):
    progress = snapshot(2, ({"epoch": 1, "loss": 0.5},))
    jobs.write_progress(tmp_path, progress)
    assert jobs.read_progress(tmp_path) == progress
    (tmp_path / jobs.PROGRESS_FILE).write_text('{"phase": "tr')  # a torn file is never read
    assert jobs.read_progress(tmp_path) is None


# --------------------------------------------------------------------------- the queue


def test_submitted_jobs_queue_in_order_with_their_positions(tmp_path):
    first, second = jobs.submit_jobs([SPEC, SPEC], owner="alice", home=tmp_path)
    (third,) = jobs.submit_jobs([SPEC], home=tmp_path)
    views = jobs.job_views(tmp_path)
    assert [view.job_id for view in views] == [first, second, third]
    assert [view.queue_position for view in views] == [1, 2, 3]
    assert [view.record.sequence for view in views] == [1, 2, 3]
    assert views[0].record.owner == "alice" and views[2].record.owner == ""
    assert len({view.record.run_id for view in views}) == 3


def test_a_full_queue_refuses_all_of_a_submission(tmp_path):
    jobs.submit_jobs([SPEC, SPEC], home=tmp_path, limit=3)
    with pytest.raises(JobQueueFullError, match=r"2 training job.*at most 3"):
        jobs.submit_jobs([SPEC, SPEC], home=tmp_path, limit=3)
    assert len(jobs.list_jobs(tmp_path)) == 2


def test_the_queue_cap_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(jobs.MAX_QUEUED_ENV, "4")
    assert jobs.max_queued() == 4
    monkeypatch.setenv(jobs.MAX_QUEUED_ENV, "many")
    with pytest.raises(JobError, match="PROTVIZ_MAX_QUEUED must be a whole number"):
        jobs.max_queued()


def test_a_bad_data_set_reference_is_refused_at_submission(tmp_path):
    with pytest.raises(ProtvizError, match="not a data set reference"):
        jobs.submit_jobs([JobSpec(CONFIG, "../x", "x", "x")], home=tmp_path)
    assert jobs.list_jobs(tmp_path) == []


SUBMIT_AND_CLAIM = """
import sys, time
from protviz.core.config import TrainingConfig
from protviz.model import jobs
from protviz.model.worker import claim_next
home, phase = sys.argv[1], sys.argv[2]
if phase == "submit":
    spec = jobs.JobSpec(TrainingConfig(arch="mean"), "motif", "toy", "run")
    for _ in range(5):
        print(jobs.submit_jobs([spec], home=home, limit=100)[0], flush=True)
else:
    while (folder := claim_next(home)) is not None:
        print(folder.name, flush=True)
"""


def _in_processes(home: Path, phase: str, count: int = 4) -> list[list[str]]:
    """Run SUBMIT_AND_CLAIM in ``count`` processes at once; the ids each printed."""
    command = [sys.executable, "-c", SUBMIT_AND_CLAIM, str(home), phase]
    processes = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(count)
    ]
    outputs = [process.communicate(timeout=120)[0].split() for process in processes]
    assert all(process.returncode == 0 for process in processes)
    return outputs


def test_the_queue_order_holds_across_processes(tmp_path):
    submitted = _in_processes(tmp_path, "submit")
    order = {record.job_id: record.sequence for record in jobs.list_jobs(tmp_path)}
    assert sorted(order.values()) == list(range(1, 21))  # one place each, none lost
    for ids in submitted:  # each process's jobs queue in the order it submitted them
        assert [order[job_id] for job_id in ids] == sorted(order[job_id] for job_id in ids)

    claimed = _in_processes(tmp_path, "claim")
    every_claim = [job_id for ids in claimed for job_id in ids]
    assert sorted(every_claim) == sorted(order)  # every job taken exactly once
    for ids in claimed:  # and each worker took them oldest first
        assert [order[job_id] for job_id in ids] == sorted(order[job_id] for job_id in ids)
    assert {record.status for record in jobs.list_jobs(tmp_path)} == {"running"}


# --------------------------------------------------------------------------- cancel, tidy


def test_cancel_drops_a_queued_job_and_flags_a_running_one(tmp_path):
    waiting, running = jobs.submit_jobs([SPEC, SPEC], owner="alice", home=tmp_path)
    jobs.change_job(running, lambda r: r.moved_to("running", now=1.0), tmp_path)
    assert jobs.request_cancel(waiting, owner="alice", home=tmp_path)
    assert jobs.job_view(waiting, tmp_path).status == "cancelled"
    assert jobs.request_cancel(running, owner="alice", home=tmp_path)
    view = jobs.job_view(running, tmp_path)
    assert view.status == "running" and view.cancel_requested  # it stops at its next batch
    assert not jobs.request_cancel(waiting, owner="alice", home=tmp_path)  # finished already


def test_only_the_owner_cancels_a_job_but_everyone_sees_it(tmp_path):
    (job_id,) = jobs.submit_jobs([SPEC], owner="alice", home=tmp_path)
    assert not jobs.request_cancel(job_id, owner="mallory", home=tmp_path)
    assert [view.job_id for view in jobs.job_views(tmp_path)] == [job_id]
    assert jobs.job_view(job_id, tmp_path).status == "queued"
    assert jobs.request_cancel(job_id, owner=None, home=tmp_path)  # the command line may


def test_old_finished_jobs_are_tidied_and_active_ones_kept(tmp_path):
    old, recent, active, *many = jobs.submit_jobs([SPEC] * 6, home=tmp_path)
    day = 24 * 3600.0
    for job_id, finished in [(old, 0.0), (recent, 9 * day), *[(j, 9.5 * day) for j in many]]:
        jobs.change_job(job_id, lambda r, t=finished: r.moved_to("cancelled", now=t), tmp_path)
    removed = jobs.tidy_jobs(tmp_path, now=10 * day, keep_days=7, keep_finished=3)
    left = {record.job_id for record in jobs.list_jobs(tmp_path)}
    assert removed == 2 and left == {active, *many}
    assert sorted(p.name for p in jobs.jobs_root(tmp_path).iterdir() if p.name[0] == ".") == [
        ".lock",
        ".sequence",
    ]


def test_an_unknown_job_says_where_it_may_have_gone(tmp_path):
    with pytest.raises(JobError, match="No training job 0123456789abcdef on this server"):
        jobs.job_view("0123456789abcdef", tmp_path)


def test_the_log_tail_keeps_the_last_lines(tmp_path):
    (tmp_path / jobs.LOG_FILE).write_text("".join(f"line {i}\n" for i in range(100)) + "\r\n")
    assert jobs.log_tail(tmp_path, lines=3) == "line 97\nline 98\nline 99"
    assert jobs.log_tail(tmp_path / "missing") == ""


# --------------------------------------------------------------------------- the worker


def trainer_that(outcome: Exception | None = None):
    """A fake trainer that reports two epochs, then raises ``outcome`` (if any)."""
    calls = []

    def train(dataset, config, *, progress, cancel, name, home, run_id):
        calls.append((dataset.name, config.arch, name, run_id))
        progress(snapshot(1))
        progress(snapshot(2, ({"epoch": 1, "loss": 0.5, "val_loss": 0.6},)))
        if outcome is not None:
            raise outcome

    return train, calls


def cancelling_trainer(folder: Path):
    """A fake trainer that asks for its own job to be cancelled, then waits for the flag."""

    def train(dataset, config, *, progress, cancel, name, home, run_id):
        jobs.request_cancel(folder.name, owner=None, home=home)
        deadline = time.monotonic() + 5
        while not cancel.is_set() and time.monotonic() < deadline:
            time.sleep(0.02)
        if cancel.is_set():
            raise TrainingCancelled("cancelled")

    return train


def _queued_folder(home: Path) -> Path:
    (job_id,) = jobs.submit_jobs([SPEC], owner="alice", home=home)
    return jobs.job_folder(job_id, home)


def test_the_worker_trains_records_progress_and_ends_done(tmp_path):
    folder = _queued_folder(tmp_path)
    train, calls = trainer_that()
    with (tmp_path / "log.txt").open("w") as log:
        final = run_job(folder, train, log=log)
    assert final.status == "done" and final.worker.pid == os.getpid()
    assert calls == [("motif position (toy)", "mean", "tiny mean", final.run_id)]
    view = jobs.job_view(final.job_id, tmp_path)
    assert view.progress.epoch == 2
    assert view.history == ({"epoch": 1, "loss": 0.5, "val_loss": 0.6},)
    assert "epoch 2/2" in (tmp_path / "log.txt").read_text()


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (ProtvizError("Training needs at least 2 classes"), "Training needs at least 2 classes"),
        (RuntimeError("disk full"), "Training failed: RuntimeError: disk full"),
    ],
)
def test_a_failing_training_fails_the_job_with_its_message(tmp_path, error, message):
    folder = _queued_folder(tmp_path)
    train, _ = trainer_that(error)
    with (tmp_path / "log.txt").open("w") as log:
        final = run_job(folder, train, log=log)
    assert (final.status, final.error) == ("failed", message)
    traceback_logged = "Traceback" in (tmp_path / "log.txt").read_text()
    assert traceback_logged == isinstance(error, RuntimeError)


def test_the_cancel_flag_stops_the_worker_and_nothing_is_saved(tmp_path):
    folder = _queued_folder(tmp_path)
    with (tmp_path / "log.txt").open("w") as log:
        final = run_job(folder, cancelling_trainer(folder), log=log)
    assert final.status == "cancelled"


def test_a_worker_refuses_a_finished_job_or_another_workers_job(tmp_path):
    folder = _queued_folder(tmp_path)
    other = WorkerInfo("elsewhere", 1, None)
    jobs.change_job(folder.name, lambda r: r.moved_to("running", now=1.0, worker=other), tmp_path)
    with pytest.raises(JobStateError, match="is running"):
        claim(folder)
    jobs.change_job(folder.name, lambda r: r.moved_to("failed", now=2.0), tmp_path)
    with pytest.raises(JobStateError, match="is failed"):
        claim(folder)


RENICE = """
import os, threading
from protviz.model.worker import lower_priority
started = threading.Event()
threading.Thread(target=lambda: (started.set(), threading.Event().wait(5)), daemon=True).start()
started.wait()
print(lower_priority(7, idle=IDLE))
def nice(task):
    stat = open(f"/proc/self/task/{task}/stat").read()
    return int(stat[stat.rindex(")") + 2 :].split()[16])
print(sorted({nice(task) for task in os.listdir("/proc/self/task")}))
print(sorted({os.sched_getscheduler(int(task)) for task in os.listdir("/proc/self/task")}))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux threads")
@pytest.mark.parametrize("idle", [False, True])
def test_the_worker_lowers_the_priority_of_every_thread(idle):
    script = f"IDLE = {idle}\n" + RENICE
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    policy = os.SCHED_IDLE if idle else os.SCHED_OTHER
    # the thread started before is changed too
    assert result.stdout.split("\n")[:3] == ["7", "[7]", f"[{policy}]"]


def test_the_idle_policy_follows_the_setting(monkeypatch):
    assert not idle_policy()  # set to 0 for every test here
    monkeypatch.delenv(IDLE_ENV)
    assert idle_policy() == hasattr(os, "SCHED_IDLE")


def test_thread_counts_follow_the_setting(monkeypatch):
    monkeypatch.setenv(THREADS_ENV, "3")
    assert thread_counts() == (3, 3)
    monkeypatch.delenv(THREADS_ENV)
    assert thread_counts() == (len(os.sched_getaffinity(0)),) * 2
