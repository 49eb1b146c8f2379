"""protviz.model.architectures and protviz.model.layers: masking, saving, named layers."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from protviz.model.architectures import (
    ARCHITECTURES,
    ATTENTION_LAYER,
    CLASSIFIER_LAYER,
    EMBEDDING_LAYER,
    REPRESENTATION_LAYER,
    ArchitectureError,
    attention_model,
    build_model,
    representation_model,
)
from protviz.model.encoding import encode_all, pad_batch
from protviz.model.saved import load_model_file

SEQUENCES = ["MKVLAAGIVALLLAAGCSSA", "MKTAYIAK", "ACDEFGHIKLMNPQRSTVWYX" * 4]
TINY = {"embedding_dim": 4, "units": 6, "dropout": 0.1, "conv_widths": (1, 3, 5), "conv_filters": 3}


def tiny_model(arch: str, num_classes: int = 3) -> keras.Model:
    keras.utils.set_random_seed(0)
    return build_model(arch, num_classes, **TINY)


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_padding_does_not_change_predictions(arch):
    model = tiny_model(arch)
    tokens = encode_all(SEQUENCES)
    short_batch = model.predict(pad_batch(tokens[:2]), verbose=0)
    long_batch = model.predict(pad_batch(tokens), verbose=0)[:2]
    alone = model.predict(pad_batch(tokens[1:2]), verbose=0)
    np.testing.assert_allclose(short_batch, long_batch, atol=1e-5)
    np.testing.assert_allclose(alone, long_batch[1:2], atol=1e-5)


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_saved_model_reloads_safely_with_identical_predictions(arch, tmp_path):
    model = tiny_model(arch)
    batch = pad_batch(encode_all(SEQUENCES))
    path = tmp_path / f"{arch}.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(
        model.predict(batch, verbose=0), reloaded.predict(batch, verbose=0)
    )


def test_a_model_with_a_lambda_layer_is_refused(tmp_path):
    inputs = keras.Input(shape=(4,))
    outputs = keras.layers.Lambda(lambda x: x * 2)(inputs)
    path = tmp_path / "lambda.keras"
    keras.Model(inputs, outputs).save(path)
    with pytest.raises(ValueError, match=r"(?i)lambda"):
        load_model_file(path)


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_layers_are_named_for_later_lookup(arch):
    model = tiny_model(arch, num_classes=5)
    assert model.get_layer(EMBEDDING_LAYER).mask_zero
    assert model.get_layer(CLASSIFIER_LAYER).units == 5
    assert model.get_layer(REPRESENTATION_LAYER) is not None
    batch = pad_batch(encode_all(SEQUENCES))
    representation = representation_model(model).predict(batch, verbose=0)
    assert representation.shape[0] == len(SEQUENCES)
    assert representation.ndim == 2
    assert not any(isinstance(layer, keras.layers.Lambda) for layer in model.layers)


def test_attention_weights_cover_real_residues_only():
    model = tiny_model("conv_attention")
    batch = pad_batch(encode_all(SEQUENCES))
    weights = attention_model(model).predict(batch, verbose=0)
    assert weights.shape == batch.shape
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)
    assert (weights[batch == 0] == 0).all()
    assert (weights[batch != 0] > 0).all()


def test_attention_readout_needs_an_attention_layer():
    assert tiny_model("conv_attention").get_layer(ATTENTION_LAYER) is not None
    with pytest.raises(ArchitectureError, match="conv_attention"):
        attention_model(tiny_model("bilstm"))


def test_attention_layer_survives_saving(tmp_path):
    model = tiny_model("conv_attention")
    path = tmp_path / "model.keras"
    model.save(path)
    batch = pad_batch(encode_all(SEQUENCES))
    reloaded = load_model_file(path)
    np.testing.assert_array_equal(
        attention_model(model).predict(batch, verbose=0),
        attention_model(reloaded).predict(batch, verbose=0),
    )


def test_builders_refuse_unknown_names_and_bad_sizes():
    with pytest.raises(ArchitectureError, match="transformer"):
        build_model("transformer", 3)
    with pytest.raises(ArchitectureError, match="units"):
        build_model("lstm", 3, units=0)
    with pytest.raises(ArchitectureError, match="dropout"):
        build_model("mean", 3, dropout=1.5)
