"""Real-browser test: a share link opens the Attention page on a sequence and draws it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import Server, chromium, serve_app
from tests.conftest import copy_demo_run

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("attention_home")
    copy_demo_run(home)
    with serve_app(home) as running:
        yield running


@pytest.fixture
def page(server: Server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        yield page


def test_share_link_draws_the_attention_overlay(page, server):
    page.goto(f"{server.url}/attention?seq=toy0001_m")
    overlay = page.locator("[data-testid='stPlotlyChart']").filter(
        has_text="Attention over the sequence"
    )
    overlay.locator(".heatmaplayer").first.wait_for()
    # The residues are written in the cells: the sequence's first letters are drawn.
    from protviz.io.builtin import motif_position_dataset

    sequence = motif_position_dataset().sequences[3]
    assert motif_position_dataset().ids[3] == "toy0001_m"
    letters = overlay.locator(".heatmaplayer text").all_text_contents()
    assert "".join(letters).startswith(sequence[:20])
    assert "seq=toy0001_m" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()
