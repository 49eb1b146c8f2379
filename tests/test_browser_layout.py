"""Real-browser layout checks at 1,400 px: nothing a biologist reads is cut off, and a
first visit shows the best of the app.

The Explore quality table must fit its frame without a horizontal scroll bar, the titles
of the side-by-side plots must stay inside their plots, and the small-multiple titles on
Compare must stay inside the figure without running into each other, even for runs with
long names. A first visit (no link) opens on the shipped SCL2205 conv_attention run and
its data set, with a sequence already drawn on Attention. Screenshots go to
``tests/artifacts/layout/``.
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from protviz.app.widgets import FEATURED_RUN
from tests.browser import Server, chromium, serve_app
from tests.conftest import DEMO_RUN, copy_demo_run

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "layout"
TIMEOUT_MS = 240_000
WIDTH = 1400
LONG_NAME = (
    "mean model trained again on the motif-position toy with a much longer name than usual, "
    "to see that titles stay readable"
)
TWIN = "demo-motif-mean-twin"

ELEMENT_BOXES = """
(chart, selector) => {
  const frame = chart.getBoundingClientRect();
  return [...chart.querySelectorAll(selector)].map(element => {
    const box = element.getBoundingClientRect();
    return {text: element.textContent, left: box.left - frame.left,
            right: frame.right - box.right, top: Math.round(box.top), x: box.left,
            width: box.width, lines: element.querySelectorAll('tspan.line').length};
  });
}
"""


def add_long_named_twin(home: Path) -> None:
    """A second ``mean`` run (a copy of the shipped one) with a very long name."""
    source = copy_demo_run(home, "demo-motif-mean")
    twin = home / TWIN
    shutil.copytree(source, twin)
    record = json.loads((twin / "run.json").read_text())
    record.update(run_id=TWIN, name=LONG_NAME)
    (twin / "run.json").write_text(json.dumps(record))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("layout_home")
    copy_demo_run(home)
    copy_demo_run(home, FEATURED_RUN)
    add_long_named_twin(home)
    with serve_app(home) as running:
        yield running


@pytest.fixture
def page(server: Server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": WIDTH, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        yield page


def shot(page, name: str) -> None:
    """The window as it is scrolled (Streamlit scrolls inside the page, not the page)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def boxes(chart, selector: str) -> list[dict]:
    """Where each ``selector`` element of a chart lies, relative to the chart's frame."""
    return chart.evaluate(ELEMENT_BOXES, selector)


def no_traceback(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()


def test_explore_titles_and_quality_table_are_not_cut(page, server):
    page.goto(
        f"{server.url}/explore?dataset=motif&run={DEMO_RUN}&side=true&method=umap&metric=cosine"
    )
    charts = page.locator("[data-testid='stPlotlyChart']")
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stPlotlyChart'] .gtitle\").length >= 2"
    )
    for index in range(2):
        titles = boxes(charts.nth(index).element_handle(), ".gtitle")
        assert len(titles) == 1, titles
        title = titles[0]
        assert title["text"].startswith(("averaged embedding, UMAP", "learned embedding, UMAP"))
        assert title["left"] >= -1 and title["right"] >= -1, title  # inside its plot
        assert title["lines"] == 2, title  # wrapped, not cut

    page.get_by_role("tab", name="Embedding quality").click()
    table = page.locator("[data-testid='stDataFrame']").filter(has=page.locator("canvas")).last
    table.locator(".dvn-scroller").wait_for()
    page.get_by_text("5-NN accuracy in the projection").first.wait_for(state="attached")
    scroll_width, client_width = table.locator(".dvn-scroller").evaluate(
        "element => [element.scrollWidth, element.clientWidth]"
    )
    assert scroll_width <= client_width + 1, (scroll_width, client_width)  # no column hidden
    shot(page, "explore-side-by-side-1400")
    no_traceback(page)


def test_compare_small_multiple_titles_are_not_cut(page, server):
    page.goto(f"{server.url}/compare?dataset=motif")
    page.get_by_text("What the numbers say").wait_for()
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.locator(".annotation-text").first.wait_for()
    titles = boxes(chart.element_handle(), ".annotation-text")
    assert len(titles) == 6  # three runs, averaged and learned
    assert any("mean (mean model trained" in title["text"] for title in titles)  # long name
    assert all(title["text"].endswith((": averaged", ": learned")) for title in titles)
    rows: dict[int, list[dict]] = {}
    for title in titles:
        assert title["left"] >= -1 and title["right"] >= -1, title
        rows.setdefault(title["top"], []).append(title)
    for row in rows.values():
        row.sort(key=lambda title: title["x"])
        for left, right in itertools.pairwise(row):
            assert left["x"] + left["width"] <= right["x"], (left, right)  # no overlap
    chart.scroll_into_view_if_needed()
    shot(page, "compare-small-multiples-1400")
    no_traceback(page)


def test_a_first_visit_opens_on_the_featured_run_and_its_data_set(page, server):
    page.goto(f"{server.url}/data")
    chart = page.locator("[data-testid='stPlotlyChart']").filter(has_text="Sequences per class")
    chart.locator(".gtitle").wait_for()
    assert "19,074 in all" in chart.locator(".gtitle").text_content()
    counts = chart.locator(".textpoint text").all_text_contents()  # the count on every bar
    assert len(counts) == 13 and "4,718" in counts  # Nucleus, the largest class
    assert "dataset=scl2205" in page.url
    shot(page, "first-visit-data-1400")

    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Attention").click()
    overlay = page.locator("[data-testid='stPlotlyChart']").filter(
        has_text="Attention over the sequence"
    )
    overlay.locator(".heatmaplayer").first.wait_for()
    assert f"run={FEATURED_RUN}" in page.url
    assert "seq=Q9V8F5" in page.url  # the run's most confident correct test sequence
    shot(page, "first-visit-attention-1400")
    no_traceback(page)
