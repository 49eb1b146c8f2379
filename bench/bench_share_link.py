"""A share link to a shipped run, opened in a fresh browser: seconds until its plot is drawn.

Serves the app on a fresh store holding a copy of the shipped run (without its local
embedding cache), then opens the Explore link of that run on its built-in data set in a
new browser context (no cookies, no Streamlit session) and times, from ``goto`` until the
scatter plot holds every sequence:

1. ``first visit, server just started``: the link is the server's first visit, and no
   vectors were ever computed (the run as a fresh clone ships it);
2. ``first visit, server running``: the server was started ``--idle`` seconds before and
   its Home page was visited once, the vectors were never computed;
3. ``another fresh browser``: the same link again in another new context;
4. ``after a restart, server running``: a new server on the same store (the vectors are
   on disk now), idle ``--idle`` seconds after one visit to Home, then the link.

The issue's target is case 4 (and 2 when the run ships its vectors): at most 5 s.

Usage::

    python bench/bench_share_link.py --output bench/results/share_link.json
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from protviz.io.builtin import load_builtin
from tests.browser import chromium, fresh_page, no_traceback, serve_app
from tests.conftest import copy_demo_run

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", default="demo-scl2205-conv-attention")
    parser.add_argument("--dataset", default="scl2205")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds the server idles")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    points = len(load_builtin(args.dataset))
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        home = Path(folder)
        copy_demo_run(home, args.run)
        link = f"/explore?run={args.run}&dataset={args.dataset}"
        with serve_app(home) as server:
            seconds["first visit, server just started"] = time_link(
                browser, server.url + link, points
            )
        cached = sorted(path.name for path in (home / args.run / "embeddings").glob("*.npy"))
        for path in (home / args.run / "embeddings").glob("*.npy"):
            path.unlink()
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
        "vectors_cached_by_the_first_visit": cached,
        "seconds": {name: round(value, 2) for name, value in seconds.items()},
        "command": "python bench/bench_share_link.py --output " + str(args.output),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
