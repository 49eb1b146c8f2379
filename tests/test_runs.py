"""protviz.model.runs: the run store (ids, atomic saves, list, load, rename, delete)."""

from __future__ import annotations

import json

import keras
import numpy as np
import pandas as pd
import pytest

from protviz.core import store
from protviz.core.config import TrainingConfig
from protviz.core.records import DatasetRef, RunRecord
from protviz.model import runs, saved
from protviz.model.architectures import build_model
from protviz.model.encoding import encode_all, pad_batch


@pytest.fixture
def tiny_model() -> keras.Model:
    keras.utils.set_random_seed(0)
    return build_model("mean", 2, embedding_dim=4, units=4)


def minimal_record(**fields) -> RunRecord:
    """A minimal record of a 2-class ``mean`` run."""
    defaults = {
        "created": "2026-01-01T00:00:00",
        "config": TrainingConfig(arch="mean"),
        "class_names": ["x", "y"],
        "dataset": DatasetRef(name="toy"),
    }
    return RunRecord(**{**defaults, **fields})


def save(model, home, **fields):
    predictions = pd.DataFrame({"id": ["a"], "true_label": ["x"], "predicted_label": ["y"]})
    return runs.save_run(model, minimal_record(**fields), predictions, home=home)


@pytest.mark.parametrize(
    "run_id", ["0123456789abcdef01234567", "demo-motif-conv-attention", "demo-scl2205"]
)
def test_valid_run_ids_are_accepted(run_id):
    assert runs.check_run_id(run_id) == run_id


@pytest.mark.parametrize(
    "run_id",
    [
        "",
        "../models",
        "..",
        "/etc/passwd",
        ".tmp-abc",
        "0123456789ABCDEF01234567",
        "abc",
        "demo-../x",
        "demo-",
        "0123456789abcdef01234567/..",
        "0123456789abcdef01234567\n",
    ],
)
def test_invalid_run_ids_are_refused(run_id):
    with pytest.raises(runs.RunStoreError, match="not a valid run id"):
        runs.check_run_id(run_id)


def test_new_run_ids_are_random_and_valid():
    ids = {runs.new_run_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(runs.RUN_ID_PATTERN.fullmatch(run_id) for run_id in ids)


def test_home_comes_from_argument_then_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(store.HOME_ENV, str(tmp_path / "env"))
    assert store.store_root() == tmp_path / "env"
    assert store.store_root(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv(store.HOME_ENV)
    assert store.store_root() == store.DEFAULT_HOME


def test_saved_run_lists_and_loads(tiny_model, tmp_path):
    run = save(tiny_model, tmp_path, name="first", class_names=["x", "y"])
    assert sorted(p.name for p in run.path.iterdir()) == [
        "model.keras",
        "predictions.csv",
        "run.json",
    ]
    assert [r.run_id for r in runs.list_runs(tmp_path)] == [run.run_id]
    record = json.loads((run.path / "run.json").read_text())
    assert record["run_id"] == run.run_id
    assert runs.get_run(run.run_id, tmp_path).name == "first"
    batch = pad_batch(encode_all(["ACDE", "KL"]))
    reloaded = saved.load_model(run.run_id, tmp_path)
    np.testing.assert_array_equal(
        tiny_model.predict(batch, verbose=0), reloaded.predict(batch, verbose=0)
    )
    assert runs.load_predictions(run.run_id, tmp_path)["predicted_label"].tolist() == ["y"]


def test_listing_ignores_temporary_and_foreign_folders(tiny_model, tmp_path):
    run = save(tiny_model, tmp_path)
    (tmp_path / ".tmp-0123abcd").mkdir()
    (tmp_path / ".tmp-0123abcd" / "run.json").write_text("{}")
    (tmp_path / "notes").mkdir()
    broken = tmp_path / runs.new_run_id()
    broken.mkdir()
    (broken / "run.json").write_text("{not json")
    assert [r.run_id for r in runs.list_runs(tmp_path)] == [run.run_id]


def test_listing_is_newest_first(tiny_model, tmp_path):
    old = save(tiny_model, tmp_path, created="2026-01-01T00:00:00")
    new = save(tiny_model, tmp_path, created="2026-02-01T00:00:00")
    assert [r.run_id for r in runs.list_runs(tmp_path)] == [new.run_id, old.run_id]


def test_a_failed_save_leaves_nothing(tmp_path):
    class Unsaveable:
        def save(self, path):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save(Unsaveable(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_fixed_ids_cannot_overwrite(tiny_model, tmp_path):
    save(tiny_model, tmp_path)
    runs.save_run(tiny_model, minimal_record(), pd.DataFrame(), home=tmp_path, run_id="demo-x")
    with pytest.raises(runs.RunStoreError, match="already exists"):
        runs.save_run(tiny_model, minimal_record(), pd.DataFrame(), home=tmp_path, run_id="demo-x")


def test_rename_changes_only_the_name(tiny_model, tmp_path):
    run = save(tiny_model, tmp_path, name="old")
    renamed = runs.rename_run(run.run_id, "  new   name ", tmp_path)
    assert renamed.run_id == run.run_id
    assert runs.get_run(run.run_id, tmp_path).name == "new name"
    with pytest.raises(runs.RunStoreError, match="1 to 120"):
        runs.rename_run(run.run_id, "   ", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [run.run_id]


def test_delete_removes_the_run(tiny_model, tmp_path):
    run = save(tiny_model, tmp_path)
    runs.delete_run(run.run_id, tmp_path)
    assert runs.list_runs(tmp_path) == []
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(runs.RunStoreError, match="No run"):
        runs.get_run(run.run_id, tmp_path)


def test_missing_and_malicious_ids_never_touch_the_file_system(tmp_path):
    (tmp_path / "secret").mkdir()
    with pytest.raises(runs.RunStoreError, match="not a valid run id"):
        runs.delete_run("../secret", tmp_path / "store")
    assert (tmp_path / "secret").exists()
    with pytest.raises(runs.RunStoreError, match="No run"):
        saved.load_model(runs.new_run_id(), tmp_path)


def test_stale_temporaries_are_removed(tmp_path):
    (tmp_path / ".tmp-crashed").mkdir()
    assert store.remove_stale_temporaries(tmp_path, older_than_seconds=3600) == 0
    assert store.remove_stale_temporaries(tmp_path, older_than_seconds=-1) == 1
    assert list(tmp_path.iterdir()) == []
