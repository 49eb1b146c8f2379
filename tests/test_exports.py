"""Exports for the TensorFlow Embedding Projector, coordinate tables and bio_embeddings HDF5."""

from __future__ import annotations

import io
import json
import zipfile

import h5py
import numpy as np
import pandas as pd
import pytest

from protviz.core.dataset import Dataset
from protviz.core.errors import ProtvizError
from protviz.io import exports
from protviz.io.builtin import motif_position_dataset
from protviz.io.embedding_files import read_embeddings_for


@pytest.fixture
def dataset() -> Dataset:
    return motif_position_dataset(n_pairs=3)


def random_vectors(count: int, dimensions: int = 5) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(count, dimensions)).astype(np.float32)


def read_metadata(files: exports.ProjectorFiles) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(files.metadata_tsv), sep="\t", dtype=str, keep_default_na=False)


def test_the_projector_pair_round_trips(dataset):
    vectors = random_vectors(len(dataset))
    metadata = exports.projector_metadata(
        dataset, predictions=["middle"] * 6, confidence=np.linspace(0.5, 1, 6)
    )
    files = exports.projector_files(vectors, metadata)
    read_back = np.loadtxt(io.BytesIO(files.vectors_tsv), delimiter="\t", dtype=np.float32)
    np.testing.assert_array_equal(read_back, vectors)  # exact for float32
    table = read_metadata(files)
    assert table.columns.tolist()[:5] == ["ID", "label", "prediction", "confidence", "length"]
    assert table.columns.tolist()[5:] == ["pair", "motif_start", "motif_end"]
    assert table["ID"].tolist() == list(dataset.ids)
    assert table["label"].tolist() == list(dataset.labels)
    assert table["length"].astype(int).tolist() == dataset.lengths.tolist()


def test_the_vectors_tsv_has_no_header(dataset):
    files = exports.projector_files(random_vectors(6), exports.projector_metadata(dataset))
    first_line = files.vectors_tsv.decode().splitlines()[0].split("\t")
    assert len(first_line) == 5
    np.asarray(first_line, dtype=float)  # numbers, not column names


def test_tabs_and_line_breaks_in_metadata_become_spaces():
    metadata = pd.DataFrame({"ID": ["a\tb", "c"], "note": ["two\nlines", "cr\rhere"]})
    files = exports.projector_files(random_vectors(2), metadata)
    assert files.metadata_tsv.decode().splitlines() == ["ID\tnote", "a b\ttwo lines", "c\tcr here"]


def test_metadata_without_a_model_leaves_predictions_out_and_follows_rows(dataset):
    metadata = exports.projector_metadata(dataset, rows=[4, 1])
    assert "prediction" not in metadata and "confidence" not in metadata
    assert metadata["ID"].tolist() == [dataset.ids[4], dataset.ids[1]]
    assert metadata["pair"].tolist() == dataset.metadata["pair"].iloc[[4, 1]].tolist()


def test_the_config_names_both_files_and_the_shape(dataset):
    files = exports.projector_files(
        random_vectors(6), exports.projector_metadata(dataset), tensor_name="motif kmer"
    )
    config = json.loads(files.config_json)
    assert config == {
        "embeddings": [
            {
                "tensorName": "motif kmer",
                "tensorShape": [6, 5],
                "tensorPath": "vectors.tsv",
                "metadataPath": "metadata.tsv",
            }
        ]
    }


def test_the_zip_and_the_folder_hold_the_three_files(tmp_path, dataset):
    files = exports.projector_files(random_vectors(6), exports.projector_metadata(dataset))
    with zipfile.ZipFile(io.BytesIO(files.zip_bytes())) as archive:
        assert sorted(archive.namelist()) == [
            "metadata.tsv",
            "projector_config.json",
            "vectors.tsv",
        ]
        assert archive.read("vectors.tsv") == files.vectors_tsv
    paths = files.write(tmp_path / "proj")
    assert {path.name: path.read_bytes() for path in paths} == files.files()


def test_vectors_that_do_not_fit_the_metadata_are_refused(dataset):
    with pytest.raises(exports.ExportError, match="one vector per metadata row"):
        exports.projector_files(random_vectors(5), exports.projector_metadata(dataset))
    assert issubclass(exports.ExportError, ProtvizError)


@pytest.mark.parametrize("dims", [2, 3])
def test_coordinates_csv_has_id_label_prediction_and_axes(dims):
    coordinates = random_vectors(3, dims)
    data = exports.coordinates_csv(
        ["a", "b", "c"], ["x", "y", "x"], coordinates, predictions=["x", "x", "x"]
    )
    table = pd.read_csv(io.BytesIO(data))
    assert table.columns.tolist() == ["ID", "label", "prediction", *"xyz"[:dims]]
    np.testing.assert_allclose(table[list("xyz"[:dims])].to_numpy(), coordinates, rtol=1e-6)


def test_coordinates_without_predictions_leave_the_column_out():
    data = exports.coordinates_csv(["a", "b"], ["x", "y"], np.zeros((2, 2)))
    assert data.decode().splitlines()[0] == "ID,label,x,y"


def test_coordinates_of_the_wrong_shape_are_refused():
    with pytest.raises(exports.ExportError, match=r"shape \(2, 2\) or \(2, 3\)"):
        exports.coordinates_csv(["a", "b"], ["x", "y"], np.zeros((2, 4)))


def test_bio_embeddings_hdf5_round_trips_through_the_reader(tmp_path, dataset):
    vectors = random_vectors(len(dataset), 8)
    path = tmp_path / "exported.h5"
    path.write_bytes(exports.bio_embeddings_h5(dataset.ids, vectors))
    with h5py.File(path, "r") as handle:
        assert sorted(handle) == sorted(dataset.ids)
        assert handle[dataset.ids[0]].attrs["original_id"] == dataset.ids[0]
        assert handle[dataset.ids[0]].shape == (8,)
    matched = read_embeddings_for(path, dataset)
    assert matched.source_format == "hdf5 (bio_embeddings)"
    np.testing.assert_array_equal(matched.vectors, vectors)


def test_ids_that_cannot_be_hdf5_names_are_kept_in_original_id(tmp_path):
    dataset = Dataset.create("s", ["a/b", "c"], ["MKVLAAGIVG", "MKTAYIAKQR"], ["x", "y"])
    data = exports.bio_embeddings_h5(dataset.ids, np.eye(2))
    matched = read_embeddings_for(data, dataset, filename="e.h5")
    assert matched.ids == ("a/b", "c")
    np.testing.assert_array_equal(matched.vectors, np.eye(2))


def test_repeated_ids_cannot_be_exported_to_hdf5():
    with pytest.raises(exports.ExportError, match="unique IDs"):
        exports.bio_embeddings_h5(["a", "a"], np.zeros((2, 3)))
