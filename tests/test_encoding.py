"""protviz.model.encoding: tokens, truncation, length buckets and tf.data batches."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from protviz.core.alphabet import PROTEIN_ALPHABET
from protviz.model.batches import inference_dataset, restore_order, training_dataset
from protviz.model.encoding import (
    PAD_ID,
    TOKEN_IDS,
    VOCAB_SIZE,
    EncodingError,
    bucket_batches,
    encode,
    encode_all,
    pad_batch,
    padding_fraction,
    truncate,
)
from tests.conftest import ROOT


def test_token_ids_start_after_padding_in_alphabet_order():
    assert PAD_ID == 0
    assert VOCAB_SIZE == len(PROTEIN_ALPHABET) + 1 == 22
    assert [TOKEN_IDS[letter] for letter in PROTEIN_ALPHABET] == list(range(1, 22))
    assert encode("ACYX").tolist() == [1, 2, 20, 21]


def test_encode_refuses_letters_outside_the_alphabet():
    with pytest.raises(EncodingError, match="B"):
        encode("ACDB")
    with pytest.raises(EncodingError, match="empty"):
        encode("")


def test_truncation_keeps_n_and_c_terminal_halves():
    sequence = "ACDEFGHIKLMNPQRSTVWY"
    assert truncate(sequence, 6) == "ACD" + "VWY"
    assert truncate(sequence, 5) == "ACD" + "WY"
    assert truncate(sequence, 6, "start") == "ACDEFG"
    assert truncate(sequence, None) == sequence
    assert truncate(sequence, 50) == sequence
    assert len(encode(sequence, max_length=7)) == 7


@pytest.mark.parametrize("max_length", [0, -3, 2.5])
def test_truncation_refuses_bad_lengths(max_length):
    with pytest.raises(EncodingError, match="max_length"):
        truncate("ACDE", max_length)


def test_pad_batch_right_pads_to_the_longest_in_the_batch():
    batch = pad_batch([np.array([1, 2, 3]), np.array([4])])
    assert batch.dtype == np.int32
    assert batch.tolist() == [[1, 2, 3], [4, PAD_ID, PAD_ID]]


def test_bucket_batches_cover_every_sequence_once():
    lengths = np.random.default_rng(0).integers(10, 1000, size=101)
    for shuffle in (False, True):
        batches = bucket_batches(lengths, 8, shuffle=shuffle, seed=1)
        assert sorted(np.concatenate(batches).tolist()) == list(range(101))
        assert max(len(b) for b in batches) == 8


def test_bucket_batches_group_similar_lengths():
    lengths = np.random.default_rng(0).integers(10, 5000, size=2000)
    bucketed = bucket_batches(lengths, 32, shuffle=True, seed=0)
    shuffled = np.array_split(np.random.default_rng(0).permutation(2000), 2000 // 32)
    assert padding_fraction(lengths, bucketed) < 0.1
    assert padding_fraction(lengths, shuffled) > 0.4


def test_bucket_shuffling_is_seeded():
    lengths = np.arange(200) % 37 + 5
    first = bucket_batches(lengths, 8, shuffle=True, seed=[3, 0])
    again = bucket_batches(lengths, 8, shuffle=True, seed=[3, 0])
    other = bucket_batches(lengths, 8, shuffle=True, seed=[3, 1])
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))


def test_training_batches_are_padded_per_batch():
    sequences = ["A" * n for n in (3, 4, 5, 50, 51, 52, 200, 201)]
    tokens = encode_all(sequences)
    labels = np.array([len(s) for s in sequences]) % 7
    dataset = training_dataset(
        tokens, labels, batch_size=3, shuffle=True, seed=0, batches_per_bucket=1
    )
    widths = []
    for inputs, batch_labels in dataset.as_numpy_iterator():
        lengths = (inputs != PAD_ID).sum(axis=1)
        assert inputs.shape[1] == lengths.max()
        assert (batch_labels == lengths % 7).all()
        widths.append(inputs.shape[1])
    assert len(widths) == 3
    assert max(widths) == 201
    assert min(widths) <= 5


def test_training_batches_can_carry_sample_weights():
    tokens = encode_all(["AC", "ACD", "ACDE"])
    dataset = training_dataset(
        tokens, np.array([0, 1, 1]), batch_size=2, sample_weights=np.array([2.0, 1.0, 1.0])
    )
    elements = list(dataset.as_numpy_iterator())
    assert all(len(element) == 3 for element in elements)
    assert sorted(np.concatenate([e[2] for e in elements]).tolist()) == [1.0, 1.0, 2.0]


def test_inference_batches_restore_the_input_order():
    sequences = ["ACDEFGHIK"[: n % 9 + 1] * (n + 1) for n in range(23)]
    tokens = encode_all(sequences)
    dataset, order = inference_dataset(tokens, batch_size=4)
    lengths = np.concatenate([(b != PAD_ID).sum(axis=1) for b in dataset.as_numpy_iterator()])
    assert restore_order(lengths, order).tolist() == [len(s) for s in sequences]


def test_encoding_imports_without_tensorflow():
    code = "import sys, protviz.model.encoding; print('tensorflow' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
