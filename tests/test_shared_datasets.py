"""The real data sets in ../shared/datasets parse with the published class counts."""

from __future__ import annotations

from collections import Counter

import pytest

from protviz.io.fasta import read_labeled_fasta
from tests.conftest import SHARED_DATASETS

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not SHARED_DATASETS.is_dir(), reason=f"{SHARED_DATASETS} is absent (no shared data sets)"
    ),
]


def test_multiloc_class_counts():
    dataset, _ = read_labeled_fasta(SHARED_DATASETS / "multiloc_hoglund2006_5959.fasta")
    assert len(dataset) == 5959
    assert dataset.class_counts.to_dict() == {
        "cytoplasmic": 1411,
        "plasma_membrane": 1238,
        "extracellular": 843,
        "nuclear": 837,
        "mitochondrial": 510,
        "chloroplast": 449,
        "ER": 198,
        "peroxisomal": 157,
        "Golgi": 150,
        "lysosomal": 103,
        "vacuolar": 63,
    }
    assert dataset.lengths.min() == 13 and dataset.lengths.max() == 5430


def test_deeploc_classes_and_split_are_detected():
    dataset, report = read_labeled_fasta(SHARED_DATASETS / "deeploc1_partial_LA_plus_subset.fasta")
    assert len(dataset) == 10_575
    assert report.split_counts == {"sethard": 490, "test": 2768, "train": 7317}
    test_counts = Counter(
        label for label, split in zip(dataset.labels, dataset.split, strict=True) if split == "test"
    )
    assert test_counts == {
        "Nucleus": 806,
        "Cytoplasm": 505,
        "Extracellular": 393,
        "Mitochondrion": 302,
        "Cell.membrane": 273,
        "Endoplasmic.reticulum": 173,
        "Plastid": 152,
        "Golgi.apparatus": 70,
        "Lysosome/Vacuole": 64,
        "Peroxisome": 30,
    }
    assert set(dataset.metadata["mem"].unique()) >= {"M", "S", "U"}
