"""Faults in a real deployment: the machine stopped during training, then restarted.

The server and its training worker are both killed (the worker runs in its own process
and would outlive a server killed alone: tests/test_browser_jobs.py covers that). The
run store must stay consistent (no half-written run is listed, nothing already saved
is lost), the job must show as failed, and the restarted app must serve every page and
train again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from protviz.model import jobs, runs
from tests.browser import chromium, serve_app, start_training, stop_workers
from tests.conftest import copy_demo_run

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

TIMEOUT_MS = 120_000
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def test_killing_the_server_during_training_then_restarting(tmp_path):
    home = tmp_path
    copy_demo_run(home)
    copy_demo_run(home, "demo-motif-mean")
    before = sorted(run.run_id for run in runs.list_runs(home))
    files_before = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)

        with serve_app(home) as server:
            start_training(page, server.url, "mean", epochs=500, patience=100)
            try:
                page.wait_for_function(
                    "() => Number(document.querySelector(\"[data-testid='stProgress'] "
                    "[role='progressbar']\")?.getAttribute('aria-valuenow') || 0) > 0"
                )
            except playwright_api.TimeoutError:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "fault-no-progress.png"), full_page=True)
                raise
            server.process.kill()  # no clean shutdown: as if the machine lost power...
            server.process.wait(timeout=30)
            assert len(stop_workers(home)) == 1  # ...with the training worker

        # The store is as it was: no half run listed, no unreadable folder, nothing lost.
        assert sorted(run.run_id for run in runs.list_runs(home)) == before
        assert runs.problem_folders(home) == []
        files_after = sorted(
            str(p.relative_to(home))
            for p in home.rglob("*")
            if p.is_file() and not p.name.startswith("streamlit-")  # the server's log
        )
        new = set(files_after) - set(files_before)
        # Only the job's folder (tidied after a week) and a training's temporary folder are new;
        # the latter is never listed and removed by a later start once an hour old
        # (protviz.app.caches.tidy_store_once).
        assert all(path.startswith((runs.TEMP_PREFIX, "datasets/", "jobs/")) for path in new), new

        with serve_app(home) as server:
            page.goto(f"{server.url}/models")
            page.get_by_text("Current run (used by the other pages)").wait_for()
            # Both saved runs are in the runs table (a canvas grid; its cells are hidden).
            for name in (
                "Demo: conv_attention on the motif toy",
                "Demo: mean (averaged embeddings) on the motif toy",
            ):
                cell = page.locator("[role='gridcell']").filter(has_text=name)
                cell.first.wait_for(state="attached")
            assert page.locator("[data-testid='stException']").count() == 0
            # The restarted server marked the job of the vanished worker as failed.
            (killed,) = jobs.list_jobs(home)
            assert killed.status == "failed" and "gone" in killed.error
            start_training(page, server.url, "mean", epochs=1, patience=1)
            page.get_by_text("Saved 'mean on motif position (toy)'").wait_for()
            page.goto(f"{server.url}/explore")
            page.locator("[data-testid='stPlotlyChart'] .gtitle").first.wait_for()
            assert page.locator("[data-testid='stException']").count() == 0

    after = sorted(run.run_id for run in runs.list_runs(home))
    assert set(before) < set(after) and len(after) == len(before) + 1
