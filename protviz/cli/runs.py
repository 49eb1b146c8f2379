"""``python -m protviz runs``: list the saved runs."""

from __future__ import annotations

import argparse
from typing import Any

from protviz.core.store import store_root
from protviz.model import runs


def run(args: argparse.Namespace) -> dict[str, Any]:
    """List the runs with their names, architectures, data sets and accuracy."""
    return {
        "home": str(store_root(args.home)),
        "runs": [
            {
                "run_id": saved.run_id,
                "name": saved.name,
                "arch": saved.arch,
                "dataset": saved.record.dataset.name,
                "accuracy": saved.metrics.accuracy,
                "created": saved.created,
            }
            for saved in runs.list_runs(args.home)
        ],
    }


def format(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``runs``."""
    if not result["runs"]:
        return f"no runs in {result['home']}"
    lines = [f"{len(result['runs'])} run(s) in {result['home']}:"]
    for saved in result["runs"]:
        accuracy = "-" if saved["accuracy"] is None else f"{saved['accuracy']:.3f}"
        lines.append(
            f"  {saved['run_id']}  {saved['arch']:<14}  acc {accuracy}  {saved['created']}  "
            f"{saved['name']}"
        )
    return "\n".join(lines)
