"""The end-to-end journey in a real browser, with a screenshot of each step.

Open the app, upload a labeled FASTA, train the ``mean`` model for two epochs, open
Explore, switch to UMAP and colour by prediction, select a sequence, open it on the
Attention page, copy the share links, and open them in a fresh browser context (no
session state): the same data set, run, projection, colouring and sequence are shown.
Screenshots go to ``tests/artifacts/journey/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from protviz.io.builtin import motif_position_dataset
from protviz.model import runs
from tests.browser import Server, chromium, serve_app

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "journey"
TIMEOUT_MS = 180_000
CHOSEN = "toy0007_m"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_app(tmp_path_factory.mktemp("journey_home")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with chromium() as launched:
        yield launched


def new_page(browser):
    """A page in a fresh context: no cookies, no Streamlit session."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def nav(page, title: str) -> None:
    """Go to a page through the sidebar."""
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=title, exact=True).click()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_traceback(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()


def choose(page, box_label: str, option: str) -> None:
    """Pick ``option`` in the selectbox whose label is ``box_label``."""
    page.locator("[data-testid='stSelectbox']").filter(has_text=box_label).first.click()
    page.locator("[role='option']").filter(has_text=option).first.click()


def selectbox_text(page, box_label: str) -> str:
    """What the selectbox labelled ``box_label`` shows (its text and its input's value)."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=box_label).first
    inputs = box.locator("input")
    shown = inputs.first.input_value() if inputs.count() else ""
    return f"{box.inner_text()} {shown}"


def plot_titles(page) -> list[str]:
    return page.locator("[data-testid='stPlotlyChart'] .gtitle").all_text_contents()


def wait_for_plot_title(page, text: str) -> None:
    page.wait_for_function(
        "t => [...document.querySelectorAll('.gtitle')].some(e => e.textContent.includes(t))",
        arg=text,
    )


def copy_share_link(page) -> str:
    """Open the "Copy share link" popover and read the link it shows."""
    page.get_by_role("button", name="Copy share link").click()
    code = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode']").first
    code.wait_for()
    link = code.inner_text().strip()
    page.keyboard.press("Escape")
    return link


def test_upload_train_explore_attention_and_share(browser, server, tmp_path):
    fasta = tmp_path / "journey.fasta"
    fasta.write_text(motif_position_dataset(n_pairs=60, seed=11).to_fasta())

    page = new_page(browser)
    page.goto(server.url)
    page.locator("h1").filter(has_text="protviz").wait_for()
    shot(page, "01-home")

    # Upload a labeled FASTA on the Data page.
    nav(page, "Data")
    page.get_by_text("Upload FASTA").click()
    page.locator("input[type='file']").first.set_input_files(str(fasta))
    page.get_by_text("Read 120 sequences").wait_for()
    page.get_by_role("button", name="Use this data set").click()
    page.get_by_text("Current data set: journey.fasta").wait_for()
    shot(page, "02-data")

    # Train the mean model for two epochs.
    nav(page, "Train")
    page.locator("[data-testid='stRadio']").first.get_by_text("mean", exact=True).click()
    epochs = page.get_by_label("Epochs (most)")
    epochs.fill("2")
    epochs.press("Enter")
    page.get_by_role("button", name="Start training").click()
    page.get_by_text("Saved 'mean on journey.fasta'").wait_for()
    # Scores with intervals, the baselines on the same test sequences, why it stopped.
    page.get_by_text("on the same 24 test sequences").first.wait_for()
    page.get_by_text("because it reached the epoch cap").wait_for()
    page.get_by_text("Continue training").first.wait_for()
    assert page.get_by_text("95% CI").count() >= 4
    shot(page, "03-trained")
    (run,) = runs.list_runs(server.home)
    assert run.arch == "mean" and run.record.config.epochs == 2

    # Explore: UMAP, coloured by prediction, one sequence chosen.
    nav(page, "Explore")
    wait_for_plot_title(page, "averaged embedding, PCA")
    choose(page, "Projection", "UMAP")
    wait_for_plot_title(page, "UMAP")
    choose(page, "Colour by", "predicted label")
    page.wait_for_url("**color=predicted**")
    page.get_by_role("tab", name="Nearest neighbours").click()
    sequence_box = page.locator("[data-testid='stSelectbox']").filter(has_text="Sequence").first
    sequence_box.click()
    page.keyboard.type(CHOSEN)
    page.locator("[role='option']").filter(has_text=CHOSEN).first.click()
    page.wait_for_url(f"**seq={CHOSEN}**")
    page.get_by_text(f"Nearest neighbours of {CHOSEN}").wait_for()
    explore_link = copy_share_link(page)
    shot(page, "04-explore-umap-predicted")
    for part in (f"run={run.run_id}", "method=umap", "color=predicted", f"seq={CHOSEN}"):
        assert part in explore_link
    assert "dataset=" in explore_link and "journey" not in explore_link  # a hash, no path
    no_traceback(page)

    # Open the chosen sequence on the Attention page.
    page.get_by_role("link", name="Open on the Attention page").click()
    page.locator("h1").filter(has_text="Attention").wait_for()
    wait_for_plot_title(page, "Saliency (not attention)")
    assert CHOSEN in selectbox_text(page, "Sequence")
    attention_link = copy_share_link(page)
    shot(page, "05-attention")
    assert f"seq={CHOSEN}" in attention_link and f"run={run.run_id}" in attention_link
    no_traceback(page)

    # A colleague opens the links in a fresh browser context.
    fresh = new_page(browser)
    fresh.goto(attention_link)
    wait_for_plot_title(fresh, "Saliency (not attention)")
    assert CHOSEN in selectbox_text(fresh, "Sequence")
    assert run.run_id in selectbox_text(fresh, "Run")
    shot(fresh, "06-shared-attention")
    no_traceback(fresh)

    fresh = new_page(browser)
    fresh.goto(explore_link)
    wait_for_plot_title(fresh, "averaged embedding, UMAP")
    assert "UMAP" in selectbox_text(fresh, "Projection")
    assert "predicted label" in selectbox_text(fresh, "Colour by")
    assert run.run_id in selectbox_text(fresh, "Run")
    fresh.get_by_role("tab", name="Nearest neighbours").click()
    fresh.get_by_text(f"Nearest neighbours of {CHOSEN}").wait_for()
    # The uploaded data set (120 sequences, not the 1,000 of the toy), with the chosen
    # sequence drawn as a star: the customdata of that trace holds its row.
    traces = fresh.evaluate(
        "() => document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"
        "._fullData.map(t => [t.name, t.customdata ? t.customdata.length : 0])"
    )
    assert dict(traces)["chosen sequence"] == 1
    assert dict(traces)["sequences"] == 120  # every point in one trace, classes mixed
    shot(fresh, "07-shared-explore")
    no_traceback(fresh)
