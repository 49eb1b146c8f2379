"""protviz.analysis.matrix: similarity, clustering, BLOSUM62 correlation, PCA of the matrix."""

from __future__ import annotations

import numpy as np
import pytest

from protviz.analysis.matrix import (
    MatrixError,
    analyse_matrix,
    blosum62,
    blosum_correlation,
    cluster,
    correlate,
    cosine_similarity,
    matrix_frame,
    pca_2d,
    standard_vectors,
)
from protviz.core.alphabet import STANDARD_AMINO_ACIDS, physicochemical_class
from protviz.report import figures as plots


def random_matrix(dim: int = 6, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(22, dim))


def test_blosum62_is_read_in_alphabet_order():
    scores = blosum62()
    index = STANDARD_AMINO_ACIDS.index
    assert scores.shape == (20, 20)
    assert scores[index("W"), index("W")] == 11
    assert scores[index("C"), index("C")] == 9
    assert scores[index("A"), index("A")] == 4
    assert scores[index("I"), index("V")] == 3
    np.testing.assert_array_equal(scores, scores.T)


def test_similarities_equal_to_blosum62_give_rho_one():
    assert blosum_correlation(blosum62()) == pytest.approx(1.0)


def test_blosum_correlation_depends_on_the_amino_acid_order():
    reordered = blosum62(STANDARD_AMINO_ACIDS[::-1])
    assert blosum_correlation(reordered) < 0.5


def test_standard_vectors_are_rows_1_to_20():
    matrix = np.arange(22, dtype=float)[:, None] * np.ones((1, 3))
    np.testing.assert_array_equal(standard_vectors(matrix)[:, 0], np.arange(1, 21))


def test_matrix_frame_drops_padding_and_keeps_x_last():
    frame = matrix_frame(random_matrix())
    assert list(frame.index) == list(STANDARD_AMINO_ACIDS + "X")
    assert list(frame.columns)[:2] == ["dim 1", "dim 2"]


def test_matrix_with_the_wrong_rows_is_refused():
    with pytest.raises(MatrixError, match="22 rows"):
        matrix_frame(np.zeros((30, 4)))


def test_cosine_similarity_is_symmetric_with_ones_on_the_diagonal():
    vectors = np.vstack([np.random.default_rng(1).normal(size=(4, 3)), np.zeros((1, 3))])
    similarity = cosine_similarity(vectors)
    np.testing.assert_allclose(similarity, similarity.T)
    np.testing.assert_allclose(np.diag(similarity)[:4], 1.0)
    assert similarity[4, 0] == 0.0  # a zero vector is similar to nothing


def test_clustering_keeps_separated_groups_together():
    first = np.array([[1.0, 0.01], [1.0, 0.02], [1.0, 0.03]])
    second = np.array([[0.01, 1.0], [0.02, 1.0], [0.03, 1.0]])
    vectors = np.vstack([first[:1], second[:1], first[1:], second[1:]])  # interleaved
    clustering = cluster(cosine_similarity(vectors))
    assert sorted(clustering.order) == list(range(6))
    groups = ["a" if i in (0, 2, 3) else "b" for i in clustering.order]
    assert groups in (["a"] * 3 + ["b"] * 3, ["b"] * 3 + ["a"] * 3)
    assert len(clustering.segments_x) == 5  # n - 1 merges


def test_pca_of_variation_along_one_axis_explains_everything():
    vectors = np.zeros((20, 4))
    vectors[:, 2] = np.arange(20)
    coordinates, explained = pca_2d(vectors)
    assert coordinates.shape == (20, 2)
    assert explained[0] == pytest.approx(1.0)
    np.testing.assert_allclose(coordinates[:, 1], 0, atol=1e-9)
    assert coordinates[-1, 0] > coordinates[0, 0]  # sign fixed: largest loading positive


def test_correlation_of_a_matrix_with_itself_is_one():
    similarity = cosine_similarity(standard_vectors(random_matrix()))
    correlation = correlate(similarity, similarity)
    assert correlation.pearson == pytest.approx(1.0)
    assert correlation.spearman == pytest.approx(1.0)
    assert correlation.pairs == 190


def test_correlating_different_shapes_is_refused():
    with pytest.raises(MatrixError):
        correlate(np.eye(3), np.eye(4))


def test_physicochemical_classes():
    assert physicochemical_class("W") == "aromatic"
    assert physicochemical_class("G") == "special"
    assert physicochemical_class("X") == "unknown"


def test_analysis_and_its_figures():
    analysis = analyse_matrix(random_matrix())
    assert analysis.similarity.shape == (20, 20)
    assert -1 <= analysis.blosum_spearman <= 1
    assert len(analysis.classes) == 20
    clustering = analysis.clustering
    figure = plots.similarity_figure(
        analysis.similarity,
        analysis.letters,
        clustering.order,
        segments=(clustering.segments_x, clustering.segments_y),
    )
    assert sum(trace.type == "scatter" for trace in figure.data) == 19
    heatmap = next(trace for trace in figure.data if trace.type == "heatmap")
    ordered = [analysis.letters[i] for i in clustering.order]
    assert heatmap.customdata[0][1][1] == ordered[1]
    assert plots.embedding_matrix_figure(analysis.matrix).data[0].z.shape == (21, 6)
    pca = plots.amino_acid_pca_figure(
        analysis.coordinates, analysis.letters, analysis.classes, analysis.explained
    )
    assert sum(len(trace.x) for trace in pca.data) == 20
