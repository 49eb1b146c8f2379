"""``python -m protviz project-job FOLDER``: run a background projection (no TensorFlow)."""

from __future__ import annotations

import argparse
from typing import Any

from protviz.analysis.projection_jobs import run_projection_job


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the projection job in ``args.folder``; report how it ended."""
    state = run_projection_job(args.folder)
    return {"folder": str(args.folder), "state": state.state, "error": state.error}


def format(result: dict[str, Any]) -> str:
    """One line: how the job ended."""
    error = f": {result['error']}" if result["error"] else ""
    return f"projection job {result['folder']}: {result['state']}{error}"
