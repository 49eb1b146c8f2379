"""Where protviz keeps what it saves, and the clean-up of half-written folders.

The run store (:mod:`protviz.model.runs`) and the uploaded data set store
(:mod:`protviz.io.datastore`) share one root folder: ``models/`` at the
repository root, or the folder named by the ``PROTVIZ_HOME`` environment
variable, or an explicit ``home`` argument (the command line's ``--home``).
Both write a temporary folder named ``.tmp-*`` and rename it into place in one
step, so a crash never leaves a half-written entry under a valid name; such
temporaries are never listed and :func:`remove_stale_temporaries` removes old ones.
"""

from __future__ import annotations

import os
import shutil
import time
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
