"""protviz.core.records: RunRecord reads every run.json written so far and refuses unusable ones."""

from __future__ import annotations

import json

import pytest

from protviz.core.config import TrainingConfig
from protviz.core.records import HEADLINE_METRICS, Metrics, RunRecord, RunRecordError
from tests.conftest import DATA, ROOT

SHIPPED = sorted((ROOT / "models").glob("*/run.json"))

BARE_UPLOAD = {
    "name": "mine (uploaded model)",
    "created": "2026-03-01T10:00:00+00:00",
    "config": {"arch": "conv_attention", "embedding_dim": 10, "max_length": None},
    "alphabet": "ACDEFGHIKLMNPQRSTVWYX",
    "pad_id": 0,
    "class_names": ["class 0", "class 1"],
    "dataset": {"name": "unknown (bare .keras upload)", "content_hash": "", "sequences": 0},
    "split_sizes": {},
    "metrics": {},
    "history": [],
    "parameters": 4242,
    "notes": ["Uploaded as a bare .keras file: class names, data set and metrics are unknown."],
    "imported_from": None,
    "imported": "2026-03-01T10:00:00+00:00",
    "run_id": "0123456789abcdef01234567",
}
"""A run.json as protviz wrote it for a bare .keras upload (archive._record_for_bare_model)."""


def shipped_record() -> dict:
    return json.loads(SHIPPED[0].read_text(encoding="utf-8"))


def test_there_are_shipped_runs():
    assert len(SHIPPED) == 3


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.parent.name)
def test_shipped_runs_round_trip_to_the_same_file(path):
    text = path.read_text(encoding="utf-8")
    record = RunRecord.from_dict(json.loads(text))
    assert record.to_dict() == json.loads(text)
    assert json.dumps(record.to_dict(), indent=2) + "\n" == text
    assert RunRecord.from_dict(record.to_dict()) == record


def test_shipped_run_fields_are_typed():
    record = RunRecord.from_dict(shipped_record())
    assert isinstance(record.config, TrainingConfig)
    assert record.config.arch == "conv_attention"
    assert record.dataset.name == "motif position (toy)"
    assert record.metrics.n == 200
    assert set(record.metrics.headline()) == set(HEADLINE_METRICS)
    assert record.timings.train_seconds > 0
    assert record.history[0]["epoch"] == 1


def test_a_bare_upload_record_reads_with_defaults():
    record = RunRecord.from_dict(BARE_UPLOAD)
    assert record.config.arch == "conv_attention"
    assert record.config.embedding_dim == 10
    assert record.config.max_length is None
    assert record.config.truncation == "ends"
    assert record.metrics == Metrics()
    assert record.metrics.headline() == dict.fromkeys(HEADLINE_METRICS)
    assert record.history == ()
    assert record.epochs_run is None
    assert record.timings.train_seconds is None
    assert record.dataset.split_source == ""
    assert record.imported_from is None
    assert record.notes == tuple(BARE_UPLOAD["notes"])
    assert RunRecord.from_dict(record.to_dict()) == record


def test_a_config_without_max_length_means_no_truncation():
    data = {**BARE_UPLOAD, "config": {"arch": "mean"}}
    assert RunRecord.from_dict(data).config.max_length is None


def test_empty_and_test_less_metrics_round_trip():
    assert Metrics.from_dict({}).to_dict() == {}
    assert Metrics.from_dict({"n": 0}).to_dict() == {"n": 0}


def test_unknown_entries_are_kept_on_rewrite():
    data = shipped_record()
    data["reviewer"] = {"name": "Ada", "ok": True}
    data["dataset"]["source_url"] = "https://example.org/toy.fasta"
    data["metrics"]["auroc"] = 0.97
    record = RunRecord.from_dict(data)
    assert record.extra == {"reviewer": {"name": "Ada", "ok": True}}
    assert record.to_dict() == data


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda data: data.pop("dataset"), "'dataset'"),
        (lambda data: data.pop("class_names"), "'class_names'"),
        (lambda data: data.update(class_names=[]), "'class_names' is empty"),
        (lambda data: data.pop("config"), "'config'"),
        (lambda data: data["config"].pop("arch"), "'config.arch'"),
        (lambda data: data["config"].update(arch="transformer"), "Unknown architecture"),
        (lambda data: data["config"].update(epochs="ten"), "epochs"),
        (lambda data: data.update(class_names="ab"), "'class_names' must be a list"),
        (lambda data: data.update(class_names=["a", 2]), "'class_names[1]' must be text"),
        (lambda data: data["dataset"].update(sequences="many"), "'dataset.sequences'"),
        (lambda data: data["metrics"].update(accuracy="high"), "'metrics.accuracy'"),
        (lambda data: data.update(parameters=True), "'parameters' must be a whole number"),
        (lambda data: data.update(schema_version=2), "newer protviz"),
    ],
)
def test_an_unusable_record_is_refused_naming_the_entry(change, named):
    data = shipped_record()
    change(data)
    with pytest.raises(RunRecordError, match=named.replace("[", r"\[").replace("]", r"\]")):
        RunRecord.from_dict(data)


def test_a_missing_entry_says_how_to_fix_it():
    data = shipped_record()
    del data["dataset"]
    with pytest.raises(RunRecordError, match="data set it was trained on"):
        RunRecord.from_dict(data)


def test_a_record_that_is_not_an_object_is_refused():
    with pytest.raises(RunRecordError, match="JSON object"):
        RunRecord.from_dict([1, 2])


LEGACY = DATA / "records" / "v1_before_baselines.json"
"""A run.json written before baselines, intervals and learning-rate schedules (the
demo-motif-mean run as it shipped until then)."""


def test_a_record_from_before_baselines_reads_as_it_trained():
    record = RunRecord.from_dict(json.loads(LEGACY.read_text(encoding="utf-8")))
    assert record.config.lr_schedule == "constant"
    assert record.config.class_weights is False
    assert record.baselines == {}
    assert record.metrics.intervals == {}
    assert record.stop_reason is None and record.still_improving is None
    assert record.parent is None
    assert RunRecord.from_dict(record.to_dict()) == record


def test_new_entries_round_trip():
    data = shipped_record()
    data.update(
        stop_reason="time_cap",
        still_improving=True,
        class_weighted=True,
        class_weighting_reason="the classes are imbalanced",
        parent="0123456789abcdef01234567",
        baselines={"kmer": {"n": 200, "accuracy": 0.5, "intervals": {"accuracy": [0.4, 0.6]}}},
    )
    data["metrics"]["intervals"] = {"accuracy": [0.9, 1.0]}
    data["metrics"]["confidence"] = 0.95
    record = RunRecord.from_dict(data)
    assert record.baselines["kmer"].interval("accuracy") == (0.4, 0.6)
    assert record.metrics.interval("accuracy") == (0.9, 1.0)
    assert record.metrics.interval("mcc") is None
    assert record.to_dict() == data


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda data: data.update(stop_reason="bored"), "'stop_reason' must be one of"),
        (lambda data: data.update(baselines={"kmer": {"accuracy": "high"}}),
         "'baselines.kmer.accuracy'"),
        (lambda data: data["metrics"].update(intervals={"accuracy": [0.1]}),
         r"'metrics.intervals.accuracy' must be \[low, high\]"),
        (lambda data: data["config"].update(class_weights="sometimes"), "class_weights"),
    ],
)  # fmt: skip
def test_unusable_new_entries_are_refused_naming_them(change, named):
    data = shipped_record()
    change(data)
    with pytest.raises(RunRecordError, match=named):
        RunRecord.from_dict(data)
