"""The bad-input corpus (tests/data/bad/), each file uploaded through the real Data page.

Every file is uploaded as a user would: "Upload FASTA", the FASTA uploader (label
tables: the table uploader, next to tests/data/ids_only.fasta), then "Use this data
set" when the page offers it. Each must end in a readable error or a correct parse,
never a traceback, never a change to the run store (a correct parse adds only its saved
data set), and never a label or ID rendered as HTML or Markdown. tests/data/bad/README.md
describes every file.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, copy_demo_run, data_file

TIMEOUT = 60
BAD = Path(__file__).resolve().parent / "data" / "bad"
TABLE_FASTA = "ids_only.fasta"
"""The FASTA uploaded next to each label table of the corpus."""
BUILTIN_SEQUENCES = "1,000"
"""The 'Sequences' metric of the default built-in data set (kept after a refused upload)."""


@dataclass(frozen=True)
class Refused:
    """The page shows an error containing ``fragment`` and keeps the current data set;
    ``on_use``: only once "Use this data set" is pressed (the label rule is applied)."""

    fragment: str
    on_use: bool = False


@dataclass(frozen=True)
class Parsed:
    """The file becomes the current data set.

    Attributes:
        sequences: The 'Sequences' metric after "Use this data set".
        labels: The first labels of the preview, exactly as read.
        remark: A fragment of the validation report ('' for none expected).
    """

    sequences: int
    labels: tuple[str, ...]
    remark: str = ""


SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
BOLD = "**bold**"
LINK = "[link](javascript:alert(1))"

OUTCOMES: dict[str, Refused | Parsed] = {
    # Not FASTA at all.
    "empty.fasta": Refused("is empty"),
    "whitespace_only.fasta": Refused("is empty"),
    "binary_random.fasta": Refused("is a binary file, not FASTA text"),
    "png_image.fasta": Refused("is a binary file, not FASTA text"),
    "zip_archive.fasta": Refused("is a zip archive"),
    "bzip2_archive.fasta": Refused("is a bzip2 archive"),
    "pdf_document.fasta": Refused("is a PDF document"),
    "html_page.fasta": Refused("it looks like HTML or XML"),
    "json_document.fasta": Refused("it looks like JSON"),
    "csv_table_named.fasta": Refused("it looks like a CSV/TSV table"),
    "fastq_reads.txt": Refused("it looks like FASTQ"),
    "only_comment_lines.fasta": Refused("a FASTA file starts with a header line like '>ID'"),
    "dna_nucleotide.fasta": Refused("this looks like a nucleotide FASTA"),
    "rna_nucleotide.fa": Refused("this looks like a nucleotide FASTA"),
    # Compression.
    "valid.fasta.gz": Parsed(6, ("a", "b", "a")),
    "truncated.fasta.gz": Refused("is a truncated gzip file"),
    "garbage_after_gzip_magic.fasta.gz": Refused("looks like gzip but cannot be decompressed"),
    "gzip_of_random_bytes.fasta.gz": Refused("is a binary file, not FASTA text"),
    # Encodings and line endings.
    "windows_crlf.fasta": Parsed(6, ("a", "b", "a")),
    "classic_mac_cr.fasta": Parsed(6, ("a", "b", "a")),
    "utf8_bom.fasta": Parsed(6, ("a", "b", "a")),
    "utf16_bom.fasta": Parsed(6, ("a", "b", "a"), remark="UTF-16"),
    "latin1_headers.fasta": Parsed(4, ("a", "b", "a"), remark="read as Latin-1"),
    "undecodable_bytes_in_sequence.fasta": Refused("Line 2 of"),
    # Records.
    "duplicate_ids.fasta": Refused("'P1|a' (records 1, 5)"),
    "header_only_record.fasta": Refused("record 2 (ID 'P2|b', line 3) has no sequence"),
    "gaps_only_record.fasta": Refused("record 2 (ID 'P2|b', line 3) has only gap characters"),
    "empty_id_record.fasta": Refused("record 2 (ID '', line 3) has an empty header"),
    "stop_codon_in_middle.fasta": Refused("not amino acids: '*' (first at line 2, column 6)"),
    "control_chars_in_header.fasta": Refused("has a control character"),
    "long_protein_50000.fasta": Parsed(3, ("a", "a", "b")),
    "long_header_10kb.fasta": Parsed(4, ("a", "b", "a")),
    "lowercase_residues.fasta": Parsed(4, ("a", "b", "a"), remark="upper-cased in 4 record(s)"),
    "digits_spaces_in_sequence.txt": Parsed(4, ("a", "b", "a"), remark="16 space(s), tab(s)"),
    "alignment_with_gaps.fasta": Parsed(4, ("a", "b", "a"), remark="Alignment gaps"),
    "ids_path_traversal.fasta": Parsed(4, ("a", "b", "a", "b")),
    # Labels.
    "missing_labels_some.fasta": Parsed(6, ("a", "b", "a"), remark="'P7', 'P8|'"),
    "missing_labels_all.fasta": Refused(
        "No record of 'missing_labels_all.fasta' has a label", on_use=True
    ),
    "one_class_only.fasta": Parsed(4, ("cytoplasmic",) * 4, remark="needs at least two classes"),
    "labels_with_html.fasta": Parsed(6, (SCRIPT, IMG, SCRIPT, IMG)),
    "labels_with_markdown.fasta": Parsed(6, (BOLD, LINK, BOLD, LINK)),
    "ids_html_unlabeled.fasta": Parsed(5, ("", "src=x", "a"), remark=SCRIPT),
    # Label tables, uploaded next to tests/data/ids_only.fasta.
    "table_duplicate_ids.csv": Refused("lists 1 ID(s) more than once, e.g. 'P1'"),
    "table_excel_workbook.csv": Refused("is a binary file (an Excel workbook?)"),
    "table_one_column.csv": Refused("has 1 column(s); it needs at least two"),
    "table_empty.csv": Refused("The label table 'table_empty.csv' is empty"),
    "table_ids_do_not_match.csv": Refused(
        "check that the table's IDs match the FASTA IDs", on_use=True
    ),
    "table_ragged_rows.tsv": Refused("has 2 more cell(s) than its header line"),
    "table_html_labels.csv": Parsed(4, (SCRIPT, IMG, BOLD, LINK)),
}

# User text that must never reach the page as live HTML or Markdown: the same
# strings preceded by a backslash are escaped (protviz.app.errors.as_text) and fine.
_UNESCAPED_MARKUP = re.compile(r"(?<!\\)(?:<script|<img|\]\(javascript|\*\*bold)", re.IGNORECASE)
_TEXT_ELEMENTS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "success",
    "info",
    "warning",
    "error",
    "toast",
    "html",
)


def test_every_corpus_file_has_an_expected_outcome():
    files = {p.name for p in BAD.iterdir() if p.name != "README.md"}
    assert files == set(OUTCOMES)
    described = (BAD / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in described for name in files)


def store_snapshot(home: Path) -> dict[str, str]:
    """Every file under the run store with its content hash."""
    return {
        str(path.relative_to(home)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(home.rglob("*"))
        if path.is_file()
    }


def plain(value: str) -> str:
    """Undo as_text's Markdown escaping, to compare with a message fragment."""
    return re.sub(r"\\(.)", r"\1", value.replace("  \n", "\n"))


def shown_texts(at: AppTest) -> list[str]:
    """The raw values of every text element on the page, plus expander and metric labels."""
    texts = [str(e.value) for kind in _TEXT_ELEMENTS for e in at.get(kind)]
    texts += [e.label for e in at.expander] + [e.label for e in at.metric]
    return texts


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def preview_labels(at: AppTest) -> list[str]:
    """The labels of the live preview (the only frame with a 'header' column)."""
    frame = next(d.value for d in at.dataframe if "header" in d.value.columns)
    return frame["label"].tolist()


def upload_through_data_page(name: str, *, keep_first: bool = False) -> AppTest:
    """Open the Data page, choose "Upload FASTA" and upload ``name`` as a user would."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/data.py").run()
    at.radio(key="data_source").set_value("Upload FASTA").run()
    if keep_first:
        at.checkbox(key="keep_first").check().run()
    is_table = name.startswith("table_")
    fasta_name = TABLE_FASTA if is_table else name
    fasta = data_file(TABLE_FASTA).read_bytes() if is_table else (BAD / name).read_bytes()
    at.file_uploader(key="fasta_upload").set_value((fasta_name, fasta, "text/plain")).run()
    assert not at.exception
    if is_table:
        table = (name, (BAD / name).read_bytes(), "text/csv")
        at.file_uploader(key="table_upload").set_value(table).run()
        assert not at.exception
    return at


def use_upload_if_offered(at: AppTest) -> None:
    if any(button.key == "use_upload" for button in at.button):
        at.button(key="use_upload").click().run()


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_bad_input_through_the_data_page(name):
    home = Path(os.environ["PROTVIZ_HOME"])
    copy_demo_run(home, "demo-motif-mean")
    before = store_snapshot(home)
    expected = OUTCOMES[name]

    at = upload_through_data_page(name)
    if isinstance(expected, Refused):  # refused at once, or (on_use) only when applied
        shown = any(expected.fragment in plain(e.value) for e in at.error)
        assert shown is not expected.on_use, [plain(e.value) for e in at.error]
    use_upload_if_offered(at)

    assert not at.exception
    errors = [plain(e.value) for e in at.error]
    if isinstance(expected, Refused):
        assert any(expected.fragment in error for error in errors), errors
        assert metric(at, "Sequences") == BUILTIN_SEQUENCES
    else:
        assert errors == []
        assert metric(at, "Sequences") == f"{expected.sequences:,}"
        assert tuple(preview_labels(at)[: len(expected.labels)]) == expected.labels
        report = "\n".join(plain(m.value) for m in at.markdown)
        assert expected.remark in report
    assert not [text for text in shown_texts(at) if _UNESCAPED_MARKUP.search(text)]
    after = store_snapshot(home)
    if isinstance(expected, Parsed):  # the data set in use is saved (for share links)
        saved = {path.split("/")[1] for path in after if path.startswith("datasets/")}
        assert len(saved) == 1
        after = {path: digest for path, digest in after.items() if not path.startswith("datasets/")}
    assert after == before


def test_duplicate_ids_can_keep_the_first_record_on_the_page():
    at = upload_through_data_page("duplicate_ids.fasta", keep_first=True)
    use_upload_if_offered(at)
    assert not at.exception
    assert metric(at, "Sequences") == "4"
    assert any("only the first record of each was kept" in plain(m.value) for m in at.markdown)


def test_a_file_name_with_html_is_shown_as_text():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/data.py").run()
    at.radio(key="data_source").set_value("Upload FASTA").run()
    content = (BAD / "windows_crlf.fasta").read_bytes()
    at.file_uploader(key="fasta_upload").set_value((f"{IMG}.fasta", content, "text/plain")).run()
    use_upload_if_offered(at)
    assert not at.exception
    assert any(f"Current data set: {IMG}.fasta" == plain(s.value) for s in at.subheader)
    assert not [text for text in shown_texts(at) if _UNESCAPED_MARKUP.search(text)]
