"""Take the README screenshot: the Data page with the built-in SCL2205 data set.

python docs/screenshot.py            # writes docs/data-page.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import CHROMIUM_FLAGS, chromium_path, serve_app

OUT = Path(__file__).resolve().parent / "data-page.png"


def main() -> None:
    """Serve the app, choose SCL2205 on the Data page, and save a screenshot."""
    with (
        tempfile.TemporaryDirectory() as home,
        serve_app(Path(home)) as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1250})
        page.set_default_timeout(90_000)
        page.goto(f"{server.url}/data")
        page.locator("[data-testid='stSelectbox']").first.click()
        page.locator("[role='option']").filter(has_text="SCL2205").click()
        page.get_by_role("button", name="Use this data set").click()
        page.get_by_text("Current data set: SCL2205").wait_for()
        page.locator("[data-testid='stPlotlyChart'] .xtick").first.wait_for()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT), full_page=False)
        browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
