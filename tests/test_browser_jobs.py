"""Training jobs in a served app: they run in worker processes and live in the store.

One server for the first three tests, which follow one long training: a reload brings
its progress back, a second browser opening ``/train?job=<id>`` sees the same job, and
a worker killed with SIGKILL becomes a failed job while Explore still serves. The last
test kills a server mid-job and starts another on the same store.
"""

from __future__ import annotations

import os
import signal

import pytest

from protviz.core.config import TrainingConfig
from protviz.model import jobs, runs
from protviz.model.jobs import JobSpec
from protviz.model.processes import worker_alive
from tests.browser import chromium, serve_app, start_training
from tests.conftest import copy_demo_run

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

TIMEOUT_MS = 180_000
PROGRESS = "[data-testid='stProgress'] [role='progressbar']"


def new_page(browser):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def progress_value(page) -> float:
    """The value of the job's progress bar, once it shows one above zero."""
    page.wait_for_function(
        f"() => Number(document.querySelector(\"{PROGRESS}\")?.getAttribute('aria-valuenow')"
        " || 0) > 0"
    )
    return float(page.locator(PROGRESS).first.get_attribute("aria-valuenow"))


def start_long_training(page, url: str) -> str:
    """Start an ``lstm`` training that runs for minutes; return its job id."""
    return start_training(page, url, "lstm", epochs=500, patience=100)


def running_worker_pid(home, job_id: str) -> int:
    record = jobs.read_job(jobs.job_folder(job_id, home))
    assert record.status == "running" and worker_alive(record.worker)
    return record.worker.pid


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("jobs_home")
    copy_demo_run(home)
    return home


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def server(home):
    with serve_app(home) as server:
        yield server


@pytest.fixture(scope="module")
def training(browser, server):
    """A long training started by one browser session: ``(its page, the job id)``."""
    page = new_page(browser)
    job_id = start_long_training(page, server.url)
    progress_value(page)
    return page, job_id


def test_a_reload_brings_the_progress_back(training):
    page, job_id = training
    before = progress_value(page)
    page.reload()
    page.get_by_text(f"Job {job_id}.").wait_for()
    assert progress_value(page) >= before
    page.get_by_text("Training in process").wait_for()
    # A reload is a new session: it sees the job but is not offered Cancel.
    assert page.get_by_role("button", name="Cancel training").count() == 0


def test_a_second_browser_sees_the_same_job(browser, server, training):
    _, job_id = training
    page = new_page(browser)
    page.goto(f"{server.url}/train?job={job_id}")
    page.get_by_text(f"Job {job_id}.").wait_for()
    assert progress_value(page) > 0
    assert page.get_by_role("button", name="Cancel training").count() == 0
    listed = page.get_by_role("link").filter(has_text="lstm on motif position (toy)")
    listed.filter(has_text="running for").first.wait_for()
    page.context.close()


def test_a_killed_worker_fails_the_job_while_explore_serves(browser, server, training, home):
    page, job_id = training
    os.kill(running_worker_pid(home, job_id), signal.SIGKILL)  # as the out-of-memory killer
    page.get_by_text("The training process was killed (SIGKILL)").wait_for()
    page.locator("[data-testid='stCode']").filter(has_text="epoch").wait_for()  # the log tail
    assert jobs.read_job(jobs.job_folder(job_id, home)).status == "failed"
    assert [run.run_id for run in runs.list_runs(home)] == ["demo-motif-conv-attention"]
    assert runs.problem_folders(home) == []
    page.goto(f"{server.url}/explore")
    page.locator("[data-testid='stPlotlyChart'] .gtitle").first.wait_for()
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in server.log.read_text()


def test_a_server_killed_mid_job_and_restarted(browser, tmp_path):
    copy_demo_run(tmp_path)
    page = new_page(browser)
    with serve_app(tmp_path) as first:
        job_id = start_long_training(page, first.url)
        reached = progress_value(page)
        quick = JobSpec(TrainingConfig(arch="mean", epochs=1), "motif", "motif", "queued meanwhile")
        (waiting,) = jobs.submit_jobs([quick], home=tmp_path)
        first.process.kill()  # no clean shutdown
        first.process.wait(timeout=30)
        pid = running_worker_pid(tmp_path, job_id)  # the worker outlives its server

        with serve_app(tmp_path) as second:
            page.goto(f"{second.url}/train?job={job_id}")
            page.get_by_text(f"Job {job_id}.").wait_for()
            page.wait_for_function(
                f'() => Number(document.querySelector("{PROGRESS}")'
                f"?.getAttribute('aria-valuenow') || 0) > {reached}"
            )  # the restarted server follows the training, which goes on
            os.kill(pid, signal.SIGKILL)  # now the worker dies, not a child of this server
            page.get_by_text("gone without recording an outcome").wait_for()
            page.goto(f"{second.url}/train?job={waiting}")  # the queued job still runs
            page.get_by_text("Saved 'queued meanwhile'").wait_for()
            assert page.locator("[data-testid='stException']").count() == 0

    saved = {run.name for run in runs.list_runs(tmp_path)}
    assert saved == {"Demo: conv_attention on the motif toy", "queued meanwhile"}
    assert runs.problem_folders(tmp_path) == []
    statuses = {record.job_id: record.status for record in jobs.list_jobs(tmp_path)}
    assert statuses == {job_id: "failed", waiting: "done"}
