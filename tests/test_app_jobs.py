"""AppTest of the Train page's jobs: the ``?job=`` link, Cancel for the owner only, the
read-only view, the queue's cap and a running job's stages. No worker starts
(``PROTVIZ_MAX_JOBS=0``), so the jobs stay queued (or are claimed by the test, which
writes their progress) and the tests need no training."""

from __future__ import annotations

from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from protviz.model import jobs
from protviz.model.progress import PREPARATION_STEPS, Progress
from protviz.model.worker import claim
from tests.conftest import ROOT

TIMEOUT = 120


@pytest.fixture(autouse=True)
def no_workers(monkeypatch):
    monkeypatch.setenv("PROTVIZ_MAX_JOBS", "0")
    monkeypatch.delenv("PROTVIZ_READ_ONLY", raising=False)


def open_train(**params: str) -> AppTest:
    """A fresh session (a new browser) opening the Train page with these link parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page("pages/train.py").run()
    assert not at.exception
    return at


def start(at: AppTest) -> str:
    at.radio(key="train_arch").set_value("mean").run()
    at.button(key="start_training").click().run()
    assert not at.exception
    return at.session_state["train_job_id"]


def texts(at: AppTest) -> str:
    return " ".join(e.value for e in [*at.error, *at.warning, *at.info]).replace("\\", "")


def test_a_started_job_is_in_the_link_and_only_its_session_may_cancel_it():
    owner = open_train()
    job_id = start(owner)
    assert owner.query_params["job"] == job_id
    assert "number 1 in the queue" in texts(owner)
    assert owner.button(key="start_training").disabled  # its own job is not over
    colleague = open_train(job=job_id)
    assert colleague.session_state["train_job_id"] == job_id
    assert "number 1 in the queue" in texts(colleague)
    assert not any(button.key == "cancel_training" for button in colleague.button)
    owner.button(key="cancel_training").click().run()
    assert jobs.job_view(job_id).status == "cancelled"
    assert "Training was cancelled. Nothing was saved." in texts(owner)


def test_a_read_only_server_shows_a_job_without_training_or_cancel(monkeypatch):
    job_id = start(open_train())
    monkeypatch.setenv("PROTVIZ_READ_ONLY", "1")
    viewer = open_train(job=job_id)
    assert "read-only: training is switched off" in texts(viewer)
    assert "number 1 in the queue" in texts(viewer)
    assert not any(b.key in ("cancel_training", "start_training") for b in viewer.button)


@pytest.mark.parametrize(
    ("job", "message"),
    [
        ("0123456789abcdef", "No training job 0123456789abcdef on this server"),
        ("../../models", "is not a training job id"),
    ],
)
def test_a_link_to_a_missing_job_says_so_and_the_form_still_works(job, message):
    at = open_train(job=job)
    assert message in texts(at)
    assert "job" not in at.query_params
    assert not at.button(key="start_training").disabled


def test_a_full_queue_is_refused_with_a_message(monkeypatch):
    monkeypatch.setenv("PROTVIZ_MAX_QUEUED", "1")
    start(open_train())
    other = open_train()
    other.radio(key="train_arch").set_value("mean").run()
    other.button(key="start_training").click().run()
    assert not other.exception
    assert "1 training job(s) are already waiting" in texts(other)
    assert "PROTVIZ_MAX_QUEUED" in texts(other)
    assert len(jobs.list_jobs()) == 1


def test_compare_queues_all_four_architectures_as_jobs():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/compare.py").run()
    at.number_input(key="compare_epochs").set_value(1).run()
    at.button(key="compare_train_all").click().run()
    assert not at.exception
    queued = jobs.list_jobs()
    assert [record.config.arch for record in queued] == ["mean", "lstm", "bilstm", "conv_attention"]
    assert {record.config.epochs for record in queued} == {1}
    assert {record.owner for record in queued} == {at.session_state["session_owner"]}
    bars = [bar.proto.text for bar in at.get("progress")]
    assert any("number 4 in the queue" in text for text in bars), bars


def progress_texts(at: AppTest) -> str:
    """The texts of the page's progress bars, markdown and captions."""
    bars = [element.proto.text for element in at.get("progress")]
    return " ".join([*bars, *(e.value for e in [*at.markdown, *at.caption])]).replace("\\", "")


def test_a_running_job_shows_each_stage_and_no_curves_before_the_first_epoch():
    at = open_train()
    job_id = start(at)
    folder = jobs.job_folder(job_id)
    claim(folder)  # this process is the job's worker now
    at.run()
    assert "Preparing the data and the model" in texts(at)
    assert f"**{PREPARATION_STEPS[0]}...**" in progress_texts(at)
    assert not at.get("plotly_chart")
    jobs.write_progress(folder, Progress.between_batches("prepare", PREPARATION_STEPS[3], 9.0))
    at.run()
    assert f":material/check: {PREPARATION_STEPS[2]}" in progress_texts(at)
    assert f"**{PREPARATION_STEPS[3]}...**" in progress_texts(at)
    assert not at.get("plotly_chart")
    first = Progress(
        phase="train", epoch=1, epochs=5, batch=2, batches=10, loss=0.7, metrics={},
        elapsed_seconds=20.0, eta_seconds=None,
    )  # fmt: skip
    jobs.write_progress(folder, first)
    at.run()
    assert "Epoch 1/5, batch 2/10" in progress_texts(at)
    assert "estimating the time left" in progress_texts(at)
    assert "curves appear when the first epoch ends" in progress_texts(at)
    assert not at.get("plotly_chart")
    later = replace(
        first, epoch=2, eta_seconds=90.0, eta_kind="upper_bound", history=({"loss": 0.7},)
    )
    jobs.write_progress(folder, later)
    at.run()
    assert "at most 1:30 left (early stopping usually ends training sooner)" in progress_texts(at)
    assert len(at.get("plotly_chart")) == 1
    scoring = Progress.between_batches("evaluate", "saving the run", 60.0, later.history)
    jobs.write_progress(folder, scoring)
    at.run()
    assert "Scoring the test set: saving the run" in progress_texts(at)
    assert ":material/check: Training" in progress_texts(at)
    assert not at.exception
