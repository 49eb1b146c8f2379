"""Load: four browser sessions at once on one server, for a bounded time.

Three sessions explore different runs (Explore, Attention, Embedding matrix, Models)
and one trains a model. Every page must respond, no page may show an exception, and
no run may be lost. Each page's response time (from navigation until its content is
drawn) is written to ``tests/artifacts/load-times.json`` and printed, next to the same
page visited by one session alone on the warm server afterwards; BENCHMARKS.md reports
them.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from pathlib import Path

import pytest

from protviz.model import runs
from tests.browser import CHROMIUM_FLAGS, chromium_path, serve_app
from tests.conftest import copy_demo_run

pytestmark = pytest.mark.browser
playwright_async = pytest.importorskip("playwright.async_api")

ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "load-times.json"
DURATION_S = 75
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


async def train(browser, url: str, times: dict[str, list[float]]) -> None:
    """Train a small mean model to the end while the others explore."""
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
    await page.get_by_role("button", name="Start training").click()
    await page.get_by_text("Saved 'mean on motif position (toy)'").wait_for()
    assert await page.locator("[data-testid='stException']").count() == 0
    await context.close()


async def load(url: str) -> tuple[dict[str, list[float]], dict[str, int]]:
    times: dict[str, list[float]] = {}
    async with playwright_async.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS
        )
        results = await asyncio.gather(
            *(explore(browser, url, name, times) for name in VISITS), train(browser, url, times)
        )
        await browser.close()
    return times, dict(zip(VISITS, results[:3], strict=True))


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


def test_four_sessions_at_once(tmp_path):
    for run_id in ("demo-motif-conv-attention", "demo-motif-mean"):
        copy_demo_run(tmp_path, run_id)
    before = {run.run_id for run in runs.list_runs(tmp_path)}
    with serve_app(tmp_path) as server:
        times, visits = asyncio.run(load(server.url))
        baseline = asyncio.run(alone(server.url))
        log = server.log.read_text()
    assert "Traceback" not in log, log[-3000:]
    after = {run.run_id for run in runs.list_runs(tmp_path)}
    assert before < after and len(after) == len(before) + 1  # none lost, the new one saved
    assert all(count >= 2 for count in visits.values()), visits

    report = {
        page: {
            "visits": len(seconds),
            "median_s": round(statistics.median(seconds), 2),
            "max_s": round(max(seconds), 2),
            "alone_s": round(baseline[page], 2) if page in baseline else None,
        }
        for page, seconds in sorted(times.items())
    }
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps({"duration_s": DURATION_S, "pages": report}, indent=2))
    print(json.dumps(report, indent=2))
