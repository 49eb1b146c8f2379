"""Per-protein embedding files a user brings, matched to the data set by ID."""

from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import tarfile
import zipfile

import h5py
import numpy as np
import pandas as pd
import pytest

from protviz.core.dataset import Dataset
from protviz.core.errors import ProtvizError
from protviz.io import embedding_files as ef
from protviz.io.builtin import motif_position_dataset
from protviz.io.embedding_formats import MAX_ATTRIBUTE_BYTES
from protviz.io.fasta import Limits
from protviz.io.hashstore import is_content_hash
from protviz.io.vectors import write_vectors

DIMENSIONS = 4


@pytest.fixture
def dataset() -> Dataset:
    return motif_position_dataset(n_pairs=3)  # 6 sequences, toy0000_t ... toy0002_m


def vectors_for(dataset: Dataset) -> np.ndarray:
    """One distinct float32 vector per sequence of the data set."""
    return np.arange(len(dataset) * DIMENSIONS, dtype=np.float32).reshape(-1, DIMENSIONS) / 7


def write_bio_embeddings(path, keys, vectors, original_ids=None) -> None:
    with h5py.File(path, "w") as handle:
        for index, (key, vector) in enumerate(zip(keys, vectors, strict=True)):
            item = handle.create_dataset(key, data=vector)
            if original_ids is not None:
                item.attrs["original_id"] = original_ids[index]


# Formats that are read ---------------------------------------------------------------


def test_bio_embeddings_hdf5_keyed_by_id_is_matched_in_data_set_order(tmp_path, dataset):
    vectors = vectors_for(dataset)
    path = tmp_path / "reduced_embeddings_file.h5"
    write_bio_embeddings(path, dataset.ids[::-1], vectors[::-1])
    matched = ef.read_embeddings_for(path, dataset)
    assert matched.ids == dataset.ids
    np.testing.assert_array_equal(matched.rows, np.arange(len(dataset)))
    np.testing.assert_array_equal(matched.vectors, vectors)
    assert matched.vectors.dtype == np.float32 and matched.dimensions == DIMENSIONS
    assert matched.source_format == "hdf5 (bio_embeddings)"
    assert matched.unmatched_file_ids == () and matched.missing_dataset_ids == ()


def test_md5_keys_with_original_id_are_matched_by_the_attribute(tmp_path, dataset):
    vectors = vectors_for(dataset)
    keys = [hashlib.md5(s.encode()).hexdigest() for s in dataset.sequences]
    path = tmp_path / "e.h5"
    write_bio_embeddings(path, keys, vectors, original_ids=list(dataset.ids))
    matched = ef.read_embeddings_for(path, dataset)
    np.testing.assert_array_equal(matched.vectors, vectors)
    assert matched.notes == ()


def test_md5_keys_without_original_id_are_matched_by_the_sequence(tmp_path, dataset):
    vectors = vectors_for(dataset)
    keys = [hashlib.md5(s.encode()).hexdigest() for s in dataset.sequences]
    path = tmp_path / "e.h5"
    write_bio_embeddings(path, keys, vectors)
    matched = ef.read_embeddings_for(path, dataset)
    np.testing.assert_array_equal(matched.vectors, vectors)
    assert "MD5 hash of the sequence" in matched.notes[0]


def test_accessions_match_ids_with_labels_in_them(tmp_path):
    dataset = Dataset.create(
        "ml", ["P1|cyto", "P2|nucleus"], ["MKVLAAGIVG", "MKTAYIAKQR"], ["cyto", "nucleus"]
    )
    path = tmp_path / "e.csv"
    path.write_text("id,a,b\nsp|P2|X_HUMAN,3,4\nP1,1,2\n")
    matched = ef.read_embeddings_for(path, dataset)
    assert matched.ids == ("P1|cyto", "P2|nucleus")
    np.testing.assert_array_equal(matched.vectors, [[1, 2], [3, 4]])
    assert "'|'-separated part" in matched.notes[0]


def test_the_match_report_counts_both_sides_without_the_vectors(tmp_path, dataset):
    data = "id,a\n" + "".join(f"{i},{n}\n" for n, i in enumerate(dataset.ids[2:])) + "Q1,9\n"
    matched = ef.read_embeddings_for(data.encode(), dataset, filename="esm2.csv")
    report = matched.report()
    assert report.ref == matched.ref and report.filename == "esm2.csv"
    assert (report.matched, report.file_ids, report.dataset_size) == (4, 5, 6)
    assert report.unmatched_file_ids == ("Q1",)
    assert report.missing_dataset_ids == dataset.ids[:2]
    assert report.dimensions == 1 and report.source_format == "csv"


def test_partial_files_report_both_sides_left_over(tmp_path, dataset):
    vectors = vectors_for(dataset)
    path = tmp_path / "e.h5"
    write_bio_embeddings(path, [*dataset.ids[:4], "stranger"], [*vectors[:4], vectors[0]])
    matched = ef.read_embeddings_for(path, dataset)
    assert matched.ids == dataset.ids[:4]
    assert matched.unmatched_file_ids == ("stranger",)
    assert matched.missing_dataset_ids == dataset.ids[4:]


def test_protviz_own_hdf5_reads_back(tmp_path, dataset):
    vectors = vectors_for(dataset)
    path = tmp_path / "own.h5"
    columns = [f"f{i}" for i in range(DIMENSIONS)]
    write_vectors(path, dataset.ids, dataset.labels, vectors, columns)
    matched = ef.read_embeddings_for(path, dataset)
    assert matched.source_format == "hdf5 (protviz)"
    np.testing.assert_array_equal(matched.vectors, vectors)


@pytest.mark.parametrize("layout", ["ids_and_vectors", "one_array_per_id"])
def test_npz_reads_in_both_layouts(tmp_path, dataset, layout):
    vectors = vectors_for(dataset)
    path = tmp_path / "e.npz"
    if layout == "ids_and_vectors":
        np.savez(path, ids=np.array(dataset.ids), vectors=vectors)
    else:
        np.savez(path, **dict(zip(dataset.ids, vectors, strict=True)))
    matched = ef.read_embeddings_for(path, dataset)
    assert matched.source_format == "npz"
    np.testing.assert_array_equal(matched.vectors, vectors)


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet"])
def test_tables_read_with_a_named_or_first_id_column(tmp_path, dataset, suffix):
    vectors = vectors_for(dataset)
    frame = pd.DataFrame(vectors, columns=[f"d{i}" for i in range(DIMENSIONS)])
    if suffix == ".csv":
        frame.insert(2, "protein_id", list(dataset.ids))  # named, not first
    else:
        frame.insert(0, "name", list(dataset.ids))  # first
        frame["label"] = list(dataset.labels)  # protviz's own files carry one: ignored
    path = tmp_path / f"e{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_csv(path, sep="\t" if suffix == ".tsv" else ",", index=False)
    matched = ef.read_embeddings_for(path, dataset)
    assert matched.source_format == suffix[1:]
    np.testing.assert_array_equal(matched.vectors, vectors)


def test_numeric_looking_ids_keep_their_leading_zeros(tmp_path):
    dataset = Dataset.create("n", ["007", "008"], ["MKVLAAGIVG", "MKTAYIAKQR"], ["a", "b"])
    path = tmp_path / "e.csv"
    path.write_text("id,x\n007,1\n008,2\n")
    assert ef.read_embeddings_for(path, dataset).ids == ("007", "008")


def test_bytes_from_an_upload_read_like_a_file(tmp_path, dataset):
    data = "id,x,y\n" + "".join(f"{i},1,2\n" for i in dataset.ids)
    matched = ef.read_embeddings_for(data.encode(), dataset, filename="upload.csv")
    assert matched.filename == "upload.csv" and len(matched.ids) == len(dataset)


# Files that are refused --------------------------------------------------------------


def refused(path, dataset, match, limits=None):
    with pytest.raises(ef.EmbeddingFileError, match=match) as caught:
        ef.read_embeddings_for(path, dataset, limits=limits)
    return str(caught.value)


def test_the_error_is_a_protviz_error():
    assert issubclass(ef.EmbeddingFileError, ProtvizError)
    assert issubclass(ef.EmbeddingFileNotFoundError, ef.EmbeddingFileError)


def test_no_matching_id_shows_both_kinds_of_id(tmp_path, dataset):
    path = tmp_path / "e.csv"
    path.write_text("id,x\nQ99999,1\nQ88888,2\n")
    message = refused(path, dataset, "None of the 2 IDs")
    assert "'Q99999'" in message and "'toy0000_t'" in message and "first word" in message


def test_vectors_of_different_lengths_are_refused_naming_both_keys(tmp_path, dataset):
    path = tmp_path / "e.h5"
    write_bio_embeddings(path, dataset.ids[:2], [np.zeros(4), np.zeros(5)])
    message = refused(path, dataset, "differ in length")
    assert dataset.ids[0] in message and dataset.ids[1] in message


def test_ragged_table_rows_are_refused_with_their_line(tmp_path, dataset):
    path = tmp_path / "e.csv"
    path.write_text(f"id,a,b\n{dataset.ids[0]},1,2\n{dataset.ids[1]},1,2,3\n")
    refused(path, dataset, "line 3.*same number of fields")


def test_npz_vectors_that_do_not_fit_the_ids_are_refused(tmp_path, dataset):
    path = tmp_path / "e.npz"
    np.savez(path, ids=np.array(dataset.ids), vectors=np.zeros((2, 4)))
    refused(path, dataset, r"shape \(2, 4\).*must have shape \(6, d\)")


def test_nan_is_refused_with_row_and_column(tmp_path, dataset):
    path = tmp_path / "e.csv"
    path.write_text(f"id,a,b\n{dataset.ids[0]},1,2\n{dataset.ids[1]},1,\n")
    refused(path, dataset, r"not a finite number \(nan\) at row 2 \(ID 'toy0000_m'\), column 'b'")


def test_infinity_is_refused_with_its_key(tmp_path, dataset):
    path = tmp_path / "e.h5"
    write_bio_embeddings(path, dataset.ids[:2], [np.zeros(3), np.array([0, np.inf, 0])])
    refused(path, dataset, r"\(inf\) at key 'toy0000_m'.*dimension 1")


def test_a_text_column_is_refused_with_its_first_value(tmp_path, dataset):
    path = tmp_path / "e.csv"
    path.write_text(f"id,a,species\n{dataset.ids[0]},1,Homo sapiens\n")
    refused(path, dataset, r"Column 'species' .* not numeric \(row 1: 'Homo sapiens'\)")


def test_a_text_dataset_in_hdf5_is_refused(tmp_path, dataset):
    path = tmp_path / "e.h5"
    with h5py.File(path, "w") as handle:
        handle.create_dataset(dataset.ids[0], data=np.array([b"a", b"b"]))
    refused(path, dataset, f"Key '{dataset.ids[0]}' .* not numbers")


def test_duplicate_ids_are_refused_naming_both_rows(tmp_path, dataset):
    path = tmp_path / "e.csv"
    path.write_text(f"id,a\n{dataset.ids[0]},1\nx,2\n{dataset.ids[0]},3\n")
    refused(path, dataset, "appears twice .* at row 1 and row 3")


def test_per_residue_embeddings_are_refused_with_what_to_do(tmp_path, dataset):
    path = tmp_path / "per_residue.h5"
    write_bio_embeddings(path, dataset.ids[:1], [np.zeros((40, 4))])
    refused(path, dataset, r"shape \(40, 4\): per-residue embeddings.*Average them per protein")


def test_a_one_by_d_dataset_counts_as_one_vector(tmp_path, dataset):
    path = tmp_path / "e.h5"
    write_bio_embeddings(path, dataset.ids[:1], [np.ones((1, 4))])
    assert ef.read_embeddings_for(path, dataset).vectors.shape == (1, 4)


def test_nested_groups_are_refused(tmp_path, dataset):
    path = tmp_path / "e.h5"
    with h5py.File(path, "w") as handle:
        handle.create_group("layer_33").create_dataset(dataset.ids[0], data=np.zeros(4))
    refused(path, dataset, "'layer_33' .* is a group .* move the per-protein datasets to the root")


def test_huge_attributes_are_refused(tmp_path, dataset):
    path = tmp_path / "e.h5"
    with h5py.File(path, "w") as handle:
        item = handle.create_dataset(dataset.ids[0], data=np.zeros(4))
        item.attrs["notes"] = np.ones(MAX_ATTRIBUTE_BYTES + 1, dtype=np.uint8)
        item.attrs["original_id"] = dataset.ids[0]
    refused(path, dataset, "attribute 'notes' .* holds 4,097 bytes")


def test_links_to_other_files_are_refused(tmp_path, dataset):
    other = tmp_path / "other.h5"
    write_bio_embeddings(other, ["secret"], [np.zeros(4)])
    path = tmp_path / "e.h5"
    with h5py.File(path, "w") as handle:
        handle[dataset.ids[0]] = h5py.ExternalLink(str(other), "secret")
    refused(path, dataset, "is a link")


def test_external_storage_is_refused(tmp_path, dataset):
    raw = tmp_path / "raw.bin"
    raw.write_bytes(np.zeros(4, dtype=np.float32).tobytes())
    path = tmp_path / "e.h5"
    with h5py.File(path, "w") as handle:
        handle.create_dataset(dataset.ids[0], shape=(4,), dtype="f4", external=[(raw, 0, 16)])
    refused(path, dataset, "external or virtual storage")


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("embeddings/e.h5", b"x")
    return buffer.getvalue()


def tar_bytes() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("e.csv")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"a,b"))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (zip_bytes(), "is a zip archive .*'embeddings/e.h5'.* Unpack it"),
        (gzip.compress(b"id,x\na,1\n"), "is a gzip archive"),
        (tar_bytes(), "is a tar archive"),
        (b"7z\xbc\xaf\x27\x1c" + b"\x00" * 30, "is a 7z archive"),
        (pickle.dumps({"a": [1.0, 2.0]}), "never opens pickles"),
        (b"\x93NUMPY" + b"\x00" * 60, "bare NumPy array"),
        (b"\x00\x01\x02\x03junk" * 10, "not a format protviz reads"),
        (b"", "is empty"),
        (b"  \n\n", "is empty"),
    ],
    ids=["zip", "gzip", "tar", "7z", "pickle", "npy", "binary", "empty", "blank"],
)
def test_archives_pickles_and_unknown_files_are_refused(tmp_path, dataset, content, match):
    path = tmp_path / "upload.h5"  # the name says nothing: the content decides
    path.write_bytes(content)
    refused(path, dataset, match)


def test_npz_with_pickled_object_arrays_is_refused(tmp_path, dataset):
    path = tmp_path / "e.npz"
    np.savez(path, ids=np.array(dataset.ids, dtype=object), vectors=vectors_for(dataset))
    refused(path, dataset, "stored as Python objects .* never opens")


def test_files_over_the_upload_limit_are_refused(tmp_path, dataset, monkeypatch):
    path = tmp_path / "e.csv"
    path.write_text("id,x\n" + "".join(f"{i},1\n" for i in dataset.ids))
    refused(path, dataset, "over the 0 MB upload limit", limits=Limits(max_upload_bytes=20))
    monkeypatch.setenv("PROTVIZ_MAX_UPLOAD_MB", "0.00001")
    refused(path, dataset, "raise PROTVIZ_MAX_UPLOAD_MB")


def test_npz_that_unpacks_beyond_the_limit_is_refused(tmp_path, dataset):
    path = tmp_path / "e.npz"
    np.savez_compressed(path, ids=np.array(["a"]), vectors=np.zeros((1, 100_000)))
    assert path.stat().st_size < 10_000
    refused(path, dataset, "unpacks to", limits=Limits(max_upload_bytes=100_000))


# The store ---------------------------------------------------------------------------


def matched_for(dataset: Dataset) -> ef.MatchedEmbeddings:
    data = "id,a,b\n" + "".join(f"{i},{n},{n / 3}\n" for n, i in enumerate(dataset.ids))
    return ef.read_embeddings_for(data.encode(), dataset, filename="esm2.csv")


def test_saved_embeddings_read_back_identical(tmp_path, dataset):
    matched = matched_for(dataset)
    ref = ef.save_embedding_file(matched, tmp_path)
    assert ref == matched.ref and is_content_hash(ref)
    assert (tmp_path / "embeddings" / ref / "vectors.npy").is_file()
    stored = ef.load_embedding_file(ref, tmp_path)
    assert stored.ids == matched.ids
    np.testing.assert_array_equal(stored.vectors, matched.vectors)
    assert stored.record.filename == "esm2.csv" and stored.record.source_format == "csv"
    assert stored.record.dataset_hash == dataset.content_hash
    np.testing.assert_array_equal(stored.rows_in(dataset), matched.rows)


def test_saving_twice_changes_nothing_and_lists_once(tmp_path, dataset):
    matched = matched_for(dataset)
    ref = ef.save_embedding_file(matched, tmp_path)
    record = (tmp_path / "embeddings" / ref / "embedding.json").read_text()
    assert ef.save_embedding_file(matched, tmp_path) == ref
    assert (tmp_path / "embeddings" / ref / "embedding.json").read_text() == record
    assert [saved.ref for saved in ef.list_embedding_files(tmp_path)] == [ref]
    assert ef.list_embedding_files(tmp_path, dataset_hash="0" * 64) == []


@pytest.mark.parametrize("ref", ["../../etc/passwd", "a" * 63, "A" * 64, "", "a" * 64 + "/.."])
def test_references_that_are_not_a_hash_are_refused(tmp_path, ref):
    with pytest.raises(ef.EmbeddingFileError, match="not an embedding file reference"):
        ef.load_embedding_file(ref, tmp_path)


def test_a_missing_reference_says_how_to_get_it_back(tmp_path):
    with pytest.raises(ef.EmbeddingFileNotFoundError, match="Upload the file again"):
        ef.load_embedding_file("0" * 64, tmp_path)


def test_saved_embeddings_do_not_align_with_another_data_set(tmp_path, dataset):
    stored = ef.load_embedding_file(
        ef.save_embedding_file(matched_for(dataset), tmp_path), tmp_path
    )
    other = Dataset.create("other", ["x", "y"], ["MKVLAAGIVG", "MKTAYIAKQR"], ["a", "b"])
    with pytest.raises(ef.EmbeddingFileError, match="belong to another data set"):
        stored.rows_in(other)
