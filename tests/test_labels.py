"""Label rules, their auto-detection, and label tables."""

from __future__ import annotations

import pytest

from protviz.core.dataset import ProteinDataError
from protviz.io.fasta import parse_fasta, read_labeled_fasta
from protviz.io.labels import (
    LabelRule,
    default_table_columns,
    header_tags,
    normalise_split,
    read_label_table,
    suggest_label_rule,
)
from tests.conftest import data_file


def suggested(name: str) -> LabelRule | None:
    return parse_fasta(data_file(name)).suggest_rule()


def test_detects_field_one_of_a_two_field_id():
    assert suggested("good.fasta") == LabelRule(kind="field", field=1)


def test_detects_the_last_field_of_influenza_headers():
    assert suggested("flu.fasta") == LabelRule(kind="field", field=-1)


def test_detects_a_key_value_tag():
    assert suggested("tags.fasta") == LabelRule(kind="key", key="host")


def test_detects_the_split_field_next_to_the_label():
    assert suggested("split.fasta") == LabelRule(kind="field", field=1, split_field=2)


def test_no_suggestion_for_bare_ids():
    assert suggested("ids_only.fasta") is None


def test_single_valued_field_ranks_after_real_labels():
    ids = [f"sp|P{i}|{'AB'[i % 2]}" for i in range(30)]
    ids = [f"{i}|{'xy'[n % 2]}" for n, i in enumerate(ids)]
    rule = suggest_label_rule(ids, ids)
    assert rule is not None and rule.field != 0


def test_header_tags_handle_quotes():
    assert header_tags('P1 host="house mouse" year=2001') == {
        "host": "house mouse",
        "year": "2001",
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("train_mzsubset", "train"),
        ("TRAIN", "train"),
        ("eval", "valid"),
        ("val", "valid"),
        ("validation", "valid"),
        ("held-out", "test"),
        ("heldout", "test"),
        ("test", "test"),
        ("setHARD", "sethard"),
        ("", ""),
    ],
)
def test_split_names_are_normalised(raw, expected):
    assert normalise_split(raw) == expected


def test_regex_without_a_group_is_refused():
    with pytest.raises(ProteinDataError, match="exactly one group"):
        LabelRule(kind="regex", pattern=r"OS=\w+")


def test_invalid_regex_is_refused_with_an_example():
    with pytest.raises(ProteinDataError, match="not valid"):
        LabelRule(kind="regex", pattern=r"OS=(\w+")


def test_unknown_rule_kind_is_refused():
    with pytest.raises(ProteinDataError, match="Unknown label rule"):
        LabelRule(kind="colour")  # type: ignore[arg-type]


def test_label_table_gives_labels_split_and_metadata():
    table = read_label_table(data_file("labels.csv").read_bytes(), "labels.csv")
    id_column, label_column, split_column = default_table_columns(table)
    assert (id_column, label_column, split_column) == ("id", "label", "split")
    rule = LabelRule(
        kind="table", id_column=id_column, label_column=label_column, split_column=split_column
    )
    dataset, report = read_labeled_fasta(data_file("ids_only.fasta"), rule, label_table=table)
    assert dataset.labels == ("cytoplasmic", "nuclear", "nuclear", "cytoplasmic")
    assert dataset.split == ("train", "train", "test", "valid")
    # The table is keyed by accession; '>sp|P3|NAME_HUMAN' matches through its fields.
    assert dataset.metadata.loc["sp|P3|NAME_HUMAN", "organism"] == "human"
    assert report.unlabeled == []


def test_tsv_label_table_and_unmatched_ids():
    table = read_label_table(data_file("labels.tsv").read_bytes(), "labels.tsv")
    rule = LabelRule(kind="table", id_column="id", label_column="label")
    dataset, report = read_labeled_fasta(data_file("ids_only.fasta"), rule, label_table=table)
    assert len(dataset) == 3
    assert report.unlabeled == ["P4"]


def test_label_table_with_duplicate_ids_is_refused():
    table = read_label_table(data_file("labels_duplicate_ids.csv").read_bytes(), "d.csv")
    rule = LabelRule(kind="table", id_column="id", label_column="label")
    with pytest.raises(ProteinDataError, match="more than once"):
        read_labeled_fasta(data_file("ids_only.fasta"), rule, label_table=table)


def test_label_table_with_a_missing_column_is_refused():
    table = read_label_table(data_file("labels.tsv").read_bytes(), "labels.tsv")
    rule = LabelRule(kind="table", id_column="id", label_column="host")
    with pytest.raises(ProteinDataError, match="no label column 'host'"):
        read_labeled_fasta(data_file("ids_only.fasta"), rule, label_table=table)


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"", "empty"), (b"\x00\x01PK", "binary"), (b"only_one_column\nP1\n", "at least")],
)
def test_bad_label_tables_are_refused(data, expected):
    with pytest.raises(ProteinDataError, match=expected):
        read_label_table(data, "labels.csv")


def test_label_table_whose_first_row_is_too_long_is_refused():
    # pandas would silently use the extra leading cells as an index and shift the columns.
    with pytest.raises(ProteinDataError, match="2 more cell"):
        read_label_table(b"id,label\nP1,a,x,y\nP2,b\n", "labels.csv")
