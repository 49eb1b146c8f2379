"""A share link to a shipped run, opened in a fresh browser: seconds until its plot is drawn.

Serves the app on a fresh store holding a copy of the shipped run as a fresh clone has it
(with the vectors it ships, the files git tracks in its ``embeddings/`` folder; none with
``--without-shipped-vectors``), then opens the Explore link of that run on its built-in
data set in a new browser context (no cookies, no Streamlit session) and times, from
``goto`` until the scatter plot holds every sequence:

1. ``first visit, server just started``: the link is the server's first visit;
2. ``first visit, server running``: a new server, started ``--idle`` seconds before, its
   Home page visited once;
3. ``another fresh browser``: the same link again in another new context;
4. ``after a restart, server running``: as 2, on a store where every vector the first
   visits computed is on disk.

Before 2, the store is reset to what a fresh clone ships. The issue's target: at most 5 s.

Usage::

    python bench/bench_share_link.py --output bench/results/share_link.json
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from protviz.io.builtin import load_builtin
from tests.browser import chromium, fresh_page, no_traceback, serve_app
from tests.conftest import ROOT, copy_demo_run

POINTS_DRAWN = (
    "n => { const plot = document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\");"
    " return !!plot && (plot._fullData || []).filter(t => t.customdata)"
    ".reduce((total, t) => total + t.customdata.length, 0) >= n; }"
)


def time_link(browser, url: str, points: int) -> float:
    """Seconds from opening ``url`` in a fresh context until ``points`` points are drawn."""
    page = fresh_page(browser, 300_000)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(POINTS_DRAWN, arg=points, polling=100)
    seconds = time.perf_counter() - started
    no_traceback(page)
    page.context.close()
    return seconds


def visit_home(browser, url: str) -> None:
    """Open the Home page once in its own context (someone used the server), and stay
    until its script has run to the end (a visitor who leaves at once stops it)."""
    page = fresh_page(browser, 300_000)
    page.goto(url)
    page.get_by_test_id("stSidebarNavItems").wait_for()
    page.wait_for_timeout(5_000)
    page.context.close()


def shipped_vectors(run_id: str) -> list[Path]:
    """The vector files a fresh clone has in the run's ``embeddings/`` folder (git tracks)."""
    listed = subprocess.run(
        ["git", "ls-files", f"models/{run_id}/embeddings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [ROOT / name for name in listed.stdout.split()]


def reset_store(home: Path, run_id: str, shipped: list[Path]) -> list[str]:
    """Put the run's ``embeddings/`` folder back to the shipped files; return the names of
    those it held (what the visits so far computed, and the shipped ones)."""
    folder = home / run_id / "embeddings"
    held = sorted(path.name for path in folder.glob("*.npy"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for path in shipped:
        shutil.copy2(path, folder / path.name)
    return held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", default="demo-scl2205-conv-attention")
    parser.add_argument("--dataset", default="scl2205")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds the server idles")
    parser.add_argument(
        "--without-shipped-vectors",
        action="store_true",
        help="leave out the vectors the run ships (as before they were shipped)",
    )
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    points = len(load_builtin(args.dataset))
    shipped = [] if args.without_shipped_vectors else shipped_vectors(args.run)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        home = Path(folder)
        copy_demo_run(home, args.run)
        reset_store(home, args.run, shipped)
        link = f"/explore?run={args.run}&dataset={args.dataset}"
        with serve_app(home) as server:
            seconds["first visit, server just started"] = time_link(
                browser, server.url + link, points
            )
        held = reset_store(home, args.run, shipped)
        with serve_app(home) as server:
            visit_home(browser, server.url)
            time.sleep(args.idle)
            seconds["first visit, server running"] = time_link(browser, server.url + link, points)
            seconds["another fresh browser"] = time_link(browser, server.url + link, points)
        with serve_app(home) as server:
            visit_home(browser, server.url)
            time.sleep(args.idle)
            seconds["after a restart, server running"] = time_link(
                browser, server.url + link, points
            )
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.processor() or platform.system()}",
        "run": args.run,
        "dataset": args.dataset,
        "points": points,
        "idle_seconds": args.idle,
        "vectors_shipped": [path.name for path in shipped],
        "vectors_held_after_the_first_visit": held,
        "seconds": {name: round(value, 2) for name, value in seconds.items()},
        "command": "python bench/bench_share_link.py "
        + ("--without-shipped-vectors " if args.without_shipped_vectors else "")
        + f"--output {args.output}",
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
