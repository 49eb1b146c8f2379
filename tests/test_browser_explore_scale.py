"""Explore's dense view and background projections in a real browser (one server).

The server sets ``PROTVIZ_BACKGROUND_POINTS=50``, so the motif toy's 1,000 k-mer vectors
count as large: their UMAP runs in the background, with its progress and the PCA shown
meanwhile, until the UMAP arrives; a second browser context opening the same link gets
the cached UMAP at once. "Classes shown" leaves a class's points out of the plot.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from protviz.analysis.projection_jobs import cancel_projection_job, job_state, projections_root
from tests.browser import (
    Server,
    chromium,
    fresh_page,
    no_traceback,
    serve_app,
    wait_for_plot_title,
)

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

TIMEOUT_MS = 180_000
PLOT = "document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"
POINTS = f"() => {PLOT}._fullData.find(t => t.name === 'sequences').customdata.length"
"""JavaScript: how many points the first scatter plot draws."""
LABELS = f"() => [...new Set({PLOT}._fullData.find(t => t.name === 'sequences')" + (
    ".customdata.map(row => row[2]))].sort()"
)
"""JavaScript: the true labels of the points drawn (hover column 2), sorted."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, object]]:
    """One server whose t-SNE and UMAP of 50 points or more run in the background."""
    home = tmp_path_factory.mktemp("scale_home")
    env = {"PROTVIZ_BACKGROUND_POINTS": "50"}
    try:
        with serve_app(home, env=env) as server, chromium() as browser:
            yield server, browser
    finally:
        for folder in projections_root(home).glob("*/"):
            if not job_state(folder).settled:
                cancel_projection_job(folder)


def test_hiding_a_class_draws_fewer_points(served):
    server, browser = served
    page = fresh_page(browser, TIMEOUT_MS)
    page.goto(f"{server.url}/explore?dataset=motif&kind=kmer")
    wait_for_plot_title(page, "kmer embedding, PCA")
    assert page.evaluate(POINTS) == 1000
    assert page.evaluate(LABELS) == ["middle", "terminal"]
    classes = page.locator("[data-testid='stMultiSelect']").filter(has_text="Classes shown")
    classes.locator("input").click()
    page.keyboard.press("Backspace")  # removes the last class chosen, terminal
    page.keyboard.press("Escape")
    page.wait_for_url("**hide=terminal**")
    page.wait_for_function(f"() => ({POINTS})() < 1000")
    assert 0 < page.evaluate(POINTS) < 1000
    assert page.evaluate(LABELS) == ["middle"]
    no_traceback(page)


def test_a_large_umap_runs_in_the_background_and_the_next_visitor_gets_it_at_once(served):
    server, browser = served
    page = fresh_page(browser, TIMEOUT_MS)
    page.goto(f"{server.url}/explore?dataset=motif&kind=kmer&method=umap")
    page.get_by_text("vectors runs in the background").wait_for()
    wait_for_plot_title(page, "kmer embedding, PCA")  # meanwhile
    assert page.evaluate(POINTS) == 1000
    assert page.get_by_role("button", name="Cancel", exact=True).count() == 1
    wait_for_plot_title(page, "kmer embedding, UMAP")
    assert page.evaluate(POINTS) == 1000
    page.locator("[data-testid='stProgress']").wait_for(state="detached")
    no_traceback(page)

    (folder,) = projections_root(server.home).glob("*/")
    status = (folder / "status.json").read_text()
    fresh = fresh_page(browser, TIMEOUT_MS)  # a colleague with the link: no session state
    fresh.goto(page.url)
    wait_for_plot_title(fresh, "kmer embedding, UMAP")
    assert "runs in the background" not in fresh.content()
    assert (folder / "status.json").read_text() == status  # nothing ran again
    no_traceback(fresh)
