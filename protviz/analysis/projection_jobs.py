"""t-SNE and UMAP of large embeddings in a separate process, cached on disk for everyone.

A projection job is a folder ``$PROTVIZ_HOME/projections/<key>/``, where ``key`` is a
digest of the vectors and of the parameters that change the result, so every session,
server and share link that asks for the same projection finds the same folder:

- ``request.json``: the parameters; ``vectors.npy``: the input (removed when done);
- ``status.json``: ``queued``, ``running``, ``done``, ``failed`` (with the error) or
  ``cancelled``, the current stage and the fraction done, rewritten atomically a few
  times a second;
- ``coordinates.npy`` and ``result.json`` (parameters used, messages, explained
  variance): the result, written only by a job that was not cancelled;
- ``cancel``: the flag a cancel leaves; ``worker.log``: the worker's output.

Finished results are kept while they are used: :func:`tidy_projections` (run whenever a
job is asked for) removes results unused for :data:`KEEP_UNUSED_DAYS` days or beyond the
:data:`KEEP_DONE` most recently used, and failed or cancelled jobs after a day; queued and
running jobs are never touched. A removed projection is simply computed again when asked for.

The worker is ``python -m protviz project-job <folder>`` (:func:`run_projection_job`),
started at lower priority, in its own session, so the server stays responsive and the
job outlives a page that closes. At most one projection runs per store at a time: the
others wait, ``queued``, at most ``$PROTVIZ_MAX_QUEUED_PROJECTIONS`` of them, and start
in the order they were asked for (:func:`advance_projection_queue`, called when a job is
asked for, ends or is cancelled, and by the pages that wait for one). Nothing here is
ever unpickled: arrays are ``.npy`` read with ``allow_pickle=False``, the rest is JSON.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from protviz.analysis.projection import Projection, ProjectionParams, project
from protviz.core.errors import ProtvizError
from protviz.core.job_record import WorkerInfo
from protviz.core.store import TEMP_PREFIX, exclusive_lock, store_root, write_text_atomically
from protviz.model.jobs import whole_number_setting
from protviz.model.processes import current_worker, process_start, this_host, worker_alive
from protviz.model.scheduler import PROJECT_ROOT, worker_environment

PROJECTIONS_FOLDER = "projections"
"""The store's sub-folder of projection jobs."""

BACKGROUND_POINTS_ENV = "PROTVIZ_BACKGROUND_POINTS"
"""Environment variable: from how many points t-SNE and UMAP run in the background."""

DEFAULT_BACKGROUND_POINTS = 20_000
"""From this many points (by default) t-SNE and UMAP run in the background."""

MAX_QUEUED_ENV = "PROTVIZ_MAX_QUEUED_PROJECTIONS"
"""Environment variable: the most projections waiting at once in the store."""

DEFAULT_MAX_QUEUED = 4
"""Default of :data:`MAX_QUEUED_ENV`."""

QUEUE_LOCK = ".lock"
"""The lock file (in the projections folder) held to start or queue a job."""

WAITING_STAGE = "waiting for another projection"
"""The stage of a queued job."""

STATUS_SECONDS = 0.5
"""Most often a running job rewrites its status (a new stage is written at once)."""

STATES = ("queued", "running", "done", "failed", "cancelled")
"""What a job's status says; a folder with no status has no job ("none")."""

KEEP_UNUSED_DAYS = 30.0
"""A finished projection not drawn for this many days is tidied away."""

KEEP_DONE = 200
"""The most finished projections kept (the most recently drawn first)."""

KEEP_ENDED_HOURS = 24.0
"""Failed and cancelled jobs (and folders with no job) are tidied away after this long."""

USED_TOUCH_SECONDS = 3600.0
"""Drawing a result marks it used at most this often (a write per draw is not needed)."""


class ProjectionQueueFullError(ProtvizError):
    """Too many projections wait already: nothing was queued."""


Command = Callable[[Path], list[str]]
"""The command line that runs the job in a folder."""


def background_points() -> int:
    """From how many points t-SNE and UMAP run in the background
    (``$PROTVIZ_BACKGROUND_POINTS``, default :data:`DEFAULT_BACKGROUND_POINTS`)."""
    return whole_number_setting(BACKGROUND_POINTS_ENV, DEFAULT_BACKGROUND_POINTS, minimum=1)


def max_queued_projections() -> int:
    """The most projections that may wait at once (``$PROTVIZ_MAX_QUEUED_PROJECTIONS``,
    default :data:`DEFAULT_MAX_QUEUED`)."""
    return whole_number_setting(MAX_QUEUED_ENV, DEFAULT_MAX_QUEUED, minimum=1)


def vectors_digest(vectors: np.ndarray) -> str:
    """A digest of the vectors as the job sees them (float32, their shape included)."""
    values = np.ascontiguousarray(vectors, dtype=np.float32)
    digest = hashlib.sha256(str(values.shape).encode())
    digest.update(memoryview(values).cast("B"))
    return digest.hexdigest()


def projection_folder(
    digest: str, params: ProjectionParams, home: str | os.PathLike | None = None
) -> Path:
    """The job folder of these vectors (by digest) and parameters (those that matter).

    Args:
        digest: :func:`vectors_digest` of the vectors.
        params: The projection.
        home: The store root (default: :func:`protviz.core.store.store_root`).

    Returns:
        The folder (not created).
    """
    described = json.dumps(params.relevant(), sort_keys=True)
    key = hashlib.sha256(f"{digest}\n{described}".encode()).hexdigest()[:32]
    return projections_root(home) / key


def projections_root(home: str | os.PathLike | None = None) -> Path:
    """The folder of every projection job of the store (not created)."""
    return store_root(home) / PROJECTIONS_FOLDER


@dataclass(frozen=True)
class JobState:
    """Where a projection job stands.

    Attributes:
        state: ``none`` (never asked for), ``queued``, ``running``, ``done``, ``failed``
            or ``cancelled``.
        stage: What it is doing (``optimising the layout, epoch 40 of 200``).
        fraction: How much is done, 0-1 (None: not known).
        error: Why it failed.
        seconds: Seconds since it started (queued: since it was asked for).
        position: A queued job's place in the queue (1: the next to start); else 0.
    """

    state: str = "none"
    stage: str = ""
    fraction: float | None = None
    error: str = ""
    seconds: float = 0.0
    position: int = 0

    @property
    def settled(self) -> bool:
        """Whether the job has ended (or was never asked for)."""
        return self.state not in ("queued", "running")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write_status(folder: Path, state: str, **fields: object) -> None:
    status = _read_json(folder / "status.json") | {"state": state, **fields}
    write_text_atomically(folder / "status.json", json.dumps(status))


def job_state(folder: Path) -> JobState:
    """The state of the job in ``folder``; a running job whose worker is gone is marked
    failed (with the end of its log)."""
    status = _read_json(folder / "status.json")
    if status.get("state") not in STATES:
        return JobState()
    if status["state"] == "running" and not _worker_running(status):
        with exclusive_lock(folder / "lock"):
            _settle_gone_worker(folder)
        return job_state(folder)
    since = status.get("started", status.get("queued", time.time()))
    return JobState(
        state=status["state"],
        stage=status.get("stage", ""),
        fraction=status.get("fraction"),
        error=status.get("error", ""),
        seconds=time.time() - float(since),
        position=_queue_position(folder) if status["state"] == "queued" else 0,
    )


def _queue_position(folder: Path) -> int:
    """A queued job's place in its store's queue (1: the next to start)."""
    statuses = {other: _read_json(other / "status.json") for other in _job_folders(folder.parent)}
    queued = [other for other, status in statuses.items() if status.get("state") == "queued"]
    in_line = sorted(queued, key=lambda other: (statuses[other].get("queued", 0.0), other.name))
    return in_line.index(folder) + 1 if folder in in_line else 0


def _queued_at(folder: Path) -> float:
    """When a job was asked for (0 when not known)."""
    return float(_read_json(folder / "status.json").get("queued", 0.0))


def _settle_gone_worker(folder: Path) -> str:
    """Mark a running job whose worker is gone failed (the caller holds the lock); return
    the job's state."""
    status = _read_json(folder / "status.json")
    if status.get("state") == "running" and not _worker_running(status):
        reason = "The projection process stopped without a result. " + _log_tail(folder)
        _write_status(folder, "failed", error=reason.strip())
        return "failed"
    return status.get("state", "none")


def _worker_running(status: dict) -> bool:
    """Whether the worker a status names is alive (a worker on another machine: yes)."""
    worker = status.get("worker")
    if not worker:
        return False
    info = WorkerInfo(worker["host"], int(worker["pid"]), worker.get("process_start"))
    return worker_alive(info) is not False


def _log_tail(folder: Path, characters: int = 400) -> str:
    with contextlib.suppress(FileNotFoundError):
        text = (folder / "worker.log").read_text(encoding="utf-8", errors="replace").strip()
        return text[-characters:]
    return ""


def worker_command(folder: Path) -> list[str]:
    """``python -m protviz project-job <folder>`` with this interpreter."""
    return [sys.executable, "-m", "protviz", "project-job", str(folder)]


_CHILDREN: dict[Path, subprocess.Popen] = {}
"""Workers this process started (polled, so that an ended one is reaped)."""


def start_projection_job(
    folder: Path,
    vectors: np.ndarray,
    params: ProjectionParams,
    command: Command = worker_command,
) -> JobState:
    """Ask for the projection of ``vectors``, unless it waits, runs or is done already.

    The job starts at once in a separate process when no other projection runs in the
    store; else it waits, ``queued``, for those asked for before it. A failed or
    cancelled job is asked for afresh.

    Args:
        folder: The job folder (:func:`projection_folder` of these vectors and parameters).
        vectors: Shape ``(n_points, n_features)``.
        params: The projection.
        command: The worker's command line (tests may run another).

    Returns:
        The job's state just after.

    Raises:
        ProjectionQueueFullError: If :func:`max_queued_projections` jobs wait already
            (nothing is written).
    """
    for child in list(_CHILDREN.values()):
        child.poll()
    root = folder.parent
    with exclusive_lock(root / QUEUE_LOCK):
        if _settled_state(folder) not in ("queued", "running", "done"):
            _check_room(root)
            _queue(folder, vectors, params)
            _start_next(root, command)
        _tidy(root, time.time(), KEEP_UNUSED_DAYS, KEEP_DONE, keep=folder)
    return job_state(folder)


def advance_projection_queue(root: Path, command: Command = worker_command) -> None:
    """Start the job that waits longest in ``root`` (a projections folder) if none runs
    there; a running job whose worker is gone is marked failed first."""
    if root.is_dir():
        with exclusive_lock(root / QUEUE_LOCK):
            _start_next(root, command)


def _settled_state(folder: Path) -> str:
    """The job's state, a running job whose worker is gone marked failed first."""
    if not (folder / "status.json").is_file():
        return "none"
    with exclusive_lock(folder / "lock"):
        return _settle_gone_worker(folder)


def _check_room(root: Path) -> None:
    """Refuse a new job when the queue is full (call with the queue lock held)."""
    waiting = sum(_settled_state(folder) == "queued" for folder in _job_folders(root))
    limit = max_queued_projections()
    if waiting >= limit:
        raise ProjectionQueueFullError(
            f"{waiting} projection(s) are already waiting, and this server queues at most "
            f"{limit} ({MAX_QUEUED_ENV}). Wait for one to finish, or cancel one, then try again."
        )


def _job_folders(root: Path) -> list[Path]:
    """The job folders in ``root`` (none when it does not exist; not those being deleted)."""
    if not root.is_dir():
        return []
    return [
        folder
        for folder in root.iterdir()
        if folder.is_dir() and not folder.name.startswith(TEMP_PREFIX)
    ]


def _queue(folder: Path, vectors: np.ndarray, params: ProjectionParams) -> None:
    """Write a job's input and mark it queued (call with the queue lock held)."""
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(folder / "lock"):
        for name in ("cancel", "coordinates.npy", "result.json", "worker.log"):
            (folder / name).unlink(missing_ok=True)
        np.save(folder / "vectors.npy", np.asarray(vectors, dtype=np.float32))
        write_text_atomically(folder / "request.json", json.dumps(asdict(params)))
        status = {"state": "queued", "stage": WAITING_STAGE, "fraction": 0.0, "queued": time.time()}
        write_text_atomically(folder / "status.json", json.dumps(status))


def _start_next(root: Path, command: Command) -> None:
    """Start the job that waits longest unless one runs (call with the queue lock held)."""
    states = {folder: _settled_state(folder) for folder in _job_folders(root)}
    if "running" in states.values():
        return
    waiting = [folder for folder, state in states.items() if state == "queued"]
    if waiting:
        _launch(min(waiting, key=lambda folder: (_queued_at(folder), folder.name)), command)


def _launch(folder: Path, command: Command) -> None:
    """Start the worker of a queued job and mark it running."""
    with exclusive_lock(folder / "lock"), (folder / "worker.log").open("ab") as log:
        child = subprocess.Popen(
            command(folder),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
            env=worker_environment(),
            start_new_session=True,
        )
        _CHILDREN[folder] = child
        worker = WorkerInfo(this_host(), child.pid, process_start(child.pid))
        _write_status(folder, "running", stage="starting", fraction=0.0, started=time.time(),
                      worker=worker.to_dict())  # fmt: skip


def cancel_projection_job(folder: Path, command: Command = worker_command) -> JobState:
    """Stop a running or queued job: its worker is ended and no result is kept; the next
    job in the queue starts (with ``command``)."""
    with exclusive_lock(folder / "lock"):
        status = _read_json(folder / "status.json")
        if status.get("state") not in ("queued", "running"):
            return job_state(folder)
        (folder / "cancel").touch()
        if _worker_running(status) and status["worker"]["host"] == this_host():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(int(status["worker"]["pid"]), signal.SIGTERM)
        for name in ("coordinates.npy", "result.json", "vectors.npy"):
            (folder / name).unlink(missing_ok=True)
        _write_status(folder, "cancelled", stage="cancelled")
    child = _CHILDREN.pop(folder, None)
    if child is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5)
    advance_projection_queue(folder.parent, command)
    return job_state(folder)


def forget_projection_job(folder: Path) -> None:
    """Forget a failed or cancelled job, so that the next start runs it afresh (a running
    or finished job is kept)."""
    with exclusive_lock(folder / "lock"):
        if _settle_gone_worker(folder) in ("failed", "cancelled"):
            (folder / "status.json").unlink(missing_ok=True)


def load_projection_result(folder: Path) -> Projection:
    """The result of a job that is done (arrays read without pickle).

    Raises:
        ProtvizError: If the folder holds no result.
    """
    if job_state(folder).state != "done":
        raise ProtvizError(f"The projection in {folder} has no result yet.")
    result = _read_json(folder / "result.json")
    coordinates = np.load(folder / "coordinates.npy", allow_pickle=False)
    _mark_used(folder)
    return Projection(
        coordinates,
        ProjectionParams(**result["params"]),
        tuple(result["messages"]),
        tuple(result["explained_variance"]),
    )


class _StatusWriter:
    """The worker's progress callable: rewrites the status now and then."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written_at = 0.0
        self.stage = ""

    def __call__(self, stage: str, fraction: float | None) -> None:
        now = time.monotonic()
        new_stage = stage.split(",")[0] != self.stage.split(",")[0]
        if not new_stage and now - self.written_at < STATUS_SECONDS:
            return
        self.written_at, self.stage = now, stage
        with exclusive_lock(self.folder / "lock"):
            if _read_json(self.folder / "status.json").get("state") == "running":
                _write_status(self.folder, "running", stage=stage, fraction=fraction)


def run_projection_job(folder: Path, command: Command = worker_command) -> JobState:
    """Run the job in ``folder`` in this process (the body of ``project-job``), then start
    the next job of the queue (with ``command``).

    The result is written unless the job was cancelled meanwhile; an error ends the job
    ``failed`` with its message (a :class:`ProtvizError`'s text, else its type and text,
    with the traceback in the log). A job already done or cancelled is left as it is.

    Raises:
        ProtvizError: If ``folder`` holds no projection job.
    """
    if job_state(folder).state in ("done", "cancelled"):
        return job_state(folder)
    if not (folder / "request.json").is_file() or not (folder / "vectors.npy").is_file():
        raise ProtvizError(
            f"{folder} holds no projection job (request.json and vectors.npy): name a "
            f"folder under $PROTVIZ_HOME/{PROJECTIONS_FOLDER}/ that the app queued."
        )
    try:
        _run(folder)
    finally:
        advance_projection_queue(folder.parent, command)
    return job_state(folder)


def _run(folder: Path) -> None:
    """Project the job's vectors; write the result, or why it failed."""
    with exclusive_lock(folder / "lock"):
        started = _read_json(folder / "status.json").get("started", time.time())
        _write_status(
            folder, "running", worker=current_worker().to_dict(), started=started, error=""
        )
    try:
        params = ProjectionParams(**_read_json(folder / "request.json"))
        vectors = np.load(folder / "vectors.npy", allow_pickle=False)
        projection = project(vectors, params, _StatusWriter(folder))
    except Exception as error:  # every failure is reported in the status
        traceback.print_exc()
        message = (
            str(error) if isinstance(error, ProtvizError) else f"{type(error).__name__}: {error}"
        )
        with exclusive_lock(folder / "lock"):
            if not (folder / "cancel").exists():
                _write_status(folder, "failed", error=message)
        return
    _save_result(folder, projection)


def _save_result(folder: Path, projection: Projection) -> None:
    """Write the result and mark the job done, unless it was cancelled."""
    with exclusive_lock(folder / "lock"):
        if (folder / "cancel").exists():
            return
        np.save(folder / "coordinates.npy", projection.coordinates)
        result = {
            "params": asdict(projection.params),
            "messages": list(projection.messages),
            "explained_variance": list(projection.explained_variance),
        }
        write_text_atomically(folder / "result.json", json.dumps(result))
        (folder / "vectors.npy").unlink(missing_ok=True)
        _write_status(folder, "done", stage="done", fraction=1.0)


# --------------------------------------------------------------------------- tidying


def tidy_projections(
    root: Path,
    *,
    now: float | None = None,
    keep_days: float = KEEP_UNUSED_DAYS,
    keep_done: int = KEEP_DONE,
) -> int:
    """Remove old projection jobs from ``root`` (a projections folder).

    Finished results not drawn for ``keep_days`` days, and all but the ``keep_done`` most
    recently drawn, go; failed and cancelled jobs (and folders with no job) go
    :data:`KEEP_ENDED_HOURS` hours after they ended. Queued and running jobs stay.

    Args:
        root: The projections folder (:func:`projections_root`); nothing happens if it
            does not exist.
        now: The time to judge ages by (default: now).
        keep_days: Days an unused result is kept.
        keep_done: The most results kept.

    Returns:
        The number of job folders removed.
    """
    if not root.is_dir():
        return 0
    with exclusive_lock(root / QUEUE_LOCK):
        return _tidy(root, time.time() if now is None else now, keep_days, keep_done)


def _tidy(
    root: Path, now: float, keep_days: float, keep_done: int, keep: Path | None = None
) -> int:
    """:func:`tidy_projections` with the queue lock held; ``keep`` is never removed."""
    done: list[tuple[float, Path]] = []
    doomed: list[Path] = []
    for folder in _job_folders(root):
        if folder == keep:
            continue
        state = _settled_state(folder)
        if state == "done":
            done.append((_last_used(folder), folder))
        elif state not in ("queued", "running") and (
            now - _modified(folder / "status.json", folder) > KEEP_ENDED_HOURS * 3600
        ):
            doomed.append(folder)
    done.sort(reverse=True)
    cutoff = now - keep_days * 24 * 3600
    doomed += [
        folder for rank, (used, folder) in enumerate(done) if rank >= keep_done or used < cutoff
    ]
    for folder in doomed:
        trash = root / f"{TEMP_PREFIX}deleted-{folder.name}"
        os.rename(folder, trash)
        shutil.rmtree(trash, ignore_errors=True)
    return len(doomed)


def _modified(path: Path, fallback: Path) -> float:
    """When ``path`` was last written (``fallback``'s time if it does not exist)."""
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return fallback.stat().st_mtime


def _last_used(folder: Path) -> float:
    """When a finished projection was last drawn (or written)."""
    return _modified(folder / "result.json", folder)


def _mark_used(folder: Path) -> None:
    """Note that a result was drawn now (at most once per :data:`USED_TOUCH_SECONDS`)."""
    with contextlib.suppress(OSError):
        if time.time() - _last_used(folder) > USED_TOUCH_SECONDS:
            os.utime(folder / "result.json")
