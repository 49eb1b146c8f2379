"""protviz.model.training: splits, metrics, progress, cancelling and the saved record."""

from __future__ import annotations

import threading
from collections import Counter

import numpy as np
import pytest

from protviz.core.alphabet import PROTEIN_ALPHABET
from protviz.core.config import TrainingConfig, TrainingConfigError
from protviz.core.dataset import Dataset
from protviz.io.builtin import motif_position_dataset
from protviz.model import runs
from protviz.model.baselines import run_baselines
from protviz.model.metrics import classification_metrics
from protviz.model.progress import PREPARATION_STEPS, Progress, TrainingCancelled
from protviz.model.splits import balanced_class_weights, split_dataset, stratified_split
from protviz.model.training import evaluate_dataset, train
from tests.generated import random_sequences

TINY = TrainingConfig(
    arch="conv_attention",
    embedding_dim=4,
    units=4,
    conv_widths=(1, 3),
    conv_filters=2,
    epochs=2,
    batch_size=8,
    seed=0,
)


@pytest.fixture(scope="module")
def toy() -> Dataset:
    return motif_position_dataset(n_pairs=30)


@pytest.fixture(scope="module")
def trained(toy, tmp_path_factory):
    home = tmp_path_factory.mktemp("store")
    seen: list[Progress] = []
    result = train(toy, TINY, progress=seen.append, home=home, name="tiny")
    return result, seen, home


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"arch": "transformer"}, "Unknown architecture"),
        ({"epochs": 0}, "epochs"),
        ({"dropout": 1.0}, "dropout"),
        ({"test_fraction": 0.5, "valid_fraction": 0.45}, "at least 10%"),
        ({"max_length": 0}, "max_length"),
        ({"truncation": "middle"}, "truncation"),
    ],
)
def test_config_refuses_invalid_values(options, message):
    with pytest.raises(TrainingConfigError, match=message):
        TrainingConfig(**options)


def test_config_round_trips_through_a_dict():
    config = TrainingConfig(arch="bilstm", conv_widths=[1, 9], max_length=None)
    assert TrainingConfig.from_dict(config.to_dict()) == config


def test_stratified_split_keeps_class_proportions():
    labels = ["a"] * 600 + ["b"] * 300 + ["c"] * 100
    split = stratified_split(labels, valid_fraction=0.1, test_fraction=0.2, seed=1)
    assert split.sizes() == {"train": 700, "valid": 100, "test": 200}
    assert Counter(np.asarray(labels)[split.test]) == {"a": 120, "b": 60, "c": 20}
    assert Counter(np.asarray(labels)[split.valid]) == {"a": 60, "b": 30, "c": 10}
    everything = np.concatenate([split.train, split.valid, split.test])
    assert sorted(everything.tolist()) == list(range(1000))


def test_stratified_split_is_seeded():
    labels = ["a", "b"] * 50
    first = stratified_split(labels, seed=7)
    assert np.array_equal(first.test, stratified_split(labels, seed=7).test)
    assert not np.array_equal(first.test, stratified_split(labels, seed=8).test)


def test_dataset_split_is_used_and_other_values_left_out():
    split_values = ["train"] * 20 + ["valid"] * 4 + ["test"] * 4 + ["sethard"] * 2
    dataset = Dataset.create(
        "s",
        [f"p{i}" for i in range(30)],
        ["ACDEFG"] * 30,
        ["a", "b"] * 15,
        split=split_values,
    )
    split = split_dataset(dataset, TrainingConfig())
    assert split.source == "dataset"
    assert split.sizes() == {"train": 20, "valid": 4, "test": 4}
    assert not set(range(28, 30)) & set(np.concatenate([split.train, split.valid, split.test]))
    ignored = split_dataset(dataset, TrainingConfig(use_dataset_split=False))
    assert ignored.source == "stratified"
    assert sum(ignored.sizes().values()) == 30


def test_missing_validation_split_is_carved_from_train():
    dataset = Dataset.create(
        "s",
        [f"p{i}" for i in range(40)],
        ["ACDEFG"] * 40,
        ["a", "b"] * 20,
        split=["train"] * 30 + ["test"] * 10,
    )
    split = split_dataset(dataset, TrainingConfig(valid_fraction=0.2))
    assert split.sizes() == {"train": 24, "valid": 6, "test": 10}
    assert set(split.valid) <= set(range(30))
    assert any("validation" in note for note in split.notes)


def test_balanced_class_weights():
    weights = balanced_class_weights(np.array([0, 0, 0, 1]), 3)
    np.testing.assert_allclose(weights, [4 / 6, 2.0, 0.0])


def test_metrics_of_known_predictions():
    probabilities = np.eye(3)[[0, 1, 2, 2]]
    metrics = classification_metrics(np.array([0, 1, 2, 1]), probabilities, ["a", "b", "c"])
    assert metrics["accuracy"] == 0.75
    assert metrics["balanced_accuracy"] == pytest.approx((1 + 0.5 + 1) / 3)
    assert metrics["confusion_matrix"] == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    assert metrics["per_class"]["c"]["precision"] == 0.5
    assert metrics["per_class"]["b"]["recall"] == 0.5
    assert -1 <= metrics["mcc"] <= 1


def test_training_saves_a_complete_run(trained, toy):
    result, _, home = trained
    record = result.record.to_dict()
    assert [run.run_id for run in runs.list_runs(home)] == [record["run_id"]]
    assert record["name"] == "tiny"
    assert record["class_names"] == ["middle", "terminal"]
    assert record["config"] == TINY.to_dict()
    assert record["dataset"]["content_hash"] == toy.content_hash
    assert record["split_sizes"] == {"train": 42, "valid": 6, "test": 12}
    assert [row["epoch"] for row in record["history"]] == [1, 2]
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(record["history"][0])
    for key in ("accuracy", "balanced_accuracy", "macro_f1"):
        assert 0 <= record["metrics"][key] <= 1
    assert record["timings"]["sequences_per_second"] > 0
    assert record["device"].startswith(("CPU", "GPU"))
    assert "tensorflow" in record["versions"]
    predictions = runs.load_predictions(record["run_id"], home)
    assert len(predictions) == 12
    assert set(predictions["true_label"]) <= {"middle", "terminal"}
    np.testing.assert_allclose(
        predictions[["probability:middle", "probability:terminal"]].sum(axis=1), 1, atol=1e-5
    )


def test_progress_reports_every_batch_with_an_eta(trained):
    _, seen, _ = trained
    training = [p for p in seen if p.phase == "train" and p.step != "validating"]
    assert [p.epoch for p in training] == [1] * 6 + [2] * 6
    assert [p.batch for p in training[:6]] == [1, 2, 3, 4, 5, 6]
    assert all(p.batches == 6 and p.loss is not None for p in training)
    assert training[-1].eta_seconds > 0  # the last validation pass is still to come
    assert [p for p in seen if p.step == "validating"][-1].eta_seconds == 0
    assert training[-1].fraction == 1.0
    assert "val_loss" in training[-1].metrics
    assert seen[-1].phase == "evaluate"


def test_progress_tells_the_stages_and_estimates_from_the_first_epoch_on(trained):
    _, seen, _ = trained
    phases = [p.phase for p in seen]
    assert phases == sorted(phases, key=["prepare", "train", "evaluate"].index)
    assert [p.step for p in seen if p.phase == "prepare"] == list(PREPARATION_STEPS[2:])
    validating = [p.epoch for p in seen if p.step == "validating"]
    assert validating == [1, 2]
    batches = [p for p in seen if p.phase == "train" and p.step != "validating"]
    assert all(p.eta_seconds is None for p in batches if p.epoch == 1)
    assert all(p.eta_seconds is not None for p in batches if p.epoch == 2)
    steps = [p.step for p in seen if p.phase == "evaluate" and p.batches == 0]
    assert steps == ["computing the scores with 95% bootstrap intervals", "saving the run"]
    assert all(len(p.history) == 2 for p in seen if p.phase == "evaluate")


def test_same_seed_gives_the_same_run(toy, trained):
    result, _, _ = trained
    again = train(toy, TINY, save=False)
    first = [row["loss"] for row in result.record.history]
    second = [row["loss"] for row in again.record.history]
    np.testing.assert_allclose(first, second, rtol=1e-5)
    assert again.run is None


def test_cancel_raises_and_saves_nothing(toy, tmp_path):
    cancel = threading.Event()
    seen: list[Progress] = []

    def progress(update: Progress) -> None:
        seen.append(update)
        if update.batch == 2:
            cancel.set()

    with pytest.raises(TrainingCancelled):
        train(toy, TINY, progress=progress, cancel=cancel, home=tmp_path)
    assert [p.phase for p in seen] == ["prepare"] * 3 + ["train"] * 2
    assert runs.list_runs(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_evaluate_leaves_out_unknown_labels(trained, toy):
    result, _, _ = trained
    relabelled = Dataset.create(
        "other",
        toy.ids[:10],
        toy.sequences[:10],
        [*toy.labels[:8], "nuclear", "nuclear"],
    )
    metrics = evaluate_dataset(result.model, result.record, relabelled)
    assert metrics["scored"] == 8
    assert metrics["left_out"] == 2
    assert metrics["unknown_labels"] == {"nuclear": 2}
    assert metrics["n"] == 8


def test_time_budget_stops_after_the_first_epoch(toy):
    config = TrainingConfig.from_dict({**TINY.to_dict(), "epochs": 3, "time_budget_seconds": 1e-3})
    result = train(toy, config, save=False)
    assert result.record.epochs_run == 1
    assert result.record.stopped_for_time is True


def test_baselines_are_fitted_on_the_training_split_only(tmp_path):
    train_part = random_sequences(40, seed=1, letters="ACDEFGHIKLMNPQRSTVY")  # no W
    valid_part = random_sequences(10, seed=2, letters="ACDEFGHIKLMNPQRSTVY")
    test_part = [sequence + "WWW" for sequence in random_sequences(10, seed=3)]
    sequences = train_part + valid_part + test_part
    dataset = Dataset.create(
        "leak check",
        [f"p{i}" for i in range(60)],
        sequences,
        ["a", "b"] * 30,
        split=["train"] * 40 + ["valid"] * 10 + ["test"] * 10,
    )
    config = TrainingConfig.for_architecture("mean", epochs=1, units=4, embedding_dim=4)
    result = train(dataset, config, home=tmp_path)
    baselines = run_baselines(result.run)
    assert "W" not in baselines["kmer"].features
    assert not any("W" in kmer for kmer in baselines["kmer"].features)
    assert baselines["composition"].mean[PROTEIN_ALPHABET.index("W")] == 0
    for baseline in baselines.values():
        assert baseline.settings["n_train"] == 40
    predictions = runs.load_predictions(result.run.run_id, tmp_path)
    assert predictions["id"].tolist() == [f"p{i}" for i in range(50, 60)]
    assert set(result.record.baselines) == {"composition", "kmer"}
    assert result.record.baselines["kmer"].n == 10


def test_a_run_records_why_it_stopped_and_its_scores_intervals(trained):
    record = trained[0].record
    assert record.stop_reason == "epoch_cap"
    assert record.best_epoch in (1, 2)
    assert record.class_weighted is False
    for name in ("accuracy", "balanced_accuracy", "macro_f1", "mcc"):
        low, high = record.metrics.interval(name)
        assert low <= getattr(record.metrics, name) <= high
