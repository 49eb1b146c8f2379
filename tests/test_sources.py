"""Embeddings that need no run (k-mer profile, uploaded files) and how Compare measures
them beside the runs' averaged and learned embeddings."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pytest

from protviz.analysis.compare import (
    compare_runs,
    embedding_quality_table,
    summary_sentences,
    with_embeddings,
)
from protviz.analysis.kmer import dataset_kmer_embeddings
from protviz.analysis.projection import ProjectionParams
from protviz.analysis.quality import embedding_quality
from protviz.analysis.sources import (
    CoveredVectors,
    file_vectors,
    kmer_vectors,
    measure_embedding,
)
from protviz.io.builtin import motif_position_dataset
from protviz.io.embedding_files import load_embedding_file, match_embeddings, save_embedding_file
from protviz.io.embedding_formats import EmbeddingTable
from protviz.model import runs, saved
from protviz.report.compare import html_report, small_multiples_figure
from tests.conftest import copy_demo_run

TOY = motif_position_dataset()
RUN_IDS = ["demo-motif-mean", "demo-motif-conv-attention"]


def test_covered_vectors_within_a_sample_keep_the_rows_they_have():
    covered = CoveredVectors(np.array([1, 3, 4]), np.array([[1.0], [3.0], [4.0]]))
    positions, vectors = covered.within(np.array([0, 1, 2, 4]))
    np.testing.assert_array_equal(positions, [1, 3])
    np.testing.assert_array_equal(vectors, [[1.0], [4.0]])


def test_kmer_vectors_cover_every_sequence_in_order(tmp_path):
    small = motif_position_dataset(n_pairs=20)
    covered = kmer_vectors(small, home=tmp_path)
    np.testing.assert_array_equal(covered.rows, np.arange(40))
    np.testing.assert_array_equal(covered.vectors, dataset_kmer_embeddings(small, home=tmp_path))


def test_file_vectors_follow_the_data_set_order(tmp_path):
    small = motif_position_dataset(n_pairs=5)
    ids = [small.ids[7], small.ids[2], small.ids[5]]
    vectors = np.array([[7.0, 0], [2.0, 0], [5.0, 0]], dtype=np.float32)
    matched = match_embeddings(EmbeddingTable("e.csv", "csv", tuple(ids), vectors), small)
    stored = load_embedding_file(save_embedding_file(matched, tmp_path), tmp_path)
    covered = file_vectors(stored, small)
    np.testing.assert_array_equal(covered.rows, [2, 5, 7])
    np.testing.assert_array_equal(covered.vectors[:, 0], [2.0, 5.0, 7.0])


def test_measure_embedding_measures_the_rows_it_covers():
    rng = np.random.default_rng(0)
    covered = CoveredVectors(np.arange(0, 60, 2), rng.normal(size=(30, 5)))
    rows = np.arange(40)
    labels = np.array(["a", "b"] * 20)
    measure = measure_embedding("ref", "esm2.h5", covered, rows, labels, ProjectionParams())
    assert measure.sequences == 20  # rows 0, 2, ..., 38
    np.testing.assert_array_equal(rows[measure.positions], np.arange(0, 40, 2))
    assert measure.projection.coordinates.shape == (20, 2)
    expected = embedding_quality(
        covered.vectors[:20], labels[measure.positions], measure.projection.coordinates
    )
    assert measure.quality == expected


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    home = tmp_path_factory.mktemp("sources_home")
    for run_id in RUN_IDS:
        copy_demo_run(home, run_id)
    pairs = [(runs.get_run(r, home), saved.load_model(r, home)) for r in RUN_IDS]
    compared = compare_runs(pairs, TOY, max_sequences=300, measure_on="all")
    kmer = kmer_vectors(TOY, home=home)
    half = CoveredVectors(kmer.rows[::2], kmer.vectors[::2])
    measures = [
        measure_embedding(kind, name, covered, compared.rows, compared.labels, compared.params)
        for kind, name, covered in (("kmer", "kmer", kmer), ("f" * 64, "half.h5", half))
    ]
    return with_embeddings(compared, measures)


def test_the_embeddings_table_lists_every_embedding(comparison):
    table = embedding_quality_table(comparison)
    names = [entry.run.name for entry in comparison.runs]
    assert list(table.index) == [
        f"{names[0]}: averaged",
        f"{names[0]}: learned",
        f"{names[1]}: averaged",
        f"{names[1]}: learned",
        "kmer",
        "half.h5",
    ]
    assert table.loc["kmer", "model"] == "none"
    assert table.loc["kmer", "sequences"] == 300
    assert 100 < table.loc["half.h5", "sequences"] < 200  # the even rows of the sample
    learned = comparison.runs[1].quality["learned"]["knn_accuracy"]
    assert table.loc[f"{names[1]}: learned", "5-NN accuracy"] == learned


def test_sentences_put_each_embedding_beside_the_best_of_the_runs(comparison):
    text = " ".join(summary_sentences(comparison))
    kmer = comparison.embeddings[0].quality["knn_accuracy"]
    best_learned = max(e.quality["learned"]["knn_accuracy"] for e in comparison.runs)
    assert f"kmer, which needs no model, reaches a 5-NN label accuracy of {kmer:.3f}" in text
    assert f"{kmer - best_learned:+.3f} against the best learned embedding" in text
    half = comparison.embeddings[1].sequences
    assert "half.h5, which needs no model, reaches" in text
    assert f"on the {half:,} of the 300 sequences it has vectors for" in text


def test_small_multiples_add_a_row_for_the_embeddings_without_a_model(comparison):
    figure = small_multiples_figure(comparison, ["middle", "terminal"])
    titles = [annotation.text for annotation in figure.layout.annotations]
    assert titles[-2:] == ["kmer: no model", "half.h5: no model"]
    assert figure.layout.height == 320 * 3 + 80
    last = [trace for trace in figure.data if trace.xaxis == "x6"]
    assert sum(len(trace.x) for trace in last) == comparison.embeddings[1].sequences


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        self.tables += tag == "table"


def test_the_html_report_holds_the_embeddings_table(comparison):
    parser = _Tables()
    parser.feed(html_report(comparison, []))
    assert parser.tables == 2
