"""The run store: one folder per trained model under a root folder.

The root is ``models/`` at the repository root, or the folder named by the
``PROTVIZ_HOME`` environment variable, or an explicit ``home`` argument (the
command line's ``--home``); see :func:`protviz.core.store.store_root`. Each
run folder is named by its run id and holds:

- ``model.keras``: the model (loads with ``safe_mode=True``),
- ``run.json``: the run record (:class:`~protviz.core.records.RunRecord`:
  name, architecture, every hyper-parameter, alphabet, class names, data set
  name and hash, split sizes, metrics, per-epoch history, timings, library
  versions, creation time),
- ``predictions.csv``: test-set predictions (``id``, ``true_label``,
  ``predicted_label``, one ``probability:<class>`` column per class, and the
  label each baseline predicts, ``baseline:composition`` and ``baseline:kmer``),
- ``baselines.json``: the baselines fitted on the run's training sequences, as
  JSON arrays (:mod:`protviz.model.baselines`; absent in older runs).

Run ids are random (96 bits, hex) because they appear in share links; the
shipped demo runs have fixed ids ``demo-...``. Every id is checked against
:data:`RUN_ID_PATTERN` before it touches the file system. A run is written to a
temporary folder ``.tmp-*`` inside the root and renamed into place in one step,
so an interrupted training never leaves a half-written run that the store lists.

The record is a typed :class:`~protviz.core.records.RunRecord`. This module
never imports Keras (pages that only list runs stay light); loading a run's
model is :func:`protviz.model.saved.load_model`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from protviz.core.errors import ProtvizError
from protviz.core.records import RECORD_FILE, Metrics, RunRecord, RunRecordError
from protviz.core.store import TEMP_PREFIX, store_root, write_text_atomically

if TYPE_CHECKING:
    import keras

MODEL_FILE = "model.keras"
PREDICTIONS_FILE = "predictions.csv"
BASELINES_FILE = "baselines.json"
PROBABILITY_PREFIX = "probability:"
"""Prefix of the per-class probability columns in ``predictions.csv``."""
BASELINE_PREFIX = "baseline:"
"""Prefix of the columns of ``predictions.csv`` holding a baseline's predicted label."""

RUN_ID_PATTERN = re.compile(r"^(?:[0-9a-f]{24}|demo-[a-z0-9]+(?:-[a-z0-9]+){0,5})$")
"""Valid run ids: 24 lowercase hex digits, or ``demo-`` plus lowercase words."""

MAX_NAME_LENGTH = 120


class RunStoreError(ProtvizError):
    """A run id, name or folder the store cannot use, with what to do instead."""


@dataclass(frozen=True)
class RunInfo:
    """A saved run: where it is and its record.

    Attributes:
        run_id: The folder name.
        path: The run folder.
        record: The content of ``run.json``.
    """

    run_id: str
    path: Path
    record: RunRecord

    @property
    def name(self) -> str:
        """The user-facing name."""
        return self.record.name or self.run_id

    @property
    def arch(self) -> str:
        """The architecture name."""
        return self.record.config.arch

    @property
    def class_names(self) -> list[str]:
        """The class names, in the order of the model's outputs."""
        return list(self.record.class_names)

    @property
    def metrics(self) -> Metrics:
        """Test-set metrics."""
        return self.record.metrics

    @property
    def created(self) -> str:
        """Creation time, ISO 8601 UTC."""
        return self.record.created

    @property
    def model_path(self) -> Path:
        """The ``.keras`` file."""
        return self.path / MODEL_FILE


def new_run_id() -> str:
    """Return a fresh random run id (24 hex digits, 96 random bits)."""
    return secrets.token_hex(12)


def check_run_id(run_id: str) -> str:
    """Validate a run id before it is used as a folder name.

    Args:
        run_id: The id to check.

    Returns:
        The id, unchanged.

    Raises:
        RunStoreError: If the id does not match :data:`RUN_ID_PATTERN`.
    """
    if not isinstance(run_id, str) or not RUN_ID_PATTERN.fullmatch(run_id):
        raise RunStoreError(
            f"{run_id!r} is not a valid run id: expected 24 lowercase hex digits (or a demo id "
            "like 'demo-motif-conv-attention'). Copy the id from `python -m protviz runs` or "
            "the Models page."
        )
    return run_id


def check_name(name: str) -> str:
    """Validate a user-facing run name and collapse its whitespace.

    Args:
        name: The proposed name.

    Returns:
        The name with runs of whitespace collapsed to single spaces.

    Raises:
        RunStoreError: If the name is empty or longer than 120 characters.
    """
    name = " ".join(str(name).split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise RunStoreError(
            f"A run name must be 1 to {MAX_NAME_LENGTH} characters; got {len(name)}."
        )
    return name


def run_path(run_id: str, home: str | os.PathLike | None = None) -> Path:
    """The folder of a saved run.

    Args:
        run_id: The run id.
        home: Store root (see :func:`~protviz.core.store.store_root`).

    Returns:
        The run folder (it holds a ``run.json``).

    Raises:
        RunStoreError: If the id is invalid or no such run exists.
    """
    path = store_root(home) / check_run_id(run_id)
    if not (path / RECORD_FILE).is_file():
        raise RunStoreError(
            f"No run {run_id!r} in {store_root(home)}. It may have been deleted; list the saved "
            "runs to choose another."
        )
    return path


def run_exists(run_id: str, home: str | os.PathLike | None = None) -> bool:
    """Whether a run ``run_id`` is saved (its folder and record exist; nothing is read)."""
    return (
        bool(RUN_ID_PATTERN.fullmatch(str(run_id)))
        and (store_root(home) / run_id / RECORD_FILE).is_file()
    )


def _json_text(record: RunRecord) -> str:
    return json.dumps(record.to_dict(), indent=2, default=str) + "\n"


def save_run(
    model: keras.Model,
    record: RunRecord,
    predictions: pd.DataFrame,
    *,
    home: str | os.PathLike | None = None,
    run_id: str | None = None,
    files: dict[str, str] | None = None,
) -> RunInfo:
    """Save a run atomically: write a ``.tmp-*`` folder, then rename it into place.

    Args:
        model: The trained model.
        record: The run record; ``run_id`` is set here and ``name``
            defaults to the run id.
        predictions: Test-set predictions, one row per test sequence.
        home: Store root (see :func:`~protviz.core.store.store_root`).
        run_id: A fixed id (demo runs); default a new random id.
        files: More files of the run by name, as text (e.g. ``baselines.json``).

    Returns:
        The saved run.

    Raises:
        RunStoreError: If ``run_id`` is invalid or already taken.
    """
    run_id = check_run_id(run_id) if run_id is not None else new_run_id()
    root = store_root(home)
    root.mkdir(parents=True, exist_ok=True)
    final = root / run_id
    if final.exists():
        raise RunStoreError(f"A run {run_id!r} already exists in {root}; delete it first.")
    record = dataclasses.replace(record, run_id=run_id, name=check_name(record.name or run_id))
    temporary = root / f"{TEMP_PREFIX}{secrets.token_hex(6)}"
    temporary.mkdir()
    try:
        model.save(temporary / MODEL_FILE)
        predictions.to_csv(temporary / PREDICTIONS_FILE, index=False)
        for name, text in (files or {}).items():
            (temporary / name).write_text(text, encoding="utf-8")
        (temporary / RECORD_FILE).write_text(_json_text(record), encoding="utf-8")
        os.rename(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return RunInfo(run_id, final, record)


def list_runs(home: str | os.PathLike | None = None) -> list[RunInfo]:
    """List the saved runs, newest first.

    Folders that are temporary, have an invalid id, or lack a readable
    ``run.json`` are ignored; :func:`problem_folders` lists the last kind.

    Args:
        home: Store root (see :func:`~protviz.core.store.store_root`).

    Returns:
        The runs, sorted by creation time, newest first.
    """
    runs: list[RunInfo] = []
    for path in _run_folders(home):
        record, _ = _read_run_folder(path)
        if record is not None:
            runs.append(RunInfo(path.name, path, record))
    return sorted(runs, key=lambda run: (run.created, run.run_id), reverse=True)


def problem_folders(home: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """List the folders that look like runs but that :func:`list_runs` skips.

    A folder looks like a run when its name is a valid run id; it is skipped when
    its ``run.json`` is missing, unreadable, not JSON or not a JSON object, or
    its ``model.keras`` is missing, or its record does not describe a usable run
    (:meth:`~protviz.core.records.RunRecord.from_dict` refuses it).

    Args:
        home: Store root (see :func:`~protviz.core.store.store_root`).

    Returns:
        ``(folder name, what is wrong)`` pairs, sorted by folder name.
    """
    problems = []
    for path in sorted(_run_folders(home)):
        record, reason = _read_run_folder(path)
        if record is None:
            problems.append((path.name, reason))
    return problems


def _run_folders(home: str | os.PathLike | None) -> list[Path]:
    """The store's folders named like runs (temporary folders never are)."""
    root = store_root(home)
    if not root.is_dir():
        return []
    return [p for p in root.iterdir() if p.is_dir() and RUN_ID_PATTERN.fullmatch(p.name)]


def _read_run_folder(path: Path) -> tuple[RunRecord | None, str]:
    """Read a run folder's record: ``(record, '')``, or ``(None, what is wrong)``."""
    try:
        record = json.loads((path / RECORD_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"{RECORD_FILE} is missing"
    except OSError as error:
        return None, f"{RECORD_FILE} cannot be read ({error.strerror or error})"
    except ValueError as error:
        return None, f"{RECORD_FILE} is not valid JSON ({error})"
    if not isinstance(record, dict):
        return None, f"{RECORD_FILE} is not a JSON object"
    if not (path / MODEL_FILE).is_file():
        return None, f"{MODEL_FILE} is missing"
    try:
        return RunRecord.from_dict(record), ""
    except RunRecordError as error:
        return None, str(error)


def get_run(run_id: str, home: str | os.PathLike | None = None) -> RunInfo:
    """Read one run's record.

    Args:
        run_id: The run id.
        home: Store root (see :func:`~protviz.core.store.store_root`).

    Returns:
        The run.

    Raises:
        RunStoreError: If the id is invalid or no such run exists.
    """
    path = run_path(run_id, home)
    try:
        record = RunRecord.from_dict(json.loads((path / RECORD_FILE).read_text(encoding="utf-8")))
    except ValueError as error:  # not JSON, or a RunRecordError
        raise RunStoreError(f"The record of run {run_id!r} is damaged: {error}") from None
    return RunInfo(run_id, path, record)


def load_predictions(run_id: str, home: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read a run's test-set predictions.

    Args:
        run_id: The run id.
        home: Store root (see :func:`~protviz.core.store.store_root`).

    Returns:
        One row per test sequence: ``id``, ``true_label``, ``predicted_label``,
        ``probability:<class>`` columns (numbers) and, for runs saved with
        baselines, ``baseline:<name>`` columns (labels). Labels are read as text
        (a class named ``NA`` stays ``NA``).
    """
    path = run_path(run_id, home) / PREDICTIONS_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in frame.columns:
        if column.startswith(PROBABILITY_PREFIX):
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def rename_run(run_id: str, name: str, home: str | os.PathLike | None = None) -> RunInfo:
    """Change a run's user-facing name (the id and folder stay).

    Args:
        run_id: The run id.
        name: The new name, 1 to 120 characters (whitespace collapsed).
        home: Store root (see :func:`~protviz.core.store.store_root`).

    Returns:
        The run with its updated record.

    Raises:
        RunStoreError: If the id or name is invalid, or no such run exists.
    """
    run = get_run(run_id, home)
    record = dataclasses.replace(run.record, name=check_name(name))
    write_text_atomically(run.path / RECORD_FILE, _json_text(record))
    return RunInfo(run.run_id, run.path, record)


def delete_run(run_id: str, home: str | os.PathLike | None = None) -> None:
    """Delete a run: rename it to a temporary folder (unlisted at once), then remove it.

    Args:
        run_id: The run id.
        home: Store root (see :func:`~protviz.core.store.store_root`).

    Raises:
        RunStoreError: If the id is invalid or no such run exists.
    """
    path = run_path(run_id, home)
    doomed = path.with_name(f"{TEMP_PREFIX}deleted-{secrets.token_hex(6)}")
    os.rename(path, doomed)
    shutil.rmtree(doomed, ignore_errors=True)
