"""The background job queue, with a fake trainer (fast) and one real training."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from protviz.core.config import TrainingConfig
from protviz.io.builtin import motif_position_dataset
from protviz.model.jobs import JobQueue
from protviz.model.progress import Progress, TrainingCancelled

DATASET = motif_position_dataset(n_pairs=10)
CONFIG = TrainingConfig(arch="mean", epochs=1)


def progress(epoch: int, history: tuple = ()) -> Progress:
    return Progress(
        phase="train", epoch=epoch, epochs=2, batch=1, batches=1, loss=0.5,
        metrics={}, elapsed_seconds=0.1, eta_seconds=1.0, history=history,
    )  # fmt: skip


class FakeTrainer:
    """Blocks until released; reports progress; honours cancel like train()."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.fail = fail
        self.calls = 0

    def __call__(self, dataset, config, *, progress, cancel, name, home):
        self.calls += 1
        self.started.set()
        progress(globals()["progress"](1))
        progress(globals()["progress"](2, ({"loss": 0.5, "val_loss": 0.6},)))
        while not self.release.wait(0.01):
            if cancel.is_set():
                raise TrainingCancelled("cancelled")
        if self.fail is not None:
            raise self.fail
        return SimpleNamespace(run=SimpleNamespace(run_id=f"run{self.calls:020d}"))


def test_a_job_reports_progress_history_and_its_run():
    trainer = FakeTrainer()
    queue = JobQueue(trainer=trainer)
    job = queue.submit(DATASET, CONFIG, owner="alice", name="first")
    assert trainer.started.wait(5)
    view = queue.view(job)
    assert view.status == "running"
    trainer.release.set()
    done = queue.wait(job, timeout=5)
    assert done.status == "done"
    assert done.run_id == "run00000000000000000001"
    assert done.history == ({"loss": 0.5, "val_loss": 0.6},)
    assert done.progress.epoch == 2


def test_jobs_queue_one_at_a_time_with_their_position():
    trainer = FakeTrainer()
    queue = JobQueue(trainer=trainer)
    first = queue.submit(DATASET, CONFIG, owner="alice")
    assert trainer.started.wait(5)
    second = queue.submit(DATASET, CONFIG, owner="bob")
    assert queue.view(second).status == "queued"
    assert queue.view(second).queue_position == 1
    trainer.release.set()
    assert queue.wait(first, timeout=5).status == "done"
    assert queue.wait(second, timeout=5).status == "done"
    assert trainer.calls == 2


def test_cancel_stops_a_running_job_and_drops_a_queued_one():
    trainer = FakeTrainer()
    queue = JobQueue(trainer=trainer)
    running = queue.submit(DATASET, CONFIG, owner="alice")
    assert trainer.started.wait(5)
    waiting = queue.submit(DATASET, CONFIG, owner="alice")
    assert queue.cancel(waiting, "alice")
    assert queue.view(waiting).status == "cancelled"
    assert queue.cancel(running, "alice")
    assert queue.wait(running, timeout=5).status == "cancelled"
    assert trainer.calls == 1


def test_only_the_owner_sees_and_cancels_a_job():
    trainer = FakeTrainer()
    queue = JobQueue(trainer=trainer)
    job = queue.submit(DATASET, CONFIG, owner="alice")
    assert not queue.cancel(job, "mallory")
    assert [view.job_id for view in queue.jobs("alice")] == [job]
    assert queue.jobs("mallory") == []
    trainer.release.set()
    assert queue.wait(job, timeout=5).status == "done"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ValueError("Training needs at least 2 classes"), "Training needs at least 2 classes"),
        (RuntimeError("disk full"), "Training failed: RuntimeError: disk full"),
    ],
)
def test_a_failing_job_keeps_the_message_and_the_worker_survives(error, expected):
    trainer = FakeTrainer(fail=error)
    queue = JobQueue(trainer=trainer)
    job = queue.submit(DATASET, CONFIG, owner="alice")
    trainer.release.set()
    view = queue.wait(job, timeout=5)
    assert view.status == "failed"
    assert view.error == expected
    trainer.fail = None
    again = queue.submit(DATASET, CONFIG, owner="alice")
    assert queue.wait(again, timeout=5).status == "done"


def test_a_real_training_job_saves_a_run(tmp_path):
    from protviz.model import runs

    queue = JobQueue(home=str(tmp_path))
    config = TrainingConfig(arch="mean", epochs=2, embedding_dim=4, units=4, batch_size=16)
    job = queue.submit(DATASET, config, owner="alice", name="tiny")
    view = queue.wait(job, timeout=120)
    assert view.status == "done", view.error
    assert [run.run_id for run in runs.list_runs(tmp_path)] == [view.run_id]
    assert len(view.history) == 2
    assert {"loss", "val_loss"} <= set(view.history[0])
