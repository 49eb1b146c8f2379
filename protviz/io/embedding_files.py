"""Per-protein embedding files a user brings (ESM, ProtT5, ...), matched to a data set by ID.

Biologists prepare protein-language-model vectors with bio_embeddings or
ProtSpace. :func:`read_embeddings_for` reads such a file (the formats and the
checks are in :mod:`protviz.io.embedding_formats`) and aligns it with the
current data set.

IDs are matched exactly to the data set's sequence IDs (the first word of each
FASTA header); IDs left over are matched by the MD5 of the sequence (bio_embeddings
keys) and then by a ``|``-separated part of the ID that is unique in the data set
(an accession, as in ``sp|P31946|1433B_HUMAN`` or ``P31946|cytoplasmic``).

Accepted files are saved content-addressed under ``$PROTVIZ_HOME/embeddings/<hash>/``
(:func:`save_embedding_file`): ``vectors.npy``, ``ids.txt`` and ``embedding.json``
(original file name, format, dimensions, the data set's hash). The hash is that of
the data set's hash, the matched IDs and the vectors, so the same file matched to
another data set is another entry, and a share link can name it.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from protviz.core.dataset import Dataset
from protviz.core.store import store_root
from protviz.io.embedding_formats import (
    EmbeddingFileError,
    EmbeddingTable,
    read_embedding_file,
)
from protviz.io.fasta import Limits
from protviz.io.hashstore import (
    entry_folders,
    is_content_hash,
    read_json,
    write_entry_once,
    write_json,
)

__all__ = [
    "EmbeddingFileError",
    "EmbeddingFileNotFoundError",
    "EmbeddingTable",
    "MatchReport",
    "MatchedEmbeddings",
    "SavedEmbeddingFile",
    "StoredEmbeddings",
    "check_embedding_ref",
    "embeddings_root",
    "list_embedding_files",
    "load_embedding_file",
    "match_embeddings",
    "read_embedding_file",
    "read_embeddings_for",
    "save_embedding_file",
]

EMBEDDINGS_FOLDER = "embeddings"
VECTORS_FILE = "vectors.npy"
IDS_FILE = "ids.txt"
RECORD_FILE = "embedding.json"
_MD5_PATTERN = re.compile(r"[0-9a-f]{32}")
_PREVIEW = 3


class EmbeddingFileNotFoundError(EmbeddingFileError):
    """A valid reference that names no saved embedding file."""


@dataclass(frozen=True)
class MatchedEmbeddings:
    """An embedding file aligned with a data set.

    Attributes:
        rows: Indices into the data set of the sequences with a vector, ascending.
        ids: Their sequence IDs, in data set order.
        vectors: Shape ``(len(rows), d)``, float32, row ``i`` for ``ids[i]``.
        unmatched_file_ids: File IDs that match no sequence.
        missing_dataset_ids: Data set IDs with no vector in the file.
        source_format: As :attr:`EmbeddingTable.source_format`.
        filename: The file's name.
        dataset_hash: Content hash of the data set matched.
        notes: How IDs were matched beyond exact equality.
    """

    rows: np.ndarray
    ids: tuple[str, ...]
    vectors: np.ndarray
    unmatched_file_ids: tuple[str, ...]
    missing_dataset_ids: tuple[str, ...]
    source_format: str
    filename: str
    dataset_hash: str
    notes: tuple[str, ...] = ()

    @property
    def dimensions(self) -> int:
        """Length of each vector."""
        return int(self.vectors.shape[1])

    @property
    def ref(self) -> str:
        """The content hash it is saved under: of the data set, the IDs and the vectors."""
        digest = hashlib.sha256(self.dataset_hash.encode())
        digest.update("\n".join(self.ids).encode())
        digest.update(np.ascontiguousarray(self.vectors, dtype=np.float32).tobytes())
        return digest.hexdigest()

    def report(self) -> MatchReport:
        """What the matching found, without the vectors (small enough to keep in a session)."""
        return MatchReport(
            ref=self.ref,
            filename=self.filename,
            source_format=self.source_format,
            dimensions=self.dimensions,
            matched=len(self.ids),
            unmatched_file_ids=self.unmatched_file_ids,
            missing_dataset_ids=self.missing_dataset_ids,
            notes=self.notes,
        )


@dataclass(frozen=True)
class MatchReport:
    """What matching an embedding file to a data set found.

    Attributes:
        ref: The content hash the matched embeddings are saved under.
        filename: The file's name.
        source_format: As :attr:`EmbeddingTable.source_format`.
        dimensions: Length of each vector.
        matched: Sequences of the data set that got a vector.
        unmatched_file_ids: File IDs that match no sequence.
        missing_dataset_ids: Data set IDs with no vector in the file.
        notes: How IDs were matched beyond exact equality.
    """

    ref: str
    filename: str
    source_format: str
    dimensions: int
    matched: int
    unmatched_file_ids: tuple[str, ...]
    missing_dataset_ids: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def file_ids(self) -> int:
        """IDs in the file."""
        return self.matched + len(self.unmatched_file_ids)

    @property
    def dataset_size(self) -> int:
        """Sequences in the data set."""
        return self.matched + len(self.missing_dataset_ids)


def read_embeddings_for(
    source: bytes | str | Path,
    dataset: Dataset,
    *,
    filename: str | None = None,
    limits: Limits | None = None,
) -> MatchedEmbeddings:
    """Read an embedding file and match it to a data set (see the module's description).

    Args:
        source: The file's bytes (an upload) or its path.
        dataset: The data set to match by sequence ID.
        filename: The file's name when ``source`` is bytes.
        limits: Size limits; defaults to :meth:`Limits.from_env` (``PROTVIZ_MAX_UPLOAD_MB``).

    Returns:
        The vectors of the matched sequences, in data set order.

    Raises:
        EmbeddingFileError: If the file is unusable or no ID matches.
    """
    return match_embeddings(read_embedding_file(source, filename, limits=limits), dataset)


# Matching ---------------------------------------------------------------------------


def match_embeddings(table: EmbeddingTable, dataset: Dataset) -> MatchedEmbeddings:
    """Align an embedding file with a data set by sequence ID.

    IDs are matched exactly; IDs left over by the MD5 of the sequence (32 hex
    digits, bio_embeddings keys), then by a ``|``-separated part of the ID that is
    unique in the data set. A sequence gets at most one vector (the first that matches).

    Args:
        table: The file as read.
        dataset: The data set.

    Returns:
        The matched vectors in data set order, with the IDs left over on both sides.

    Raises:
        EmbeddingFileError: If no ID matches.
    """
    rows, notes = _match_rows(table.ids, dataset)
    matched = rows >= 0
    if not matched.any():
        raise _no_match(table, dataset)
    order = np.argsort(rows[matched], kind="stable")
    dataset_rows = rows[matched][order]
    missing = np.ones(len(dataset), dtype=bool)
    missing[dataset_rows] = False
    return MatchedEmbeddings(
        rows=dataset_rows,
        ids=tuple(dataset.ids[row] for row in dataset_rows),
        vectors=table.vectors[matched][order],
        unmatched_file_ids=tuple(np.asarray(table.ids, dtype=object)[~matched]),
        missing_dataset_ids=tuple(np.asarray(dataset.ids, dtype=object)[missing]),
        source_format=table.source_format,
        filename=table.filename,
        dataset_hash=dataset.content_hash,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class _MatchMethod:
    """One way of matching file IDs to data set rows.

    Attributes:
        note: How it is described to the user ("" for exact matches: no note).
        keys_of: The keys a file ID is looked up by.
        lookup: Builds the data set's key -> row table (only when some file ID has keys).
    """

    note: str
    keys_of: Callable[[str], list[str]]
    lookup: Callable[[Dataset], dict[str, int]]


def _md5_keys(file_id: str) -> list[str]:
    """An ID of 32 hex digits may be the MD5 of the sequence (bio_embeddings keys)."""
    return [file_id.lower()] if _MD5_PATTERN.fullmatch(file_id.lower()) else []


_MATCH_METHODS = (
    _MatchMethod("", lambda file_id: [file_id], lambda dataset: _unique_keys(dataset.ids)),
    _MatchMethod(
        "by the MD5 hash of the sequence (bio_embeddings keys)",
        _md5_keys,
        lambda dataset: _unique_keys(_md5(sequence) for sequence in dataset.sequences),
    ),
    _MatchMethod(
        "by a '|'-separated part of the ID (an accession)",
        lambda file_id: [part for part in file_id.split("|") if part],
        lambda dataset: _unique_parts(dataset.ids),
    ),
)
"""The ways to match, tried in order on the file IDs still unmatched."""


def _match_rows(file_ids: Sequence[str], dataset: Dataset) -> tuple[np.ndarray, list[str]]:
    """For each file ID, the data set row it matches (-1: none), and notes on how.

    A file ID matches a row when every one of its keys found in the lookup gives
    that row, and no earlier file ID took the row.
    """
    rows = np.full(len(file_ids), -1, dtype=np.int64)
    claimed: set[int] = set()
    notes = []
    for method in _MATCH_METHODS:
        keys = {i: method.keys_of(file_ids[i]) for i in np.flatnonzero(rows < 0)}
        if not any(keys.values()):
            continue
        lookup = method.lookup(dataset)
        found = 0
        for index, candidates in keys.items():
            hits = {lookup[key] for key in candidates if key in lookup}
            if len(hits) == 1 and (row := hits.pop()) not in claimed:
                rows[index] = row
                claimed.add(row)
                found += 1
        if found and method.note:
            notes.append(f"{found:,} ID(s) were matched {method.note}.")
    return rows, notes


def _md5(sequence: str) -> str:
    return hashlib.md5(sequence.encode(), usedforsecurity=False).hexdigest()


def _unique_keys(keys: Iterable[str]) -> dict[str, int]:
    """Key -> row for keys that occur once (an ambiguous key matches nothing)."""
    rows: dict[str, int] = {}
    repeated = set()
    for row, key in enumerate(keys):
        if key in rows:
            repeated.add(key)
        rows[key] = row
    return {key: row for key, row in rows.items() if key not in repeated}


def _unique_parts(ids: Sequence[str]) -> dict[str, int]:
    """``|``-separated part -> row, for parts of exactly one ID."""
    parts = [(part, row) for row, seq_id in enumerate(ids) for part in set(seq_id.split("|"))]
    counts: dict[str, int] = {}
    for part, _ in parts:
        counts[part] = counts.get(part, 0) + 1
    return {part: row for part, row in parts if part and counts[part] == 1}


def _no_match(table: EmbeddingTable, dataset: Dataset) -> EmbeddingFileError:
    file_ids = ", ".join(repr(seq_id) for seq_id in table.ids[:_PREVIEW])
    dataset_ids = ", ".join(repr(seq_id) for seq_id in dataset.ids[:_PREVIEW])
    return EmbeddingFileError(
        f"None of the {len(table.ids):,} IDs in '{table.filename}' matches a sequence of the "
        f"data set '{dataset.name}' (the file has IDs like {file_ids}; the data set "
        f"{dataset_ids}). Compute the embeddings from the same FASTA file, so that each ID is "
        "the first word of a FASTA header."
    )


# Store ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedEmbeddingFile:
    """A saved embedding file's record (``embedding.json``).

    Attributes:
        ref: Its content hash.
        filename: The name it was uploaded under.
        source_format: Its format.
        dimensions: Length of each vector.
        sequences: Number of sequences with a vector.
        dataset_hash: Content hash of the data set it was matched to.
        missing: Sequences of that data set without a vector.
        unmatched: IDs of the file that matched no sequence.
        notes: How IDs were matched.
        saved_at: Unix time it was first saved.
    """

    ref: str
    filename: str
    source_format: str
    dimensions: int
    sequences: int
    dataset_hash: str
    missing: int
    unmatched: int
    notes: tuple[str, ...]
    saved_at: float

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SavedEmbeddingFile:
        """Read a record (raises KeyError, TypeError or ValueError if damaged)."""
        return cls(
            ref=str(data["ref"]),
            filename=str(data["filename"]),
            source_format=str(data["source_format"]),
            dimensions=int(data["dimensions"]),
            sequences=int(data["sequences"]),
            dataset_hash=str(data["dataset_hash"]),
            missing=int(data["missing"]),
            unmatched=int(data["unmatched"]),
            notes=tuple(str(note) for note in data.get("notes", ())),
            saved_at=float(data["saved_at"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values."""
        return {**asdict(self), "notes": list(self.notes)}


@dataclass(frozen=True)
class StoredEmbeddings:
    """A saved embedding file: its record, IDs and vectors.

    Attributes:
        record: What was saved and matched.
        ids: Sequence IDs, in the data set's order.
        vectors: Shape ``(len(ids), record.dimensions)``, float32.
    """

    record: SavedEmbeddingFile
    ids: tuple[str, ...]
    vectors: np.ndarray

    def rows_in(self, dataset: Dataset) -> np.ndarray:
        """Indices into ``dataset`` of :attr:`ids` (the data set they were matched to).

        Raises:
            EmbeddingFileError: If ``dataset`` lacks some of the IDs.
        """
        index = {seq_id: row for row, seq_id in enumerate(dataset.ids)}
        missing = [seq_id for seq_id in self.ids if seq_id not in index]
        if missing:
            raise EmbeddingFileError(
                f"The saved embeddings '{self.record.filename}' belong to another data set "
                f"({len(missing):,} of their IDs, such as {missing[0]!r}, are not in "
                f"'{dataset.name}'). Open the data set they were uploaded with, or upload the "
                "file again for this one."
            )
        return np.fromiter((index[seq_id] for seq_id in self.ids), dtype=np.int64)


def embeddings_root(home: str | os.PathLike | None = None) -> Path:
    """The folder holding saved embedding files (not created)."""
    return store_root(home) / EMBEDDINGS_FOLDER


def check_embedding_ref(ref: str) -> str:
    """Return ``ref`` if it is a 64-digit content hash.

    Raises:
        EmbeddingFileError: For anything else (paths, partial hashes, odd characters).
    """
    if is_content_hash(ref):
        return ref
    raise EmbeddingFileError(
        f"{str(ref)[:80]!r} is not an embedding file reference: use the 64-digit content "
        "hash shown when the file was uploaded."
    )


def save_embedding_file(matched: MatchedEmbeddings, home: str | os.PathLike | None = None) -> str:
    """Save matched embeddings under their content hash (saving again changes nothing).

    Args:
        matched: From :func:`match_embeddings`.
        home: Store root (default ``$PROTVIZ_HOME`` or ``models/``).

    Returns:
        The reference (:attr:`MatchedEmbeddings.ref`).
    """
    ref = matched.ref
    record = SavedEmbeddingFile(
        ref=ref,
        filename=matched.filename,
        source_format=matched.source_format,
        dimensions=matched.dimensions,
        sequences=len(matched.ids),
        dataset_hash=matched.dataset_hash,
        missing=len(matched.missing_dataset_ids),
        unmatched=len(matched.unmatched_file_ids),
        notes=matched.notes,
        saved_at=time.time(),
    )

    def fill(folder: Path) -> None:
        np.save(folder / VECTORS_FILE, matched.vectors.astype(np.float32), allow_pickle=False)
        (folder / IDS_FILE).write_text("\n".join(matched.ids) + "\n", encoding="utf-8")
        write_json(folder / RECORD_FILE, record.to_dict())

    write_entry_once(embeddings_root(home), ref, RECORD_FILE, fill)
    return ref


def load_embedding_file(ref: str, home: str | os.PathLike | None = None) -> StoredEmbeddings:
    """Load saved embeddings by reference.

    Args:
        ref: The content hash.
        home: Store root.

    Returns:
        The record, IDs and vectors.

    Raises:
        EmbeddingFileNotFoundError: If nothing is saved under ``ref``.
        EmbeddingFileError: If the reference is invalid or the files are damaged.
    """
    folder = embeddings_root(home) / check_embedding_ref(ref)
    try:
        record = SavedEmbeddingFile.from_dict(read_json(folder / RECORD_FILE))
        ids = tuple((folder / IDS_FILE).read_text(encoding="utf-8").splitlines())
        vectors = np.load(folder / VECTORS_FILE, allow_pickle=False)
    except FileNotFoundError:
        raise EmbeddingFileNotFoundError(
            f"No embedding file {ref[:12]}... is saved on this server: it may have been "
            "removed, or the link was made on another server. Upload the file again."
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise EmbeddingFileError(
            f"The saved embeddings {ref[:12]}... are damaged ({error})."
        ) from None
    if vectors.shape != (len(ids), record.dimensions):
        raise EmbeddingFileError(
            f"The saved embeddings {ref[:12]}... are damaged ({len(ids)} IDs, vectors of shape "
            f"{vectors.shape}). Upload the file again."
        )
    return StoredEmbeddings(record, ids, vectors)


def list_embedding_files(
    home: str | os.PathLike | None = None, *, dataset_hash: str | None = None
) -> list[SavedEmbeddingFile]:
    """The saved embedding files, newest first (damaged folders are skipped).

    Args:
        home: Store root.
        dataset_hash: Only those matched to this data set.
    """
    found = []
    for folder in entry_folders(embeddings_root(home)):
        try:
            record = SavedEmbeddingFile.from_dict(read_json(folder / RECORD_FILE))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if dataset_hash is None or record.dataset_hash == dataset_hash:
            found.append(record)
    return sorted(found, key=lambda saved: -saved.saved_at)
