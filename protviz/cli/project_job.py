"""``python -m protviz project-job FOLDER``: run a background projection (no TensorFlow).

This is the worker a protviz server starts for every t-SNE or UMAP it runs in the
background (its output goes to the job's ``worker.log``). A projection that fails ends the
command with status 2 and its reason on stderr, like ``job run``.
"""

from __future__ import annotations

import argparse
from typing import Any

from protviz.analysis.projection_jobs import run_projection_job
from protviz.core.errors import ProtvizError


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the projection job in ``args.folder``; report how it ended.

    Raises:
        ProtvizError: If the folder holds no job, or the projection failed (exit status 2).
    """
    state = run_projection_job(args.folder)
    if state.state == "failed":
        raise ProtvizError(f"The projection in {args.folder} failed: {state.error}")
    return {"folder": str(args.folder), "state": state.state}


def format(result: dict[str, Any]) -> str:
    """One line: how the job ended."""
    return f"projection job {result['folder']}: {result['state']}"
