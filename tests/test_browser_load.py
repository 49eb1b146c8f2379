"""Load: four browser sessions at once on one server, for a bounded time.

Three sessions explore different runs (Explore, Attention, Embedding matrix, Models)
and one trains models back to back for the whole time (each a job in a worker process).
Every page must respond, no page may show an exception, and no run may be lost.

After one warm-up visit of every page, the three exploring sessions run with the fourth
session training, for 30 s in the test suite. As a benchmark
(``PROTVIZ_LOAD_SECONDS=75 python -m pytest -s tests/test_browser_load.py``) they run that
long, and first once without training ("quiet"). Each page's response time (from
navigation until its content is drawn) is written to ``tests/artifacts/load-times.json``
and printed, next to the same page visited by one session alone on the warm server
afterwards; BENCHMARKS.md reports them.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from pathlib import Path

import pytest

from protviz.model import jobs, runs
from tests.browser import CHROMIUM_FLAGS, chromium_path, serve_app
from tests.conftest import copy_demo_run

pytestmark = pytest.mark.browser
playwright_async = pytest.importorskip("playwright.async_api")

ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "load-times.json"
BENCHMARK = "PROTVIZ_LOAD_SECONDS" in os.environ
"""Run as the load benchmark: the quiet phase too, for PROTVIZ_LOAD_SECONDS seconds each."""
DURATION_S = float(os.environ.get("PROTVIZ_LOAD_SECONDS", "30"))
"""How long the three exploring sessions keep visiting pages."""
TIMEOUT_MS = 180_000
PLOT_TITLE = "[data-testid='stPlotlyChart'] .gtitle"

# Each exploring session: (name, run, [(path, what marks the page as drawn)]).
VISITS = {
    "explore-conv": (
        "demo-motif-conv-attention",
        [("explore", PLOT_TITLE), ("explore?method=umap", ".gtitle:has-text('UMAP')")],
    ),
    "explore-mean": (
        "demo-motif-mean",
        [("explore?kind=learned", PLOT_TITLE), ("attention?seq=toy0003_t", PLOT_TITLE)],
    ),
    "matrix-models": (
        "demo-motif-conv-attention",
        [("matrix", PLOT_TITLE), ("models", "text=Current run (used by the other pages)")],
    ),
}


async def explore(browser, url: str, name: str, times: dict[str, list[float]]) -> int:
    """Visit the session's pages in turn until the time is up. Returns the visits made."""
    run_id, pages = VISITS[name]
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    visits = 0
    deadline = time.monotonic() + DURATION_S
    while time.monotonic() < deadline or visits < len(pages):
        path, ready = pages[visits % len(pages)]
        separator = "&" if "?" in path else "?"
        started = time.monotonic()
        await page.goto(f"{url}/{path}{separator}run={run_id}")
        try:
            await page.locator(ready).first.wait_for()
        except playwright_async.TimeoutError:
            ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(ARTIFACT.parent / f"load-timeout-{name}.png"))
            raise AssertionError(f"{name}: {path} did not respond in {TIMEOUT_MS} ms") from None
        times.setdefault(path.split("?")[0], []).append(time.monotonic() - started)
        assert await page.locator("[data-testid='stException']").count() == 0, (name, path)
        visits += 1
    await context.close()
    return visits


async def train(browser, url: str, times: dict[str, list[float]]) -> int:
    """Train small mean models one after another until the time is up; return how many."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS * 2)
    started = time.monotonic()
    await page.goto(f"{url}/train")
    await page.get_by_role("button", name="Start training").wait_for()
    times.setdefault("train", []).append(time.monotonic() - started)
    await page.locator("[data-testid='stRadio']").first.get_by_text("mean", exact=True).click()
    field = page.get_by_label("Epochs (most)")
    await field.fill("3")
    await field.press("Enter")
    deadline = started + DURATION_S
    trained = 0
    while trained == 0 or time.monotonic() < deadline:
        await page.get_by_role("button", name="Start training").click()
        await page.get_by_role("button", name="Cancel training").wait_for()
        await page.get_by_text("Saved 'mean on motif position (toy)'").wait_for()
        trained += 1
    assert await page.locator("[data-testid='stException']").count() == 0
    await context.close()
    return trained


async def load(url: str, training: bool) -> tuple[dict[str, list[float]], dict[str, int], int]:
    """The three exploring sessions (and the training one) at once: the times of each
    page, the visits of each session, and the models trained."""
    times: dict[str, list[float]] = {}
    async with playwright_async.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS
        )
        sessions = [explore(browser, url, name, times) for name in VISITS]
        if training:
            sessions.append(train(browser, url, times))
        results = await asyncio.gather(*sessions)
        await browser.close()
    trained = results[3] if training else 0
    return times, dict(zip(VISITS, results[:3], strict=True)), trained


async def alone(url: str) -> dict[str, float]:
    """The same pages visited by one session on the idle, warm server (the baseline)."""
    seconds: dict[str, float] = {}
    async with playwright_async.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS
        )
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        for run_id, pages in VISITS.values():
            for path, ready in pages:
                separator = "&" if "?" in path else "?"
                started = time.monotonic()
                await page.goto(f"{url}/{path}{separator}run={run_id}")
                await page.locator(ready).first.wait_for()
                seconds.setdefault(path.split("?")[0], time.monotonic() - started)
        await browser.close()
    return seconds


def training_share(home, seconds: float) -> float:
    """The share of ``seconds`` during which a training job was running."""
    busy = sum(
        (record.finished or time.time()) - record.started
        for record in jobs.list_jobs(home)
        if record.started is not None
    )
    return round(busy / seconds, 2)


def page_report(times, quiet, baseline) -> dict[str, dict[str, float | int | None]]:
    """Per page: visits, median and slowest time under training, the quiet median, alone."""
    report = {}
    for page, seconds in sorted(times.items()):
        median = statistics.median(seconds)
        alone_s = baseline.get(page)
        report[page] = {
            "visits": len(seconds),
            "median_s": round(median, 2),
            "max_s": round(max(seconds), 2),
            "quiet_median_s": round(statistics.median(quiet[page]), 2) if page in quiet else None,
            "alone_s": round(alone_s, 2) if alone_s else None,
            "median_vs_alone": round(median / alone_s, 2) if alone_s else None,
        }
    return report


def test_four_sessions_at_once(tmp_path):
    for run_id in ("demo-motif-conv-attention", "demo-motif-mean"):
        copy_demo_run(tmp_path, run_id)
    before = {run.run_id for run in runs.list_runs(tmp_path)}
    with serve_app(tmp_path) as server:
        asyncio.run(alone(server.url))  # warm-up: caches, numba's compilation
        quiet = asyncio.run(load(server.url, training=False))[0] if BENCHMARK else {}
        started = time.monotonic()
        times, visits, trained = asyncio.run(load(server.url, training=True))
        share = training_share(tmp_path, time.monotonic() - started)
        baseline = asyncio.run(alone(server.url))
        log = server.log.read_text()
    assert "Traceback" not in log, log[-3000:]
    after = {run.run_id for run in runs.list_runs(tmp_path)}
    assert before < after and len(after) == len(before) + trained  # none lost, all saved
    assert all(count >= 2 for count in visits.values()), visits

    report = page_report(times, quiet, baseline)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    summary = {"duration_s": DURATION_S, "models_trained": trained, "training_share": share}
    ARTIFACT.write_text(json.dumps({**summary, "pages": report}, indent=2))
    print(json.dumps({**summary, "pages": report}, indent=2))
