"""AppTest: train in the Train page, then manage the run on the Models page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from protviz.model import jobs, runs
from tests.conftest import ROOT, copy_demo_run

TIMEOUT = 120
DEMO = "demo-motif-conv-attention"


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    return at


def train_mean_for_one_epoch(at: AppTest) -> str:
    at.switch_page("pages/train.py").run()
    assert not at.exception
    at.radio(key="train_arch").set_value("mean").run()
    at.number_input(key="train_epochs").set_value(1).run()
    at.number_input(key="train_units").set_value(8).run()
    at.text_input(key="train_name").set_value("tiny mean").run()
    at.button(key="start_training").click().run()
    assert not at.exception
    job_id = at.session_state["train_job_id"]
    view = jobs.wait_for(job_id, timeout=TIMEOUT)  # trained by a worker process
    assert view.status == "done", view.record.error
    at.run()
    assert not at.exception
    return view.record.run_id


def test_train_page_shows_the_model_summary_before_training(app):
    app.switch_page("pages/train.py").run()
    assert not app.exception
    assert any("parameters" in e.label for e in app.expander)
    app.radio(key="train_arch").set_value("conv_attention").run()
    assert any(t.key == "train_conv_widths" for t in app.text_input)


def test_train_page_refuses_bad_convolution_widths(app):
    app.switch_page("pages/train.py").run()
    app.radio(key="train_arch").set_value("conv_attention").run()
    app.text_input(key="train_conv_widths").set_value("1, three").run()
    assert not app.exception
    assert any("whole numbers" in e.value for e in app.error)


def test_train_page_says_when_training_stops_and_whether_classes_are_weighted(app):
    app.switch_page("pages/train.py").run()
    app.radio(key="train_arch").set_value("mean").run()
    captions = " ".join(c.value for c in app.caption)
    assert "has not improved for 6 epochs" in captions
    assert "after 100 epochs or after 30 minutes" in captions
    assert "Classes will not be weighted" in captions
    assert app.select_slider(key="train_lr_mean").value == 1e-2
    app.number_input(key="train_time_cap").set_value(0).run()
    assert "30 minutes" not in " ".join(c.value for c in app.caption)
    app.segmented_control(key="train_class_weighting").set_value("on").run()
    assert any("Classes will be weighted" in c.value for c in app.caption)


def test_trained_run_appears_on_the_models_page(app):
    run_id = train_mean_for_one_epoch(app)
    assert any("Saved 'tiny mean'" in s.value.replace("\\", "") for s in app.success)
    assert {m.label for m in app.metric} >= {"Test accuracy", "Balanced accuracy", "Macro F1"}
    assert not app.error  # the results are drawn whole (no apology for a bug)
    assert len(app.get("plotly_chart")) == 3  # curves and both confusion matrices
    assert any(c.value.startswith("95% CI") for c in app.caption)
    baselines = next(d.value for d in app.dataframe if "this network" in d.value.index)
    assert list(baselines.index) == ["this network", "composition baseline", "1-3-mer baseline"]
    assert any("on the same 200 test sequences" in m.value for m in app.markdown)
    assert any("because it reached the epoch cap" in m.value for m in app.markdown)
    assert [run.run_id for run in runs.list_runs()] == [run_id]
    app.switch_page("pages/models.py").run()
    assert not app.exception
    assert app.session_state["run_id"] == run_id
    assert app.selectbox(key="current_run_select").value == run_id
    table = next(d.value for d in app.dataframe if "architecture" in d.value.columns)
    assert table["name"].tolist() == ["tiny mean"]
    assert table["accuracy 95% CI"].iloc[0]


def test_a_run_stopped_at_a_cap_can_be_continued(app):
    parent = train_mean_for_one_epoch(app)
    app.number_input(key=f"continue_epochs_{parent}").set_value(1).run()
    app.button(key=f"continue_start_{parent}").click().run()
    assert not app.exception
    view = jobs.wait_for(app.session_state["train_job_id"], timeout=TIMEOUT)
    assert view.status == "done", view.record.error
    assert view.record.parent == parent and view.title.endswith("(continued)")
    child = runs.get_run(view.record.run_id).record
    assert child.parent == parent
    assert child.epochs_run == 2
    app.run()
    assert not app.exception
    assert any(f"Continued from run {parent}" in c.value for c in app.caption)


def test_models_page_renames_and_deletes_a_run(app, tmp_path, monkeypatch):
    monkeypatch.setenv("PROTVIZ_HOME", str(tmp_path))
    copy_demo_run(tmp_path)
    app.switch_page("pages/models.py").run()
    app.selectbox(key="current_run_select").set_value(DEMO).run()
    assert not app.exception
    app.text_input(key=f"rename_{DEMO}").set_value("renamed demo").run()
    app.button(key="rename_run").click().run()
    assert runs.get_run(DEMO).name == "renamed demo"
    assert app.button(key="delete_run").disabled
    app.checkbox(key=f"confirm_delete_{DEMO}").check().run()
    app.button(key="delete_run").click().run()
    assert not app.exception
    assert runs.list_runs() == []
    assert any("No saved runs" in i.value for i in app.info)


def test_models_page_compares_runs(app, tmp_path, monkeypatch):
    monkeypatch.setenv("PROTVIZ_HOME", str(tmp_path))
    copy_demo_run(tmp_path)
    from protviz.model.archive import export_run, import_run

    copy = import_run(export_run(DEMO), "copy.zip")
    app.switch_page("pages/models.py").run()
    app.multiselect(key="compare_runs").set_value([DEMO, copy.run_id]).run()
    table = next(d.value for d in app.dataframe if "test accuracy" in d.value.index)
    assert table.shape[1] == 2


def test_models_page_refuses_a_truncated_upload(app, tmp_path, monkeypatch):
    monkeypatch.setenv("PROTVIZ_HOME", str(tmp_path))
    copy_demo_run(tmp_path)
    app.switch_page("pages/models.py").run()
    from protviz.model.archive import export_run

    data = export_run(DEMO)
    app.file_uploader(key="run_upload").set_value(("cut.zip", data[:1000], "application/zip"))
    app.run()
    assert not app.exception
    assert any("not a readable zip" in e.value for e in app.error)
    assert [run.run_id for run in runs.list_runs()] == [DEMO]


def test_train_page_can_pick_a_builtin_data_set(app):
    app.switch_page("pages/train.py").run()
    app.selectbox(key="train_dataset").set_value("scl2205").run()
    assert not app.exception
    assert any("19,074 sequences, 13 classes" in c.value for c in app.caption)
    assert app.checkbox(key="train_use_split").value is True
