"""One small builder per architecture; each returns an uncompiled ``keras.Model``.

Every model takes right-padded token ids, shape ``(batch, length)`` int32 with
0 = padding (see :mod:`protviz.model.encoding`), starts with a trainable
``Embedding`` that masks padding, and ends with a softmax ``classifier``
giving class probabilities, shape ``(batch, num_classes)``. Padding never
changes a prediction.

Layers later issues look up by name:

- :data:`EMBEDDING_LAYER` (``embedding``): per-residue embeddings.
- :data:`REPRESENTATION_LAYER` (``sequence_representation``): the learned
  sequence representation, the last layer before dropout and the classifier,
  shape ``(batch, features)``.
- :data:`ATTENTION_LAYER` (``attention``, ``conv_attention`` only): an
  :class:`~protviz.model.layers.AttentionPooling` whose second output holds the
  per-residue weights, shape ``(batch, length)``.
- :data:`CLASSIFIER_LAYER` (``classifier``): the softmax output.

Recurrent layers keep cuDNN-compatible settings (tanh/sigmoid,
``recurrent_dropout=0``, right-padded masks), so they use cuDNN on a GPU.
No ``Lambda`` layers: every model saves and loads with ``safe_mode=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import numpy as np

from protviz.core.errors import ProtvizError
from protviz.model.encoding import VOCAB_SIZE
from protviz.model.layers import AttentionPooling, MultiWidthConv1D, ZeroMasked

EMBEDDING_LAYER = "embedding"
REPRESENTATION_LAYER = "sequence_representation"
ATTENTION_LAYER = "attention"
CLASSIFIER_LAYER = "classifier"

ARCHITECTURES: dict[str, str] = {
    "mean": "Average of residue embeddings, then a dense layer (order-blind baseline).",
    "lstm": "LSTM reading the sequence N- to C-terminus.",
    "bilstm": "Bidirectional LSTM.",
    "conv_attention": (
        "Parallel convolutions of several widths, a bidirectional LSTM and attention "
        "pooling (Sønderby et al. 2015, DeepLoc)."
    ),
}
"""Architecture names with a one-line description each."""

DEFAULT_CONV_WIDTHS = (1, 3, 5, 9, 15, 21)


class ArchitectureError(ProtvizError):
    """An unknown architecture or an impossible size, with what to choose instead."""


def _check_sizes(**sizes: int) -> None:
    for name, value in sizes.items():
        if not isinstance(value, int | np.integer) or value < 1:
            raise ArchitectureError(f"{name} must be a positive whole number; got {value!r}.")


def _check_dropout(dropout: float) -> None:
    if not 0.0 <= dropout < 1.0:
        raise ArchitectureError(f"dropout must be in [0, 1); got {dropout!r}.")


def _inputs_and_embedding(vocab_size: int, embedding_dim: int) -> tuple:
    inputs = keras.Input(shape=(None,), dtype="int32", name="tokens")
    embedded = keras.layers.Embedding(
        vocab_size, embedding_dim, mask_zero=True, name=EMBEDDING_LAYER
    )(inputs)
    return inputs, embedded


def _head(features, num_classes: int, dropout: float):
    if dropout:
        features = keras.layers.Dropout(dropout, name="dropout")(features)
    return keras.layers.Dense(num_classes, activation="softmax", name=CLASSIFIER_LAYER)(features)


def _lstm(units: int, return_sequences: bool = False, name: str = "lstm") -> keras.layers.LSTM:
    return keras.layers.LSTM(
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        recurrent_dropout=0.0,
        unroll=False,
        use_bias=True,
        return_sequences=return_sequences,
        name=name,
    )


def build_mean(
    num_classes: int,
    *,
    vocab_size: int = VOCAB_SIZE,
    embedding_dim: int = 10,
    units: int = 64,
    dropout: float = 0.0,
) -> keras.Model:
    """Average the residue embeddings (masked), then Dense(units, relu) and softmax.

    Args:
        num_classes: Number of classes.
        vocab_size: Token ids including padding.
        embedding_dim: Embedding size per residue.
        units: Size of the dense layer (the sequence representation).
        dropout: Dropout rate before the classifier.

    Returns:
        Uncompiled model: tokens ``(batch, length)`` -> probabilities ``(batch, num_classes)``.
    """
    _check_sizes(
        num_classes=num_classes, vocab_size=vocab_size, embedding_dim=embedding_dim, units=units
    )
    _check_dropout(dropout)
    inputs, embedded = _inputs_and_embedding(vocab_size, embedding_dim)
    averaged = keras.layers.GlobalAveragePooling1D(name="average")(embedded)
    representation = keras.layers.Dense(units, activation="relu", name=REPRESENTATION_LAYER)(
        averaged
    )
    return keras.Model(inputs, _head(representation, num_classes, dropout), name="mean")


def build_lstm(
    num_classes: int,
    *,
    vocab_size: int = VOCAB_SIZE,
    embedding_dim: int = 10,
    units: int = 64,
    dropout: float = 0.0,
) -> keras.Model:
    """Embedding, LSTM(units) (the sequence representation), softmax head.

    Args:
        num_classes: Number of classes.
        vocab_size: Token ids including padding.
        embedding_dim: Embedding size per residue.
        units: LSTM units.
        dropout: Dropout rate before the classifier.

    Returns:
        Uncompiled model: tokens ``(batch, length)`` -> probabilities ``(batch, num_classes)``.
    """
    _check_sizes(
        num_classes=num_classes, vocab_size=vocab_size, embedding_dim=embedding_dim, units=units
    )
    _check_dropout(dropout)
    inputs, embedded = _inputs_and_embedding(vocab_size, embedding_dim)
    representation = _lstm(units, name=REPRESENTATION_LAYER)(embedded)
    return keras.Model(inputs, _head(representation, num_classes, dropout), name="lstm")


def build_bilstm(
    num_classes: int,
    *,
    vocab_size: int = VOCAB_SIZE,
    embedding_dim: int = 10,
    units: int = 64,
    dropout: float = 0.0,
) -> keras.Model:
    """Embedding, Bidirectional(LSTM(units)) (the sequence representation), softmax head.

    Args:
        num_classes: Number of classes.
        vocab_size: Token ids including padding.
        embedding_dim: Embedding size per residue.
        units: LSTM units per direction (representation size ``2 * units``).
        dropout: Dropout rate before the classifier.

    Returns:
        Uncompiled model: tokens ``(batch, length)`` -> probabilities ``(batch, num_classes)``.
    """
    _check_sizes(
        num_classes=num_classes, vocab_size=vocab_size, embedding_dim=embedding_dim, units=units
    )
    _check_dropout(dropout)
    inputs, embedded = _inputs_and_embedding(vocab_size, embedding_dim)
    representation = keras.layers.Bidirectional(_lstm(units), name=REPRESENTATION_LAYER)(embedded)
    return keras.Model(inputs, _head(representation, num_classes, dropout), name="bilstm")


def build_conv_attention(
    num_classes: int,
    *,
    vocab_size: int = VOCAB_SIZE,
    embedding_dim: int = 10,
    units: int = 64,
    dropout: float = 0.0,
    conv_widths: Sequence[int] = DEFAULT_CONV_WIDTHS,
    conv_filters: int = 20,
    attention_units: int | None = None,
) -> keras.Model:
    """Convolutions of several widths, BiLSTM, attention pooling, dense head.

    The Sønderby et al. 2015 / DeepLoc recipe: parallel 1-D convolutions
    (``conv_widths``, ``conv_filters`` each) over the embeddings, concatenated;
    a bidirectional LSTM returning sequences; additive attention pooling over
    the residues (layer ``attention``); Dense(units, relu) as the sequence
    representation; softmax.

    Args:
        num_classes: Number of classes.
        vocab_size: Token ids including padding.
        embedding_dim: Embedding size per residue.
        units: LSTM units per direction and size of the dense representation.
        dropout: Dropout rate after the convolutions and before the classifier.
        conv_widths: Convolution kernel widths.
        conv_filters: Filters per width.
        attention_units: Size of the attention scoring layer (default ``units``).

    Returns:
        Uncompiled model: tokens ``(batch, length)`` -> probabilities ``(batch, num_classes)``.
    """
    attention_units = units if attention_units is None else attention_units
    widths = tuple(conv_widths)
    if not widths:
        raise ArchitectureError("conv_widths must name at least one width, e.g. (1, 3, 5, 9).")
    _check_sizes(
        num_classes=num_classes,
        vocab_size=vocab_size,
        embedding_dim=embedding_dim,
        units=units,
        conv_filters=conv_filters,
        attention_units=attention_units,
        **{f"conv width {w}": w for w in widths},
    )
    _check_dropout(dropout)
    inputs, embedded = _inputs_and_embedding(vocab_size, embedding_dim)
    convolved = MultiWidthConv1D(widths, conv_filters, name="convolutions")(embedded)
    if dropout:
        convolved = keras.layers.Dropout(dropout, name="conv_dropout")(convolved)
    # Dropout passes the mask on, but zero the padded conv outputs anyway so the
    # LSTM input is the same whatever the padding.
    convolved = ZeroMasked(name="masked_convolutions")(convolved)
    states = keras.layers.Bidirectional(_lstm(units, return_sequences=True), name="bilstm")(
        convolved
    )
    pooled, _weights = AttentionPooling(attention_units, name=ATTENTION_LAYER)(states)
    representation = keras.layers.Dense(units, activation="relu", name=REPRESENTATION_LAYER)(pooled)
    return keras.Model(inputs, _head(representation, num_classes, dropout), name="conv_attention")


BUILDERS: dict[str, Callable[..., keras.Model]] = {
    "mean": build_mean,
    "lstm": build_lstm,
    "bilstm": build_bilstm,
    "conv_attention": build_conv_attention,
}


def build_model(
    arch: str,
    num_classes: int,
    *,
    vocab_size: int = VOCAB_SIZE,
    embedding_dim: int = 10,
    units: int = 64,
    dropout: float = 0.0,
    conv_widths: Sequence[int] = DEFAULT_CONV_WIDTHS,
    conv_filters: int = 20,
) -> keras.Model:
    """Build the named architecture (``conv_*`` options apply to ``conv_attention`` only).

    Args:
        arch: One of :data:`ARCHITECTURES`.
        num_classes: Number of classes.
        vocab_size: Token ids including padding.
        embedding_dim: Embedding size per residue.
        units: Recurrent / dense units.
        dropout: Dropout rate.
        conv_widths: Convolution widths (``conv_attention``).
        conv_filters: Filters per width (``conv_attention``).

    Returns:
        Uncompiled model: tokens ``(batch, length)`` -> probabilities ``(batch, num_classes)``.

    Raises:
        ArchitectureError: For an unknown architecture or invalid sizes.
    """
    if arch not in BUILDERS:
        raise ArchitectureError(
            f"Unknown architecture {arch!r}; choose one of {', '.join(BUILDERS)}."
        )
    sizes = {
        "vocab_size": vocab_size,
        "embedding_dim": embedding_dim,
        "units": units,
        "dropout": dropout,
    }
    if arch == "conv_attention":
        sizes.update(conv_widths=conv_widths, conv_filters=conv_filters)
    return BUILDERS[arch](num_classes, **sizes)


def attention_model(model: keras.Model) -> keras.Model:
    """A model that returns the per-residue attention weights of ``model``.

    Args:
        model: A ``conv_attention`` model (built or loaded).

    Returns:
        Model: tokens ``(batch, length)`` -> weights ``(batch, length)``; each
        row sums to 1 over the real residues and is 0 on padding.

    Raises:
        ArchitectureError: If the model has no ``attention`` layer.
    """
    try:
        layer = model.get_layer(ATTENTION_LAYER)
    except ValueError:
        raise ArchitectureError(
            f"Model {model.name!r} has no '{ATTENTION_LAYER}' layer; only conv_attention "
            "models have per-residue attention weights."
        ) from None
    return keras.Model(model.inputs, layer.output[1], name=f"{model.name}_attention")


def representation_model(model: keras.Model) -> keras.Model:
    """A model that returns the learned sequence representation of ``model``.

    Args:
        model: Any protviz model.

    Returns:
        Model: tokens ``(batch, length)`` -> representation ``(batch, features)``.
    """
    layer = model.get_layer(REPRESENTATION_LAYER)
    return keras.Model(model.inputs, layer.output, name=f"{model.name}_representation")
