"""Custom Keras layers, registered so saved models load with ``safe_mode=True``.

Every layer here supports masking: padded positions (token 0, masked by the
``Embedding``) never change a layer's output at real positions, so a protein
gets the same prediction whether it is batched with short or long neighbours.

- :class:`ZeroMasked` sets padded positions to zero and passes the mask on.
- :class:`MultiWidthConv1D` runs parallel 1-D convolutions of several widths
  over zeroed padding and concatenates them, keeping the mask.
- :class:`AttentionPooling` is additive attention pooling over positions; it
  returns the pooled vector and the per-residue attention weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="protviz")
class ZeroMasked(keras.layers.Layer):
    """Set masked (padded) positions to zero and pass the mask through.

    Input shape ``(batch, length, features)`` with a mask ``(batch, length)``;
    output has the same shape and mask.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return inputs
        return inputs * ops.expand_dims(ops.cast(mask, inputs.dtype), -1)

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="protviz")
class MultiWidthConv1D(keras.layers.Layer):
    """Parallel 1-D convolutions of several widths, concatenated along features.

    Padded positions are zeroed before convolving, so a residue near the end of
    a short protein sees the same zero context as with ``padding="same"`` at
    the end of an unpadded batch. The input mask is passed on unchanged.

    Args:
        widths: Kernel widths, e.g. ``(1, 3, 5, 9, 15, 21)``.
        filters: Filters per width.
        activation: Activation of every convolution.
        **kwargs: Passed to ``keras.layers.Layer``.

    Input shape ``(batch, length, features)``; output shape
    ``(batch, length, len(widths) * filters)``.
    """

    def __init__(
        self,
        widths: Sequence[int] = (1, 3, 5, 9, 15, 21),
        filters: int = 10,
        activation: str = "relu",
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.widths = tuple(int(w) for w in widths)
        self.filters = int(filters)
        self.activation = activation
        self.supports_masking = True
        self.convolutions = [
            keras.layers.Conv1D(
                self.filters,
                width,
                padding="same",
                activation=activation,
                name=f"conv_width_{width}",
            )
            for width in self.widths
        ]

    def build(self, input_shape):
        for convolution in self.convolutions:
            convolution.build(input_shape)
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            inputs = inputs * ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        outputs = [convolution(inputs) for convolution in self.convolutions]
        return ops.concatenate(outputs, axis=-1) if len(outputs) > 1 else outputs[0]

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters * len(self.widths))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {"widths": list(self.widths), "filters": self.filters, "activation": self.activation}
        )
        return config


@keras.saving.register_keras_serializable(package="protviz")
class AttentionPooling(keras.layers.Layer):
    """Additive attention pooling over positions (Bahdanau-style, as in DeepLoc).

    Each position ``t`` gets a score ``v . tanh(W h_t + b)``; a softmax over the
    unmasked positions turns the scores into weights, and the output is the
    weighted sum of the ``h_t``. Padded positions get weight exactly 0.

    Args:
        units: Size of the hidden scoring layer.
        **kwargs: Passed to ``keras.layers.Layer``.

    Call returns a tuple ``(pooled, weights)``:
    ``pooled`` has shape ``(batch, features)``, ``weights`` has shape
    ``(batch, length)`` and sums to 1 over each sequence's real residues.
    """

    def __init__(self, units: int = 32, **kwargs) -> None:
        super().__init__(**kwargs)
        self.units = int(units)
        self.supports_masking = True

    def build(self, input_shape):
        features = input_shape[-1]
        self.score_kernel = self.add_weight(
            name="score_kernel", shape=(features, self.units), initializer="glorot_uniform"
        )
        self.score_bias = self.add_weight(
            name="score_bias", shape=(self.units,), initializer="zeros"
        )
        self.score_vector = self.add_weight(
            name="score_vector", shape=(self.units, 1), initializer="glorot_uniform"
        )
        self.built = True

    def call(self, inputs, mask=None):
        hidden = ops.tanh(ops.matmul(inputs, self.score_kernel) + self.score_bias)
        scores = ops.squeeze(ops.matmul(hidden, self.score_vector), axis=-1)
        if mask is not None:
            scores = ops.where(mask, scores, ops.full_like(scores, -1e9))
        weights = ops.softmax(scores, axis=-1)
        if mask is not None:
            weights = weights * ops.cast(mask, weights.dtype)
        pooled = ops.sum(inputs * ops.expand_dims(weights, -1), axis=1)
        return pooled, weights

    def compute_mask(self, inputs, mask=None):
        return [None, None]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1]), (input_shape[0], input_shape[1])

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"units": self.units})
        return config
