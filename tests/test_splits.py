"""Splits that do not leak: metadata groups and clusters of similar sequences stay whole."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from Bio import Align
from Bio.Align import substitution_matrices

from protviz.core.alphabet import STANDARD_AMINO_ACIDS
from protviz.core.config import TrainingConfig, TrainingConfigError
from protviz.core.dataset import Dataset
from protviz.core.records import RunRecord, RunRecordError, SplitInfo
from protviz.io.builtin import motif_position_dataset
from protviz.model import clusters
from protviz.model.clusters import (
    ClusteringError,
    cluster_sequences,
    components,
    kmer_identity,
    kmer_links,
    mmseqs_links,
)
from protviz.model.splits import SplitError, group_split, split_dataset

THRESHOLD = 0.5
HAS_MMSEQS = shutil.which("mmseqs") is not None
METHODS = [
    "kmer",
    pytest.param(
        "mmseqs2", marks=pytest.mark.skipif(not HAS_MMSEQS, reason="MMseqs2 is not installed")
    ),
]


def _mutate(sequence: str, rate: float, rng: np.random.Generator) -> str:
    letters = list(STANDARD_AMINO_ACIDS)
    return "".join(c if rng.random() > rate else rng.choice(letters) for c in sequence)


def family_dataset(families: int = 12, members: int = 4, seed: int = 0) -> Dataset:
    """Families of 85-90% identical proteins (unrelated across families), two classes, and a
    ``study`` column of three values per class."""
    rng = np.random.default_rng(seed)
    ids, sequences, labels, studies = [], [], [], []
    for family in range(families):
        base = "".join(rng.choice(list(STANDARD_AMINO_ACIDS), size=int(rng.integers(90, 140))))
        for member in range(members):
            ids.append(f"f{family}m{member}")
            sequences.append(_mutate(base, 0.1, rng))
            labels.append("odd" if family % 2 else "even")
            studies.append(f"study{family % 6}")
    metadata = pd.DataFrame({"study": studies}, index=ids)
    return Dataset.create("families", ids, sequences, labels, metadata=metadata)


def aligned_identity(first: str, second: str) -> float:
    """Identical aligned residues over the shorter length (global BLOSUM62 alignment),
    independent of both clustering methods."""
    aligner = Align.PairwiseAligner(mode="global")
    aligner.substitution_matrix = substitution_matrices.load("BLOSUM62")
    aligner.open_gap_score, aligner.extend_gap_score = -10, -0.5
    alignment = aligner.align(first, second)[0]
    counts = alignment.counts()
    return counts.identities / min(len(first), len(second))


@pytest.fixture(scope="module")
def families() -> Dataset:
    return family_dataset()


def _sides(split) -> list[np.ndarray]:
    return [split.train, split.valid, split.test]


def _cross_pairs(split):
    sides = _sides(split)
    for index, side in enumerate(sides):
        for other in sides[index + 1 :]:
            for i in side:
                for j in other:
                    yield int(i), int(j)


@pytest.mark.parametrize("method", METHODS)
def test_cluster_split_puts_no_two_similar_sequences_on_both_sides(families, method, monkeypatch):
    monkeypatch.setattr(clusters, "available_method", lambda: method)
    config = TrainingConfig(split="cluster", identity=THRESHOLD, seed=3)
    split = split_dataset(families, config)
    assert split.source == "cluster" and split.method == method and split.kind == "cluster"
    family = np.array([seq_id.split("m")[0] for seq_id in families.ids])
    for side in _sides(split):  # each family (85-90% identical) stays on one side ...
        assert not set(family[side]) & set(family[np.setdiff1d(np.arange(48), side)])
    assert split.groups == {"train": 8, "valid": 1, "test": 3} or sum(split.groups.values()) == 12
    sequences = families.sequences
    for i, j in _cross_pairs(split):  # ... and no pair across sides reaches the threshold
        assert aligned_identity(sequences[i], sequences[j]) < THRESHOLD
        if method == "kmer":
            assert kmer_identity(sequences[i], sequences[j]) < THRESHOLD


@pytest.mark.skipif(not HAS_MMSEQS, reason="MMseqs2 is not installed")
def test_mmseqs_links_find_the_pairs_above_the_threshold_only(families):
    links = mmseqs_links(families.sequences, THRESHOLD)
    for i, j in links:
        assert aligned_identity(families.sequences[i], families.sequences[j]) >= 0.7
    labels = components(len(families), links)
    assert len(set(labels.tolist())) == 12


def test_kmer_links_are_the_pairs_whose_estimate_reaches_the_threshold():
    rng = np.random.default_rng(99)
    sequences = list(family_dataset(families=3, members=3, seed=1).sequences)
    sequences.append(sequences[0][:40])  # a fragment of a longer protein is linked to it
    links = {tuple(pair) for pair in kmer_links(sequences, THRESHOLD).tolist()}
    for i in range(len(sequences)):
        for j in range(i + 1, len(sequences)):
            linked = kmer_identity(sequences[i], sequences[j]) >= THRESHOLD
            assert ((i, j) in links) == linked
    assert (0, 9) in links
    unrelated = "".join(rng.choice(list(STANDARD_AMINO_ACIDS), size=300))
    assert kmer_identity(sequences[0], unrelated) < 0.3


def test_a_low_threshold_leaves_too_few_clusters(families, monkeypatch):
    monkeypatch.setattr(clusters, "available_method", lambda: "kmer")
    identical = Dataset.create(
        "copies", [f"s{i}" for i in range(10)], ["MKVLAAGIVALLLAAGCSS"] * 10, ["a", "b"] * 5
    )
    with pytest.raises(SplitError, match=r"1 clusters.*higher identity threshold"):
        split_dataset(identical, TrainingConfig(split="cluster", identity=0.9))


def test_an_unknown_cluster_method_is_refused():
    with pytest.raises(ClusteringError, match="Unknown clustering method"):
        cluster_sequences(["MKV", "MKL"], 0.5, method="blast")


def test_metadata_split_keeps_groups_whole(families):
    split = split_dataset(families, TrainingConfig(split="metadata", split_column="study"))
    study = families.metadata["study"].to_numpy()
    seen = [set(study[side]) for side in _sides(split)]
    assert not (seen[0] & seen[1]) and not (seen[0] & seen[2]) and not (seen[1] & seen[2])
    assert split.source == "metadata" and split.column == "study"
    assert sum(split.groups.values()) == 6


def test_metadata_split_keeps_the_motif_pairs_whole():
    toy = motif_position_dataset(n_pairs=40)
    split = split_dataset(toy, TrainingConfig(split="metadata", split_column="pair", seed=2))
    pair = toy.metadata["pair"].to_numpy()
    assert not set(pair[split.train]) & set(pair[split.test])
    assert not set(pair[split.valid]) & (set(pair[split.test]) | set(pair[split.train]))
    test_labels = {toy.labels[i] for i in split.test}
    assert len(test_labels) == 2  # stratified: both classes are tested


def test_metadata_split_names_the_columns_when_one_is_missing(families):
    with pytest.raises(SplitError, match=r"no metadata column 'year'.*its columns: study"):
        split_dataset(families, TrainingConfig(split="metadata", split_column="year"))


def test_metadata_split_with_too_few_groups_says_how_many_it_needs():
    labels = ["a", "b"] * 10
    with pytest.raises(SplitError, match=r"3 groups; a test share of 20%.*at least 5"):
        group_split(labels, ["x", "y", "z"] * 6 + ["x", "y"])


def test_one_group_left_for_validation_falls_back_to_a_random_validation_set():
    labels = ["a", "b"] * 25
    groups = [0, 1] * 25
    split = group_split(labels, groups, valid_fraction=0.1, test_fraction=0.5, seed=0)
    assert split.groups == {"train": 1, "valid": 1, "test": 1}
    assert any("validation sequences were drawn at random" in note for note in split.notes)
    assert not set(np.array(groups)[split.test]) & set(np.array(groups)[split.train])


def test_missing_metadata_values_form_one_group(families):
    metadata = families.metadata.copy()
    metadata.iloc[:8, 0] = None
    dataset = Dataset.create(
        "families", families.ids, families.sequences, families.labels, metadata=metadata
    )
    split = split_dataset(dataset, TrainingConfig(split="metadata", split_column="study"))
    missing = set(range(8))
    assert [bool(missing & set(side.tolist())) for side in _sides(split)].count(True) == 1
    assert any("with no 'study' form one group" in note for note in split.notes)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"split": "by_year"}, "split must be one of random, metadata, cluster"),
        ({"split": "metadata"}, "needs the column"),
        ({"identity": 0.0}, "identity must be in"),
        ({"identity": "high"}, "identity must be in"),
        ({"control_of": "abc"}, "set shuffle_residues too"),
    ],
)
def test_config_refuses_bad_split_settings(options, message):
    with pytest.raises(TrainingConfigError, match=message):
        TrainingConfig(**options)


def test_split_and_control_settings_round_trip_and_stay_out_of_old_configs():
    plain = TrainingConfig()
    assert "split" not in plain.to_dict() and "shuffle_residues" not in plain.to_dict()
    control = TrainingConfig(split="cluster", identity=0.4).shuffled_control("run1")
    assert TrainingConfig.from_dict(control.to_dict()) == control
    assert control.shuffle_residues and control.control_of == "run1"


def test_the_record_keeps_the_split_and_the_control(families):
    data = {
        "config": {"arch": "mean"},
        "class_names": ["even", "odd"],
        "dataset": {"name": "families"},
        "split": {"kind": "cluster", "identity": 0.5, "method": "kmer", "groups": {"test": 3}},
        "control_of": "parent1",
    }
    record = RunRecord.from_dict(data)
    assert record.split == SplitInfo(
        kind="cluster", identity=0.5, method="kmer", groups={"test": 3}
    )
    assert record.control_of == "parent1"
    assert RunRecord.from_dict(record.to_dict()) == record
    assert RunRecord.from_dict({**data, "split": {}}).split.kind == "random"
    with pytest.raises(RunRecordError, match=r"'split.kind' must be one of"):
        RunRecord.from_dict({**data, "split": {"kind": "by_year"}})
