"""The k-mer profile: an embedding that needs no model."""

from __future__ import annotations

import numpy as np
import pytest

from protviz.analysis import kmer
from protviz.analysis.kinds import DATASET_KINDS, EMBEDDING_KINDS, KIND_HELP, RUN_KINDS
from protviz.core.errors import ProtvizError
from protviz.io.builtin import load_builtin, motif_position_dataset


def test_the_motif_toy_gives_one_vector_of_at_most_64_numbers_per_sequence():
    dataset = load_builtin("motif")
    profile = kmer.kmer_embeddings(dataset.sequences, seed=0)
    assert profile.vectors.shape == (1000, 64)
    assert profile.vectors.dtype == np.float32
    assert np.isfinite(profile.vectors).all()
    assert profile.fitted_on == 1000 and profile.messages == ()


def test_the_same_seed_gives_the_same_vectors():
    sequences = motif_position_dataset(n_pairs=40).sequences
    first = kmer.kmer_embeddings(sequences, seed=3).vectors
    np.testing.assert_array_equal(first, kmer.kmer_embeddings(sequences, seed=3).vectors)


def test_row_i_is_the_profile_of_sequence_i():
    sequences = list(motif_position_dataset(n_pairs=40).sequences)
    sequences[50] = sequences[7]
    vectors = kmer.kmer_embeddings(sequences, dimensions=8).vectors
    np.testing.assert_array_equal(vectors[50], vectors[7])
    assert not np.allclose(vectors[49], vectors[7])


def test_few_sequences_give_fewer_dimensions_with_a_message():
    profile = kmer.kmer_embeddings(["MKVLAAGIVG", "MKTAYIAKQR", "MSDNELKQLL"])
    assert profile.vectors.shape == (3, 2)
    assert "has 2 dimensions, not 64" in profile.messages[0]


def test_a_large_data_set_is_fitted_on_a_sample_and_every_sequence_transformed():
    sequences = motif_position_dataset(n_pairs=50).sequences
    profile = kmer.kmer_embeddings(sequences, fit_sample=40, dimensions=8)
    assert profile.vectors.shape == (100, 8) and profile.fitted_on == 40
    assert "random sample of 40 of the 100 sequences" in profile.messages[0]


def test_a_single_sequence_is_refused():
    with pytest.raises(kmer.KmerError, match="at least 2 sequences"):
        kmer.kmer_embeddings(["MKVLAAGIVG"])
    assert issubclass(kmer.KmerError, ProtvizError)


def test_the_vectorizer_counts_one_to_three_mers_and_keeps_case():
    vectorizer = kmer.kmer_vectorizer().fit(["MKV"])
    assert sorted(vectorizer.vocabulary_) == ["K", "KV", "M", "MK", "MKV", "V"]


def test_the_data_set_profile_is_cached_by_content_hash(tmp_path):
    dataset = motif_position_dataset(n_pairs=20)
    vectors = kmer.dataset_kmer_embeddings(dataset, home=tmp_path)
    path = kmer.kmer_cache_path(dataset, home=tmp_path)
    assert path.is_file() and path.parent == tmp_path / "kmer"
    np.save(path, np.full_like(vectors, 7.0))  # the cache, not a new computation, answers
    assert (kmer.dataset_kmer_embeddings(dataset, home=tmp_path) == 7.0).all()
    assert kmer.kmer_cache_path(dataset, seed=1, home=tmp_path) != path


def test_kinds_keep_run_kinds_apart_from_data_set_kinds():
    assert EMBEDDING_KINDS == RUN_KINDS == ("averaged", "learned", "probabilities")
    assert DATASET_KINDS == ("kmer",)
    assert set(KIND_HELP) == set(RUN_KINDS + DATASET_KINDS)
