"""Where protviz keeps what it saves, and the clean-up of half-written folders.

The run store (:mod:`protviz.model.runs`) and the uploaded data set store
(:mod:`protviz.io.datastore`) share one root folder: ``models/`` at the
repository root, or the folder named by the ``PROTVIZ_HOME`` environment
variable, or an explicit ``home`` argument (the command line's ``--home``).
Both write a temporary folder named ``.tmp-*`` and rename it into place in one
step, so a crash never leaves a half-written entry under a valid name; such
temporaries are never listed and :func:`remove_stale_temporaries` removes old ones.

Single files that are rewritten in place (a run's renamed record, a training job's
record and progress) are written next to their final name and renamed over it
(:func:`write_text_atomically`), so a reader sees the old or the new file, never half
of one. :func:`exclusive_lock` serialises read-modify-write steps between processes
that share a store (two servers, a server and a command-line worker).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

HOME_ENV = "PROTVIZ_HOME"
"""Environment variable that moves the store root."""

DEFAULT_HOME = Path(__file__).resolve().parents[2] / "models"
"""The store root when neither ``home`` nor ``PROTVIZ_HOME`` is given."""

TEMP_PREFIX = ".tmp-"
"""Prefix of folders being written or deleted; never listed."""


def store_root(home: str | os.PathLike | None = None) -> Path:
    """Return the store root (not created).

    Args:
        home: An explicit root; else ``$PROTVIZ_HOME``; else :data:`DEFAULT_HOME`.

    Returns:
        The root folder.
    """
    if home is not None:
        return Path(home)
    from_env = os.environ.get(HOME_ENV, "").strip()
    return Path(from_env) if from_env else DEFAULT_HOME


def remove_stale_temporaries(
    home: str | os.PathLike | None = None, older_than_seconds: float = 24 * 3600
) -> int:
    """Remove ``.tmp-*`` folders left by crashed saves.

    Args:
        home: Store root (see :func:`store_root`), or any folder written the same way.
        older_than_seconds: Only folders not modified for this long are removed,
            so a save still writing is left alone.

    Returns:
        The number of folders removed.
    """
    root = store_root(home)
    if not root.is_dir():
        return 0
    removed = 0
    cutoff = time.time() - older_than_seconds
    for path in root.iterdir():
        if path.name.startswith(TEMP_PREFIX) and path.is_dir() and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def write_text_atomically(path: Path, text: str) -> None:
    """Write UTF-8 text next to ``path``, then rename it over ``path`` in one step.

    A reader (in any process) sees the old file or the new one, never a half-written
    one; a crash leaves at most a ``.tmp-*`` file beside it.

    Args:
        path: The final file (its folder must exist).
        text: The content.

    Raises:
        OSError: If the folder cannot be written.
    """
    temporary = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(4)}-{path.name}")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on the file ``path`` (created if missing).

    The lock (``fcntl.flock``) excludes every other holder, in this process (another
    thread) or in another one on the same machine; it is released on exit, and by the
    kernel when a holder dies.

    Args:
        path: The lock file (its folder is created if missing).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
