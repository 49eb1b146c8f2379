"""Background projections: a job folder per (vectors, parameters), run in another process,
cached on disk for every later caller, cancellable, and reporting its failures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from protviz.analysis import projection_jobs as jobs
from protviz.analysis.projection import ProjectionParams
from protviz.core.errors import ProtvizError
from tests.conftest import ROOT

TSNE = ProjectionParams(method="tsne", perplexity=5, seed=0)


def vectors(n_points: int = 60, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n_points, 5)).astype(np.float32)


def folder_of(points: np.ndarray, params: ProjectionParams, home: Path) -> Path:
    return jobs.projection_folder(jobs.vectors_digest(points), params, home)


def wait_until_settled(folder: Path, timeout: float = 240) -> jobs.JobState:
    deadline = time.monotonic() + timeout
    while not (state := jobs.job_state(folder)).settled:
        assert time.monotonic() < deadline, f"still {state}"
        time.sleep(0.5)
    return state


def never_run(folder: Path) -> list[str]:
    raise AssertionError("a second worker was started")


def test_the_folder_depends_on_the_vectors_and_the_parameters_that_matter(tmp_path):
    points = vectors()
    umap = ProjectionParams(method="umap")
    assert folder_of(points, umap, tmp_path) == folder_of(points.copy(), umap, tmp_path)
    # Perplexity does not change a UMAP; n_neighbors and other vectors do.
    assert folder_of(points, umap, tmp_path) == folder_of(
        points, ProjectionParams(method="umap", perplexity=50), tmp_path
    )
    assert folder_of(points, umap, tmp_path) != folder_of(
        points, ProjectionParams(method="umap", n_neighbors=5), tmp_path
    )
    assert folder_of(points, umap, tmp_path) != folder_of(vectors(seed=1), umap, tmp_path)
    assert folder_of(points, umap, tmp_path).parent == tmp_path / "projections"


def test_a_background_projection_completes_and_is_reused_from_disk(tmp_path):
    points = vectors()
    folder = folder_of(points, TSNE, tmp_path)
    assert jobs.job_state(folder).state == "none"
    assert jobs.start_projection_job(folder, points, TSNE).state == "running"
    state = wait_until_settled(folder)
    assert state.state == "done", state
    projection = jobs.load_projection_result(folder)
    assert projection.coordinates.shape == (60, 2)
    assert np.isfinite(projection.coordinates).all()
    assert projection.params.perplexity == 5
    assert not (folder / "vectors.npy").exists()
    # A second caller (another session, a share link) finds the result: no new worker.
    again = jobs.start_projection_job(
        folder_of(points.copy(), TSNE, tmp_path), points, TSNE, never_run
    )
    assert again.state == "done"
    assert np.array_equal(jobs.load_projection_result(folder).coordinates, projection.coordinates)


def sleeper(folder: Path) -> list[str]:
    return [sys.executable, "-c", "import time; time.sleep(120)"]


def test_cancel_stops_the_worker_and_leaves_no_result(tmp_path):
    points = vectors()
    folder = folder_of(points, TSNE, tmp_path)
    assert jobs.start_projection_job(folder, points, TSNE, sleeper).state == "running"
    # Starting it again while it runs starts nothing.
    assert jobs.start_projection_job(folder, points, TSNE, never_run).state == "running"
    state = jobs.cancel_projection_job(folder)
    assert state.state == "cancelled"
    assert jobs.job_state(folder).state == "cancelled"
    assert not (folder / "coordinates.npy").exists() and not (folder / "result.json").exists()
    with pytest.raises(ProtvizError, match="no result"):
        jobs.load_projection_result(folder)


def test_a_failed_projection_reports_its_error(tmp_path):
    points = vectors()
    points[3, 2] = np.nan
    folder = folder_of(points, TSNE, tmp_path)
    jobs.start_projection_job(folder, points, TSNE)
    state = wait_until_settled(folder)
    assert state.state == "failed"
    assert "NaN or infinite" in state.error


def test_a_worker_that_dies_without_a_word_fails_the_job_with_its_output(tmp_path):
    points = vectors()
    folder = folder_of(points, TSNE, tmp_path)

    def crashing(job_folder: Path) -> list[str]:
        return [sys.executable, "-c", "import sys; print('out of memory'); sys.exit(9)"]

    jobs.start_projection_job(folder, points, TSNE, crashing)
    state = wait_until_settled(folder, timeout=60)
    assert state.state == "failed"
    assert "stopped without a result" in state.error and "out of memory" in state.error


def test_background_points_come_from_the_environment(monkeypatch):
    monkeypatch.delenv(jobs.BACKGROUND_POINTS_ENV, raising=False)
    assert jobs.background_points() == jobs.DEFAULT_BACKGROUND_POINTS
    monkeypatch.setenv(jobs.BACKGROUND_POINTS_ENV, "500")
    assert jobs.background_points() == 500


# --- One at a time, the others queued --------------------------------------------------


def test_one_projection_runs_at_a_time_and_the_others_wait_in_order(tmp_path):
    points = [vectors(seed=seed) for seed in (1, 2, 3)]
    first, second, third = (folder_of(p, TSNE, tmp_path) for p in points)
    assert jobs.start_projection_job(first, points[0], TSNE, sleeper).state == "running"
    waiting = jobs.start_projection_job(second, points[1], TSNE, never_run)
    assert (waiting.state, waiting.stage, waiting.position) == ("queued", jobs.WAITING_STAGE, 1)
    assert not waiting.settled
    assert jobs.start_projection_job(third, points[2], TSNE, never_run).position == 2
    # Asking again for a job that waits queues nothing more.
    assert jobs.start_projection_job(second, points[1], TSNE, never_run).position == 1
    # The running one ends (here: cancelled): the one that waited longest starts.
    jobs.cancel_projection_job(first, sleeper)
    assert jobs.job_state(second).state == "running"
    assert jobs.job_state(third).position == 1
    # A waiting job can be cancelled: it leaves the queue and its input.
    assert jobs.cancel_projection_job(third, never_run).state == "cancelled"
    assert not (third / "vectors.npy").exists()
    jobs.cancel_projection_job(second, never_run)
    assert jobs.job_state(second).state == "cancelled"


def test_a_full_queue_refuses_a_projection_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(jobs.MAX_QUEUED_ENV, "1")
    points = [vectors(seed=seed) for seed in (1, 2, 3)]
    first, second, third = (folder_of(p, TSNE, tmp_path) for p in points)
    jobs.start_projection_job(first, points[0], TSNE, sleeper)
    assert jobs.start_projection_job(second, points[1], TSNE, never_run).state == "queued"
    message = r"1 projection\(s\) are already waiting, and this server queues at most 1 "
    with pytest.raises(jobs.ProjectionQueueFullError, match=message + r"\(PROTVIZ_MAX_QUEUED"):
        jobs.start_projection_job(third, points[2], TSNE, never_run)
    assert jobs.job_state(third).state == "none" and not third.exists()
    jobs.cancel_projection_job(second, never_run)
    jobs.cancel_projection_job(first, never_run)


def test_the_queue_moves_on_when_the_running_worker_dies(tmp_path):
    points = [vectors(seed=seed) for seed in (1, 2)]
    first, second = (folder_of(p, TSNE, tmp_path) for p in points)
    jobs.start_projection_job(first, points[0], TSNE, sleeper)
    jobs.start_projection_job(second, points[1], TSNE, never_run)
    worker = json.loads((first / "status.json").read_text())["worker"]
    os.killpg(int(worker["pid"]), signal.SIGKILL)  # e.g. out of memory
    assert wait_until_settled(first, timeout=60).state == "failed"
    jobs.advance_projection_queue(first.parent, sleeper)  # what a waiting page does
    assert jobs.job_state(second).state == "running"
    jobs.cancel_projection_job(second, never_run)


# --- python -m protviz project-job -----------------------------------------------------


def project_job(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "protviz", "project-job", str(folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def no_worker(folder: Path) -> list[str]:
    return [sys.executable, "-c", "pass"]


def test_project_job_exits_with_status_2_and_the_reason_when_the_projection_fails(tmp_path):
    points = vectors()
    points[3, 2] = np.inf
    folder = folder_of(points, TSNE, tmp_path)
    jobs.start_projection_job(folder, points, TSNE, no_worker)
    ended = project_job(folder)
    assert ended.returncode == 2, ended
    assert "failed" in ended.stderr and "NaN or infinite" in ended.stderr
    assert jobs.job_state(folder).state == "failed"
    nothing = project_job(tmp_path / "projections" / "nothing")
    assert nothing.returncode == 2 and "holds no projection job" in nothing.stderr
    assert not (tmp_path / "projections" / "nothing").exists()


def test_project_job_exits_with_status_0_when_the_projection_is_done(tmp_path):
    points = vectors()
    folder = folder_of(points, TSNE, tmp_path)
    jobs.start_projection_job(folder, points, TSNE, no_worker)
    ended = project_job(folder)
    assert ended.returncode == 0, ended
    assert ended.stdout.strip().endswith(": done")
    assert jobs.load_projection_result(folder).coordinates.shape == (60, 2)


DAY = 24 * 3600.0


def fake_job(root: Path, name: str, state: str, age: float) -> Path:
    """A job folder in ``state`` whose status (and result) were last written ``age`` ago."""
    folder = root / name
    folder.mkdir(parents=True)
    status: dict = {"state": state, "queued": time.time() - age}
    if state == "running":  # this very process is its worker: alive
        status["worker"] = jobs.current_worker().to_dict()
    (folder / "status.json").write_text(json.dumps(status))
    written = [folder / "status.json"]
    if state == "done":
        np.save(folder / "coordinates.npy", np.zeros((3, 2), dtype=np.float32))
        result = {"params": {"method": "pca"}, "messages": [], "explained_variance": []}
        (folder / "result.json").write_text(json.dumps(result))
        written += [folder / "coordinates.npy", folder / "result.json"]
    for path in written:
        os.utime(path, (time.time() - age, time.time() - age))
    return folder


def test_tidying_removes_unused_results_and_old_failures_but_never_a_live_job(tmp_path):
    root = tmp_path / "projections"
    fresh = fake_job(root, "fresh", "done", age=DAY)
    stale = fake_job(root, "stale", "done", age=40 * DAY)
    new_failure = fake_job(root, "new_failure", "failed", age=3600)
    old_failure = fake_job(root, "old_failure", "failed", age=2 * DAY)
    old_cancel = fake_job(root, "old_cancel", "cancelled", age=2 * DAY)
    running = fake_job(root, "running", "running", age=60 * DAY)
    queued = fake_job(root, "queued", "queued", age=60 * DAY)
    assert jobs.tidy_projections(root) == 3
    for gone in (stale, old_failure, old_cancel):
        assert not gone.exists()
    for kept in (fresh, new_failure, running, queued):
        assert kept.exists()
    assert sorted(path.name for path in root.iterdir() if path.is_dir()) == sorted(
        ["fresh", "new_failure", "running", "queued"]
    )


def test_tidying_keeps_the_most_recently_drawn_results(tmp_path):
    root = tmp_path / "projections"
    older = fake_job(root, "older", "done", age=3 * DAY)
    newer = fake_job(root, "newer", "done", age=2 * DAY)
    # Drawing the older one marks it used, so it is now the one kept.
    assert jobs.load_projection_result(older).coordinates.shape == (3, 2)
    assert jobs.tidy_projections(root, keep_done=1) == 1
    assert older.exists() and not newer.exists()
    # A missing folder is nothing to tidy.
    assert jobs.tidy_projections(tmp_path / "nowhere") == 0
