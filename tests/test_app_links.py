"""AppTest of share links: query parameters restore a view; broken links explain themselves;
read-only mode switches off training, uploads, renaming and deleting."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from protviz.io import datastore
from protviz.io.builtin import motif_position_dataset
from tests.conftest import DEMO_RUN, ROOT, copy_demo_run


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PROTVIZ_HOME", str(tmp_path))
    monkeypatch.delenv("PROTVIZ_READ_ONLY", raising=False)
    copy_demo_run(tmp_path)
    return tmp_path


def open_page(page: str, **params: str) -> AppTest:
    """A fresh session (no state) opening ``page`` with the link's parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(page).run()
    return at


def share_link(at: AppTest) -> str:
    return next(c.value for c in at.code if "?" in c.value)


def texts(at: AppTest) -> str:
    return " ".join(e.value for e in [*at.error, *at.warning, *at.info]).replace("\\", "")


def test_an_explore_link_restores_the_view(home):
    at = open_page(
        "pages/explore.py",
        run=DEMO_RUN,
        dataset="motif",
        kind="learned",
        method="umap",
        n_neighbors="20",
        color="predicted",
        q="toy0003",
        seq="toy0002_m",
        k="5",
        contours="true",
    )
    assert not at.exception
    assert at.checkbox(key="explore_contours").value
    assert at.radio(key="explore_kind").value == "learned"
    assert at.selectbox(key="explore_method").value == "umap"
    assert at.slider(key="explore_n_neighbors").value == 20
    assert at.selectbox(key="explore_color").value == "predicted"
    assert at.text_input(key="explore_q").value == "toy0003"
    assert at.selectbox(key="explore_seq").value == "toy0002_m"
    table = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    assert len(table) == 5
    assert "learned embedding, UMAP (n_neighbors 20" in at.get("plotly_chart")[0].proto.spec
    link = share_link(at)
    for part in (
        "run=demo-motif-conv-attention",
        "dataset=motif",
        "kind=learned",
        "method=umap",
        "n_neighbors=20",
        "color=predicted",
        "q=toy0003",
        "seq=toy0002_m",
        "k=5",
        "contours=true",
    ):
        assert part in link
    # The URL itself keeps the non-default values, and the run and data set.
    assert at.query_params["method"] == "umap"
    assert at.query_params["run"] == DEMO_RUN


def test_an_invalid_parameter_is_named_and_the_default_used(home):
    at = open_page("pages/explore.py", method="tsne2", perplexity="9000")
    assert not at.exception
    warnings = texts(at)
    assert "method='tsne2' is not one of: pca, tsne, umap" in warnings
    assert "perplexity='9000' is outside 2 to 100" in warnings
    assert at.selectbox(key="explore_method").value == "pca"


def test_a_link_opens_an_explore_tab(home):
    at = open_page("pages/explore.py", run=DEMO_RUN, dataset="motif", tab="quality")
    assert not at.exception
    assert at.session_state["explore_tab"] == "Embedding quality"
    assert any("silhouette" in d.value.columns for d in at.dataframe)  # measured: it is open
    assert "tab=quality" in share_link(at) and at.query_params["tab"] == "quality"
    at.session_state["explore_tab"] = "Export"  # the user opens another tab
    at.run()
    assert "tab=export" in share_link(at) and at.query_params["tab"] == "export"
    at.session_state["explore_tab"] = "Selection (0)"  # the first tab: left out of links
    at.run()
    assert "tab=" not in share_link(at) and "tab" not in at.query_params

    at = open_page("pages/explore.py", run=DEMO_RUN, dataset="motif", tab="plots")
    assert not at.exception
    assert "tab='plots' is not one of: neighbours, quality, export" in texts(at)
    assert not any("silhouette" in d.value.columns for d in at.dataframe)


@pytest.mark.parametrize("page", ["pages/explore.py", "pages/attention.py", "pages/matrix.py"])
def test_a_link_to_a_missing_run_says_so_and_offers_a_way_back(home, page):
    at = open_page(page, run="0123456789abcdef01234567")
    assert not at.exception
    assert "not saved on this server" in texts(at)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("ref", ["0" * 64, "../../etc/passwd"])
def test_a_link_to_a_missing_or_invalid_data_set_says_so(home, ref):
    at = open_page("pages/explore.py", dataset=ref)
    assert not at.exception
    assert "This link's data set cannot be opened" in texts(at)
    assert not at.get("plotly_chart")
    data = open_page("pages/data.py", dataset=ref)  # the Data page goes on with the default
    assert not data.exception
    assert any("motif position" in s.value for s in data.subheader)


def test_a_link_to_a_saved_upload_opens_it_for_someone_else(home):
    upload = motif_position_dataset(n_pairs=40, seed=3)
    ref = datastore.save_dataset(upload, home)
    at = open_page("pages/explore.py", dataset=ref, run=DEMO_RUN)
    assert not at.exception
    assert any("80 sequences" in c.value for c in at.caption)
    assert f"dataset={ref}" in share_link(at)


def test_uploading_on_the_data_page_saves_the_data_set(home):
    text = motif_position_dataset(n_pairs=10, seed=4).to_fasta().encode()
    at = open_page("pages/data.py")
    at.radio(key="data_source").set_value("Upload FASTA").run()
    # AppTest cannot fill a file uploader; save through the same function the page calls.
    from protviz.io.fasta import read_labeled_fasta

    dataset, _ = read_labeled_fasta(text, filename="toy.fasta")
    ref = datastore.save_dataset(dataset, home)
    at.radio(key="data_source").set_value("Saved on this server").run()
    assert at.selectbox(key="saved_ref").value == ref
    at.button(key="use_saved").click().run()
    assert not at.exception
    assert at.query_params["dataset"] == ref


def test_read_only_mode_switches_off_changes(home, monkeypatch):
    monkeypatch.setenv("PROTVIZ_READ_ONLY", "1")
    train = open_page("pages/train.py")
    assert not train.exception
    assert "read-only" in texts(train)
    assert not [b for b in train.button if b.key == "start_training"]
    data = open_page("pages/data.py")
    assert data.radio(key="data_source").options == ["Built-in data set"]
    models = open_page("pages/models.py", run=DEMO_RUN)
    assert not models.exception
    keys = {b.key for b in models.button}
    assert "rename_run" not in keys and "delete_run" not in keys
    assert "read-only" in texts(models)
    compare = open_page("pages/compare.py")
    assert not [b for b in compare.button if b.key == "compare_train_all"]
    explore = open_page("pages/explore.py", run=DEMO_RUN)  # exploring still works
    assert not explore.exception and explore.get("plotly_chart")


def test_the_same_sequence_link_opened_again_later_in_the_session(home):
    at = open_page("pages/attention.py", run=DEMO_RUN, seq="toy0001_m")
    assert at.selectbox(key="attention_sequence").value is not None
    at.switch_page("pages/explore.py").run()  # the Attention widgets are dropped
    at.query_params["seq"] = "toy0001_m"  # Explore's "Open on the Attention page"
    at.switch_page("pages/attention.py").run()
    assert not at.exception
    box = at.selectbox(key="attention_sequence")
    assert box.value is not None and "toy0001_m" in box.format_func(box.value)
