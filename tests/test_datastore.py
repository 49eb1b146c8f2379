"""Uploaded data sets saved content-addressed under PROTVIZ_HOME."""

from __future__ import annotations

import gzip

import pytest

from protviz.core.dataset import ProteinDataError
from protviz.io import datastore
from protviz.io.builtin import motif_position_dataset
from protviz.io.fasta import read_labeled_fasta
from protviz.model import runs
from tests.conftest import copy_demo_run, data_file


def test_a_saved_data_set_reads_back_identical(tmp_path):
    dataset = motif_position_dataset(n_pairs=15)
    ref = datastore.save_dataset(dataset, tmp_path)
    assert ref == dataset.content_hash
    loaded = datastore.load_dataset(ref, tmp_path)
    assert loaded.content_hash == ref
    assert loaded.name == dataset.name
    assert loaded.split is None
    assert loaded.metadata.equals(dataset.metadata)  # numeric columns stay numeric


def test_a_split_survives_and_saving_twice_changes_nothing(tmp_path):
    dataset, _ = read_labeled_fasta(data_file("split.fasta"))
    assert dataset.split is not None
    ref = datastore.save_dataset(dataset, tmp_path)
    first = (tmp_path / "datasets" / ref / "dataset.json").read_text()
    assert datastore.save_dataset(dataset, tmp_path) == ref
    assert (tmp_path / "datasets" / ref / "dataset.json").read_text() == first
    assert datastore.load_dataset(ref, tmp_path).split == dataset.split
    assert [d.ref for d in datastore.list_datasets(tmp_path)] == [ref]


@pytest.mark.parametrize(
    "ref", ["../../etc/passwd", "a" * 63, "A" * 64, "a" * 64 + "/..", "", "motif/../x", "12"]
)
def test_references_that_are_not_a_key_or_a_hash_are_refused(tmp_path, ref):
    with pytest.raises(ProteinDataError, match="not a data set reference"):
        datastore.load_dataset(ref, tmp_path)


def test_a_missing_data_set_says_how_to_get_it_back(tmp_path):
    with pytest.raises(datastore.DatasetNotFoundError, match="Upload the FASTA again"):
        datastore.load_dataset("0" * 64, tmp_path)


def test_a_built_in_key_loads_the_built_in(tmp_path):
    assert len(datastore.load_dataset("motif", tmp_path)) == 1000


def test_a_tampered_data_set_is_refused(tmp_path):
    dataset = motif_position_dataset(n_pairs=5)
    ref = datastore.save_dataset(dataset, tmp_path)
    path = tmp_path / "datasets" / ref / datastore.FASTA_FILE
    text = gzip.decompress(path.read_bytes()).decode().replace("label=middle", "label=terminal", 1)
    path.write_bytes(gzip.compress(text.encode()))
    with pytest.raises(ProteinDataError, match="damaged"):
        datastore.load_dataset(ref, tmp_path)


def test_saved_data_sets_do_not_disturb_the_run_store(tmp_path):
    copy_demo_run(tmp_path)
    datastore.save_dataset(motif_position_dataset(n_pairs=5), tmp_path)
    (tmp_path / "datasets" / ("f" * 64)).mkdir()  # a damaged entry is skipped
    assert [run.run_id for run in runs.list_runs(tmp_path)] == ["demo-motif-conv-attention"]
    assert runs.problem_folders(tmp_path) == []
    assert len(datastore.list_datasets(tmp_path)) == 1


def test_a_run_finds_the_data_set_it_was_trained_on(tmp_path):
    saved = read_labeled_fasta(data_file("good.fasta"))[0]
    datastore.save_dataset(saved, tmp_path)
    assert datastore.find_dataset(saved.content_hash, tmp_path).content_hash == saved.content_hash
    toy = motif_position_dataset()
    assert datastore.find_dataset(toy.content_hash, tmp_path).content_hash == toy.content_hash
    assert datastore.find_dataset_ref(saved.content_hash, tmp_path) == saved.content_hash
    assert datastore.find_dataset_ref(toy.content_hash, tmp_path) == "motif"
    with pytest.raises(datastore.DatasetNotFoundError, match="Data page"):
        datastore.find_dataset("0" * 64, tmp_path)
