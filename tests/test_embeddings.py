"""Averaged, learned and probability embeddings of a run, and their cache."""

from __future__ import annotations

import random

import numpy as np
import pytest

from protviz.analysis.embeddings import (
    EmbeddingError,
    averaged_embeddings,
    model_embeddings,
    run_embeddings,
)
from protviz.app.caches import FEATURED_RUN
from protviz.io.builtin import load_builtin, motif_position_dataset
from protviz.model import runs, saved
from protviz.model.readout import embedding_matrix
from tests.conftest import ROOT, copy_demo_run

DEMO = "demo-motif-conv-attention"
DATASET = motif_position_dataset(n_pairs=20)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = tmp_path_factory.mktemp("embeddings_home")
    copy_demo_run(home)
    run = runs.get_run(DEMO, home)
    return run, saved.load_model(DEMO, home)


def test_averaged_is_the_mean_of_the_residue_vectors():
    matrix = np.arange(22 * 3, dtype=np.float32).reshape(22, 3)
    vectors = averaged_embeddings(matrix, ["AC", "Y"])
    # Token ids: A=1, C=2, ..., Y=20.
    np.testing.assert_allclose(vectors[0], (matrix[1] + matrix[2]) / 2)
    np.testing.assert_allclose(vectors[1], matrix[20])


def test_averaged_ignores_order(demo):
    _, model = demo
    matrix = embedding_matrix(model)
    sequence = DATASET.sequences[0]
    shuffled = "".join(random.Random(0).sample(sequence, len(sequence)))
    vectors = averaged_embeddings(matrix, [sequence, shuffled])
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)


@pytest.mark.parametrize(
    ("kind", "width"), [("averaged", 10), ("learned", 32), ("probabilities", 2)]
)
def test_each_kind_has_one_row_per_sequence(demo, kind, width):
    _, model = demo
    vectors = model_embeddings(model, DATASET.sequences, kind)
    assert vectors.shape == (len(DATASET), width)


def test_learned_vectors_are_in_input_order(demo):
    _, model = demo
    both = model_embeddings(model, DATASET.sequences[:6], "learned")
    reversed_order = model_embeddings(model, DATASET.sequences[:6][::-1], "learned")
    np.testing.assert_allclose(both, reversed_order[::-1], atol=1e-5)


def test_probabilities_sum_to_one(demo):
    _, model = demo
    probabilities = model_embeddings(model, DATASET.sequences, "probabilities")
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, atol=1e-5)


def test_run_embeddings_are_cached_in_the_run_folder(demo):
    run, model = demo
    first = run_embeddings(run, DATASET, "learned", model=model)
    cached = list((run.path / "embeddings").glob("learned-*.npy"))
    assert len(cached) == 1
    np.testing.assert_array_equal(run_embeddings(run, DATASET, "learned"), first)

    def no_model():
        raise AssertionError("the model was loaded although the vectors are cached")

    # Cached vectors need no model: the loader is not called.
    np.testing.assert_array_equal(run_embeddings(run, DATASET, "learned", loader=no_model), first)
    assert run_embeddings(run, DATASET, "averaged", loader=lambda: model).shape[0] == len(DATASET)


def test_the_featured_run_ships_the_vectors_a_first_visit_draws():
    """A colleague's link to the featured run must not wait for 19,074 sequences to go
    through its model: the averaged and probability vectors ship in its folder, named by
    the built-in data set's content hash, and they are what its model computes."""
    home = ROOT / "models"
    run = runs.get_run(FEATURED_RUN, home)
    dataset = load_builtin("scl2205")
    assert run.record.dataset.content_hash == dataset.content_hash

    def no_model():
        raise AssertionError("the shipped vectors are missing or stale: run make_demo_runs.py")

    model = saved.load_model(FEATURED_RUN, home)
    rows = np.random.default_rng(0).choice(len(dataset), size=24, replace=False)
    for kind in ("averaged", "probabilities"):
        shipped = run_embeddings(run, dataset, kind, loader=no_model)
        fresh = model_embeddings(
            model,
            [dataset.sequences[i] for i in rows],
            kind,
            max_length=run.record.config.max_length,
            truncation=run.record.config.truncation,
        )
        assert shipped.shape[0] == len(dataset)
        np.testing.assert_allclose(shipped[rows], fresh, rtol=1e-4, atol=1e-5)


def test_unknown_kind_is_refused(demo):
    _, model = demo
    with pytest.raises(EmbeddingError, match="Unknown embedding kind"):
        model_embeddings(model, DATASET.sequences, "colour")


def test_appending_padding_does_not_change_the_average(demo):
    from protviz.model.encoding import encode_all, pad_batch

    _, model = demo
    matrix = embedding_matrix(model)
    sequences = ["MKV", "MKVLAAGIVGLLLAAQPAMA"]
    padded = pad_batch(encode_all(sequences, None))  # the short one gets 17 padding tokens
    assert (padded[0, 3:] == 0).all()
    real = padded != 0
    masked_mean = (matrix[padded] * real[..., None]).sum(axis=1) / real.sum(axis=1)[:, None]
    np.testing.assert_allclose(averaged_embeddings(matrix, sequences), masked_mean, rtol=1e-5)
    # Counting the padding rows would change the short sequence's average.
    assert not np.allclose(matrix[padded[0]].mean(axis=0), masked_mean[0])
