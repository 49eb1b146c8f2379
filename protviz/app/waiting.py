"""Progress of a slow computation on a page: what it is doing, how far, and for how long.

:func:`progress_shown` is used inside the cached functions of
:mod:`protviz.app.model_caches` (a projection, the quality measures), so it is drawn
only when the result is computed, not when it comes from the cache. Streamlit replays
what a cached function drew when its result is reused; the element ends empty, so the
replay shows nothing.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import streamlit as st

from protviz.app.errors import as_text

REDRAW_SECONDS = 1.0
"""Most often the progress element is redrawn (every stage change is drawn at once)."""


@contextlib.contextmanager
def progress_shown(title: str) -> Iterator[Callable[[str, float | None], None]]:
    """A progress bar with a title, the current stage and the seconds so far, while the
    block runs; removed at its end.

    Args:
        title: What is being computed, e.g. ``UMAP (n_neighbors 15, ...) of 3,000 sequences``.

    Yields:
        The progress callable: ``report(stage, fraction)``, the fraction None when unknown.
    """
    slot = st.empty()
    started = time.monotonic()
    drawn = {"at": -REDRAW_SECONDS, "stage": "", "fraction": 0.0}

    def report(stage: str, fraction: float | None) -> None:
        now = time.monotonic()
        new_stage = stage.split(",")[0] != str(drawn["stage"]).split(",")[0]
        if not new_stage and now - float(drawn["at"]) < REDRAW_SECONDS:
            return
        shown = float(drawn["fraction"]) if fraction is None else min(1.0, fraction)
        drawn.update(at=now, stage=stage, fraction=shown)
        slot.progress(shown, text=as_text(f"{title}: {stage}... {now - started:.0f} s so far"))

    report("starting", 0.0)
    try:
        yield report
    finally:
        slot.empty()
