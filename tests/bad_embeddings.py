"""Embedding files for the Explore page's upload: good ones in each layout, and one bad file
per refusal the library makes, each with a fragment of its message.

The files are made in the test (``write_bad_files`` writes them into a folder), for the
motif toy's IDs: AppTest (tests/test_app_embeddings.py) and the browser
(tests/test_browser_embeddings.py) upload the same ones.
"""

from __future__ import annotations

import gzip
import io
import pickle
import zipfile
from collections.abc import Sequence
from pathlib import Path

import h5py
import numpy as np

from protviz.io.embedding_formats import MAX_ATTRIBUTE_BYTES

UPLOAD_LIMIT_MB = 1
"""The upload limit (PROTVIZ_MAX_UPLOAD_MB) the tests run under."""


def bio_embeddings_bytes(
    ids: Sequence[str], vectors: Sequence[np.ndarray], original_ids: Sequence[str] | None = None
) -> bytes:
    """HDF5 in the bio_embeddings layout: one dataset per protein (``original_id`` if given)."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        for index, (key, vector) in enumerate(zip(ids, vectors, strict=True)):
            item = handle.create_dataset(key, data=vector)
            if original_ids is not None:
                item.attrs["original_id"] = original_ids[index]
    return buffer.getvalue()


def _hdf5(fill) -> bytes:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        fill(handle)
    return buffer.getvalue()


def _nested(ids: Sequence[str]):
    def fill(handle: h5py.File) -> None:
        handle.create_group("layer_33").create_dataset(ids[0], data=np.zeros(4))

    return fill


def _huge_attribute(ids: Sequence[str]):
    def fill(handle: h5py.File) -> None:
        item = handle.create_dataset(ids[0], data=np.zeros(4))
        item.attrs["notes"] = np.ones(MAX_ATTRIBUTE_BYTES + 1, dtype=np.uint8)

    return fill


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("embeddings/reduced_embeddings_file.h5", b"x")
    return buffer.getvalue()


def _table(ids: Sequence[str], rows: Sequence[str], header: str = "id,a,b") -> bytes:
    return (
        header + "\n" + "".join(f"{i},{row}\n" for i, row in zip(ids, rows, strict=True))
    ).encode()


def bad_files(ids: Sequence[str]) -> dict[str, tuple[bytes, str]]:
    """File name -> (content, a fragment of the message that refuses it).

    Args:
        ids: Sequence IDs of the data set uploaded against (at least three).
    """
    a, b, c = ids[:3]
    oversized = "id,x\n" + "".join(f"{a}_{n},{n}\n" for n in range(UPLOAD_LIMIT_MB * 2**16))
    return {
        "no_matching_id.csv": (b"id,x\nQ99999,1\nQ88888,2\n", "None of the 2 IDs"),
        "ragged_rows.csv": (f"id,a,b\n{a},1,2\n{b},1,2,3\n".encode(), "same number of fields"),
        "mismatched_dimensions.h5": (
            bio_embeddings_bytes([a, b], [np.zeros(4), np.zeros(5)]),
            "differ in length",
        ),
        "nan_value.csv": (_table([a, b], ["1,2", "1,"]), "not a finite number (nan)"),
        "infinite_value.h5": (
            bio_embeddings_bytes([a, b], [np.zeros(3), np.array([0, np.inf, 0])]),
            "not a finite number (inf)",
        ),
        "non_numeric.csv": (
            _table([a], ["1,Homo sapiens"], header="id,a,species"),
            "is not numeric",
        ),
        "zip_archive.h5": (_zip(), "is a zip archive"),
        "gzip_archive.csv": (gzip.compress(_table([a], ["1,2"])), "is a gzip archive"),
        "over_the_limit.csv": (oversized.encode(), "upload limit"),
        "nested_groups.h5": (_hdf5(_nested(ids)), "is a group"),
        "huge_attribute.h5": (_hdf5(_huge_attribute(ids)), "holds 4,097 bytes"),
        "pickle.npz": (pickle.dumps({a: [1.0, 2.0]}), "never opens pickles"),
        "per_residue.h5": (
            bio_embeddings_bytes([c], [np.zeros((40, 4))]),
            "per-residue embeddings",
        ),
        "duplicate_ids.csv": (_table([a, b, a], ["1,2", "3,4", "5,6"]), "appears twice"),
        "empty.h5": (b"", "is empty"),
    }


def write_bad_files(folder: Path, ids: Sequence[str]) -> dict[Path, str]:
    """Write :func:`bad_files` into ``folder``; path -> message fragment."""
    written = {}
    for name, (content, fragment) in bad_files(ids).items():
        path = folder / name
        path.write_bytes(content)
        written[path] = fragment
    return written


BAD_FILE_NAMES = tuple(sorted(bad_files(("P1", "P2", "P3"))))
"""The names of the bad files (for test parameters)."""
