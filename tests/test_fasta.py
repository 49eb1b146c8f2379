"""Cleaning and validation rules of FASTA ingestion, each on a small file in tests/data."""

from __future__ import annotations

import gzip

import pytest

from protviz.core.dataset import ProteinDataError
from protviz.io.fasta import Limits, parse_fasta, preview_labels, read_labeled_fasta
from protviz.io.labels import LabelRule
from tests.conftest import data_file

FIELD1 = LabelRule(kind="field", field=1)


def read(name: str, rule: LabelRule | None = FIELD1, **kwargs):
    return read_labeled_fasta(data_file(name), rule, **kwargs)


def error_for(name: str, rule: LabelRule | None = FIELD1, **kwargs) -> str:
    with pytest.raises(ProteinDataError) as caught:
        read(name, rule, **kwargs)
    return str(caught.value)


def test_reads_labels_from_id_field():
    dataset, report = read("good.fasta")
    assert len(dataset) == 9
    assert dataset.class_counts.to_dict() == {"cytoplasmic": 3, "extracellular": 3, "nuclear": 3}
    assert report.messages() == []


def test_reads_bytes_like_an_upload():
    dataset, _ = read_labeled_fasta(data_file("good.fasta").read_bytes(), FIELD1, filename="x.fa")
    assert dataset.name == "x.fa"
    assert dataset.ids[0] == "P1|cytoplasmic"


def test_gzip_gives_the_same_dataset_as_plain_text():
    plain, _ = read("good.fasta")
    packed, report = read("good.fasta.gz")
    assert report.compressed
    assert packed.content_hash == plain.content_hash


def test_truncated_gzip_is_refused():
    assert "truncated gzip" in error_for("truncated.fasta.gz")


def test_windows_line_endings_and_byte_order_mark_are_harmless():
    plain, _ = read("good.fasta")
    assert read("windows.fasta")[0].content_hash == plain.content_hash
    assert read("bom.fasta")[0].content_hash == plain.content_hash


def test_lowercase_is_uppercased_and_counted():
    dataset, report = read("lowercase.fasta")
    assert dataset.sequences == ("MKTAYIAKQR",) * 3
    assert report.lowercase_records == 2


def test_trailing_stop_is_stripped():
    dataset, report = read("stop.fasta")
    assert dataset.sequences[0] == "MKTAYIAKQR"
    assert report.stop_symbols_stripped == 1


def test_stop_inside_a_sequence_is_an_error():
    message = str(_raises(b">P1|a\nMKT*AYI\n>P2|b\nMKTAYI\n"))
    assert "'*'" in message and "record 1" in message


def test_alignment_gaps_are_removed_with_a_warning():
    dataset, report = read("gaps.fasta")
    assert set(dataset.sequences) == {"MKTAYIAKQR"}
    assert report.gap_records == 2
    assert report.gap_characters_removed == 8
    assert any("gaps" in m for m in report.messages())


def test_whitespace_and_digits_in_sequence_lines_are_removed():
    dataset, report = read("whitespace_digits.fasta")
    assert dataset.sequences == ("MKTAYIAKQRQISFVKSHFS", "MKTAYIAKQR")
    assert report.junk_characters_removed >= 9


def test_ambiguous_and_rare_letters_become_x_and_are_counted():
    dataset, report = read("ambiguous.fasta")
    assert dataset.sequences[0] == "MKTXXAYXXX"
    assert report.mapped_to_unknown == {"B": 1, "Z": 1, "J": 1, "U": 1, "O": 1}


def test_other_characters_name_record_id_line_and_character():
    message = error_for("invalid_char.fasta")
    assert "record 2" in message
    assert "'P2|b'" in message
    assert "'?'" in message
    assert "line 5, column 4" in message


@pytest.mark.parametrize("name", ["nucleotide.fasta", "rna.fasta"])
def test_nucleotide_fasta_is_refused(name):
    assert "this looks like a nucleotide FASTA" in error_for(name)


@pytest.mark.parametrize("name", ["empty.fasta", "blank.fasta"])
def test_empty_file_is_refused(name):
    assert "is empty" in error_for(name)


def test_header_only_record_is_an_error_naming_it():
    message = error_for("header_only.fasta")
    assert "record 2" in message and "'P2|b'" in message and "no sequence" in message


def test_record_with_only_gaps_is_an_error():
    assert "only gap characters" in error_for("gaps_only.fasta")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("html.fasta", "HTML"),
        ("table.fasta", "CSV/TSV table"),
        ("reads.fastq", "FASTQ"),
        ("binary.fasta", "binary file"),
        ("zip.fasta", "zip archive"),
        ("comment_first.fasta", "starts with a header line"),
    ],
)
def test_text_that_is_not_fasta_is_refused_with_the_reason(name, expected):
    assert expected in error_for(name)


def test_undecodable_bytes_in_a_sequence_line_name_the_line():
    message = error_for("bad_bytes_in_sequence.fasta")
    assert "Line 2" in message and "not text" in message


def test_latin1_header_is_read_with_a_note():
    dataset, report = read("latin1_header.fasta")
    assert report.encoding == "latin-1"
    assert dataset.metadata.loc["P1|a", "description"] == "Protéine humaine"
    assert any("Latin-1" in m for m in report.messages())


def test_duplicate_ids_are_an_error_listing_them():
    message = error_for("duplicates.fasta")
    assert "'P1|a' (records 1, 3)" in message


def test_duplicate_ids_can_keep_the_first_record():
    dataset, report = read("duplicates.fasta", duplicates="keep_first")
    assert dataset.ids == ("P1|a", "P2|b", "P3|b")
    assert dataset.sequences[0] == "MKTAYIAKQR"
    assert report.duplicates_dropped == ["P1|a"]


def test_records_without_label_are_reported_and_excluded():
    dataset, report = read("missing_labels.fasta")
    assert dataset.ids == ("P1|a", "P3|b")
    assert report.unlabeled == ["P2", "P4|"]


def test_no_labelled_record_at_all_is_an_error():
    message = error_for("missing_labels.fasta", LabelRule(kind="field", field=5))
    assert "No record" in message and "Choose another label rule" in message


def test_small_classes_are_reported():
    _, report = read("ambiguous.fasta")
    assert report.small_classes == {"a": 1, "b": 1}
    assert any("stratified" in m for m in report.messages())


def test_limit_on_number_of_sequences():
    message = error_for("good.fasta", limits=Limits(max_sequences=5))
    assert "9 sequences" in message and "limit is 5" in message


def test_limit_on_sequence_length_names_the_record():
    message = error_for("good.fasta", limits=Limits(max_length=21))
    assert "record 1" in message and "22 residues" in message


def test_limit_on_upload_size():
    message = error_for("good.fasta", limits=Limits(max_upload_bytes=100))
    assert "MB" in message and "limit" in message


def test_limits_from_environment(monkeypatch):
    monkeypatch.setenv("PROTVIZ_MAX_LENGTH", "123")
    monkeypatch.setenv("PROTVIZ_MAX_UPLOAD_MB", "2")
    limits = Limits.from_env()
    assert limits.max_length == 123
    assert limits.max_upload_bytes == 2 * 2**20


def test_gzip_bomb_is_refused_by_decompressed_size():
    data = gzip.compress(b">P1|a\n" + b"A" * 5000 + b"\n")
    with pytest.raises(ProteinDataError, match="decompresses to more than"):
        parse_fasta(data, limits=Limits(max_upload_bytes=1000))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ProteinDataError, match="No such file"):
        read_labeled_fasta(tmp_path / "nope.fasta")


def test_split_field_is_normalised():
    dataset, report = read("split.fasta", LabelRule(kind="field", field=1, split_field=2))
    assert dataset.split is not None
    assert report.split_counts == {"test": 3, "train": 6, "valid": 3}


def test_key_value_tags_give_labels_and_metadata():
    dataset, _ = read("tags.fasta", LabelRule(kind="key", key="host"))
    assert dataset.labels == ("human", "mouse", "human", "house mouse")
    assert dataset.metadata["year"].tolist() == [2001, 2003, 2005, 2007]


def test_regular_expression_rule():
    rule = LabelRule(kind="regex", pattern=r"OS=(\w+ \w+)")
    dataset, _ = read("uniprot.fasta", rule)
    assert dataset.labels == ("Homo sapiens", "Mus musculus")


def test_preview_shows_labels_of_first_records():
    parsed = parse_fasta(data_file("split.fasta"))
    preview = preview_labels(parsed, LabelRule(field=1, split_field=2), rows=3)
    assert preview["label"].tolist() == ["a", "b", "a"]
    assert preview["split"].tolist() == ["train", "train", "valid"]


def test_relabelled_fasta_reads_back_to_the_same_dataset():
    dataset, _ = read("split.fasta", LabelRule(kind="field", field=1, split_field=2))
    text = dataset.to_fasta().encode()
    again, _ = read_labeled_fasta(text, LabelRule(kind="key", key="label", split_key="split"))
    assert again.content_hash == dataset.content_hash


def test_content_hash_changes_with_a_label():
    first, _ = read("good.fasta")
    data = data_file("good.fasta").read_bytes().replace(b"P9|extracellular", b"P9|nuclear")
    second, _ = read_labeled_fasta(data, FIELD1)
    assert first.content_hash != second.content_hash


def _raises(data: bytes) -> ProteinDataError:
    with pytest.raises(ProteinDataError) as caught:
        read_labeled_fasta(data, FIELD1)
    return caught.value


def test_control_characters_in_a_header_are_refused_naming_record_and_column():
    message = str(_raises(b">P1|a\nMKTAYIAKQR\n>P2|b\x1b[31m\nMKVLAAGIVG\n"))
    assert "record 2 (ID 'P2|b\\x1b[31m', line 3)" in message
    assert "control character '\\x1b' in its header (column 6)" in message


def test_a_tab_in_a_header_is_not_a_control_character():
    dataset, _ = read_labeled_fasta(b">P1|a\tkinase\nMKTAYIAKQR\n>P2|b\nMKVLAAGIVG\n", FIELD1)
    assert dataset.labels == ("a", "b")


def test_a_single_class_is_reported():
    _, report = read("one_class.fasta")
    assert any("needs at least two classes" in m for m in report.messages())
