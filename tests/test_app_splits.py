"""AppTests: the Train page's splits, and the Compare page's shuffled control."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from protviz.model import jobs, runs
from tests.conftest import ROOT, copy_demo_run

TIMEOUT = 180


@pytest.fixture
def train_page(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PROTVIZ_HOME", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/train.py").run()
    assert not at.exception
    at.radio(key="train_arch").set_value("mean").run()
    return at


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption).replace("\\", "")


def test_a_cluster_split_names_its_method_and_counts_its_clusters(train_page):
    train_page.radio(key="train_split_kind").set_value("cluster").run()
    assert not train_page.exception
    captions = _captions(train_page)
    assert "Clusters are found with" in captions
    assert "MMseqs2" in captions or "shared 5-mers" in captions
    assert "clusters)" in captions
    train_page.slider(key="train_identity").set_value(0.3).run()
    assert not train_page.exception


def test_a_metadata_split_keeps_groups_and_its_run_says_so(train_page):
    train_page.radio(key="train_split_kind").set_value("metadata").run()
    train_page.selectbox(key="train_split_column").set_value("pair").run()
    assert not train_page.exception
    assert "groups)" in _captions(train_page)
    train_page.number_input(key="train_epochs").set_value(1).run()
    train_page.button(key="start_training").click().run()
    view = jobs.wait_for(train_page.session_state["train_job_id"], timeout=TIMEOUT)
    assert view.status == "done", view.record.error
    train_page.run()
    assert not train_page.exception
    record = runs.get_run(view.record.run_id).record
    assert record.split.kind == "metadata" and record.split.column == "pair"
    assert "Scores on the test sequences of the metadata split by 'pair'" in _captions(train_page)


@pytest.fixture
def compare_page(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PROTVIZ_HOME", str(tmp_path))
    copy_demo_run(tmp_path)
    copy_demo_run(tmp_path, "demo-motif-mean")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    return at


def test_compare_measures_on_test_sequences_and_offers_the_shuffled_control(compare_page):
    at = compare_page
    assert at.radio(key="compare_measure_on").value == "test"
    assert "test sequences the runs share" in _captions(at)
    assert any("has no shuffled control yet" in m.value for m in at.markdown)
    assert any("not what order is worth" in m.value for m in at.markdown)
    at.button(key="compare_control_demo-motif-mean").click().run()
    assert not at.exception
    [job] = at.session_state["compare_control_job_ids"]
    view = jobs.wait_for(job, timeout=TIMEOUT)
    assert view.status == "done", view.record.error
    control = runs.get_run(view.record.run_id).record
    assert control.control_of == "demo-motif-mean" and control.config.shuffle_residues
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "its shuffled control" in text
    assert "What order is worth" in text or "cannot be compared fairly" in text
    at.radio(key="compare_measure_on").set_value("all").run()
    assert not at.exception
    assert "training sequences included" in _captions(at)
