"""Share runs as files: download one run as a zip, upload a run zip or a bare ``.keras``.

An upload is checked completely before the store changes: the zip must be
intact and hold only a run's files; the model must load with
``safe_mode=True`` (so a ``Lambda`` layer or other arbitrary code is refused);
its input must be protviz's amino-acid tokens; and its ``run.json`` must be a
complete record (:meth:`~protviz.core.records.RunRecord.from_dict`) that
describes it (class count, alphabet, architecture). Its ``baselines.json``, when
present, is read as JSON (never unpickled) and must describe baselines of the
run's classes. Only then is it saved, under a fresh random run id, with the
store's atomic write.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import tempfile
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import keras
import pandas as pd

from protviz.core.alphabet import PROTEIN_ALPHABET
from protviz.core.config import TrainingConfig
from protviz.core.records import DatasetRef, RunRecord, RunRecordError
from protviz.model import runs
from protviz.model.architectures import ATTENTION_LAYER
from protviz.model.baselines import BaselineError, baselines_from_json
from protviz.model.encoding import PAD_ID, VOCAB_SIZE
from protviz.model.runs import (
    BASELINE_PREFIX,
    BASELINES_FILE,
    MODEL_FILE,
    PREDICTIONS_FILE,
    RECORD_FILE,
    RunInfo,
    RunStoreError,
)
from protviz.model.saved import load_model_file

MAX_ARCHIVE_BYTES = 200 * 2**20
"""Largest run zip or ``.keras`` file accepted (compressed and uncompressed)."""

_KERAS_MEMBERS = {"config.json", "metadata.json"}


class RunArchiveError(RunStoreError):
    """An uploaded run or model that protviz refuses, with the reason and what to do."""


def export_run(run_id: str, home: str | os.PathLike | None = None) -> bytes:
    """Pack a saved run into one zip: ``model.keras``, ``run.json``, ``predictions.csv``
    and, when the run has them, ``baselines.json``.

    Args:
        run_id: The run id.
        home: Store root (see :func:`protviz.core.store.store_root`).

    Returns:
        The zip file's bytes.
    """
    run = runs.get_run(run_id, home)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in (MODEL_FILE, RECORD_FILE, PREDICTIONS_FILE, BASELINES_FILE):
            path = run.path / member
            if path.is_file():
                archive.write(path, arcname=member)
    return buffer.getvalue()


def import_run(
    data: bytes,
    filename: str,
    *,
    home: str | os.PathLike | None = None,
) -> RunInfo:
    """Validate an uploaded run zip or bare ``.keras`` file and add it to the store.

    Args:
        data: The uploaded bytes.
        filename: The uploaded file's name (for messages and the run name).
        home: Store root (see :func:`protviz.core.store.store_root`).

    Returns:
        The new run (a fresh random id; the original id is kept as ``imported_from``).

    Raises:
        RunArchiveError: If the file is not a usable, safe protviz model; the
            store is unchanged.
    """
    if not data:
        raise RunArchiveError(f"'{filename}' is empty.")
    if len(data) > MAX_ARCHIVE_BYTES:
        raise RunArchiveError(
            f"'{filename}' is {len(data) / 2**20:.0f} MB; the limit is "
            f"{MAX_ARCHIVE_BYTES / 2**20:.0f} MB."
        )
    members = _open_zip(data, filename)
    if set(members) >= _KERAS_MEMBERS:
        model_bytes, record, predictions, baselines = data, None, None, None
    else:
        model_bytes, record, predictions, baselines = _run_members(members, filename)
    model = _load_safely(model_bytes, filename)
    num_classes = _check_model(model, filename)
    if record is None:
        record = _record_for_bare_model(model, filename, num_classes)
    else:
        _check_record(record, model, num_classes, filename)
    predictions_frame = _predictions(predictions, record, filename)
    files = (
        {} if baselines is None else {BASELINES_FILE: _baselines_text(baselines, record, filename)}
    )
    record = dataclasses.replace(
        record,
        imported_from=record.run_id,
        imported=datetime.now(UTC).isoformat(timespec="seconds"),
        run_id=None,
    )
    return runs.save_run(model, record, predictions_frame, home=home, files=files)


def _open_zip(data: bytes, filename: str) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if total > MAX_ARCHIVE_BYTES:
                raise RunArchiveError(
                    f"'{filename}' unpacks to {total / 2**20:.0f} MB; the limit is "
                    f"{MAX_ARCHIVE_BYTES / 2**20:.0f} MB."
                )
            return {info.filename: archive.read(info) for info in infos if not info.is_dir()}
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise RunArchiveError(
            f"'{filename}' is not a readable zip file ({error}). It may be truncated or "
            "corrupt: download the run again. protviz accepts a run zip (from the Models "
            "page's download button) or a .keras model file."
        ) from None


def _run_members(
    members: dict[str, bytes], filename: str
) -> tuple[bytes, RunRecord, bytes | None, bytes | None]:
    """The model, record, predictions and baselines of a run zip (the last two optional)."""
    by_name: dict[str, bytes] = {}
    for name, content in members.items():
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or len(path.parts) > 2:
            raise RunArchiveError(
                f"'{filename}' contains the path {name!r}, which is not part of a protviz run. "
                "Upload the zip exactly as the Models page downloaded it."
            )
        if path.name in by_name:
            raise RunArchiveError(f"'{filename}' contains {path.name!r} twice.")
        by_name[path.name] = content
    missing = [m for m in (MODEL_FILE, RECORD_FILE) if m not in by_name]
    if missing:
        raise RunArchiveError(
            f"'{filename}' is not a protviz run: it lacks {', '.join(missing)}. A run zip "
            f"holds {MODEL_FILE}, {RECORD_FILE} and {PREDICTIONS_FILE}."
        )
    try:
        record = json.loads(by_name[RECORD_FILE].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RunArchiveError(f"{RECORD_FILE} in '{filename}' is not valid JSON: {error}") from None
    if not isinstance(record, dict):
        raise RunArchiveError(f"{RECORD_FILE} in '{filename}' must hold a JSON object.")
    try:
        parsed = RunRecord.from_dict(record)
    except RunRecordError as error:
        raise RunArchiveError(f"'{filename}' is not a usable protviz run: {error}") from None
    return (
        by_name[MODEL_FILE],
        parsed,
        by_name.get(PREDICTIONS_FILE),
        by_name.get(BASELINES_FILE),
    )


def _baselines_text(content: bytes, record: RunRecord, filename: str) -> str:
    """The uploaded ``baselines.json``, once it reads as baselines of the run's classes.

    It is parsed as JSON and rebuilt from plain arrays; nothing is unpickled.
    """
    try:
        text = content.decode("utf-8")
        baselines = baselines_from_json(json.loads(text), f"{BASELINES_FILE} in '{filename}'")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RunArchiveError(
            f"{BASELINES_FILE} in '{filename}' is not valid JSON: {error}"
        ) from None
    except BaselineError as error:
        raise RunArchiveError(f"'{filename}' holds unusable baselines: {error}") from None
    for name, baseline in baselines.items():
        foreign = sorted(set(baseline.class_names) - set(record.class_names))
        if foreign:
            raise RunArchiveError(
                f"{BASELINES_FILE} in '{filename}' does not match its run: the {name} baseline "
                f"predicts {', '.join(foreign[:5])}, which are not classes of the run."
            )
    return text


def _load_safely(model_bytes: bytes, filename: str) -> keras.Model:
    with tempfile.TemporaryDirectory(prefix="protviz-upload-") as folder:
        path = Path(folder) / MODEL_FILE
        path.write_bytes(model_bytes)
        try:
            return load_model_file(path)
        except Exception as error:  # Keras raises many types for bad files
            text = str(error)
            if "Lambda" in text or "safe_mode" in text:
                raise RunArchiveError(
                    f"'{filename}' contains a Lambda layer or other arbitrary Python code. "
                    "protviz loads models with safe_mode=True and never runs such code; "
                    "rebuild the model from protviz's architectures."
                ) from None
            raise RunArchiveError(
                f"The model in '{filename}' cannot be loaded as a Keras 3 model "
                f"({type(error).__name__}: {text[:300]}). Upload a .keras file saved by "
                "protviz (Keras 3)."
            ) from None


def _check_model(model: keras.Model, filename: str) -> int:
    """Check the model reads protviz tokens and outputs class probabilities."""
    embeddings = [layer for layer in model.layers if isinstance(layer, keras.layers.Embedding)]
    if len(model.inputs) != 1 or len(model.inputs[0].shape) != 2 or not embeddings:
        raise RunArchiveError(
            f"The model in '{filename}' does not read amino-acid tokens: protviz models take "
            "one input of token ids (batch, length) into an Embedding layer."
        )
    input_dim = embeddings[0].input_dim
    if input_dim != VOCAB_SIZE:
        raise RunArchiveError(
            f"The model in '{filename}' expects {input_dim} input tokens, but protviz's "
            f"alphabet has {VOCAB_SIZE} (padding plus {PROTEIN_ALPHABET}). It was trained "
            "on another encoding and cannot read protviz's sequences."
        )
    output_shape = model.outputs[0].shape
    if len(model.outputs) != 1 or len(output_shape) != 2 or not output_shape[-1]:
        raise RunArchiveError(
            f"The model in '{filename}' does not output one probability per class."
        )
    return int(output_shape[-1])


def _check_record(record: RunRecord, model: keras.Model, num_classes: int, filename: str) -> None:
    """Check run.json describes the model it came with (the record itself is complete)."""
    if len(record.class_names) != num_classes:
        raise RunArchiveError(
            f"{RECORD_FILE} in '{filename}' does not match its model: it lists "
            f"{len(record.class_names)} class names, the model outputs {num_classes} classes."
        )
    if record.alphabet != PROTEIN_ALPHABET:
        raise RunArchiveError(
            f"{RECORD_FILE} in '{filename}' uses the alphabet {record.alphabet!r}, not "
            f"protviz's {PROTEIN_ALPHABET!r}."
        )
    arch = record.config.arch
    has_attention = any(layer.name == ATTENTION_LAYER for layer in model.layers)
    if has_attention != (arch == "conv_attention"):
        raise RunArchiveError(
            f"{RECORD_FILE} in '{filename}' does not match its model: it says {arch!r}, but "
            f"the model {'has' if has_attention else 'has no'} attention layer."
        )


def _infer_arch(model: keras.Model) -> str:
    names = {layer.name for layer in model.layers}
    kinds = {type(layer).__name__ for layer in model.layers}
    if ATTENTION_LAYER in names:
        return "conv_attention"
    if "Bidirectional" in kinds:
        return "bilstm"
    if "LSTM" in kinds:
        return "lstm"
    return "mean"


def _record_for_bare_model(model: keras.Model, filename: str, num_classes: int) -> RunRecord:
    """A record for a bare ``.keras`` upload: what the model shows, generic class names.

    Only the architecture and the embedding size are known; the other
    hyper-parameters are :class:`~protviz.core.config.TrainingConfig` defaults,
    and the model is applied without truncation.
    """
    embedding = next(layer for layer in model.layers if type(layer).__name__ == "Embedding")
    return RunRecord(
        name=f"{Path(filename).stem} (uploaded model)",
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        config=TrainingConfig(
            arch=_infer_arch(model), embedding_dim=int(embedding.output_dim), max_length=None
        ),
        alphabet=PROTEIN_ALPHABET,
        pad_id=PAD_ID,
        class_names=[f"class {i}" for i in range(num_classes)],
        dataset=DatasetRef(name="unknown (bare .keras upload)"),
        parameters=int(model.count_params()),
        notes=["Uploaded as a bare .keras file: class names, data set and metrics are unknown."],
    )


def _predictions(content: bytes | None, record: RunRecord, filename: str) -> pd.DataFrame:
    columns = ["id", "true_label", "predicted_label"] + [
        f"{runs.PROBABILITY_PREFIX}{name}" for name in record.class_names
    ]
    if content is None:
        return pd.DataFrame(columns=columns)
    try:
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as error:
        raise RunArchiveError(f"{PREDICTIONS_FILE} in '{filename}' is not a CSV: {error}") from None
    extra = list(frame.columns)[len(columns) :]
    if list(frame.columns)[: len(columns)] != columns or not all(
        column.startswith(BASELINE_PREFIX) for column in extra
    ):
        raise RunArchiveError(
            f"{PREDICTIONS_FILE} in '{filename}' has the columns {list(frame.columns)[:6]}, "
            f"not those of its run ({columns[:6]}..., then {BASELINE_PREFIX}<name> columns)."
        )
    for column in columns[3:]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame
