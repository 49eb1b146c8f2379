"""Built-in data sets and data-set summaries (composition, lengths, rare classes)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from protviz.analysis.summary import (
    composition_by_class,
    expected_test_counts,
    length_table,
    rare_class_message,
    rare_classes,
)
from protviz.core.alphabet import PROTEIN_ALPHABET
from protviz.core.dataset import Dataset, ProteinDataError, require_classes
from protviz.io.builtin import MOTIF, load_builtin, motif_position_dataset


def test_motif_toy_is_reproducible_and_balanced():
    first = motif_position_dataset(n_pairs=50, seed=3)
    second = motif_position_dataset(n_pairs=50, seed=3)
    assert first.content_hash == second.content_hash
    assert first.class_counts.to_dict() == {"middle": 50, "terminal": 50}
    assert first.content_hash != motif_position_dataset(n_pairs=50, seed=4).content_hash


def test_motif_toy_pairs_have_identical_composition():
    dataset = motif_position_dataset(n_pairs=40)
    for index in range(0, len(dataset), 2):
        assert Counter(dataset.sequences[index]) == Counter(dataset.sequences[index + 1])
        assert {dataset.labels[index], dataset.labels[index + 1]} == {"terminal", "middle"}


def test_motif_toy_position_decides_the_class():
    dataset = motif_position_dataset(n_pairs=40)
    for sequence, label, row in zip(
        dataset.sequences, dataset.labels, dataset.metadata.itertuples(), strict=True
    ):
        start = row.motif_start - 1
        assert sequence[start : start + len(MOTIF)] == MOTIF
        at_terminus = start == 0 or start + len(MOTIF) == len(sequence)
        assert at_terminus == (label == "terminal")


def test_composition_per_class_is_the_same_in_the_toy():
    composition = composition_by_class(motif_position_dataset(n_pairs=100))
    assert list(composition.columns) == list(PROTEIN_ALPHABET)
    np.testing.assert_allclose(composition.sum(axis=1), 100)
    np.testing.assert_allclose(composition.loc["terminal"], composition.loc["middle"])


def test_length_table_has_a_row_per_class_and_overall():
    table = length_table(motif_position_dataset(n_pairs=10))
    assert list(table.index) == ["middle", "terminal", "all"]
    assert table.loc["all", "sequences"] == 20


def test_scl2205_is_loaded_with_the_official_split():
    dataset = load_builtin("scl2205")
    assert len(dataset) == 19_074
    assert len(dataset.classes) == 13
    assert Counter(dataset.split) == {"train": 15_183, "valid": 1_260, "test": 2_631}
    assert set("".join(dataset.sequences[:100])) <= set(PROTEIN_ALPHABET)


def test_unknown_builtin_is_a_clear_error():
    with pytest.raises(ProteinDataError, match="choose one of motif, scl2205"):
        load_builtin("nope")


def test_single_class_cannot_train():
    dataset = motif_position_dataset(n_pairs=3)
    require_classes(dataset)
    one = type(dataset).create("one", ["a", "b"], ["MK", "ML"], ["x", "x"])
    with pytest.raises(ProteinDataError, match="at least 2 classes"):
        require_classes(one)


def imbalanced(split: list[str] | None = None) -> Dataset:
    """200 / 50 / 12 / 3 sequences in four classes."""
    labels = ["big"] * 200 + ["mid"] * 50 + ["small"] * 12 + ["tiny"] * 3
    ids = [f"s{i}" for i in range(len(labels))]
    return Dataset.create("imbalanced", ids, ["MKVL"] * len(labels), labels, split=split)


def test_rare_classes_are_those_with_fewer_than_ten_test_sequences():
    dataset = imbalanced()
    assert expected_test_counts(dataset).to_dict() == {"big": 40, "mid": 10, "small": 2, "tiny": 1}
    assert rare_classes(dataset).to_dict() == {"tiny": 1, "small": 2}
    message = rare_class_message(dataset)
    assert "2 classes would get fewer than 10 test sequences with 20% held out" in message
    assert "tiny (1), small (2)" in message
    assert "unreliable" in message and "larger test fraction" in message
    assert rare_class_message(dataset, test_fraction=0.5) is not None  # 'tiny' still gets 2
    assert "small" not in rare_classes(dataset, test_fraction=0.9)


def test_rare_classes_of_a_data_set_with_its_own_split():
    split = ["train"] * 180 + ["test"] * 20 + ["test"] * 50 + ["train"] * 12 + ["train"] * 3
    message = rare_class_message(imbalanced(split))
    assert expected_test_counts(imbalanced(split)).to_dict()["small"] == 0
    assert "with the data set's own split" in message
    assert "small (0), tiny (0)" in message
    assert "move more of their sequences into its test split" in message


def test_no_warning_when_every_class_is_large_enough():
    assert rare_class_message(motif_position_dataset(n_pairs=100)) is None
