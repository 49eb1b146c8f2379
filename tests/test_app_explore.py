"""AppTest of the Explore page on the shipped motif-toy run."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from protviz.analysis.projection_jobs import cancel_projection_job, job_state, projections_root
from protviz.app.panels.explore import QUALITY_TAB
from tests.conftest import ROOT, copy_demo_run


@pytest.fixture
def explore(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PROTVIZ_HOME", str(tmp_path))
    copy_demo_run(tmp_path)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    return at


def quality(at: AppTest):
    """The quality table, with its tab opened: it is measured only while that tab is open."""
    if "explore_tab" not in at.session_state or at.session_state["explore_tab"] != QUALITY_TAB:
        at.session_state["explore_tab"] = QUALITY_TAB
        at.run()
        assert not at.exception
    return next(d.value for d in at.dataframe if "silhouette" in d.value.columns)


def test_explore_measures_averaged_against_learned(explore):
    table = quality(explore)
    assert list(table.index) == ["averaged", "learned", "probabilities", "kmer"]
    assert list(table.columns) == [
        "sequences",
        "silhouette",
        "5-NN accuracy",
        "5-NN accuracy in the projection",
        "trustworthiness",
    ]
    # The toy's classes differ only in order: averaging cannot separate them.
    assert table.loc["learned", "5-NN accuracy"] > 0.95
    assert table.loc["averaged", "5-NN accuracy"] < 0.6


def has_quality_table(at: AppTest) -> bool:
    return any("silhouette" in d.value.columns for d in at.dataframe)


def test_the_quality_and_export_tabs_are_drawn_only_while_open(explore):
    # A share link to a large data set must not wait for every embedding to be measured.
    assert not has_quality_table(explore)
    assert len(quality(explore)) == 4
    explore.checkbox(key="explore_measure_all_pca").uncheck().run()
    assert list(quality(explore).index) == ["averaged"]
    assert not explore.get("download_button")  # the Export tab's buttons: only when open
    explore.session_state["explore_tab"] = "Export"
    explore.run()
    assert not explore.exception and not has_quality_table(explore)
    labels = [button.proto.label for button in explore.get("download_button")]
    assert [label.split(" (")[0] for label in labels] == [
        "Projector files",
        "Coordinates of this projection",
        "Vectors",
    ]
    explore.session_state["explore_tab"] = QUALITY_TAB
    explore.run()
    assert list(quality(explore).index) == ["averaged"]  # its setting came back as left


def test_explore_side_by_side_draws_two_plots(explore):
    explore.toggle(key="explore_side").set_value(True).run()
    assert not explore.exception
    assert len(explore.get("plotly_chart")) == 2


def test_explore_in_3d(explore):
    explore.radio(key="explore_dims").set_value(3).run()
    assert not explore.exception
    chart = explore.get("plotly_chart")[0]
    assert '"scatter3d"' in chart.proto.spec


def test_explore_draws_density_contours_when_asked(explore):
    def contours() -> list[dict]:
        spec = json.loads(explore.get("plotly_chart")[0].proto.spec)
        return [trace for trace in spec["data"] if trace["type"] == "contour"]

    assert not contours()
    explore.checkbox(key="explore_contours").check().run()
    assert not explore.exception
    assert len(contours()) == 2  # one per class of the motif toy
    assert explore.query_params["contours"] == "true"  # and the share link keeps them
    assert any("contours=true" in c.value for c in explore.code if "?" in c.value)


def test_explore_search_and_neighbours(explore):
    explore.text_input(key="explore_q").set_value("toy0001").run()
    assert any("2 sequences match the search" in c.value for c in explore.caption)
    explore.selectbox(key="explore_seq").set_value("toy0001_t").run()
    table = next(d.value for d in explore.dataframe if "rank" in d.value.columns)
    assert table["rank"].tolist()[:3] == [1, 2, 3]
    # Row 2 is toy0001_t; in the averaged embedding its nearest neighbour is its
    # shuffled twin of the other class, at distance zero.
    assert table["id"].iloc[0] == "toy0001_m"
    assert table["cosine distance"].iloc[0] == pytest.approx(0, abs=1e-4)


def test_explore_search_that_finds_nothing_says_so(explore):
    explore.text_input(key="explore_q").set_value("no such protein").run()
    assert any(c.value == "No sequence matches the search." for c in explore.caption)


def test_explore_colours_by_metadata(explore):
    explore.selectbox(key="explore_color").set_value("motif_start").run()
    assert not explore.exception


def test_explore_shows_the_runs_split_and_the_metadata(explore):
    explore.selectbox(key="explore_color").set_value("split").run()
    assert not explore.exception
    spec = json.loads(explore.get("plotly_chart")[0].proto.spec)
    names = {trace["name"] for trace in spec["data"]}
    assert {"train", "valid", "test"} <= names  # the run's own split, told apart
    hover = spec["data"][0]["hovertemplate"]
    assert "split: " in hover and "motif_start: " in hover
    explore.selectbox(key="explore_seq").set_value("toy0001_t").run()
    table = next(d.value for d in explore.dataframe if "rank" in d.value.columns)
    assert {"split", "pair", "motif_start", "motif_end"} <= set(table.columns)


def test_a_sequence_chosen_on_explore_stays_chosen_on_attention(explore):
    explore.selectbox(key="explore_seq").set_value("toy0002_m").run()
    explore.query_params.clear()  # the sidebar opens a page without the link's parameters
    explore.switch_page("pages/attention.py").run()
    assert not explore.exception
    assert explore.selectbox(key="attention_sequence").value == 5  # toy0002_m


def test_explore_with_a_bad_regex_shows_an_error(explore):
    explore.checkbox(key="explore_regex").check()
    explore.text_input(key="explore_q").set_value("(").run()
    assert not explore.exception
    assert any("not a valid regular expression" in e.value for e in explore.error)


def test_switching_to_umap_projects_only_the_kind_shown(explore):
    # PCA measures every embedding on offer; for UMAP (minutes on large data) that is opt-in.
    assert len(quality(explore)) == 4
    explore.selectbox(key="explore_method").set_value("umap").run()
    assert not explore.exception
    assert list(quality(explore).index) == ["averaged"]


def plot_title(at: AppTest) -> str:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]


def test_a_large_tsne_runs_in_the_background_with_pca_meanwhile(explore, tmp_path, monkeypatch):
    monkeypatch.setenv("PROTVIZ_BACKGROUND_POINTS", "500")  # the toy's 1,000 are "large"
    explore.selectbox(key="explore_method").set_value("tsne").run()
    assert not explore.exception
    assert "PCA" in plot_title(explore)  # meanwhile
    assert explore.button(key="explore_cancel_projection_averaged")
    folders = list(projections_root(tmp_path).glob("*/"))
    assert len(folders) == 1
    deadline = time.monotonic() + 300
    while job_state(folders[0]).state == "running":
        assert time.monotonic() < deadline
        time.sleep(1)
    assert job_state(folders[0]).state == "done"
    explore.run()
    assert not explore.exception
    assert "t-SNE" in plot_title(explore)
    assert not [b for b in explore.button if b.key == "explore_cancel_projection_averaged"]


def test_cancelling_a_background_projection_keeps_pca(explore, tmp_path, monkeypatch):
    monkeypatch.setenv("PROTVIZ_BACKGROUND_POINTS", "500")
    explore.selectbox(key="explore_method").set_value("umap").run()
    explore.button(key="explore_cancel_projection_averaged").click().run()
    assert not explore.exception
    assert any("was cancelled" in info.value for info in explore.info)
    assert "PCA" in plot_title(explore)
    (folder,) = projections_root(tmp_path).glob("*/")
    assert job_state(folder).state == "cancelled"
    assert not (folder / "coordinates.npy").exists()
    explore.button(key="explore_restart_projection_averaged").click().run()
    assert job_state(folder).state == "running"  # started afresh
    explore.button(key="explore_cancel_projection_averaged").click().run()
    assert job_state(folder).state == "cancelled"


def plain(markdown: str) -> str:
    """Text shown with its Markdown escapes removed."""
    return markdown.replace("\\", "")


def scatter_spec(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def drawn_labels(at: AppTest) -> list[str]:
    """The true label of every point drawn in the first plot (hover column 2 is the label)."""
    points = next(t for t in scatter_spec(at)["data"] if t.get("name") == "sequences")
    return [row[2] for row in points["customdata"]]


def test_hiding_a_class_leaves_it_out_of_the_plot_and_the_link_not_the_quality(explore):
    before = quality(explore)
    classes = explore.multiselect(key="explore_classes")
    assert classes.value == ["middle", "terminal"]
    assert set(drawn_labels(explore)) == {"middle", "terminal"}
    classes.unselect("terminal").run()
    assert not explore.exception
    labels = drawn_labels(explore)
    assert set(labels) == {"middle"} and 0 < len(labels) < 1000
    legend = {t["name"] for t in scatter_spec(explore)["data"] if t.get("hoverinfo") == "skip"}
    assert legend == {"middle"}
    assert explore.query_params["hide"] == "terminal"
    pd.testing.assert_frame_equal(quality(explore), before)  # measured on every sequence
    explore.multiselect(key="explore_classes").unselect("middle").run()
    assert any("No class is shown" in info.value for info in explore.info)
    assert not explore.get("plotly_chart")


def test_a_link_hides_classes_and_names_those_it_cannot(explore):
    explore.query_params["hide"] = "terminal,cytoplasm"
    explore.run()
    assert not explore.exception
    assert explore.multiselect(key="explore_classes").value == ["middle"]
    assert set(drawn_labels(explore)) == {"middle"}
    assert any("does not have: cytoplasm" in plain(w.value) for w in explore.warning)


def cancel_every_projection(home) -> None:
    """Cancel the waiting projections, then the running one (nothing starts after)."""
    folders = list(projections_root(home).glob("*/"))
    for state in ("queued", "running"):
        for folder in folders:
            if job_state(folder).state == state:
                cancel_projection_job(folder)


def test_a_second_background_projection_waits_and_a_full_queue_is_refused(
    explore, tmp_path, monkeypatch
):
    monkeypatch.setenv("PROTVIZ_BACKGROUND_POINTS", "500")
    monkeypatch.setenv("PROTVIZ_MAX_QUEUED_PROJECTIONS", "1")
    explore.toggle(key="explore_side").set_value(True)
    explore.selectbox(key="explore_method").set_value("tsne").run()
    try:
        assert not explore.exception
        bars = [plain(bar.proto.text) for bar in explore.get("progress")]
        assert any("averaged vectors runs in the background" in bar for bar in bars), bars
        assert any(
            "learned vectors is waiting for another projection to finish (number 1 in line" in bar
            for bar in bars
        ), bars
        assert explore.button(key="explore_cancel_projection_learned")
        explore.selectbox(key="explore_method").set_value("umap").run()  # one waits already
        assert not explore.exception
        refused = [plain(w.value) for w in explore.warning if "cannot start" in w.value]
        assert len(refused) == 2 and "1 projection(s) are already waiting" in refused[0]
        assert explore.button(key="explore_retry_projection_averaged")
        assert all("PCA" in title for title in plot_titles(explore))
    finally:
        cancel_every_projection(tmp_path)


def plot_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
