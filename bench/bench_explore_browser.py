"""The Explore page with 50,000 sequences, in a real browser.

Serves the app, uploads a 50,000-sequence FASTA through the Data page (the
motif-position generator with 25,000 pairs), opens Explore on the shipped
conv_attention run and times: the first plot (embeddings, PCA and quality), the
switches to UMAP and to t-SNE, and a recolouring. Each step waits until the plot
of all 50,000 points is drawn. Screenshots go next to the JSON output.

Usage::

    python bench/bench_explore_browser.py --output bench/results/explore_browser.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from protviz.io.builtin import motif_position_dataset
from tests.browser import CHROMIUM_FLAGS, chromium_path, serve_app
from tests.conftest import copy_demo_run

COUNT_POINTS = (
    "() => document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"
    "._fullData.filter(t => t.customdata).reduce((n, t) => n + t.customdata.length, 0)"
)


def wait_for_title(page, text: str) -> None:
    page.wait_for_function(
        "t => [...document.querySelectorAll('.gtitle')].some(e => e.textContent.includes(t))",
        arg=text,
    )


def choose(page, box_label: str, option: str) -> None:
    page.locator("[data-testid='stSelectbox']").filter(has_text=box_label).first.click()
    page.locator("[role='option']").filter(has_text=option).first.click()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=25_000, help="sequences = 2 x pairs")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    shots = args.output.parent
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        fasta = home / "toy50k.fasta"
        fasta.write_text(motif_position_dataset(n_pairs=args.pairs, seed=5).to_fasta())
        copy_demo_run(home)
        with serve_app(home) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_FLAGS
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1500})
            page.set_default_timeout(900_000)
            page.goto(f"{server.url}/data")
            page.get_by_text("Upload FASTA").click()
            started = time.perf_counter()
            page.locator("input[type='file']").first.set_input_files(str(fasta))
            page.get_by_text(f"Read {2 * args.pairs:,} sequences").wait_for()
            page.get_by_role("button", name="Use this data set").click()
            page.get_by_text("Current data set: toy50k.fasta").wait_for()
            seconds["upload, parse and summary"] = time.perf_counter() - started

            started = time.perf_counter()
            page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Explore").click()
            wait_for_title(page, "averaged embedding, PCA")
            seconds["Explore: first plot (PCA)"] = time.perf_counter() - started
            points = page.evaluate(COUNT_POINTS)
            assert points == 2 * args.pairs, points
            for name in ("UMAP", "t-SNE"):
                started = time.perf_counter()
                choose(page, "Projection", name)
                wait_for_title(page, f"averaged embedding, {name}")
                seconds[f"switch to {name}"] = time.perf_counter() - started
                assert page.evaluate(COUNT_POINTS) == 2 * args.pairs
                page.screenshot(path=str(shots / f"explore50k-{name}.png"))
            started = time.perf_counter()
            choose(page, "Colour by", "prediction confidence")
            page.locator("[data-testid='stPlotlyChart'] .colorbar").first.wait_for()
            seconds["recolour by confidence"] = time.perf_counter() - started
            assert page.locator("[data-testid='stException']").count() == 0
            browser.close()
    result = {
        "benchmark": "explore_browser",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "sequences": 2 * args.pairs,
        "seconds": {step: round(value, 1) for step, value in seconds.items()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
