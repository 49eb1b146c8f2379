"""Real-browser tests: the served app in headless Chromium, driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import Server, chromium, serve_app
from tests.conftest import data_file

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_app(tmp_path_factory.mktemp("browser_home")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser, server: Server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def open_upload(page, server: Server) -> None:
    page.goto(f"{server.url}/data")
    page.get_by_text("Upload FASTA").click()
    page.locator("[data-testid='stFileUploader']").first.wait_for()


def assert_no_traceback(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()


def test_first_visit_to_a_page_uses_the_app_navigation(page, server):
    # This must be the module's first page load: a fresh server, opened at /data.
    page.goto(f"{server.url}/data")
    page.get_by_text("Current data set").wait_for()
    links = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    titles = [link.strip().split("\n")[-1] for link in links]  # icon name, then title
    assert titles == [
        "Home", "Data", "Train", "Models", "Explore", "Embedding matrix", "Attention", "Compare",
    ]  # fmt: skip
    assert_no_traceback(page)


def test_upload_shows_class_counts(page, server):
    open_upload(page, server)
    page.locator("input[type='file']").first.set_input_files(str(data_file("good.fasta")))
    page.get_by_text("Read 9 sequences").wait_for()
    page.get_by_role("button", name="Use this data set").click()
    page.get_by_text("Current data set: good.fasta").wait_for()
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Sequences")
    # The previous data set's panel goes when the rerun ends: then one metric is left.
    playwright_api.expect(metric).to_have_count(1, timeout=60_000)
    assert "9" in metric.inner_text()
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.locator(".xtick").first.wait_for()
    ticks = chart.locator(".xtick text").all_text_contents()
    assert {"cytoplasmic", "nuclear", "extracellular"} <= set(ticks)
    assert "Sequences per class (9 in all)" in chart.locator(".gtitle").text_content()
    assert_no_traceback(page)


def test_bad_upload_shows_a_readable_error(page, server):
    open_upload(page, server)
    # A web page saved under a .fasta name: the uploader accepts it, protviz explains.
    page.locator("input[type='file']").first.set_input_files(str(data_file("html.fasta")))
    alert = page.locator("[data-testid='stAlert']").filter(has_text="HTML")
    alert.wait_for()
    assert "'html.fasta' is not a FASTA file" in alert.inner_text()
    assert_no_traceback(page)
    # The current data set is untouched: still the built-in toy.
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Sequences")
    assert "1,000" in metric.inner_text()


def progress_value(page) -> float:
    bar = page.locator("[data-testid='stProgress'] [role='progressbar']").first
    return float(bar.get_attribute("aria-valuenow") or 0)


def choose_architecture(page, arch: str) -> None:
    page.locator("[data-testid='stRadio']").first.get_by_text(arch, exact=True).click()


def set_number(page, label: str, value: int) -> None:
    field = page.get_by_label(label)
    field.fill(str(value))
    field.press("Enter")


def test_training_progress_cancel_and_exactly_one_new_run(page, server):
    from protviz.model import runs

    before = {run.run_id for run in runs.list_runs(server.home)}
    page.goto(f"{server.url}/train")
    choose_architecture(page, "mean")
    # Long enough (about 20 s) for the live view, refreshed every 2 s, to show the
    # progress bar at least twice before the job ends.
    set_number(page, "Epochs (most)", 40)
    set_number(page, "Early-stopping patience (epochs)", 40)
    page.get_by_role("button", name="Start training").click()
    page.locator("[data-testid='stProgress']").first.wait_for()
    page.wait_for_function(
        "() => Number(document.querySelector(\"[data-testid='stProgress'] [role='progressbar']\")"
        "?.getAttribute('aria-valuenow') || 0) > 0"
    )
    first = progress_value(page)
    page.wait_for_function(
        "v => Number(document.querySelector(\"[data-testid='stProgress'] [role='progressbar']\")"
        "?.getAttribute('aria-valuenow') || 0) > v",
        arg=first,
    )
    assert progress_value(page) > first
    page.get_by_text("Saved 'mean on motif position (toy)'").wait_for(timeout=240_000)

    choose_architecture(page, "bilstm")
    page.get_by_role("button", name="Start training").click()
    page.locator("[data-testid='stProgress']").first.wait_for()
    page.get_by_role("button", name="Cancel training").click()
    page.get_by_text("Training was cancelled. Nothing was saved.").wait_for()
    assert_no_traceback(page)

    after = {run.run_id for run in runs.list_runs(server.home)}
    assert len(after - before) == 1
    assert runs.get_run((after - before).pop(), server.home).arch == "mean"


def test_explore_lasso_selection_lists_the_points(page, server):
    from tests.conftest import copy_demo_run

    copy_demo_run(server.home)
    page.goto(f"{server.url}/explore")
    chart = page.locator("[data-testid='stPlotlyChart']").first
    drag_layer = chart.locator(".nsewdrag").first
    drag_layer.wait_for()
    # One point per sequence of the current data set (the 1,000-sequence motif toy).
    points = page.evaluate(
        "() => document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"
        "._fullData.filter(t => t.customdata).reduce((n, t) => n + t.x.length, 0)"
    )
    assert points == 1000
    # Colour by a number: one trace with a colour bar instead of one trace per class.
    page.locator("[data-testid='stSelectbox']").filter(has_text="Colour by").click()
    page.locator("[role='option']").filter(has_text="sequence length").click()
    chart.locator(".colorbar").first.wait_for()
    drag_layer = chart.locator(".nsewdrag").first
    box = drag_layer.bounding_box()
    corners = [(0.05, 0.05), (0.95, 0.05), (0.95, 0.95), (0.05, 0.95), (0.05, 0.05)]
    page.mouse.move(box["x"] + box["width"] * 0.05, box["y"] + box["height"] * 0.05)
    page.mouse.down()
    for fx, fy in corners:
        page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy, steps=8)
    page.mouse.up()
    page.get_by_role("tab", name="Selection (").filter(has_not_text="(0)").wait_for()
    label = page.get_by_role("tab", name="Selection (").inner_text()
    assert int(label.split("(")[1].rstrip(")")) > 100
    page.get_by_role("tab", name="Selection (").click()
    count = label.split("(")[1].rstrip(")")
    page.get_by_text(f"Download {count} IDs").wait_for()
    page.get_by_role("link", name="Open on the Attention page").click()
    page.wait_for_url("**/attention?seq=*")
    page.locator("h1").filter(has_text="Attention").wait_for()
    assert_no_traceback(page)


def test_compare_two_shipped_runs(page, server):
    from tests.conftest import copy_demo_run

    for run_id in ("demo-motif-conv-attention", "demo-motif-mean"):
        if not (server.home / run_id).exists():
            copy_demo_run(server.home, run_id)
    page.goto(f"{server.url}/compare")
    page.get_by_text("What the numbers say").wait_for(timeout=180_000)
    page.get_by_text("cannot move at all").first.wait_for()
    page.locator("[data-testid='stPlotlyChart'] .gtitle").first.wait_for()
    assert page.locator("[data-testid='stPlotlyChart']").count() == 1
    titles = page.locator("[data-testid='stPlotlyChart'] .gtitle").all_text_contents()
    assert any("Same projection for every run" in title for title in titles)
    page.get_by_text("Download this comparison as a standalone HTML report").wait_for()
    assert_no_traceback(page)
