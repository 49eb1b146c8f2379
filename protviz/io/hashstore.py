"""Content-addressed stores: one folder per SHA-256 hash under a root, written atomically.

The uploaded data sets (:mod:`protviz.io.datastore`) and the uploaded embedding
files (:mod:`protviz.io.embedding_files`) are kept this way. An entry is written
to a temporary folder ``.tmp-*`` next to its final place and renamed into place
in one step, so a crash never leaves a half-written entry under a valid name, and
two saves of the same content race harmlessly. A reference is checked against
:data:`HASH_PATTERN` before any path is built from it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from protviz.core.store import TEMP_PREFIX

HASH_PATTERN = re.compile(r"[0-9a-f]{64}")
"""A content hash: 64 lower-case hexadecimal digits (SHA-256)."""


def is_content_hash(text: object) -> bool:
    """Whether ``text`` is a full SHA-256 content hash (and so safe as a folder name)."""
    return isinstance(text, str) and HASH_PATTERN.fullmatch(text) is not None


def write_entry_once(root: Path, ref: str, marker: str, fill: Callable[[Path], None]) -> None:
    """Write the entry ``root/ref`` unless it exists already.

    Args:
        root: The store's folder (created if missing).
        ref: The entry's content hash (checked by the caller).
        marker: The file whose presence means the entry is complete (its record).
        fill: Writes the entry's files into the folder it is given.
    """
    target = root / ref
    if (target / marker).is_file():
        return
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
    try:
        fill(staging)
        try:
            staging.rename(target)
        except OSError:
            if not (target / marker).is_file():  # not a concurrent save of the same content
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_json(path: Path, record: dict[str, Any]) -> None:
    """Write a record as indented UTF-8 JSON."""
    path.write_text(json.dumps(record, indent=2), encoding="utf-8")


def read_json(path: Path) -> dict[str, Any]:
    """Read a JSON record.

    Raises:
        FileNotFoundError: If the file is missing.
        OSError, ValueError: If it cannot be read or is not a JSON object.
    """
    record = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(record, dict):
        raise ValueError(f"{path.name} is not a JSON object")
    return record


def entry_folders(root: Path) -> Iterator[Path]:
    """The folders under ``root`` named by a content hash (temporaries and strays skipped)."""
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.is_dir() and is_content_hash(folder.name):
            yield folder


def save_array_atomically(path: Path, array: np.ndarray) -> None:
    """Write an array as ``.npy`` next to its final name, then rename (never a half file).

    Args:
        path: The final file; its folder is created if missing.
        array: A numeric array (saved without pickle).

    Raises:
        OSError: If the folder cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(4)}-{path.name}")
    try:
        with temporary.open("wb") as handle:
            np.save(handle, array, allow_pickle=False)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
