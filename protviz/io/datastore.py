"""Uploaded data sets, saved on the server so that a share link can name them.

A data set is stored once, content-addressed by its SHA-256 content hash, under
``$PROTVIZ_HOME/datasets/<hash>/``:

- ``sequences.fasta.gz``: the cleaned, relabelled FASTA (``>ID label=... split=...``);
- ``metadata.parquet``: the metadata columns (from header tags or a label table);
- ``dataset.json``: name, size, classes and when it was saved.

A reference to a data set (``ref``) is either a built-in key (``motif``,
``scl2205``) or a 64-digit content hash. References are validated before any
path is built from them, so a link cannot reach outside the store, and a hash
cannot be guessed from another one.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from protviz.core.dataset import Dataset, ProteinDataError
from protviz.core.store import store_root
from protviz.io.builtin import BUILTINS, load_builtin
from protviz.io.fasta import Limits, read_labeled_fasta
from protviz.io.hashstore import HASH_PATTERN, entry_folders, write_entry_once, write_json
from protviz.io.labels import LabelRule

DATASETS_FOLDER = "datasets"
FASTA_FILE = "sequences.fasta.gz"
FASTA_GZIP_LEVEL = 1
"""gzip level of a saved data set's FASTA: level 1 writes several times faster than the
default 9 and the file is only a little larger."""
METADATA_FILE = "metadata.parquet"
RECORD_FILE = "dataset.json"


class DatasetNotFoundError(ProteinDataError):
    """A valid data set reference that names nothing in the store."""


@dataclass(frozen=True)
class SavedDataset:
    """A stored data set's record, ``dataset.json`` (without loading its sequences).

    Attributes:
        ref: Its content hash.
        name: The name it was uploaded under.
        sequences: Number of sequences.
        classes: Number of classes.
        has_split: Whether its FASTA headers carry a ``split=`` tag.
        saved_at: Unix time it was first saved.
    """

    ref: str
    name: str
    sequences: int
    classes: int
    has_split: bool
    saved_at: float

    @classmethod
    def of(cls, dataset: Dataset) -> SavedDataset:
        """The record of ``dataset``, saved now."""
        return cls(
            ref=dataset.content_hash,
            name=dataset.name,
            sequences=len(dataset),
            classes=len(dataset.classes),
            has_split=dataset.split is not None,
            saved_at=time.time(),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any], ref: str) -> SavedDataset:
        """Read ``dataset.json``.

        Args:
            data: The parsed JSON.
            ref: The folder's name, the content hash (the stored ``ref`` repeats it).

        Raises:
            KeyError, TypeError, ValueError: If an entry is missing or not of its type.
        """
        return cls(
            ref=ref,
            name=str(data["name"]),
            sequences=int(data["sequences"]),
            classes=int(data["classes"]),
            has_split=bool(data.get("has_split")),
            saved_at=float(data["saved_at"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """The content of ``dataset.json``."""
        return asdict(self)


def check_dataset_ref(ref: str) -> str:
    """Return ``ref`` if it is a built-in key or a content hash.

    Raises:
        ProteinDataError: For anything else (paths, partial hashes, odd characters).
    """
    if ref in BUILTINS or HASH_PATTERN.fullmatch(ref or ""):
        return ref
    raise ProteinDataError(
        f"{str(ref)[:80]!r} is not a data set reference: use a built-in key "
        f"({', '.join(BUILTINS)}) or the 64-digit content hash shown on the Data page."
    )


def datasets_root(home: str | os.PathLike | None = None) -> Path:
    """The folder holding saved data sets (not created)."""
    return store_root(home) / DATASETS_FOLDER


def save_dataset(dataset: Dataset, home: str | os.PathLike | None = None) -> str:
    """Save a data set under its content hash (once; saving it again changes nothing).

    The files are written to a temporary folder and renamed into place, so a
    crash never leaves a half-written data set under a valid name.

    Args:
        dataset: The data set.
        home: Store root (see :func:`protviz.core.store.store_root`).

    Returns:
        Its reference (the content hash).
    """
    ref = dataset.content_hash
    write_entry_once(datasets_root(home), ref, RECORD_FILE, lambda folder: _write(dataset, folder))
    return ref


def _write(dataset: Dataset, folder: Path) -> None:
    """Write a data set's files into ``folder``."""
    with gzip.open(
        folder / FASTA_FILE, "wt", encoding="utf-8", compresslevel=FASTA_GZIP_LEVEL
    ) as handle:
        handle.write(dataset.to_fasta())
    metadata = dataset.metadata.copy()
    metadata.columns = [str(c) for c in metadata.columns]
    metadata.to_parquet(folder / METADATA_FILE)
    record = SavedDataset.of(dataset).to_dict()
    write_json(folder / RECORD_FILE, record)


def load_dataset(ref: str, home: str | os.PathLike | None = None) -> Dataset:
    """Load a built-in or saved data set by reference.

    Args:
        ref: A built-in key or a content hash.
        home: Store root.

    Returns:
        The data set, with the same content hash as when it was saved.

    Raises:
        DatasetNotFoundError: If no data set is saved under the hash.
        ProteinDataError: If the reference is invalid or the stored files are damaged.
    """
    check_dataset_ref(ref)
    if ref in BUILTINS:
        return load_builtin(ref)
    folder = datasets_root(home) / ref
    try:
        saved = _read_record(folder)
    except FileNotFoundError:
        raise DatasetNotFoundError(
            f"No data set {ref[:12]}... is saved on this server: it may have been removed, or "
            "the link was made on another server. Upload the FASTA again on the Data page."
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ProteinDataError(f"The saved data set {ref[:12]}... is damaged ({error}).") from None
    dataset, _ = read_labeled_fasta(
        folder / FASTA_FILE,
        LabelRule(kind="key", key="label", split_key="split" if saved.has_split else None),
        name=saved.name or ref[:12],
        limits=_stored_limits(),
    )
    metadata = pd.read_parquet(folder / METADATA_FILE)
    dataset = Dataset.create(
        dataset.name,
        dataset.ids,
        dataset.sequences,
        dataset.labels,
        metadata=metadata,
        split=dataset.split,
    )
    if dataset.content_hash != ref:
        raise ProteinDataError(
            f"The saved data set {ref[:12]}... is damaged (its content no longer matches its "
            "hash). Upload the FASTA again on the Data page."
        )
    return dataset


def find_dataset(content_hash: str, home: str | os.PathLike | None = None) -> Dataset:
    """The saved or built-in data set with this content hash (e.g. the one a run was
    trained on).

    Args:
        content_hash: The data set's content hash.
        home: Store root.

    Returns:
        The data set.

    Raises:
        DatasetNotFoundError: If no saved or built-in data set has that hash.
        ProteinDataError: If the saved one is damaged.
    """
    ref, builtin = _find(content_hash, home)
    return builtin if builtin is not None else load_dataset(ref, home)


def find_dataset_ref(content_hash: str, home: str | os.PathLike | None = None) -> str:
    """The reference (:func:`load_dataset`'s ``ref``) of the saved or built-in data set with
    this content hash: the hash itself for a saved one, the key of a built-in one.

    Raises:
        DatasetNotFoundError: If no saved or built-in data set has that hash.
    """
    return _find(content_hash, home)[0]


def _find(content_hash: str, home: str | os.PathLike | None) -> tuple[str, Dataset | None]:
    """The reference of the data set with this content hash, and the built-in data set
    itself when it is one (it had to be loaded to compare its hash: not loaded twice)."""
    if HASH_PATTERN.fullmatch(content_hash or "") and (datasets_root(home) / content_hash).is_dir():
        return content_hash, None
    for key in BUILTINS:
        try:
            dataset = load_builtin(key)
        except ProteinDataError:  # an optional built-in that is not installed
            continue
        if dataset.content_hash == content_hash:
            return key, dataset
    raise DatasetNotFoundError(
        f"The data set with content hash {str(content_hash)[:12]}... is not saved on this "
        "server: upload its FASTA file on the Data page (or name it on the command line)."
    )


def _stored_limits() -> Limits:
    """Limits for reading back a saved data set: it passed the upload limits once, and its
    relabelled FASTA may be somewhat larger than the file that was uploaded."""
    limits = Limits.from_env()
    return Limits(limits.max_sequences, limits.max_length, 2 * limits.max_upload_bytes)


def list_datasets(home: str | os.PathLike | None = None) -> list[SavedDataset]:
    """The saved data sets, newest first (damaged folders are skipped)."""
    found = []
    for folder in entry_folders(datasets_root(home)):
        try:
            found.append(_read_record(folder))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda saved: -saved.saved_at)


def _read_record(folder: Path) -> SavedDataset:
    """Read a saved data set's ``dataset.json`` (errors as :meth:`SavedDataset.from_dict`)."""
    return SavedDataset.from_dict(
        json.loads((folder / RECORD_FILE).read_text(encoding="utf-8")), folder.name
    )
