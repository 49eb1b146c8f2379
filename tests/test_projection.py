"""Projections (PCA, t-SNE, UMAP), clamped parameters, quality measures, explore logic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from protviz.analysis.points import (
    nearest_neighbours,
    points_frame,
    search_mask,
    search_summary,
    searched_columns,
    selection_fasta,
    training_split,
)
from protviz.analysis.projection import ProjectionError, ProjectionParams, clamp, project
from protviz.analysis.quality import embedding_quality, knn_accuracy
from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.model.splits import split_dataset

RNG = np.random.default_rng(0)
BLOBS = np.vstack([RNG.normal(0, 1, (30, 5)), RNG.normal(8, 1, (30, 5))])
BLOB_LABELS = np.array(["a"] * 30 + ["b"] * 30)


@pytest.mark.parametrize("method", ["pca", "tsne", "umap"])
@pytest.mark.parametrize("dims", [2, 3])
def test_every_method_gives_the_requested_dimensions_and_tells_its_progress(method, dims):
    stages: list[tuple[str, float | None]] = []
    params = ProjectionParams(method=method, dims=dims, perplexity=10)
    projection = project(BLOBS, params, lambda step, fraction: stages.append((step, fraction)))
    assert projection.coordinates.shape == (60, dims)
    assert np.isfinite(projection.coordinates).all()
    if method == "pca":
        assert stages == [("principal components", None)]
        return
    assert "neighbours" in stages[0][0] and stages[0][1] is None
    layout = stages[1:]
    assert layout and all(step.startswith("optimising the layout, ") for step, _ in layout)
    fractions = [fraction for _, fraction in layout]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    unit = "epoch" if method == "umap" else "iteration"
    assert layout[-1][0].endswith(
        f"{unit} {layout[-1][0].split()[-1]} of {layout[-1][0].split()[-1]}"
    )


def test_projection_is_reproducible_with_a_seed():
    params = ProjectionParams(method="tsne", perplexity=10, seed=3)
    np.testing.assert_allclose(
        project(BLOBS, params).coordinates, project(BLOBS, params).coordinates
    )


def test_pca_reports_explained_variance():
    projection = project(BLOBS)
    assert projection.explained_variance[0] > 0.5


def test_perplexity_and_neighbours_are_clamped_with_a_message():
    params, messages = clamp(ProjectionParams(method="tsne", perplexity=30), 10)
    assert params.perplexity < 3
    assert "too large for 10 points" in messages[0]
    params, messages = clamp(ProjectionParams(method="umap", n_neighbors=15), 10)
    assert params.n_neighbors == 9 and messages


def test_too_few_points_and_bad_parameters_are_refused():
    with pytest.raises(ProjectionError, match="at least 4"):
        project(BLOBS[:3])
    with pytest.raises(ProjectionError, match="dims must be 2 or 3"):
        ProjectionParams(dims=4)
    with pytest.raises(ProjectionError, match="NaN"):
        project(np.full((5, 2), np.nan))


def test_vectors_narrower_than_the_projection_are_padded():
    projection = project(RNG.normal(size=(10, 2)), ProjectionParams(dims=3))
    assert projection.coordinates.shape == (10, 3)
    assert projection.messages


def test_knn_accuracy_on_separated_and_on_twin_points():
    assert knn_accuracy(BLOBS, BLOB_LABELS) == 1.0
    # Identical twins with opposite labels: every point's nearest neighbour is wrong.
    twins = np.repeat(RNG.normal(size=(20, 3)), 2, axis=0)
    labels = np.array(["x", "y"] * 20)
    assert knn_accuracy(twins, labels, k=1) == 0.0


def test_quality_separates_a_good_from_a_useless_embedding():
    good = embedding_quality(BLOBS, BLOB_LABELS, project(BLOBS).coordinates)
    noise = RNG.normal(size=BLOBS.shape)
    bad = embedding_quality(noise, BLOB_LABELS, project(noise).coordinates)
    assert good["silhouette"] > 0.5 > bad["silhouette"]
    assert good["knn_accuracy"] == 1.0 > bad["knn_accuracy"]
    assert 0 < good["trustworthiness"] <= 1


def test_quality_tells_which_measure_it_computes():
    stages: list[tuple[str, float | None]] = []
    coordinates = project(BLOBS).coordinates
    embedding_quality(BLOBS, BLOB_LABELS, coordinates, progress=lambda *stage: stages.append(stage))
    assert stages == [
        ("silhouette", 0.0),
        ("5-NN accuracy", 0.25),
        ("5-NN accuracy in the projection", 0.5),
        ("trustworthiness", 0.75),
    ]


def test_quality_of_one_class_has_no_silhouette():
    result = embedding_quality(BLOBS, np.array(["a"] * 60))
    assert result["silhouette"] is None
    assert result["trustworthiness"] is None


TOY = Dataset.create("toy", ["P1", "P2", "Q3"], ["MKV", "MKVL", "AAAA"], ["a", "b", "c"])
PROBABILITIES = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])


def test_points_frame_marks_correct_incorrect_and_unknown():
    points = points_frame(TOY, PROBABILITIES, ["a", "b"])
    assert points["predicted"].tolist() == ["a", "b", "a"]
    assert points["correct"].tolist() == ["correct", "correct", "unknown class"]
    assert points["confidence"].tolist() == [0.9, 0.8, 0.6]
    assert points["length"].tolist() == [3, 4, 4]


def test_search_by_text_and_regex():
    points = points_frame(TOY, PROBABILITIES, ["a", "b"])
    assert search_mask(points, "p").tolist() == [True, True, False]
    assert search_mask(points, r"^Q\d", regex=True).tolist() == [False, False, True]
    assert not search_mask(points, "").any()
    with pytest.raises(ProteinDataError, match="not a valid regular expression"):
        search_mask(points, "(", regex=True)


FLU = Dataset.create(
    "flu",
    ["CY1", "CY2", "CY3", "CY4"],
    ["MKVL", "MKVA", "MKVC", "MKVD"],
    ["swine", "avian", "mammal", "swine"],
    metadata=pd.DataFrame(
        {
            "strain": [
                "A/swine/Iowa/15/1930",
                "A/duck/Alberta/35/1976",
                "A/whale/Maine/1/1984",
                None,
            ],
            "year": [1930, 1976, 1984, 2009],
        },
        index=pd.Index(["CY1", "CY2", "CY3", "CY4"], name="id"),
    ),
)


def test_search_finds_a_strain_in_the_metadata():
    points = points_frame(FLU, np.full((4, 3), 1 / 3), ["avian", "mammal", "swine"])
    assert search_mask(points, "whale").tolist() == [False, False, True, False]
    assert search_mask(points, "A/swine").tolist() == [True, False, False, False]
    assert search_mask(points, r"/19[78]\d$", regex=True).tolist() == [False, True, True, False]
    # Numbers are not searched (a year would match too much); a missing strain is no match.
    assert not search_mask(points, "2009").any()
    assert not search_mask(points, "nan").any()
    assert searched_columns(points) == ["id", "label", "strain"]


def test_search_says_when_nothing_matches():
    assert search_summary(0) == "No sequence matches the search."
    assert search_summary(1).startswith("1 sequence matches")
    assert search_summary(12).startswith("12 sequences match")


def test_training_split_reproduces_the_runs_split():
    dataset = Dataset.create("split", [f"s{i}" for i in range(40)], ["MKV"] * 40, ["a", "b"] * 20)
    config = TrainingConfig(arch="mean", seed=3)
    split = split_dataset(dataset, config)
    test_ids = {dataset.ids[i] for i in split.test}
    membership = training_split(dataset, config, test_ids)
    assert (membership[split.train] == "train").all()
    assert (membership[split.valid] == "valid").all()
    assert (membership[split.test] == "test").all()
    # Test sequences the configuration does not reproduce: train and valid stay together.
    other = training_split(dataset, config, {"s0", "s1"})
    assert other[:2].tolist() == ["test", "test"]
    assert set(other[2:]) == {"train or valid"}


def test_nearest_neighbours_exclude_the_sequence_itself():
    vectors = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0], [0.5, 0.0]])
    rows, distances = nearest_neighbours(vectors, 0, k=2, metric="euclidean")
    assert rows.tolist() == [3, 1]
    np.testing.assert_allclose(distances, [0.5, 1.0])


def test_selection_exports_fasta():
    assert selection_fasta(TOY, [2, 0]) == ">P1 label=a\nMKV\n>Q3 label=c\nAAAA\n"
