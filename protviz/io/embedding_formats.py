"""How each format of per-protein embedding file is told apart, read and checked.

:func:`read_embedding_file` tells the format by the file's first bytes (never by
its name) and reads:

- HDF5 as bio_embeddings and ProtSpace write it: one dataset per protein at the
  file's root, shape ``(d,)`` (or ``(1, d)``), named by the sequence ID or by the
  MD5 of the sequence with the ID in the attribute ``original_id``; also this
  project's own layout (datasets ``ids`` and ``vectors``, :mod:`protviz.io.vectors`).
- ``.npz``: arrays ``ids`` and ``vectors``, or one array per protein named by its ID.
- CSV, TSV or Parquet: an ID column (one named ``id``, ``identifier`` or
  ``protein_id`` in any case, else the first column), then numeric columns (a
  ``label`` column, as protviz writes, is ignored).

Refused, each with a message that says what is wrong, where (key, row, column)
and how to fix it: empty files, files over the upload limit
(``PROTVIZ_MAX_UPLOAD_MB``), archives (zip, gzip, tar, 7z, ...), pickles (never
unpickled: ``np.load(..., allow_pickle=False)``), bare ``.npy`` arrays,
unknown formats, HDF5 groups, links, external storage and large attributes,
non-numeric values, vectors of different lengths, NaN and infinite values,
repeated IDs, and per-residue embeddings (an ``(L, d)`` array per protein):
those are refused, not averaged, because whether to average and over which
positions (the language model's start and end tokens or not) is the user's
decision; bio_embeddings writes per-protein vectors with ``reduce: True``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pandas as pd

from protviz.core.errors import ProtvizError
from protviz.io.fasta import Limits

ID_COLUMNS = ("id", "identifier", "protein_id")
"""Names (in any case) of the ID column of a table; else the first column is the ID."""
IGNORED_COLUMNS = ("label",)
"""Table columns that are not part of the vector (protviz's own vector files have one)."""
MAX_ATTRIBUTE_BYTES = 4096
"""Largest HDF5 attribute accepted, in bytes (an ID needs a few dozen)."""
MAX_ATTRIBUTES = 32
"""Most attributes one HDF5 dataset may carry."""

_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_NPY_MAGIC = b"\x93NUMPY"
_PARQUET_MAGIC = b"PAR1"
_ARCHIVE_MAGICS = (
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
)
_PREVIEW = 3
_FORMATS_TEXT = "HDF5 (.h5), .npz, CSV, TSV or Parquet"


class EmbeddingFileError(ProtvizError):
    """An embedding file protviz cannot use: what is wrong, where, and how to fix it."""


@dataclass(frozen=True)
class EmbeddingTable:
    """A per-protein embedding file as read, before matching to a data set.

    Attributes:
        filename: The file's name, for messages and the saved record.
        source_format: ``hdf5 (bio_embeddings)``, ``hdf5 (protviz)``, ``npz``,
            ``csv``, ``tsv`` or ``parquet``.
        ids: One ID per vector, unique, in file order.
        vectors: Shape ``(m, d)``, float32, finite.
    """

    filename: str
    source_format: str
    ids: tuple[str, ...]
    vectors: np.ndarray


def read_embedding_file(
    source: bytes | str | Path, filename: str | None = None, *, limits: Limits | None = None
) -> EmbeddingTable:
    """Read a per-protein embedding file, whatever its format (told by its content).

    Args:
        source: The file's bytes or its path.
        filename: The file's name when ``source`` is bytes.
        limits: Size limits; defaults to :meth:`Limits.from_env`.

    Returns:
        The IDs and vectors, checked: unique IDs, one length, finite numbers.

    Raises:
        EmbeddingFileError: For any problem, saying what, where and how to fix it.
    """
    limits = limits or Limits.from_env()
    data, name = _read_bytes(source, filename, limits)
    kind = detect_format(data, name)
    raw = _READERS[kind](data, name, limits)
    return _checked(raw, name)


def _read_bytes(
    source: bytes | str | Path, filename: str | None, limits: Limits
) -> tuple[bytes, str]:
    """The file's bytes and name, refusing empty files and files over the upload limit."""
    if isinstance(source, bytes):
        name = filename or "the embedding file"
        _check_size(len(source), name, limits)
        data = source
    else:
        path = Path(source)
        name = filename or path.name
        try:
            _check_size(path.stat().st_size, name, limits)  # before reading it
            data = path.read_bytes()
        except OSError as error:
            raise EmbeddingFileError(f"Cannot read '{path}': {error.strerror}.") from None
    if not data.strip():
        raise EmbeddingFileError(
            f"'{name}' is empty. Export the per-protein embeddings again ({_FORMATS_TEXT})."
        )
    return data, name


def _check_size(size: int, name: str, limits: Limits) -> None:
    """Refuse a file over the upload limit (``PROTVIZ_MAX_UPLOAD_MB``)."""
    if size > limits.max_upload_bytes:
        raise EmbeddingFileError(
            f"'{name}' is {size / 2**20:.1f} MB, over the {limits.max_upload_bytes / 2**20:.0f} "
            "MB upload limit. Keep only the proteins of this data set, store vectors as 32-bit "
            "floats, or raise PROTVIZ_MAX_UPLOAD_MB."
        )


def detect_format(data: bytes, name: str) -> str:
    """Tell the format of an embedding file by its first bytes.

    Args:
        data: The file's content.
        name: Its name, for messages.

    Returns:
        ``hdf5``, ``npz``, ``parquet`` or ``text`` (CSV or TSV).

    Raises:
        EmbeddingFileError: For archives, pickles, bare ``.npy`` arrays and
            anything else that is not one of the formats read.
    """
    if data.startswith(_HDF5_MAGIC):
        return "hdf5"
    if data.startswith(_ZIP_MAGICS):
        return _zip_kind(data, name)
    if data.startswith(_PARQUET_MAGIC):
        return "parquet"
    _refuse_binary(data, name)
    return "text"


def _zip_kind(data: bytes, name: str) -> str:
    """``npz`` for a zip of ``.npy`` arrays; any other zip is refused as an archive."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        members = []
    if members and all(member.endswith(".npy") and "/" not in member for member in members):
        return "npz"
    shown = ", ".join(repr(member) for member in members[:_PREVIEW]) or "nothing readable"
    raise EmbeddingFileError(
        f"'{name}' is a zip archive (holding {shown}), not an embedding file. Unpack it and "
        f"upload the embedding file inside ({_FORMATS_TEXT})."
    )


def _refuse_binary(data: bytes, name: str) -> None:
    """Refuse archives, pickles, bare arrays and other binary files with a specific reason."""
    for magic, what in _ARCHIVE_MAGICS:
        if data.startswith(magic):
            raise EmbeddingFileError(
                f"'{name}' is {what}, not an embedding file. Unpack it and upload the file "
                f"inside ({_FORMATS_TEXT})."
            )
    if data[257:262] == b"ustar":
        raise EmbeddingFileError(
            f"'{name}' is a tar archive. Unpack it and upload the embedding file inside "
            f"({_FORMATS_TEXT})."
        )
    if data.startswith(_NPY_MAGIC):
        raise EmbeddingFileError(
            f"'{name}' is a bare NumPy array, which holds no protein IDs. Save the IDs with the "
            "vectors: numpy.savez('embeddings.npz', ids=ids, vectors=vectors)."
        )
    if data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise EmbeddingFileError(
            f"'{name}' is a Python pickle; protviz never opens pickles (they can run code). "
            f"Save the embeddings as {_FORMATS_TEXT}."
        )
    if b"\x00" in data[:4096]:
        raise EmbeddingFileError(
            f"'{name}' is not a format protviz reads. Save the per-protein embeddings as "
            f"{_FORMATS_TEXT}."
        )


@dataclass
class _Raw:
    """What a reader found: IDs, vectors, and how to name positions in messages."""

    source_format: str
    ids: list[str]
    vectors: np.ndarray
    keys: Sequence[str] | None = None
    columns: Sequence[str] | None = None

    def place(self, index: int) -> str:
        """Where vector ``index`` sits in the file: its key, or its row."""
        if self.keys is not None:
            return f"key {self.keys[index]!r}"
        return f"row {index + 1}"

    def described(self, index: int) -> str:
        """Vector ``index``'s place and, where the place does not say it, its ID."""
        if self.keys is not None and self.keys[index] == self.ids[index]:
            return self.place(index)
        return f"{self.place(index)} (ID {self.ids[index]!r})"

    def component(self, index: int) -> str:
        """Name of vector component ``index``: its column, or its dimension."""
        if self.columns is not None:
            return f"column {self.columns[index]!r}"
        return f"dimension {index}"


# HDF5 -------------------------------------------------------------------------------


def _read_hdf5(data: bytes, name: str, limits: Limits) -> _Raw:
    """Read bio_embeddings/ProtSpace HDF5 (one dataset per protein) or protviz's own layout."""
    try:
        handle = h5py.File(io.BytesIO(data), "r")
    except (OSError, ValueError) as error:
        raise EmbeddingFileError(f"'{name}' is a damaged HDF5 file ({error}).") from None
    with handle:
        if _is_protviz_layout(handle):
            return _read_protviz_hdf5(handle, name)
        return _read_protein_datasets(handle, name)


def _is_protviz_layout(handle: h5py.File) -> bool:
    """Whether the file has protviz's own datasets ``ids`` and ``vectors``."""
    return _has(handle, "ids") and _has(handle, "vectors")


def _has(handle: h5py.File, key: str) -> bool:
    """Whether the root holds ``key`` (without following a link to find out)."""
    return handle.get(key, getlink=True) is not None


def _read_protviz_hdf5(handle: h5py.File, name: str) -> _Raw:
    """Read the datasets ``ids`` and ``vectors`` written by :mod:`protviz.io.vectors`."""
    ids, columns = _hdf5_texts(handle, "ids", name), None
    vectors = _check_hdf5_dataset(handle, "vectors", name)
    _check_table_shape(vectors, len(ids), name)
    if _has(handle, "columns"):
        columns = _hdf5_texts(handle, "columns", name)
        if len(columns) != vectors.shape[1]:
            columns = None
    return _Raw("hdf5 (protviz)", ids, vectors[()], columns=columns)


def _hdf5_texts(handle: h5py.File, key: str, name: str) -> list[str]:
    """A 1-D dataset of text (protviz's ``ids`` or ``columns``)."""
    item = _check_hdf5_dataset(handle, key, name)
    try:
        if item.ndim != 1:
            raise ValueError(key)
        return [str(value) for value in item.asstr()[()]]
    except (TypeError, ValueError, UnicodeDecodeError):
        raise EmbeddingFileError(
            f"The dataset {key!r} of '{name}' must be a 1-D list of text; it has shape "
            f"{item.shape} and type {item.dtype}."
        ) from None


def _read_protein_datasets(handle: h5py.File, name: str) -> _Raw:
    """Read one dataset per protein at the root; the ID is ``original_id`` or the key."""
    keys, ids, entries = [], [], []
    for key in handle:
        item = _check_hdf5_dataset(handle, key, name)
        keys.append(key)
        ids.append(_original_id(item, key, name))
        entries.append((key, item.shape, item.dtype, lambda item=item: item[()]))
    vectors = _stack_vectors(entries, name)
    return _Raw("hdf5 (bio_embeddings)", ids, vectors, keys=keys)


def _check_hdf5_dataset(handle: h5py.File, key: str, name: str) -> h5py.Dataset:
    """The dataset at root ``key``; links, groups, external or virtual storage are refused."""
    link = handle.get(key, getlink=True)
    if not isinstance(link, h5py.HardLink):
        raise EmbeddingFileError(
            f"Key {key!r} of '{name}' is a link ({type(link).__name__}); protviz reads only "
            "datasets stored in the file. Write the vectors themselves under each ID."
        )
    item = handle[key]
    if isinstance(item, h5py.Group):
        raise EmbeddingFileError(
            f"Key {key!r} of '{name}' is a group (a nested folder). protviz reads one "
            "dataset per protein at the file's root, as bio_embeddings writes "
            "(reduced_embeddings_file.h5); move the per-protein datasets to the root."
        )
    if not isinstance(item, h5py.Dataset):
        raise EmbeddingFileError(
            f"Key {key!r} of '{name}' is not a dataset ({type(item).__name__}); write one "
            "vector per protein."
        )
    if item.external or item.is_virtual:
        raise EmbeddingFileError(
            f"Key {key!r} of '{name}' keeps its values in other files (external or virtual "
            "storage); write the vectors into the file itself."
        )
    _check_attributes(item, key, name)
    return item


def _check_attributes(item: h5py.Dataset, key: str, name: str) -> None:
    """Refuse datasets with many or large attributes (an ID needs a few dozen bytes)."""
    if len(item.attrs) > MAX_ATTRIBUTES:
        raise EmbeddingFileError(
            f"Key {key!r} of '{name}' has {len(item.attrs)} attributes; at most "
            f"{MAX_ATTRIBUTES} are accepted. Keep only 'original_id'."
        )
    for attribute in item.attrs:
        size = item.attrs.get_id(attribute).get_storage_size()
        if size > MAX_ATTRIBUTE_BYTES:
            raise EmbeddingFileError(
                f"The attribute {attribute!r} of key {key!r} in '{name}' holds {size:,} bytes; "
                f"at most {MAX_ATTRIBUTE_BYTES:,} are accepted. Remove it, or keep only "
                "'original_id'."
            )


def _original_id(item: h5py.Dataset, key: str, name: str) -> str:
    """The protein's ID: the text attribute ``original_id`` if present, else the key."""
    if "original_id" not in item.attrs:
        return key
    value = item.attrs["original_id"]
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        raise EmbeddingFileError(
            f"The attribute 'original_id' of key {key!r} in '{name}' is not text; write the "
            "protein's ID there as a string."
        )
    return value


# NPZ --------------------------------------------------------------------------------


def _read_npz(data: bytes, name: str, limits: Limits) -> _Raw:
    """Read ``ids`` + ``vectors`` arrays, or one array per protein (never unpickling)."""
    _check_unpacked_size(data, name, limits)
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = list(archive.files)
        if "ids" in arrays and "vectors" in arrays:
            ids = _npz_array(archive, "ids", name)
            if ids.ndim != 1 or ids.dtype.kind not in "USiu":
                raise EmbeddingFileError(
                    f"The array 'ids' of '{name}' must be a 1-D array of text IDs; it has "
                    f"shape {ids.shape} and type {ids.dtype}."
                )
            vectors = _npz_array(archive, "vectors", name)
            _check_table_shape(vectors, len(ids), name)
            return _Raw("npz", [str(value) for value in ids], vectors)
        entries = [(key, *_npz_header(archive, key, name)) for key in arrays]
        return _Raw("npz", arrays, _stack_vectors(entries, name), keys=arrays)


def _check_unpacked_size(data: bytes, name: str, limits: Limits) -> None:
    """Refuse an ``.npz`` whose arrays unpack to more than the upload limit."""
    unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    if unpacked > limits.max_upload_bytes:
        raise EmbeddingFileError(
            f"'{name}' unpacks to {unpacked / 2**20:.0f} MB, over the "
            f"{limits.max_upload_bytes / 2**20:.0f} MB limit. Keep only the proteins of this "
            "data set, or raise PROTVIZ_MAX_UPLOAD_MB."
        )


def _npz_array(archive: Any, key: str, name: str) -> np.ndarray:
    """One array of an ``.npz``; object (pickled) arrays are refused."""
    try:
        return archive[key]
    except ValueError:
        raise EmbeddingFileError(
            f"The array {key!r} of '{name}' is stored as Python objects (a pickle), which "
            "protviz never opens. Save text IDs as strings: numpy.savez('embeddings.npz', "
            "ids=numpy.array(ids, dtype=str), vectors=vectors)."
        ) from None


def _npz_header(
    archive: Any, key: str, name: str
) -> tuple[tuple[int, ...], np.dtype, Callable[[], np.ndarray]]:
    """Shape, type and a reader of one per-protein array."""
    array = _npz_array(archive, key, name)
    return array.shape, array.dtype, lambda: array


# Tables -----------------------------------------------------------------------------


def _read_text_table(data: bytes, name: str, limits: Limits) -> _Raw:
    """Read a CSV or TSV table (the separator is told by the first line)."""
    first_line = data.lstrip()[:65536].split(b"\n", 1)[0]
    separator, kind = ("\t", "tsv") if b"\t" in first_line else (",", "csv")
    try:
        header = pd.read_csv(io.BytesIO(data), sep=separator, nrows=0).columns
        id_column = _id_column(header)
        frame = pd.read_csv(io.BytesIO(data), sep=separator, dtype={id_column: str})
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise EmbeddingFileError(
            f"Cannot read '{name}' as {kind.upper()}: {str(error).strip()}. Every row needs "
            "the same number of fields: an ID, then one number per dimension."
        ) from None
    return _table_vectors(frame, id_column, kind, name)


def _read_parquet(data: bytes, name: str, limits: Limits) -> _Raw:
    """Read a Parquet table."""
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except (OSError, ValueError) as error:
        raise EmbeddingFileError(f"Cannot read '{name}' as Parquet: {error}.") from None
    return _table_vectors(frame, _id_column(frame.columns), "parquet", name)


def _id_column(columns: Iterable[Any]) -> Any:
    """The ID column: the first named like :data:`ID_COLUMNS`, else the first column."""
    columns = list(columns)
    named = [column for column in columns if str(column).lower() in ID_COLUMNS]
    if named:
        return named[0]
    if not columns:
        raise ValueError("no columns")
    return columns[0]


def _table_vectors(frame: pd.DataFrame, id_column: Any, kind: str, name: str) -> _Raw:
    """IDs and numeric vectors of a table; every other column must be numeric."""
    features = [
        column
        for column in frame.columns
        if column != id_column and str(column).lower() not in IGNORED_COLUMNS
    ]
    for column in features:
        if not pd.api.types.is_numeric_dtype(frame[column]) or frame[column].dtype == bool:
            raise _not_numeric_column(frame[column], column, name)
    ids = frame[id_column].astype(str).tolist()
    vectors = frame[features].to_numpy(dtype=np.float64) if features else np.zeros((len(ids), 0))
    return _Raw(kind, ids, vectors, columns=[str(column) for column in features])


def _not_numeric_column(values: pd.Series, column: Any, name: str) -> EmbeddingFileError:
    """The error for a non-numeric column, naming its first value that is not a number."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values[numbers.isna() & values.notna()]
    where = f" (row {values.index.get_loc(bad.index[0]) + 1}: {str(bad.iloc[0])[:40]!r})"
    return EmbeddingFileError(
        f"Column {column!r} of '{name}' is not numeric{where if len(bad) else ''}. An "
        "embedding table holds an ID column and one numeric column per dimension; remove "
        "other columns (annotations belong in the FASTA headers or a label table)."
    )


# Shared checks ----------------------------------------------------------------------


def _stack_vectors(
    entries: Sequence[tuple[str, tuple[int, ...], np.dtype, Callable[[], np.ndarray]]],
    name: str,
) -> np.ndarray:
    """Stack one array per protein into ``(m, d)``, checking shapes before reading.

    Args:
        entries: ``(key, shape, dtype, read)`` per protein; ``read()`` returns the array.
        name: The file's name, for messages.
    """
    if not entries:
        raise EmbeddingFileError(f"'{name}' holds no embeddings.")
    first_key, first_shape, _, _ = entries[0]
    dimensions = _vector_length(first_key, first_shape, entries[0][2], name)
    vectors = np.empty((len(entries), dimensions), dtype=np.float32)
    for index, (key, shape, dtype, read) in enumerate(entries):
        length = _vector_length(key, shape, dtype, name)
        if length != dimensions:
            raise EmbeddingFileError(
                f"The vectors of '{name}' differ in length: key {first_key!r} has "
                f"{dimensions} numbers, key {key!r} has {length}. Every protein needs a "
                "vector of the same length (one number per residue would be per-residue "
                "values, not a per-protein embedding)."
            )
        with np.errstate(over="ignore"):  # too large for float32: refused as infinite later
            vectors[index] = np.asarray(read(), dtype=np.float32).reshape(-1)
    return vectors


def _vector_length(key: str, shape: tuple[int, ...], dtype: np.dtype, name: str) -> int:
    """The length of a per-protein vector of this shape; per-residue arrays are refused."""
    if dtype.kind not in "fiu":
        raise _not_numeric(name, f"key {key!r}", dtype)
    if len(shape) == 1 and shape[0] > 0:
        return shape[0]
    if len(shape) == 2 and shape[0] == 1 and shape[1] > 0:
        return shape[1]
    if len(shape) == 2:
        raise EmbeddingFileError(
            f"Key {key!r} of '{name}' has shape {shape}: per-residue embeddings (one vector "
            "per residue). Average them per protein first (bio_embeddings: reduce: True; "
            "numpy: per_residue.mean(axis=0)) and upload one vector per protein."
        )
    raise EmbeddingFileError(
        f"Key {key!r} of '{name}' has shape {shape}; a per-protein embedding is one vector "
        "(shape (d,)) per protein."
    )


def _not_numeric(name: str, where: str, dtype: np.dtype) -> EmbeddingFileError:
    return EmbeddingFileError(
        f"{where[0].upper()}{where[1:]} of '{name}' holds {dtype} values, not numbers. "
        "Embeddings must be integer or floating-point vectors."
    )


def _check_table_shape(vectors: np.ndarray | h5py.Dataset, count: int, name: str) -> None:
    """A table of vectors: 2-D, numeric, one row per ID."""
    if vectors.dtype.kind not in "fiu":
        raise _not_numeric(name, "the array 'vectors'", vectors.dtype)
    if vectors.ndim != 2 or vectors.shape[0] != count:
        raise EmbeddingFileError(
            f"The array 'vectors' of '{name}' has shape {vectors.shape}; with {count} IDs it "
            f"must have shape ({count}, d): one vector per protein, in the order of 'ids'. "
            "(A 3-D array holds per-residue embeddings: average them per protein first.)"
        )


def _checked(raw: _Raw, name: str) -> EmbeddingTable:
    """Check a reader's result: rows, columns, finite numbers, unique IDs."""
    if not raw.ids:
        raise EmbeddingFileError(f"'{name}' holds no embeddings (no rows).")
    if raw.vectors.ndim != 2 or raw.vectors.shape[1] == 0:
        raise EmbeddingFileError(
            f"'{name}' holds IDs but no numeric columns: add one column per dimension."
        )
    with np.errstate(over="ignore"):  # too large for float32 becomes infinite: refused below
        vectors = raw.vectors.astype(np.float32, copy=False)
    finite = np.isfinite(vectors)
    if not finite.all():
        row, column = (int(value[0]) for value in np.nonzero(~finite))
        raise EmbeddingFileError(
            f"'{name}' holds a value that is not a finite number ({raw.vectors[row, column]}) "
            f"at {raw.described(row)}, {raw.component(column)}. Recompute "
            "that protein's embedding or remove it (NaN, infinite and numbers too large for "
            "32-bit floats are refused)."
        )
    _check_unique(raw)
    return EmbeddingTable(name, raw.source_format, tuple(raw.ids), vectors)


def _check_unique(raw: _Raw) -> None:
    """Refuse an ID given twice, naming both places."""
    if len(set(raw.ids)) == len(raw.ids):
        return
    first_seen: dict[str, int] = {}
    for index, seq_id in enumerate(raw.ids):
        if seq_id in first_seen:
            raise EmbeddingFileError(
                f"The ID {seq_id!r} appears twice in the embedding file, at "
                f"{raw.place(first_seen[seq_id])} and {raw.place(index)}. Keep one vector "
                "per protein."
            )
        first_seen[seq_id] = index


_READERS: dict[str, Callable[[bytes, str, Limits], _Raw]] = {
    "hdf5": _read_hdf5,
    "npz": _read_npz,
    "parquet": _read_parquet,
    "text": _read_text_table,
}
