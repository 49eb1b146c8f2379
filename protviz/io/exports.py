"""Exports of per-sequence vectors for the tools biologists share views in.

- The TensorFlow Embedding Projector (projector.tensorflow.org): a vectors TSV
  without header, a metadata TSV with a header row, and ``projector_config.json``
  naming both (:func:`projector_files`; as three files or one zip).
- A projection's coordinates as CSV: ``ID``, ``label``, ``prediction``, ``x``,
  ``y`` (and ``z``) (:func:`coordinates_csv`).
- HDF5 in the bio_embeddings layout that ProtSpace reads: one dataset per
  protein at the root, with the ID in the attribute ``original_id``
  (:func:`bio_embeddings_h5`); :mod:`protviz.io.embedding_files` reads it back.

Every export is returned as bytes, ready for a download button or a file.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from protviz.core.dataset import Dataset
from protviz.core.errors import ProtvizError

PROJECTOR_VECTORS = "vectors.tsv"
PROJECTOR_METADATA = "metadata.tsv"
PROJECTOR_CONFIG = "projector_config.json"
COORDINATE_AXES = ("x", "y", "z")
_UNSAFE_TEXT = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


class ExportError(ProtvizError):
    """An export that cannot be made from what it was given."""


@dataclass(frozen=True)
class ProjectorFiles:
    """The three files the TensorFlow Embedding Projector loads.

    Attributes:
        vectors_tsv: One tab-separated row of numbers per point, no header.
        metadata_tsv: A header row, then one row per point (same order).
        config_json: ``projector_config.json`` naming the other two.
    """

    vectors_tsv: bytes
    metadata_tsv: bytes
    config_json: bytes

    def files(self) -> dict[str, bytes]:
        """File name -> content."""
        return {
            PROJECTOR_VECTORS: self.vectors_tsv,
            PROJECTOR_METADATA: self.metadata_tsv,
            PROJECTOR_CONFIG: self.config_json,
        }

    def zip_bytes(self) -> bytes:
        """The three files in one zip archive."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.files().items():
                archive.writestr(name, content)
        return buffer.getvalue()

    def write(self, folder: str | Path) -> list[Path]:
        """Write the three files into ``folder`` (created if missing); return their paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, content in self.files().items():
            (folder / name).write_bytes(content)
            paths.append(folder / name)
        return paths


def projector_metadata(
    dataset: Dataset,
    *,
    rows: Sequence[int] | np.ndarray | None = None,
    predictions: Sequence[str] | None = None,
    confidence: Sequence[float] | np.ndarray | None = None,
) -> pd.DataFrame:
    """The metadata table of a Projector export: what each point is.

    Args:
        dataset: The data set the points come from.
        rows: Indices of the points' sequences (default: every sequence, in order).
        predictions: Predicted class per point (omitted without a model).
        confidence: Probability of the predicted class per point.

    Returns:
        Columns ``ID``, ``label``, ``prediction`` and ``confidence`` (when given),
        ``length``, then the data set's metadata columns; one row per point.
    """
    rows = np.arange(len(dataset)) if rows is None else np.asarray(rows, dtype=np.int64)
    frame = pd.DataFrame(
        {
            "ID": np.asarray(dataset.ids, dtype=object)[rows],
            "label": np.asarray(dataset.labels, dtype=object)[rows],
        }
    )
    if predictions is not None:
        frame["prediction"] = list(predictions)
    if confidence is not None:
        frame["confidence"] = np.round(np.asarray(confidence, dtype=float), 4)
    frame["length"] = dataset.lengths[rows]
    metadata = dataset.metadata.reset_index(drop=True).iloc[rows].reset_index(drop=True)
    extra = [column for column in metadata.columns if str(column) not in frame.columns]
    return pd.concat([frame, metadata[extra]], axis=1)


def projector_files(
    vectors: np.ndarray, metadata: pd.DataFrame, *, tensor_name: str = "protviz"
) -> ProjectorFiles:
    """Build the Projector's vectors TSV, metadata TSV and config.

    Args:
        vectors: Shape ``(n, d)``.
        metadata: ``n`` rows (e.g. from :func:`projector_metadata`); tabs and line
            breaks in its values and column names become spaces.
        tensor_name: The name the Projector shows for the tensor.

    Returns:
        The three files as bytes.

    Raises:
        ExportError: If the vectors are not 2-D or their count differs from the metadata's.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(metadata):
        raise ExportError(
            f"A Projector export needs one vector per metadata row; got vectors of shape "
            f"{vectors.shape} and {len(metadata)} metadata rows."
        )
    config = {
        "embeddings": [
            {
                "tensorName": tensor_name,
                "tensorShape": [int(vectors.shape[0]), int(vectors.shape[1])],
                "tensorPath": PROJECTOR_VECTORS,
                "metadataPath": PROJECTOR_METADATA,
            }
        ]
    }
    return ProjectorFiles(
        vectors_tsv=_vectors_tsv(vectors),
        metadata_tsv=_metadata_tsv(metadata),
        config_json=json.dumps(config, indent=2).encode(),
    )


def estimated_projector_bytes(count: int, dimensions: int) -> int:
    """About how large the Projector files of ``count`` vectors of ``dimensions`` numbers are
    (before zipping): each number takes about 12 characters with its tab, each metadata row
    a hundred or so."""
    return count * (dimensions * 12 + 100)


def _vectors_tsv(vectors: np.ndarray) -> bytes:
    """Tab-separated numbers, one row per vector, exact for float32 (9 significant digits)."""
    buffer = io.BytesIO()
    np.savetxt(buffer, vectors, fmt="%.9g", delimiter="\t", newline="\n")
    return buffer.getvalue()


def sanitise_text(value: object) -> str:
    """A value as one TSV field: missing values empty, tabs and line breaks as spaces."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).translate(_UNSAFE_TEXT)


def _metadata_tsv(metadata: pd.DataFrame) -> bytes:
    """A header row and one row per point, every field sanitised."""
    lines = ["\t".join(sanitise_text(column) for column in metadata.columns)]
    lines += [
        "\t".join(sanitise_text(value) for value in row)
        for row in metadata.itertuples(index=False, name=None)
    ]
    return ("\n".join(lines) + "\n").encode()


def coordinates_csv(
    ids: Sequence[str],
    labels: Sequence[str],
    coordinates: np.ndarray,
    *,
    predictions: Sequence[str] | None = None,
) -> bytes:
    """A projection's coordinates as CSV: ID, label, [prediction], x, y [, z].

    Args:
        ids: Sequence IDs, length ``n``.
        labels: Their labels.
        coordinates: Shape ``(n, 2)`` or ``(n, 3)``.
        predictions: Predicted labels (the column is left out when None).

    Returns:
        UTF-8 CSV with a header row.

    Raises:
        ExportError: If the coordinates are not 2-D or 3-D points, one per ID.
    """
    coordinates = np.asarray(coordinates)
    if coordinates.ndim != 2 or coordinates.shape[1] not in (2, 3) or len(coordinates) != len(ids):
        raise ExportError(
            f"Coordinates must have shape ({len(ids)}, 2) or ({len(ids)}, 3); got "
            f"{coordinates.shape}."
        )
    frame = pd.DataFrame({"ID": list(ids), "label": list(labels)})
    if predictions is not None:
        frame["prediction"] = list(predictions)
    for axis, column in zip(COORDINATE_AXES, coordinates.T, strict=False):
        frame[axis] = column
    return frame.to_csv(index=False).encode()


def bio_embeddings_h5(ids: Sequence[str], vectors: np.ndarray) -> bytes:
    """HDF5 in the bio_embeddings layout: one dataset per protein, attribute ``original_id``.

    The dataset's name is the ID itself, or the ID's MD5 hash when the ID cannot
    be an HDF5 name (it holds ``/`` or is ``.``); readers take ``original_id``.

    Args:
        ids: Unique sequence IDs, length ``n``.
        vectors: Shape ``(n, d)``; written as float32.

    Returns:
        The HDF5 file's bytes.

    Raises:
        ExportError: If the IDs are not unique or do not match the vectors.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or len(ids) != len(vectors) or len(set(ids)) != len(ids):
        raise ExportError(
            f"An HDF5 export needs unique IDs, one per vector; got {len(ids)} IDs "
            f"({len(set(ids))} distinct) and vectors of shape {vectors.shape}."
        )
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        for seq_id, vector in zip(ids, vectors, strict=True):
            dataset = handle.create_dataset(_hdf5_key(seq_id), data=vector)
            dataset.attrs["original_id"] = seq_id
    return buffer.getvalue()


def _hdf5_key(seq_id: str) -> str:
    """An HDF5 dataset name for an ID: the ID, or its MD5 where the ID is not a valid name."""
    if "/" in seq_id or seq_id in (".", ""):
        return hashlib.md5(seq_id.encode(), usedforsecurity=False).hexdigest()
    return seq_id
