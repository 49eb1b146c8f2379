"""Read and write per-sequence vectors as CSV, TSV, Parquet or HDF5 files.

Every format holds the same table: ``id``, ``label``, then one column per
feature. HDF5 files hold the datasets ``ids``, ``labels`` and ``vectors`` (plus
``columns``), readable from any language.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from protviz.core.dataset import ProteinDataError

try:
    import h5py
except ImportError:  # Optional (it comes with TensorFlow): only .h5 files need it.
    h5py = None

FORMATS = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".h5": "h5", ".hdf5": "h5"}
"""File name endings and the format each one selects."""


def file_format(path: str | Path) -> str:
    """The format a file name selects.

    Raises:
        ProteinDataError: For an unknown ending.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ProteinDataError(
            f"Cannot tell the format of '{path}': use one of {', '.join(FORMATS)}."
        )
    return FORMATS[suffix]


def write_vectors(
    path: str | Path,
    ids: Sequence[str],
    labels: Sequence[str],
    vectors: np.ndarray,
    columns: Sequence[str],
) -> None:
    """Write one row per sequence: id, label, then the vector's columns.

    Args:
        path: Output file; its ending selects the format.
        ids: Sequence IDs, length ``n``.
        labels: Labels, length ``n``.
        vectors: Shape ``(n, len(columns))``.
        columns: Feature column names.
    """
    kind = file_format(path)
    if kind == "h5":
        _write_h5(path, ids, labels, vectors, columns)
        return
    frame = pd.DataFrame(np.asarray(vectors), columns=list(columns))
    frame.insert(0, "label", list(labels))
    frame.insert(0, "id", list(ids))
    if kind == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, sep="\t" if kind == "tsv" else ",", index=False)


def read_vectors(path: str | Path) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Read a file written by :func:`write_vectors` (or any table with id, label, numbers).

    Args:
        path: The file; its ending selects the format.

    Returns:
        ``(rows, vectors, columns)``: a frame with ``id`` and ``label``, the
        vectors of shape ``(n, features)``, and the feature column names.

    Raises:
        ProteinDataError: If the file is missing, unreadable or has no numeric columns.
    """
    kind = file_format(path)
    if not Path(path).is_file():
        raise ProteinDataError(f"No such file: '{path}'.")
    try:
        if kind == "h5":
            return _read_h5(path)
        if kind == "parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, sep="\t" if kind == "tsv" else ",")
    except (OSError, ValueError, KeyError) as error:
        raise ProteinDataError(f"Cannot read '{path}' as {kind}: {error}") from None
    if "id" not in frame.columns:
        raise ProteinDataError(f"'{path}' has no 'id' column.")
    features = [c for c in frame.columns if c not in ("id", "label")]
    numeric = frame[features].select_dtypes("number").columns.tolist()
    if not numeric or len(numeric) != len(features):
        raise ProteinDataError(
            f"'{path}' must hold 'id', optional 'label', and numeric feature columns."
        )
    labels = frame["label"] if "label" in frame else pd.Series("", index=frame.index)
    rows = pd.DataFrame(
        {
            "id": frame["id"].astype(str),
            "label": labels.astype(object).where(labels.notna(), "").astype(str),
        }
    )
    return rows, frame[numeric].to_numpy(dtype=np.float32), numeric


def _require_h5py(path: str | Path) -> None:
    if h5py is None:
        raise ProteinDataError(
            f"Reading or writing '{path}' needs the package h5py (pip install h5py); "
            "or use .csv, .tsv or .parquet."
        )


def _write_h5(
    path: str | Path,
    ids: Sequence[str],
    labels: Sequence[str],
    vectors: np.ndarray,
    columns: Sequence[str],
) -> None:
    """Write the datasets ``ids``, ``labels``, ``columns`` and ``vectors`` to an HDF5 file."""
    _require_h5py(path)
    text = h5py.string_dtype()
    with h5py.File(path, "w") as handle:
        handle.create_dataset("ids", data=np.asarray(ids, dtype=object), dtype=text)
        handle.create_dataset("labels", data=np.asarray(labels, dtype=object), dtype=text)
        handle.create_dataset("columns", data=np.asarray(columns, dtype=object), dtype=text)
        handle.create_dataset("vectors", data=np.asarray(vectors, dtype=np.float32))


def _read_h5(path: str | Path) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Read an HDF5 file written by :func:`_write_h5`."""
    _require_h5py(path)
    with h5py.File(path, "r") as handle:
        rows = pd.DataFrame(
            {
                "id": handle["ids"].asstr()[:],
                "label": handle["labels"].asstr()[:],
            }
        )
        return rows, np.asarray(handle["vectors"][:]), list(handle["columns"].asstr()[:])
