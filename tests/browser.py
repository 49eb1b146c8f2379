"""Serve the app with `streamlit run` on a free loopback port and open it in Chromium.

Browser tests use Debian's Chromium (``apt-get install -y chromium``) through
Playwright; Playwright's own browser download is not used. The executable is
``$PROTVIZ_CHROMIUM`` or ``/usr/bin/chromium``. Without one the tests skip, except
under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from protviz.model import jobs
from protviz.model.processes import worker_alive

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str:
    """The Chromium executable, or skip (fail under CI) when there is none."""
    candidate = os.environ.get("PROTVIZ_CHROMIUM", "/usr/bin/chromium")
    found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
    if found:
        return found
    message = f"no Chromium at {candidate} (apt-get install -y chromium, or set PROTVIZ_CHROMIUM)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running `streamlit run app.py`."""

    url: str
    home: Path
    process: subprocess.Popen
    log: Path


@contextlib.contextmanager
def serve_app(home: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start the app on a free loopback port; stop it on exit.

    Args:
        home: PROTVIZ_HOME for the server (runs and data sets).
        env: Extra environment variables.

    Yields:
        The server, once its health endpoint answers. On exit the server is stopped,
        and so are the training workers it left running (they outlive their server).
    """
    port = free_port()
    log = home / f"streamlit-{port}.log"
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    environment = {**os.environ, "PROTVIZ_HOME": str(home), **(env or {})}
    with log.open("w") as handle:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=handle, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start in 60 s:\n{log.read_text()}")
            time.sleep(0.3)
        yield Server(url=url, home=home, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        stop_workers(home)


def stop_workers(home: Path) -> list[int]:
    """SIGKILL the training workers of ``home``'s running jobs; return their pids."""
    killed = []
    for record in jobs.list_jobs(home):
        if record.status == "running" and record.worker and worker_alive(record.worker):
            os.kill(record.worker.pid, signal.SIGKILL)
            killed.append(record.worker.pid)
    return killed


@contextlib.contextmanager
def chromium() -> Iterator:
    """Debian's Chromium, launched through Playwright's sync API, closed on exit."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def fresh_page(browser, timeout_ms: int, **options):
    """A page in a new browser context (no cookies, no Streamlit session), 1400 x 1100.

    Args:
        browser: From :func:`chromium`.
        timeout_ms: The page's default timeout.
        options: More options of the context (e.g. ``accept_downloads=True``).
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, **options)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    return page


def start_training(page, url: str, arch: str, epochs: int, patience: int) -> str:
    """Start a training on the Train page, wait until its job is shown; return the job id.

    Args:
        page: A Playwright page.
        url: The server's URL.
        arch: The architecture to choose.
        epochs: Most epochs.
        patience: Early-stopping patience (at most 100, the form's limit).
    """
    page.goto(f"{url}/train")
    # The app's own navigation is drawn (not Streamlit's legacy one of a first visit).
    page.get_by_test_id("stSidebarNavItems").get_by_text("Embedding matrix").wait_for()
    page.locator("[data-testid='stRadio']").first.get_by_text(arch, exact=True).click()
    for label, value in (("Epochs (most)", epochs), ("Early-stopping patience (epochs)", patience)):
        field = page.get_by_label(label)
        field.fill(str(value))
        field.press("Enter")
        page.wait_for_function(
            "([label, value]) => document.querySelector(`input[aria-label='${label}']`)"
            "?.value === value",
            arg=[label, str(value)],
        )
    page.get_by_role("button", name="Start training").click()
    page.get_by_role("button", name="Cancel training").wait_for()
    page.wait_for_url(re.compile(r"job=[0-9a-f]{16}"))
    return re.search(r"job=([0-9a-f]{16})", page.url).group(1)


def wait_for_plot_title(page, text: str) -> None:
    """Wait until a plot's title holds ``text``."""
    page.wait_for_function(
        "t => [...document.querySelectorAll('.gtitle')].some(e => e.textContent.includes(t))",
        arg=text,
    )


def no_traceback(page) -> None:
    """The page shows no exception and no traceback."""
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()
