"""`python -m protviz embed` and `project`, and the vector file formats."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from protviz.cli import main
from protviz.core.dataset import ProteinDataError
from protviz.io.vectors import read_vectors, write_vectors
from tests.conftest import DEMO_RUN, ROOT, copy_demo_run, data_file


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".h5"])
def test_vector_files_round_trip(tmp_path, suffix):
    vectors = np.arange(6, dtype=np.float32).reshape(3, 2)
    path = tmp_path / f"v{suffix}"
    write_vectors(path, ["a", "b", "c"], ["x", "", "y"], vectors, ["f0", "f1"])
    rows, read, columns = read_vectors(path)
    assert rows["id"].tolist() == ["a", "b", "c"]
    assert rows["label"].tolist() == ["x", "", "y"]
    assert columns == ["f0", "f1"]
    np.testing.assert_array_equal(read, vectors)


def test_unknown_file_format_is_refused(tmp_path):
    with pytest.raises(ProteinDataError, match="Cannot tell the format"):
        write_vectors(tmp_path / "v.xlsx", ["a"], ["x"], np.zeros((1, 1)), ["f"])


def test_embed_then_project(tmp_path, capsys):
    copy_demo_run(tmp_path)
    vectors = tmp_path / "learned.parquet"
    args = ["embed", DEMO_RUN, str(data_file("good.fasta")), "--kind", "learned"]
    assert main([*args, "--out", str(vectors), "--home", str(tmp_path), "--json"]) == 0
    embedded = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert embedded["sequences"] == 9 and embedded["features"] == 32
    coordinates = tmp_path / "xy.csv"
    assert (
        main(["project", str(vectors), "--method", "tsne", "--out", str(coordinates), "--json"])
        == 0
    )
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result["params"]["perplexity"] == 1.0
    assert "too large for 9 points" in result["messages"][0]
    assert set(result["quality"]) == {
        "silhouette", "knn_accuracy", "knn_accuracy_projected", "trustworthiness"
    }  # fmt: skip
    _, xy, columns = read_vectors(coordinates)
    assert columns == ["x", "y"] and xy.shape == (9, 2)


def test_embed_accepts_unlabeled_fasta(tmp_path, capsys):
    copy_demo_run(tmp_path)
    fasta = tmp_path / "unlabeled.fasta"
    fasta.write_text(">a\nMKVLAAGIVG\n>b\nMKTAYIAKQR\n>c\nMSDNELKQLL\n>d\nMTEYKLVVVG\n")
    out = tmp_path / "p.tsv"
    args = ["embed", DEMO_RUN, str(fasta), "--kind", "probabilities", "--out", str(out)]
    assert main([*args, "--home", str(tmp_path)]) == 0
    rows, vectors, columns = read_vectors(out)
    assert rows["label"].tolist() == ["", "", "", ""]
    assert columns == ["p:middle", "p:terminal"]
    np.testing.assert_allclose(vectors.sum(axis=1), 1, atol=1e-5)
    assert main(["project", str(out), "--out", str(tmp_path / "xy.csv"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["quality"] is None


def test_embed_unknown_run_exits_2(tmp_path, capsys):
    args = ["embed", "0" * 24, str(data_file("good.fasta")), "--out", str(tmp_path / "x.csv")]
    assert main([*args, "--home", str(tmp_path)]) == 2
    assert "No run" in capsys.readouterr().err


def test_kmer_needs_no_run(tmp_path, capsys):
    out = tmp_path / "kmer.h5"
    args = ["embed", "--kind", "kmer", str(data_file("good.fasta")), "--out", str(out), "--json"]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result["run_id"] is None and result["sequences"] == 9 and result["features"] == 8
    assert "8 dimensions, not 64" in result["messages"][0]
    rows, vectors, columns = read_vectors(out)
    assert vectors.shape == (9, 8) and columns[0] == "kmer_0"
    assert rows["label"].tolist()[0] != ""


def test_kmer_of_a_builtin_to_the_projector(tmp_path, capsys):
    folder = tmp_path / "proj"
    args = ["embed", "--kind", "kmer", "--builtin", "motif", "--projector", str(folder)]
    assert main([*args, "--seed", "1"]) == 0
    vectors = np.loadtxt(folder / "vectors.tsv", delimiter="\t")
    assert vectors.shape == (1000, 64)
    metadata = pd.read_csv(folder / "metadata.tsv", sep="\t")
    assert metadata.columns.tolist()[:3] == ["ID", "label", "length"]
    config = json.loads((folder / "projector_config.json").read_text())
    assert config["embeddings"][0]["tensorShape"] == [1000, 64]


def test_projector_metadata_of_a_run_holds_its_predictions(tmp_path):
    copy_demo_run(tmp_path)
    folder = tmp_path / "proj"
    args = ["embed", DEMO_RUN, str(data_file("good.fasta")), "--kind", "learned"]
    assert main([*args, "--projector", str(folder), "--home", str(tmp_path)]) == 0
    metadata = pd.read_csv(folder / "metadata.tsv", sep="\t")
    assert metadata.columns.tolist()[:5] == ["ID", "label", "prediction", "confidence", "length"]
    assert set(metadata["prediction"]) <= {"middle", "terminal"}
    assert np.loadtxt(folder / "vectors.tsv", delimiter="\t").shape == (9, 32)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["embed", "--kind", "kmer", DEMO_RUN, "x.fasta", "--out", "x.csv"], "needs no run"),
        (["embed", "--kind", "learned", "x.fasta", "--out", "x.csv"], "needs a run id"),
        (["embed", "--kind", "kmer", "--builtin", "motif"], "Say where to write"),
        (["embed", "--kind", "kmer", "--builtin", "motif", "--out", "x.xlsx"], "Cannot tell"),
    ],
    ids=["kmer-with-run", "run-kind-without-run", "no-output", "bad-out"],
)
def test_embed_arguments_that_do_not_fit_exit_2(capsys, args, message):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_kmer_embedding_does_not_load_tensorflow(tmp_path):
    # A fresh interpreter: this one may have loaded TensorFlow for other tests.
    code = (
        "import sys; from protviz.cli import main; "
        f"status = main(['embed', '--kind', 'kmer', {str(data_file('good.fasta'))!r}, "
        f"'--out', {str(tmp_path / 'k.csv')!r}]); "
        "print(status, 'tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.stdout.split()[-3:] == ["0", "False", "False"], result.stderr[-2000:]
