"""Run download (zip) and upload (run zip or bare .keras), with refusals."""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import numpy as np
import pandas as pd
import pytest

from protviz.core.config import TrainingConfig
from protviz.io.builtin import motif_position_dataset
from protviz.model import archive, runs, saved
from protviz.model.archive import RunArchiveError
from protviz.model.baselines import run_baselines
from protviz.model.training import train
from tests.conftest import copy_demo_run

DEMO = "demo-motif-conv-attention"


@pytest.fixture
def home(tmp_path):
    copy_demo_run(tmp_path)
    return tmp_path


def store_ids(home) -> list[str]:
    return sorted(run.run_id for run in runs.list_runs(home))


def rezip(data: bytes, change) -> bytes:
    """Rewrite a run zip with ``change(members)`` applied to its member dict."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    change(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in members.items():
            target.writestr(name, content)
    return buffer.getvalue()


def test_a_run_zip_round_trips_with_identical_predictions(home):
    data = archive.export_run(DEMO, home)
    imported = archive.import_run(data, "run.zip", home=home)
    assert imported.run_id != DEMO
    assert imported.record.imported_from == DEMO
    assert imported.record.class_names == runs.get_run(DEMO, home).record.class_names
    tokens = np.array([[1, 5, 9, 3, 0, 0], [2, 2, 4, 6, 8, 1]])
    original = saved.load_model(DEMO, home).predict(tokens, verbose=0)
    again = saved.load_model(imported.run_id, home).predict(tokens, verbose=0)
    np.testing.assert_allclose(original, again, rtol=1e-6)
    assert len(runs.load_predictions(imported.run_id, home)) == len(
        runs.load_predictions(DEMO, home)
    )


def test_a_bare_keras_file_is_accepted_with_generic_class_names(home):
    model_bytes = (home / DEMO / runs.MODEL_FILE).read_bytes()
    imported = archive.import_run(model_bytes, "mine.keras", home=home)
    assert imported.class_names == ["class 0", "class 1"]
    assert imported.record.config.arch == "conv_attention"


def test_a_truncated_zip_is_refused_and_the_store_is_unchanged(home):
    data = archive.export_run(DEMO, home)
    before = store_ids(home)
    with pytest.raises(RunArchiveError, match="not a readable zip"):
        archive.import_run(data[: len(data) // 2], "cut.zip", home=home)
    assert store_ids(home) == before


def test_a_keras_file_with_a_lambda_layer_is_refused(home, tmp_path):
    import keras

    inputs = keras.Input((None,), dtype="int32")
    hidden = keras.layers.Embedding(22, 4)(inputs)
    hidden = keras.layers.Lambda(lambda t: keras.ops.mean(t, axis=1))(hidden)
    outputs = keras.layers.Dense(2, activation="softmax")(hidden)
    path = tmp_path / "lambda.keras"
    keras.Model(inputs, outputs).save(path)
    before = store_ids(home)
    with pytest.raises(RunArchiveError, match="Lambda layer"):
        archive.import_run(path.read_bytes(), "lambda.keras", home=home)
    assert store_ids(home) == before


def test_a_model_with_another_alphabet_is_refused(home, tmp_path):
    import keras

    inputs = keras.Input((None,), dtype="int32")
    hidden = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(30, 4)(inputs))
    path = tmp_path / "other.keras"
    keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(hidden)).save(path)
    with pytest.raises(RunArchiveError, match="expects 30 input tokens"):
        archive.import_run(path.read_bytes(), "other.keras", home=home)


def test_a_run_json_that_does_not_match_its_model_is_refused(home):
    def extra_class(members):
        record = json.loads(members["run.json"])
        record["class_names"].append("extra")
        members["run.json"] = json.dumps(record)

    data = rezip(archive.export_run(DEMO, home), extra_class)
    before = store_ids(home)
    with pytest.raises(RunArchiveError, match="does not match its model"):
        archive.import_run(data, "run.zip", home=home)
    assert store_ids(home) == before


def test_a_run_json_without_a_data_set_is_refused_and_the_store_is_unchanged(home):
    def drop_dataset(members):
        record = json.loads(members["run.json"])
        del record["dataset"]
        members["run.json"] = json.dumps(record)

    data = rezip(archive.export_run(DEMO, home), drop_dataset)
    before = store_ids(home)
    with pytest.raises(RunArchiveError, match=r"no 'dataset' entry.*data set it was trained on"):
        archive.import_run(data, "run.zip", home=home)
    assert store_ids(home) == before
    assert sorted(path.name for path in home.iterdir()) == [DEMO]


def test_a_wrong_architecture_claim_is_refused(home):
    def claim_mean(members):
        record = json.loads(members["run.json"])
        record["config"]["arch"] = "mean"
        members["run.json"] = json.dumps(record)

    data = rezip(archive.export_run(DEMO, home), claim_mean)
    with pytest.raises(RunArchiveError, match="attention layer"):
        archive.import_run(data, "run.zip", home=home)


def test_paths_outside_the_run_are_refused(home):
    def traversal(members):
        members["../../evil.txt"] = b"x"

    data = rezip(archive.export_run(DEMO, home), traversal)
    with pytest.raises(RunArchiveError, match="not part of a protviz run"):
        archive.import_run(data, "run.zip", home=home)


def test_a_zip_without_a_model_is_refused(home):
    data = rezip(archive.export_run(DEMO, home), lambda members: members.pop("model.keras"))
    with pytest.raises(RunArchiveError, match=r"lacks model\.keras"):
        archive.import_run(data, "run.zip", home=home)


def test_invalid_run_json_is_refused(home):
    def garble(members):
        members["run.json"] = b"{not json"

    data = rezip(archive.export_run(DEMO, home), garble)
    with pytest.raises(RunArchiveError, match="not valid JSON"):
        archive.import_run(data, "run.zip", home=home)


@pytest.fixture(scope="module")
def with_baselines(tmp_path_factory):
    """A tiny run trained now, so it carries baselines.json and baseline predictions."""
    home = tmp_path_factory.mktemp("baselines_home")
    config = TrainingConfig.for_architecture("mean", epochs=1, units=4, embedding_dim=4)
    run = train(motif_position_dataset(n_pairs=40), config, home=home).run
    return home, run.run_id


def test_a_run_zip_with_baselines_round_trips_and_loads_without_pickle(with_baselines, monkeypatch):
    home, run_id = with_baselines
    data = archive.export_run(run_id, home)
    with zipfile.ZipFile(io.BytesIO(data)) as packed:
        assert runs.BASELINES_FILE in packed.namelist()

    def refuse(*args, **kwargs):
        raise AssertionError("pickle used")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(np, "load", refuse)
    imported = archive.import_run(data, "run.zip", home=home)
    original, copy = runs.get_run(run_id, home), runs.get_run(imported.run_id, home)
    assert copy.record.baselines == original.record.baselines
    sequences = ["MKKLLAKGDKICLAAA", "AKGDKICLMSTVWY"]
    for name, baseline in run_baselines(original).items():
        np.testing.assert_array_equal(
            run_baselines(copy)[name].predict_proba(sequences), baseline.predict_proba(sequences)
        )
    pd.testing.assert_frame_equal(
        runs.load_predictions(imported.run_id, home), runs.load_predictions(run_id, home)
    )
    assert list(runs.load_predictions(run_id, home).columns[-2:]) == [
        "baseline:composition",
        "baseline:kmer",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x80\x04not json", "not valid JSON"),
        (b'{"format": "protviz-baselines", "version": 2, "baselines": [{"name": "x"}]}',
         "unusable baselines"),
    ],
)  # fmt: skip
def test_unusable_baselines_are_refused_and_the_store_is_unchanged(
    with_baselines, content, message
):
    home, run_id = with_baselines
    data = rezip(
        archive.export_run(run_id, home),
        lambda members: members.update({runs.BASELINES_FILE: content}),
    )
    before = store_ids(home)
    with pytest.raises(RunArchiveError, match=message):
        archive.import_run(data, "run.zip", home=home)
    assert store_ids(home) == before


def test_baselines_of_other_classes_are_refused(with_baselines):
    home, run_id = with_baselines

    def rename_class(members):
        text = members[runs.BASELINES_FILE].decode("utf-8")
        members[runs.BASELINES_FILE] = text.replace('"terminal"', '"nuclear"').encode("utf-8")

    data = rezip(archive.export_run(run_id, home), rename_class)
    with pytest.raises(RunArchiveError, match="nuclear"):
        archive.import_run(data, "run.zip", home=home)
