"""AppTest of the Compare page on the two shipped motif-toy runs."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, copy_demo_run


@pytest.fixture
def compare(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PROTVIZ_HOME", str(tmp_path))
    copy_demo_run(tmp_path)
    copy_demo_run(tmp_path, "demo-motif-mean")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    return at


def test_compare_preselects_the_runs_trained_on_the_data_set(compare):
    assert len(compare.multiselect(key="compare_selection").value) == 2
    table = next(d.value for d in compare.dataframe if "accuracy drop" in d.value.columns)
    assert sorted(table["architecture"].tolist()[:2]) == ["conv_attention", "mean"]
    assert table["architecture"].tolist()[2:] == ["baseline", "baseline"]
    assert table["test accuracy 95% CI"].str.contains("-").all()
    assert any("cannot move at all" in m.value for m in compare.markdown)
    assert any("beyond the noise" in m.value for m in compare.markdown)


def test_compare_needs_two_runs(compare):
    first = compare.multiselect(key="compare_selection").value[0]
    compare.multiselect(key="compare_selection").set_value([first]).run()
    assert not compare.exception
    assert any("at least two runs" in i.value for i in compare.info)


def test_compare_with_umap(compare):
    compare.selectbox(key="compare_method").set_value("umap").run()
    assert not compare.exception
    assert len(compare.get("plotly_chart")) == 1
