"""The shuffled-training control: same architecture and settings, residue-shuffled sequences."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from protviz.core.config import TrainingConfig
from protviz.io.builtin import motif_position_dataset
from protviz.model.batches import training_dataset
from protviz.model.encoding import encode_all
from protviz.model.runs import load_predictions
from protviz.model.shuffling import control_inputs
from protviz.model.training import train
from tests.generated import composition_dataset

SMALL = TrainingConfig(
    arch="conv_attention",
    embedding_dim=8,
    units=8,
    conv_widths=(3, 9),
    conv_filters=8,
    epochs=25,
    batch_size=16,
    patience=4,
    time_budget_seconds=None,
    seed=0,
)


def test_training_batches_shuffle_every_sequence_afresh_each_epoch():
    sequences = ["MKVLAAGIVALLLAAGCSSHHHHHH", "MSTNPKPQRKTKRNTNRRPQDVKFPGG"]
    tokens = encode_all(sequences)
    batches = training_dataset(
        tokens, np.array([0, 1]), batch_size=2, shuffle=False, shuffle_residues=True
    )
    epochs = [[row for batch, _ in batches for row in batch.numpy()] for _ in range(2)]
    for first, second, original in zip(epochs[0], epochs[1], tokens, strict=True):
        first, second = first[: len(original)], second[: len(original)]
        assert Counter(first.tolist()) == Counter(original.tolist())  # composition kept
        assert not np.array_equal(first, original)
        assert not np.array_equal(first, second)  # a fresh shuffle per epoch


def test_control_inputs_shuffle_the_chosen_rows_once_after_truncation():
    sequences = ["A" * 10 + "C" * 10, "MKVLAAGIVA", "MKVLAAGIVAWWWWW"]
    inputs = control_inputs(sequences, [0, 2], seed=0, max_length=8, truncation="ends")
    assert inputs[1] == sequences[1]
    assert sorted(inputs[0]) == sorted("AAAACCCC") and inputs[0] != "AAAACCCC"
    assert sorted(inputs[2]) == sorted("MKVLWWWW")
    assert inputs == control_inputs(sequences, [0, 2], seed=0, max_length=8, truncation="ends")


@pytest.fixture(scope="module")
def composition_runs(tmp_path_factory):
    home = tmp_path_factory.mktemp("store")
    dataset = composition_dataset({"plain": 60, "lysine": 60, "leucine": 60})
    normal = train(dataset, SMALL, home=home)
    control = train(dataset, SMALL.shuffled_control(normal.run.run_id), home=home)
    return normal, control, home


def test_the_control_is_close_to_the_normal_model_when_only_composition_matters(
    composition_runs,
):
    normal, control, _ = composition_runs
    assert normal.metrics.accuracy > 0.75
    assert abs(normal.metrics.accuracy - control.metrics.accuracy) <= 0.1


def test_the_control_records_its_parent_and_is_tested_on_the_same_sequence_ids(
    composition_runs,
):
    normal, control, home = composition_runs
    record = control.record
    assert record.control_of == normal.run.run_id and record.config.shuffle_residues
    assert record.name.endswith("(shuffled control)")
    assert record.split_sizes == normal.record.split_sizes
    ours = load_predictions(control.run.run_id, home)
    theirs = load_predictions(normal.run.run_id, home)
    assert list(ours["id"]) == list(theirs["id"])
    # the baselines read the unshuffled sequences, as the parent's do
    assert list(ours["baseline:kmer"]) == list(theirs["baseline:kmer"])


def test_the_control_is_at_chance_on_the_motif_toy():
    toy = motif_position_dataset(n_pairs=100)  # two classes told apart by position only
    control = train(toy, SMALL.shuffled_control(None), save=False)
    assert control.metrics.n == 40
    assert control.metrics.accuracy <= 0.65
