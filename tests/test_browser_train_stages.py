"""The Train page through a training's stages, in a served app, with screenshots.

A short ``mean`` training is started from the form; the page is photographed while it
prepares (no curves figure may be drawn then), trains (before and after the first
epoch's curves), scores the test set (when that is slow enough to catch) and shows the
results, into ``tests/artifacts/train-stages/``. While it trains, nothing outside the
live job view is greyed out as stale at its refreshes.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.browser import chromium, serve_app, start_training
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

TIMEOUT_MS = 240_000
ARTIFACTS = ROOT / "tests" / "artifacts" / "train-stages"
CHART = "[data-testid='stPlotlyChart']"
OUTSIDE_THE_JOB_VIEW = ("Start training", "Data set", "Run name", "Training jobs on this server")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    home = tmp_path_factory.mktemp("stages_home")
    with serve_app(home) as server, chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.server_url = server.url
        yield page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    top(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def greyed_texts(page) -> list[str]:
    """The texts of the element containers drawn faded (stale) right now."""
    return page.locator("[data-testid='stElementContainer']").evaluate_all(
        "nodes => nodes.filter(n => Number(getComputedStyle(n).opacity) < 0.9)"
        ".map(n => n.innerText)"
    )


def top(page) -> None:
    """Scroll the page's title into view (the job view is under it)."""
    page.get_by_role("heading", name="Train").first.scroll_into_view_if_needed()


def test_the_train_page_in_each_stage(page):
    start_training(page, page.server_url, "mean", epochs=40, patience=100)
    preparing = page.get_by_text(re.compile(r"so far\. Training curves appear")).first
    preparing.wait_for()
    shot(page, "1-preparing")
    seen_preparing = 0
    while preparing.is_visible():  # until the first batch
        assert page.locator(CHART).count() == 0, "a curves figure was drawn while preparing"
        seen_preparing += 1
        time.sleep(0.2)
    assert seen_preparing
    epoch = page.get_by_text(re.compile(r"Epoch \d+/\d+"))
    epoch.first.wait_for()
    shot(page, "2-training-first-epoch")
    stale_outside = []
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline and epoch.count():
        stale_outside += [
            text for text in greyed_texts(page) if any(w in text for w in OUTSIDE_THE_JOB_VIEW)
        ]
        time.sleep(0.1)
    assert not stale_outside, f"greyed out at a refresh: {stale_outside[:3]}"
    page.locator(f"{CHART} .main-svg").first.wait_for()
    if epoch.count():  # still training: the live curves
        shot(page, "3-training-curves")
    scoring = page.get_by_text("Scoring the test set:", exact=False)
    results = page.get_by_text("and made it the current run", exact=False)
    while not results.count():
        if scoring.count():
            shot(page, "4-scoring")
            break
        time.sleep(0.1)
    results.first.wait_for()
    page.get_by_text("Training curves").first.wait_for()
    shot(page, "5-results")
    assert (ARTIFACTS / "5-results.png").is_file()
