"""``tf.data`` pipelines of length-bucketed, per-batch-padded batches.

The batches follow the plans of :mod:`protviz.model.encoding`: proteins of
similar length are grouped (length buckets) and padded to the longest protein
in the batch. Training batches are shuffled within buckets and in order each
epoch; inference batches come in length order with an ``order`` array that
puts the outputs back in input order.

Typical use::

    tokens = encode_all(dataset.sequences, max_length=1000)
    train_data = training_dataset(tokens, label_ids, batch_size=32, seed=0)
    batches, order = inference_dataset(tokens, batch_size=64)
    probabilities = restore_order(model.predict(batches), order)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from protviz.model.encoding import (
    DEFAULT_BATCHES_PER_BUCKET,
    EncodingError,
    bucket_batches,
    pad_batch,
)
from protviz.model.shuffling import shuffle_tokens


@dataclass
class _BatchGenerator:
    """Yield padded batches; a new shuffle each time it is called (each epoch)."""

    tokens: Sequence[np.ndarray]
    labels: np.ndarray | None
    sample_weights: np.ndarray | None
    batch_size: int
    shuffle: bool
    seed: int
    batches_per_bucket: int
    epoch: int = 0
    shuffle_residues: bool = False

    def plan(self, epoch: int) -> list[np.ndarray]:
        lengths = np.fromiter((len(t) for t in self.tokens), dtype=np.int64, count=len(self.tokens))
        return bucket_batches(
            lengths,
            self.batch_size,
            shuffle=self.shuffle,
            seed=[self.seed, epoch],
            batches_per_bucket=self.batches_per_bucket,
        )

    def __call__(self) -> Iterator:
        batches = self.plan(self.epoch)
        residue_rng = np.random.default_rng([self.seed, self.epoch, 1])
        self.epoch += 1
        for indices in batches:
            tokens = [self.tokens[i] for i in indices]
            if self.shuffle_residues:
                tokens = shuffle_tokens(tokens, residue_rng)
            inputs = pad_batch(tokens)
            if self.labels is None:
                yield inputs
            elif self.sample_weights is None:
                yield inputs, self.labels[indices]
            else:
                yield inputs, self.labels[indices], self.sample_weights[indices]


def _to_tf_dataset(generator: _BatchGenerator, n_batches: int) -> tf.data.Dataset:
    tokens_spec = tf.TensorSpec(shape=(None, None), dtype=tf.int32)
    if generator.labels is None:
        signature = tokens_spec
    else:
        signature = (tokens_spec, tf.TensorSpec(shape=(None,), dtype=tf.int32))
        if generator.sample_weights is not None:
            signature = (*signature, tf.TensorSpec(shape=(None,), dtype=tf.float32))
    dataset = tf.data.Dataset.from_generator(generator, output_signature=signature)
    return dataset.apply(tf.data.experimental.assert_cardinality(n_batches)).prefetch(2)


def _check_tokens(tokens: Sequence[np.ndarray], batch_size: int) -> None:
    if len(tokens) == 0:
        raise EncodingError("Cannot batch an empty list of sequences.")
    if batch_size < 1:
        raise EncodingError(f"batch_size must be at least 1; got {batch_size}.")


def training_dataset(
    tokens: Sequence[np.ndarray],
    labels: np.ndarray,
    *,
    batch_size: int = 32,
    sample_weights: np.ndarray | None = None,
    shuffle: bool = True,
    seed: int = 0,
    batches_per_bucket: int = DEFAULT_BATCHES_PER_BUCKET,
    first_epoch: int = 0,
    shuffle_residues: bool = False,
) -> tf.data.Dataset:
    """Build a ``tf.data`` pipeline of bucketed, per-batch-padded labeled batches.

    Each pass over the data set (each epoch) reshuffles with seed
    ``[seed, epoch]``, so a run is reproducible.

    Args:
        tokens: Token arrays from :func:`~protviz.model.encoding.encode_all`, each ``(length_i,)``.
        labels: Class index per sequence, shape ``(n,)``.
        batch_size: Most sequences per batch.
        sample_weights: Optional weight per sequence, shape ``(n,)`` (class weights).
        shuffle: Shuffle within buckets and the batch order (False for validation).
        seed: Shuffling seed.
        batches_per_bucket: Bucket size in batches.
        first_epoch: The epoch of the first pass (a continued run goes on with
            the shuffles its parent would have drawn next).
        shuffle_residues: Permute the residues of every sequence afresh each epoch
            (seed ``[seed, epoch, 1]``): the shuffled control's training batches.

    Returns:
        A dataset of ``(tokens (batch, longest_in_batch) int32, labels (batch,) int32)``
        or, with ``sample_weights``, ``(tokens, labels, weights (batch,) float32)``.

    Raises:
        EncodingError: For empty input, a bad batch size or mismatched lengths.
    """
    _check_tokens(tokens, batch_size)
    labels = np.asarray(labels, dtype=np.int32)
    if len(labels) != len(tokens) or (
        sample_weights is not None and len(sample_weights) != len(tokens)
    ):
        raise EncodingError(
            f"tokens, labels and sample_weights must have the same length; got {len(tokens)}, "
            f"{len(labels)} and {None if sample_weights is None else len(sample_weights)}."
        )
    weights = None if sample_weights is None else np.asarray(sample_weights, dtype=np.float32)
    generator = _BatchGenerator(
        tokens,
        labels,
        weights,
        batch_size,
        shuffle,
        seed,
        batches_per_bucket,
        first_epoch,
        shuffle_residues,
    )
    return _to_tf_dataset(generator, len(generator.plan(first_epoch)))


def inference_dataset(
    tokens: Sequence[np.ndarray], *, batch_size: int = 64
) -> tuple[tf.data.Dataset, np.ndarray]:
    """Build a ``tf.data`` pipeline for batch inference, in length order.

    Args:
        tokens: Token arrays from :func:`~protviz.model.encoding.encode_all`, each ``(length_i,)``.
        batch_size: Most sequences per batch.

    Returns:
        The dataset of token batches ``(batch, longest_in_batch)`` int32, and
        ``order``, shape ``(n,)``: the input index of each output row, for
        :func:`restore_order`.

    Raises:
        EncodingError: For empty input or a bad batch size.
    """
    _check_tokens(tokens, batch_size)
    generator = _BatchGenerator(tokens, None, None, batch_size, False, 0, 1)
    batches = generator.plan(0)
    return _to_tf_dataset(generator, len(batches)), np.concatenate(batches)


def restore_order(outputs: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Put outputs computed in batch order back in input order.

    Args:
        outputs: Rows in the order of :func:`inference_dataset`, shape ``(n, ...)``.
        order: The ``order`` returned with that dataset, shape ``(n,)``.

    Returns:
        ``outputs`` reordered so row ``i`` belongs to input sequence ``i``.
    """
    restored = np.empty_like(outputs)
    restored[order] = outputs
    return restored
