"""The bad-input corpus (tests/data/bad/) uploaded through the Data page in a real browser.

The same files and expected outcomes as tests/test_bad_inputs.py (AppTest), here in
headless Chromium: each upload ends in a readable error or a correct parse, never a
traceback; a label or ID holding HTML never becomes live HTML (no script runs, no
injected element appears); a refused file changes nothing in the store.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import Server, chromium, serve_app
from tests.conftest import copy_demo_run, data_file
from tests.test_bad_inputs import BAD, OUTCOMES, TABLE_FASTA, Parsed, Refused, store_snapshot

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("bad_inputs_home")
    copy_demo_run(home, "demo-motif-mean")
    with serve_app(home) as running:
        yield running


@pytest.fixture(scope="module")
def page(server: Server) -> Iterator:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        yield page


def upload(page, server: Server, name: str) -> None:
    """Open the Data page in a new session and upload ``name`` as a user would."""
    page.goto(f"{server.url}/data")
    page.get_by_text("Upload FASTA").click()
    inputs = page.locator("input[type='file']")
    inputs.first.wait_for(state="attached")
    if name.startswith("table_"):
        inputs.nth(0).set_input_files(str(data_file(TABLE_FASTA)))
        page.get_by_text("Read 4 sequences").wait_for()
        inputs.nth(1).set_input_files(str(BAD / name))
    else:
        inputs.first.set_input_files(str(BAD / name))


def use(page, name: str) -> None:
    """Press "Use this data set" once the page has read what was uploaded last.

    With a label table, that is once the table's columns are offered: pressed before, the
    button would belong to the run that had only the FASTA.
    """
    if name.startswith("table_"):
        page.get_by_text("ID column", exact=True).wait_for()
    page.get_by_role("button", name="Use this data set").click()


def sequences_metric(page) -> str:
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Sequences").first
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_bad_input_in_the_browser(page, server, name):
    expected = OUTCOMES[name]
    before = store_snapshot(server.home)
    upload(page, server, name)
    if isinstance(expected, Refused):
        fragment = expected.fragment.split("'")[0][:40] or expected.fragment
        alert = page.locator("[data-testid='stAlert']").filter(has_text=fragment).first
        if expected.on_use:  # refused when the label rule is applied
            use(page, name)
        alert.wait_for()
        assert sequences_metric(page) == "1,000"  # still the built-in toy
        assert store_snapshot(server.home) == before
    else:
        assert isinstance(expected, Parsed)
        use(page, name)
        page.wait_for_function(
            "n => [...document.querySelectorAll(\"[data-testid='stMetric']\")].some("
            "m => m.innerText.includes('Sequences') && m.innerText.includes(n))",
            arg=f"{expected.sequences:,}",
        )
        # The page leads with the new data set; the previous one's panel is gone once the
        # rerun ends (one heading, not two).
        playwright_api.expect(page.get_by_text("Current data set:")).to_have_count(
            1, timeout=60_000
        )
        playwright_api.expect(page.get_by_text("Current data set:")).not_to_contain_text(
            "motif position"
        )
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()
    assert page.locator("img[src='x']").count() == 0
    assert page.dialogs == []
