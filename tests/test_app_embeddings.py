"""AppTest of the Explore page's embeddings that need no run: the k-mer profile before any
training, uploaded embedding files (matched, refused, saved, reopened by a link), and the
quality table that measures them beside a run's kinds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from protviz.analysis.kmer import dataset_kmer_embeddings
from protviz.analysis.quality import knn_accuracy
from protviz.app.panels.explore import QUALITY_TAB
from protviz.io.builtin import load_builtin
from protviz.io.embedding_files import (
    list_embedding_files,
    load_embedding_file,
    read_embeddings_for,
    save_embedding_file,
)
from tests.bad_embeddings import (
    BAD_FILE_NAMES,
    UPLOAD_LIMIT_MB,
    bio_embeddings_bytes,
    write_bad_files,
)
from tests.conftest import DEMO_RUN, ROOT, copy_demo_run
from tests.test_bad_inputs import store_snapshot

UPLOAD = "explore_embedding_upload_file"
KIND = "explore_kind"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    store = tmp_path / "store"
    store.mkdir()
    monkeypatch.setenv("PROTVIZ_HOME", str(store))
    monkeypatch.setenv("PROTVIZ_MAX_UPLOAD_MB", str(UPLOAD_LIMIT_MB))
    monkeypatch.delenv("PROTVIZ_READ_ONLY", raising=False)
    return store


def open_explore(**params: str) -> AppTest:
    """A fresh session opening the Explore page with a link's parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    return at


RINGS = ("search matches", "nearest neighbours", "chosen sequence")


def plotted_points(at: AppTest) -> int:
    """How many points the first scatter plot draws (search rings and the star left out;
    the legend's entries are empty traces)."""
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    return sum(
        len(trace.get("customdata", [])) for trace in figure["data"] if trace["name"] not in RINGS
    )


def quality(at: AppTest):
    """The quality table, with its tab opened: it is measured only while that tab is open."""
    if "explore_tab" not in at.session_state or at.session_state["explore_tab"] != QUALITY_TAB:
        at.session_state["explore_tab"] = QUALITY_TAB
        at.run()
        assert not at.exception
    return next(d.value for d in at.dataframe if "silhouette" in d.value.columns)


def texts(at: AppTest) -> str:
    shown = [*at.error, *at.warning, *at.info, *at.success, *at.caption]
    return " ".join(element.value for element in shown).replace("\\", "")


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key=UPLOAD).set_value((name, content, "application/octet-stream")).run()
    assert not at.exception
    return at


def motif_file(skip: int = 0, extra: tuple[str, ...] = ()) -> tuple[bytes, np.ndarray]:
    """A bio_embeddings HDF5 for the motif toy (less its first ``skip`` IDs, plus ``extra``
    unknown IDs), keyed by MD5 with the ID in ``original_id``; and its vectors."""
    dataset = load_builtin("motif")
    ids = [*dataset.ids[skip:], *extra]
    vectors = np.random.default_rng(0).normal(size=(len(ids), 8)).astype(np.float32)
    keys = [f"{index:032x}" for index in range(len(ids))]
    return bio_embeddings_bytes(keys, list(vectors), original_ids=ids), vectors


def test_kmer_works_before_any_training(home):
    at = open_explore(dataset="motif", kind="kmer")
    assert "Train page" in texts(at)
    assert at.radio(key=KIND).options == ["kmer"]
    colourings = at.selectbox(key="explore_color").options
    assert colourings[:3] == ["true label", "sequence length", "metadata: pair"]
    assert "predicted label" not in colourings and "prediction confidence" not in colourings
    assert plotted_points(at) == 1000
    table = quality(at)
    assert list(table.index) == ["kmer"] and table.loc["kmer", "sequences"] == 1000
    assert "prediction" not in at.get("plotly_chart")[0].proto.spec
    assert at.query_params["kind"] == "kmer" and "run" not in at.query_params


def test_a_kmer_link_without_a_run_chooses_no_run(home):
    copy_demo_run(home)
    at = open_explore(dataset="motif", kind="kmer")
    assert at.selectbox(key="explore_run").value == ""
    assert at.radio(key=KIND).value == "kmer"
    assert "run" not in at.query_params
    at.selectbox(key="explore_run").set_value(DEMO_RUN).run()  # then a run: its kinds too
    assert not at.exception
    assert at.radio(key=KIND).value == "kmer"
    assert at.radio(key=KIND).options[:3] == ["averaged", "learned", "probabilities"]
    assert at.query_params["run"] == DEMO_RUN
    assert list(quality(at).index) == ["averaged", "learned", "probabilities", "kmer"]


def test_an_uploaded_file_is_matched_saved_and_shown(home):
    content, vectors = motif_file(skip=3, extra=("Q99999", "P12345"))
    at = upload(open_explore(dataset="motif"), "esm2.h5", content)
    (saved,) = list_embedding_files(home)
    shown = texts(at)
    assert "997 of its 999 IDs matched" in shown and "997 of the 1,000 sequences" in shown
    assert "2 ID(s) of the file match no sequence" in shown
    assert "3 sequence(s) of the data set have no vector" in shown
    listed = [frame.value["ID"].tolist() for frame in at.dataframe if "ID" in frame.value]
    assert ["Q99999", "P12345"] in listed and ["toy0000_t", "toy0000_m", "toy0001_t"] in listed
    assert at.radio(key=KIND).value == saved.ref
    assert at.query_params["emb"] == saved.ref
    np.testing.assert_array_equal(load_embedding_file(saved.ref, home).vectors, vectors[:-2])
    assert quality(at).loc["esm2.h5 (8-d)", "sequences"] == 997


@pytest.mark.parametrize("name", BAD_FILE_NAMES)
def test_a_bad_embedding_file_is_refused_and_nothing_is_saved(home, tmp_path, name):
    ids = load_builtin("motif").ids
    path, fragment = next(
        (path, fragment)
        for path, fragment in write_bad_files(tmp_path, ids).items()
        if path.name == name
    )
    at = open_explore(dataset="motif", kind="kmer")
    before = store_snapshot(home)
    upload(at, name, path.read_bytes())
    assert any(fragment in error.value.replace("\\", "") for error in at.error)
    assert store_snapshot(home) == before
    assert at.radio(key=KIND).value == "kmer"
    assert at.get("plotly_chart")


def test_an_emb_link_reopens_the_file_in_a_fresh_session(home):
    copy_demo_run(home)
    content, _ = motif_file(skip=10)
    first = upload(open_explore(dataset="motif"), "prott5.h5", content)
    ref = first.radio(key=KIND).value
    at = open_explore(dataset="motif", emb=ref, method="pca", color="length")
    assert at.radio(key=KIND).value == ref
    assert at.selectbox(key="explore_run").value == ""  # the link named no run
    assert at.selectbox(key="explore_color").value == "length"
    assert "990 of the 1,000 sequences; only those are drawn" in texts(at)
    assert quality(at).loc["prott5.h5 (8-d)", "sequences"] == 990


def test_an_emb_link_to_a_missing_file_says_so(home):
    at = open_explore(dataset="motif", emb="ab" * 32)
    assert "embedding file cannot be opened" in texts(at)
    assert at.radio(key=KIND).value == "kmer"
    assert "emb" not in at.query_params


def test_the_kmer_quality_row_measures_the_kmer_vectors(home):
    at = open_explore(dataset="motif", kind="kmer")
    dataset = load_builtin("motif")
    vectors = dataset_kmer_embeddings(dataset, home=home)  # cached by the page
    assert vectors.shape == (1000, 64)
    measured = quality(at).loc["kmer", "5-NN accuracy"]
    assert measured == pytest.approx(knn_accuracy(vectors, np.asarray(dataset.labels)))
    # The toy's pairs share most of their 1-3-mers but not their class: a bag of short
    # words cannot tell where the motif sits.
    assert measured < 0.6


def test_compare_measures_kmer_and_a_file_beside_the_runs(home):
    copy_demo_run(home)
    copy_demo_run(home, "demo-motif-mean")
    content, _ = motif_file(skip=500)
    ref = upload(open_explore(dataset="motif"), "esm2.h5", content).radio(key=KIND).value
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.query_params["dataset"] = "motif"
    at.query_params["emb"] = f"kmer,{ref}"
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert at.multiselect(key="compare_embeddings").value == ["kmer", ref]
    table = next(d.value for d in at.dataframe if "model" in d.value.columns)
    assert list(table.index[-2:]) == ["kmer", "esm2.h5 (8-d)"]
    assert table.loc["kmer", "model"] == "none"
    # Compare measures on the 200 test sequences both demo runs share: the file covers half.
    assert table.loc["esm2.h5 (8-d)", "sequences"] == 100
    assert table.loc["kmer", "sequences"] == 200
    sentences = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "kmer, which needs no model, reaches a 5-NN label accuracy of" in sentences
    assert "on the 100 of the 200 sequences it has vectors for" in sentences
    at.radio(key="compare_measure_on").set_value("all").run()
    table = next(d.value for d in at.dataframe if "model" in d.value.columns)
    assert table.loc["esm2.h5 (8-d)", "sequences"] == 500
    assert table.loc["kmer", "sequences"] == 1000
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    titles = [note["text"] for note in figure["layout"]["annotations"]]
    assert titles[-2:] == ["kmer: no model", "esm2.h5 (8-d): no model"]


def test_read_only_hides_the_saved_files_and_the_upload_but_links_open_them(home, monkeypatch):
    content, _ = motif_file()
    matched = read_embeddings_for(content, load_builtin("motif"), filename="esm2.h5")
    ref = save_embedding_file(matched, home)
    monkeypatch.setenv("PROTVIZ_READ_ONLY", "1")
    at = open_explore(dataset="motif")
    assert at.radio(key=KIND).options == ["kmer"]
    assert "uploading embedding files is switched off" in texts(at)
    assert not at.get("file_uploader")
    linked = open_explore(dataset="motif", emb=ref)
    assert linked.radio(key=KIND).options == ["kmer", "esm2.h5 (8-d)"]
    assert linked.radio(key=KIND).value == ref


def test_a_slow_kmer_profile_is_measured_only_once_computed(home, monkeypatch):
    monkeypatch.setattr("protviz.app.panels.explore.QUICK_KMER_SEQUENCES", 10)  # "large" data
    copy_demo_run(home)
    at = open_explore(dataset="motif", run=DEMO_RUN)
    assert list(quality(at).index) == ["averaged", "learned", "probabilities"]
    assert "not computed yet: choose kmer" in texts(at)
    at.radio(key=KIND).set_value("kmer").run()
    at.radio(key=KIND).set_value("averaged").run()
    assert not at.exception
    assert list(quality(at).index) == ["averaged", "learned", "probabilities", "kmer"]
