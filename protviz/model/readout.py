"""Read what a trained Keras model computes inside, as numpy arrays.

The one place where the analysis tools touch Keras and TensorFlow. Every
function takes a protviz model and returns numpy: the learned amino-acid
embedding matrix, per-sequence outputs (learned representations,
probabilities), a description of the layers, and *batch readers*: functions
compiled once per model that map one padded token batch ``(batch, length)``
(int32, 0 = padding) to a numpy array, for the per-residue tools of
:mod:`protviz.analysis` (attention weights, saliency, convolution activations).

Batching, truncation and unpadding are the caller's: readers see padded batches
and return padded outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import keras
import numpy as np
import tensorflow as tf

from protviz.model.architectures import (
    ATTENTION_LAYER,
    CLASSIFIER_LAYER,
    EMBEDDING_LAYER,
    attention_model,
    representation_model,
)
from protviz.model.batches import inference_dataset, restore_order

CONVOLUTION_LAYER = "convolutions"
"""Name of the :class:`~protviz.model.layers.MultiWidthConv1D` layer of ``conv_attention``."""

BatchReader = Callable[[np.ndarray], np.ndarray]
"""A padded token batch ``(batch, length)`` -> a numpy array with ``batch`` rows."""


# --------------------------------------------------------------------------- the model


def has_attention(model: keras.Model) -> bool:
    """Whether a model has an attention layer (``conv_attention`` runs)."""
    return any(layer.name == ATTENTION_LAYER for layer in model.layers)


def convolution_shape(model: keras.Model) -> tuple[tuple[int, ...], int] | None:
    """The widths and filters per width of a model's multi-width convolution.

    Args:
        model: A protviz model.

    Returns:
        ``(widths, filters)``, or None when the model has no ``convolutions`` layer.
    """
    try:
        layer = model.get_layer(CONVOLUTION_LAYER)
    except ValueError:
        return None
    return tuple(layer.widths), int(layer.filters)


def embedding_matrix(model: keras.Model) -> np.ndarray:
    """The learned amino-acid embedding matrix of a protviz model.

    Args:
        model: A protviz model (any architecture).

    Returns:
        Shape ``(vocab_size, embedding_dim)``; row 0 is the padding token,
        rows 1.. follow ``protviz.core.alphabet.PROTEIN_ALPHABET``.
    """
    return np.asarray(model.get_layer(EMBEDDING_LAYER).get_weights()[0])


@dataclass(frozen=True)
class LayerSummary:
    """One layer of a Keras model, as ``model.summary()`` describes it.

    Attributes:
        name: The layer's name.
        type_name: Its class name, e.g. ``Embedding``.
        output_shapes: The shape of each output (None for the batch and other
            free axes); empty when the layer has no defined output.
        parameters: Number of weights.
    """

    name: str
    type_name: str
    output_shapes: tuple[tuple[int | None, ...], ...]
    parameters: int


def layer_summaries(model: keras.Model) -> list[LayerSummary]:
    """The layers of a built Keras model, in order.

    Args:
        model: A built Keras model.

    Returns:
        One summary per layer.
    """
    return [
        LayerSummary(
            name=layer.name,
            type_name=type(layer).__name__,
            output_shapes=_output_shapes(layer),
            parameters=int(layer.count_params()),
        )
        for layer in model.layers
    ]


def _output_shapes(layer: keras.layers.Layer) -> tuple[tuple[int | None, ...], ...]:
    try:
        outputs = layer.output if isinstance(layer.output, list | tuple) else [layer.output]
        return tuple(tuple(output.shape) for output in outputs)
    except (AttributeError, ValueError):
        return ()


# --------------------------------------------------------------------------- per sequence


def sequence_outputs(
    model: keras.Model,
    tokens: Sequence[np.ndarray],
    output: Literal["learned", "probabilities"],
    *,
    batch_size: int = 64,
) -> np.ndarray:
    """One vector per sequence, computed on length-bucketed batches.

    Args:
        model: A protviz model.
        tokens: Encoded sequences, each ``(length_i,)``, not empty.
        output: ``learned``: the model's own sequence representation (the
            ``sequence_representation`` layer); ``probabilities``: its softmax output.
        batch_size: Sequences per inference batch.

    Returns:
        Shape ``(n, features)``, float32, row ``i`` for ``tokens[i]``.
    """
    target = representation_model(model) if output == "learned" else model
    batches, order = inference_dataset(tokens, batch_size=batch_size)
    outputs = np.asarray(target.predict(batches, verbose=0), dtype=np.float32)
    return restore_order(outputs, order)


def batch_probabilities(model: keras.Model, batch: np.ndarray) -> np.ndarray:
    """The class probabilities of one padded token batch, in one call of the model.

    Args:
        model: A protviz model.
        batch: Padded tokens, shape ``(batch, length)``.

    Returns:
        Shape ``(batch, n_classes)``.
    """
    return keras.ops.convert_to_numpy(model(batch, training=False))


# --------------------------------------------------------------------------- batch readers


def _compiled_reader(function: Callable) -> BatchReader:
    """Compile ``function(tokens)`` once for every batch shape (no retracing)."""
    compiled = tf.function(
        function,
        input_signature=[tf.TensorSpec(shape=(None, None), dtype=tf.int32)],
        reduce_retracing=True,
    )
    return lambda batch: np.asarray(compiled(batch))


def attention_reader(model: keras.Model) -> BatchReader:
    """A reader of the per-residue attention weights of a ``conv_attention`` model.

    Args:
        model: A model with an ``attention`` layer.

    Returns:
        Batch ``(batch, length)`` -> weights ``(batch, length)``; each row sums
        to 1 over the real residues and is 0 on padding.

    Raises:
        ArchitectureError: If the model has no attention layer.
    """
    weights_model = attention_model(model)
    return _compiled_reader(lambda batch: weights_model(batch, training=False))


def convolution_reader(model: keras.Model) -> BatchReader:
    """A reader of the activations of a model's multi-width convolution layer.

    Args:
        model: A ``conv_attention`` model (with a ``convolutions`` layer).

    Returns:
        Batch ``(batch, length)`` -> activations ``(batch, length, widths * filters)``.
    """
    layer = model.get_layer(CONVOLUTION_LAYER)
    activations_model = keras.Model(model.inputs, layer.output)
    return _compiled_reader(lambda batch: activations_model(batch, training=False))


class EmbeddingProbe(keras.layers.Layer):
    """A pass-through layer after the embedding that lets a gradient tape watch its output."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.tape = None
        self.watched = None

    def call(self, inputs, mask=None):
        if self.tape is not None:
            self.tape.watch(inputs)
        self.watched = inputs
        return inputs

    def compute_mask(self, inputs, mask=None):
        return mask


def _share_or_copy(layer: keras.layers.Layer) -> keras.layers.Layer:
    """For :func:`saliency_reader`'s re-wired model: share every layer but two.

    The classifier is copied without its softmax, so the model outputs class
    scores (logits). The embedding is copied without ``mask_zero``: the
    original graph already computes the padding mask from the tokens and hands
    it to the next layers, and a second mask computation would clash with it.
    """
    if layer.name == CLASSIFIER_LAYER:
        changes = {"activation": "linear"}
    elif layer.name == EMBEDDING_LAYER:
        changes = {"mask_zero": False}
    else:
        return layer
    copy = type(layer).from_config({**layer.get_config(), **changes})
    copy.build(layer.input.shape)
    copy.set_weights(layer.get_weights())
    return copy


def saliency_reader(model: keras.Model) -> BatchReader:
    """A reader of gradient x input per residue, on each sequence's predicted class.

    The model is re-wired (sharing its layers and weights) with a pass-through
    layer after the embedding, so the gradient can be taken with respect to the
    embedding output, and with the classifier's softmax left out: the gradient
    is that of the predicted class's score (logit), which does not vanish when
    the model is confident, as the gradient of a probability near 1 does.

    Args:
        model: Any protviz model.

    Returns:
        Batch ``(batch, length)`` -> scores ``(batch, length)``: the sum over the
        embedding dimensions of gradient x embedding at each residue, 0 on padding.
    """
    probe = EmbeddingProbe(name="embedding_probe")

    def call_through_probe(layer, *args, **kwargs):
        outputs = layer(*args, **kwargs)
        return probe(outputs) if layer.name == EMBEDDING_LAYER else outputs

    probed = keras.models.clone_model(
        model, clone_function=_share_or_copy, call_function=call_through_probe
    )

    def read(batch: np.ndarray) -> np.ndarray:
        with tf.GradientTape() as tape:
            probe.tape = tape
            logits = probed(tf.constant(batch), training=False)
            predicted = tf.argmax(logits, axis=-1)
            chosen = tf.gather(logits, predicted, batch_dims=1)
        embedded = probe.watched
        probe.tape = None
        gradient = tape.gradient(chosen, embedded)
        scores = tf.reduce_sum(gradient * embedded, axis=-1)
        return scores.numpy() * (batch != 0)

    return read
