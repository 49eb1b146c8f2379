"""AppTest of the Embedding matrix and Attention pages on the shipped motif-toy run.

A second, untrained tiny ``mean`` run (truncating to 40 residues) stands in for an
architecture without attention and for the second run of the comparison.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from protviz.app.widgets import FEATURED_RUN
from tests.conftest import DEMO_RUN, ROOT, copy_demo_run

MEAN_RUN_NAME = "tiny mean"


def save_tiny_mean_run(home: Path, dataset_name: str | None = None) -> str:
    """Save an untrained tiny ``mean`` model with the demo run's record (max_length 40),
    or, given ``dataset_name``, as if trained on another data set of that name."""
    import keras

    from protviz.model import runs
    from protviz.model.architectures import build_model

    keras.utils.set_random_seed(0)
    demo = runs.get_run(DEMO_RUN, home)
    model = build_model("mean", 2, embedding_dim=4, units=4)
    config = replace(demo.record.config, arch="mean", max_length=40)
    trained_on = demo.record.dataset
    if dataset_name is not None:
        trained_on = replace(trained_on, name=dataset_name, content_hash="0" * 64)
    record = replace(
        demo.record,
        name=MEAN_RUN_NAME,
        config=config,
        dataset=trained_on,
        created="2000-01-01T00:00:00+00:00",  # older: the demo run stays the default
    )
    return runs.save_run(model, record, pd.DataFrame({"id": []}), home=home).run_id


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PROTVIZ_HOME", str(tmp_path))
    copy_demo_run(tmp_path)
    return tmp_path


def open_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params.update(query or {})
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def test_matrix_page_shows_blosum_correlation_and_compares_runs(home):
    mean_run = save_tiny_mean_run(home)
    at = open_page("pages/matrix.py")
    metrics = {m.label: m.value for m in at.metric}
    rho = float(metrics["Spearman ρ with BLOSUM62"])
    assert -1 <= rho <= 1
    assert at.selectbox(key="matrix_other_run").value == mean_run
    assert "Pearson r between the runs" in metrics
    # heatmap, similarity with dendrogram, PCA, and the two compared heatmaps
    assert len(at.get("plotly_chart")) == 5
    assert not at.error


def test_matrix_page_with_one_run_asks_for_a_second(home):
    at = open_page("pages/matrix.py")
    assert any("second run" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 3


def test_attention_page_draws_the_attention_of_a_linked_sequence(home):
    at = open_page("pages/attention.py", {"seq": "toy0001_m"})
    assert at.selectbox(key="attention_sequence").value == 3
    assert at.metric[0].value == "middle"
    overlay = at.get("plotly_chart")[0]
    assert '"heatmap"' in overlay.proto.spec
    assert "Attention over the sequence" in overlay.proto.spec
    assert at.get("download_button")[0].proto.label.startswith("Download the per-residue attention")
    # the per-class profile and a filter logo follow (the toy is small enough to compute them)
    specs = [chart.proto.spec for chart in at.get("plotly_chart")]
    assert any("Attention profile per class" in spec for spec in specs)
    assert any("top 50 windows" in spec for spec in specs)


def test_attention_page_says_when_a_linked_sequence_is_missing(home):
    at = open_page("pages/attention.py", {"seq": "NOTHERE1"})
    assert any("NOTHERE1" in w.value for w in at.warning)
    assert at.selectbox(key="attention_sequence").value is None


def test_attention_page_shows_saliency_and_truncation_for_a_mean_run(home):
    mean_run = save_tiny_mean_run(home)
    at = open_page("pages/attention.py")
    at.selectbox(key="attention_run").set_value(mean_run).run()
    at.selectbox(key="attention_sequence").set_value(0).run()
    assert not at.exception
    assert any("Saliency, not attention" in i.value for i in at.info)
    warnings = [w.value.replace("\\", "") for w in at.warning]  # as_text escapes Markdown
    assert any("the model saw only positions 1-20 and 63-82" in w for w in warnings)
    assert "Saliency (not attention)" in at.get("plotly_chart")[0].proto.spec
    assert any("need a conv_attention run" in i.value for i in at.info)


def test_attention_profile_in_residue_numbers(home):
    at = open_page("pages/attention.py")
    at.radio(key="attention_profile_scale").set_value("n_terminus").run()
    assert not at.exception
    spec = next(c.proto.spec for c in at.get("plotly_chart") if "Attention profile" in c.proto.spec)
    assert "residue number (1 = the first residue)" in spec


def test_run_list_offers_the_runs_of_the_current_data_set_first(home):
    other = save_tiny_mean_run(home, dataset_name="another data set")
    at = open_page("pages/attention.py")
    box = at.selectbox(key="attention_run")
    assert box.options[0].startswith("Demo: conv_attention")
    assert box.options[-1].endswith("other data set: another data set")
    assert other in box.options[-1]


@pytest.fixture
def featured_home(home) -> Path:
    copy_demo_run(home, FEATURED_RUN)
    return home


def test_a_first_visit_shows_the_featured_run_with_a_sequence_chosen(featured_home):
    at = open_page("pages/attention.py")
    assert at.selectbox(key="attention_run").value == FEATURED_RUN
    sequence = at.selectbox(key="attention_sequence")
    assert sequence.value is not None
    assert len(sequence.options) == 19_074  # the data set follows the run: SCL2205
    # The run's most confident correct test prediction of 100 residues or more.
    assert sequence.options[sequence.value] == "Q9V8F5 (Secreted)"
    assert at.metric[0].value == "Secreted"
    assert "Attention over the sequence" in at.get("plotly_chart")[0].proto.spec


def test_a_link_keeps_its_own_run_and_data_set_over_the_featured_ones(featured_home):
    at = open_page("pages/attention.py", {"dataset": "motif", "run": DEMO_RUN, "seq": "toy0001_m"})
    assert at.selectbox(key="attention_run").value == DEMO_RUN
    assert at.selectbox(key="attention_sequence").value == 3
    matrix = open_page("pages/matrix.py")
    assert matrix.selectbox(key="matrix_run").value == FEATURED_RUN
