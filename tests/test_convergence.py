"""Training that converges by default: early stopping with the best weights, class weighting
of imbalanced classes, and continuing a run from its saved model and optimizer state."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from protviz.analysis.scores import baseline_comparisons
from protviz.core.config import ARCHITECTURE_NAMES, TrainingConfig, TrainingConfigError
from protviz.core.dataset import ProteinDataError
from protviz.io.builtin import motif_position_dataset
from protviz.model import runs, saved
from protviz.model.splits import IMBALANCE_RATIO, class_weighting, split_dataset
from protviz.model.training import predict_probabilities, train
from tests.generated import composition_dataset

COMPOSITION = composition_dataset({"plain": 90, "lysine": 90, "leucine": 90}, seed=1)
"""Three classes told apart by composition alone (order carries nothing)."""

MEAN = TrainingConfig.for_architecture("mean")
"""The defaults of the mean architecture, as the Train page and the command line start."""


@pytest.fixture(scope="module")
def converged(tmp_path_factory):
    """The mean architecture at its defaults on the composition set, saved."""
    home = tmp_path_factory.mktemp("converged")
    return train(COMPOSITION, MEAN, home=home), home


def test_every_architecture_has_defaults_and_the_class_defaults_are_conv_attentions():
    assert TrainingConfig() == TrainingConfig.for_architecture("conv_attention")
    for arch in ARCHITECTURE_NAMES:
        config = TrainingConfig.for_architecture(arch)
        assert config.arch == arch
        assert config.epochs >= 100
        assert config.time_budget_seconds == 30 * 60
        assert config.lr_schedule == "plateau"
        assert config.class_weights is None  # automatic


def test_defaults_train_until_validation_loss_stops_improving(converged):
    record = converged[0].record
    assert record.stop_reason == "converged"
    assert record.still_improving is False
    assert record.epochs_run < MEAN.epochs
    assert record.epochs_run - record.best_epoch == MEAN.patience
    assert "learning_rate" in record.history[-1]


def test_defaults_reach_the_composition_baseline(converged):
    result, _ = converged
    comparison = baseline_comparisons(result.predictions)["composition"]
    assert result.record.metrics.accuracy > 0.8
    # The baseline is not better beyond the noise: the network reaches it.
    assert comparison.difference.low <= 0


def test_early_stopping_restores_the_best_weights(converged):
    result, _ = converged
    record = result.record
    history = record.history
    best = history[record.best_epoch - 1]["val_loss"]
    assert abs(history[-1]["val_loss"] - best) > 1e-4  # the last epoch was not the best
    valid = split_dataset(COMPOSITION, MEAN).valid
    probabilities = predict_probabilities(
        result.model, [COMPOSITION.sequences[i] for i in valid], max_length=MEAN.max_length
    )
    truth = [record.class_names.index(COMPOSITION.labels[i]) for i in valid]
    loss = -np.log(probabilities[np.arange(len(valid)), truth]).mean()
    assert loss == pytest.approx(best, abs=1e-4)


def test_class_weighting_is_automatic_for_imbalanced_classes():
    weighted, reason = class_weighting(["a"] * 30 + ["b"] * 10)
    assert weighted is True
    assert "imbalanced" in reason and "3.0 times" in reason and f"(> {IMBALANCE_RATIO})" in reason
    assert class_weighting(["a"] * 12 + ["b"] * 10)[0] is False
    assert class_weighting(["a"] * 12 + ["b"] * 10, True)[0] is True
    assert class_weighting(["a"] * 30 + ["b"] * 10, False)[0] is False


def test_automatic_weighting_leaves_conv_attention_unweighted():
    imbalanced = ["a"] * 30 + ["b"] * 10
    weighted, reason = class_weighting(imbalanced, None, "conv_attention")
    assert weighted is False
    assert "conv_attention is trained unweighted" in reason and "3.0 times" in reason
    assert class_weighting(imbalanced, True, "conv_attention")[0] is True  # by hand
    assert class_weighting(imbalanced, None, "mean")[0] is True


def test_class_weighting_makes_a_rare_class_predicted():
    dataset = composition_dataset({"common": 300, "rare": 20}, seed=3, enrichment=6)
    result = train(dataset, MEAN, save=False)
    record = result.record
    assert record.class_weighted is True
    assert "imbalanced" in record.class_weighting_reason
    assert record.metrics.per_class["rare"]["recall"] >= 0.5
    assert result.baselines["kmer"].settings["class_weight"] == "balanced"
    # Early stopping follows the weighted validation loss, the one training minimises.
    valid = split_dataset(dataset, MEAN).valid
    labels = [dataset.labels[i] for i in valid]
    train_labels = [dataset.labels[i] for i in split_dataset(dataset, MEAN).train]
    weight = {
        name: len(train_labels) / (2 * train_labels.count(name)) for name in ("common", "rare")
    }
    probabilities = predict_probabilities(
        result.model, [dataset.sequences[i] for i in valid], max_length=MEAN.max_length
    )
    truth = [record.class_names.index(label) for label in labels]
    losses = -np.log(probabilities[np.arange(len(valid)), truth])
    weighted = (losses * [weight[label] for label in labels]).mean()
    assert weighted == pytest.approx(record.history[record.best_epoch - 1]["val_loss"], abs=1e-4)


def test_continuing_a_run_keeps_its_optimizer_state_and_records_its_parent(tmp_path):
    parent = train(COMPOSITION, dataclasses.replace(MEAN, epochs=3), home=tmp_path)
    assert parent.record.stop_reason == "epoch_cap"
    steps_per_epoch = int(saved.load_model(parent.run.run_id, tmp_path).optimizer.iterations) // 3
    config = parent.record.config.continuation(3, 2, None)
    child = train(COMPOSITION, config, home=tmp_path, parent=parent.run.run_id)
    record = child.record
    assert record.parent == parent.run.run_id
    assert record.name == f"{parent.record.name} (continued)"
    assert [row["epoch"] for row in record.history] == [1, 2, 3, 4, 5]
    assert record.history[:3] == parent.record.history
    # The loss goes on from where the parent left it, not from a fresh start.
    assert record.history[3]["loss"] < record.history[0]["loss"]
    model = saved.load_model(record.run_id, tmp_path)
    assert int(model.optimizer.iterations) == 5 * steps_per_epoch
    assert len(runs.list_runs(tmp_path)) == 2
    assert runs.get_run(parent.run.run_id, tmp_path).record == parent.record


def test_continuing_needs_the_same_data_and_settings(tmp_path):
    parent = train(COMPOSITION, dataclasses.replace(MEAN, epochs=1), home=tmp_path)
    run_id = parent.run.run_id
    other = motif_position_dataset(n_pairs=20)
    with pytest.raises(ProteinDataError, match="choose that data set"):
        train(other, parent.record.config.continuation(1, 1, None), home=tmp_path, parent=run_id)
    changed = dataclasses.replace(parent.record.config.continuation(1, 1, None), units=8)
    with pytest.raises(ProteinDataError, match="units"):
        train(COMPOSITION, changed, home=tmp_path, parent=run_id)
    with pytest.raises(TrainingConfigError):
        parent.record.config.continuation(1, 0, None)
