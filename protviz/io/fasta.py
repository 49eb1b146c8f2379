"""Read labeled protein FASTA into a :class:`~protviz.core.dataset.Dataset`.

Parsing is Biopython's FASTA parser (``SimpleFastaParser``, the string-level
parser behind ``SeqIO.parse(handle, "fasta")``, which keeps every character so
that odd ones can be reported); everything Biopython lets through (empty
input, empty sequences, duplicate IDs, odd letters, nucleotides) is checked
here, and every problem becomes a :class:`ProteinDataError` whose message names
the record number, ID and line, and says how to fix it.

Typical use::

    dataset, report = read_labeled_fasta(Path("multiloc.fasta"))
    dataset, report = read_labeled_fasta(upload_bytes, LabelRule(kind="key", key="host"),
                                         filename="flu.fa.gz")
"""

from __future__ import annotations

import codecs
import copy
import gzip
import io
import os
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from Bio.SeqIO.FastaIO import SimpleFastaParser

from protviz.core.alphabet import MAPPED_TO_UNKNOWN, NUCLEOTIDE_LETTERS, PROTEIN_ALPHABET
from protviz.core.dataset import MIN_CLASS_SIZE, CleaningReport, Dataset, ProteinDataError
from protviz.io.labels import (
    LabelRule,
    header_label,
    header_split,
    header_tags,
    header_text,
    label_table_lookup,
    normalise_split,
    suggest_label_rule,
    table_row_for,
)

__all__ = [
    "Limits",
    "ParsedFasta",
    "ProteinDataError",
    "dataset_from_parsed",
    "parse_fasta",
    "preview_labels",
    "read_labeled_fasta",
]

Duplicates = Literal["error", "keep_first"]
FASTA_SUFFIXES = (".fasta", ".fa", ".faa", ".fas", ".fsa", ".txt")
"""File name endings accepted for FASTA uploads (each also with ``.gz``)."""

_MAX_PROBLEMS = 5
_NUCLEOTIDE_SAMPLE = 2000
_JUNK = re.compile(r"[\s\d]+")
_CLEAN = re.compile(r"[ACDEFGHIKLMNPQRSTVWYX]+")
"""A sequence that needs no cleaning: upper-case standard letters and X only."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters (all but tab) refused in headers: they would hide inside IDs and labels."""
_GAPS = str.maketrans("", "", "-.")
_TO_UNKNOWN = str.maketrans(dict.fromkeys(MAPPED_TO_UNKNOWN, "X"))
_ALLOWED = frozenset(PROTEIN_ALPHABET)


@dataclass(frozen=True)
class Limits:
    """Size limits enforced on input, each with a clear message when exceeded.

    Attributes:
        max_sequences: Most records one file may hold.
        max_length: Longest sequence accepted (residues, after cleaning).
        max_upload_bytes: Largest file accepted, and largest decompressed size.
    """

    max_sequences: int = 250_000
    max_length: int = 100_000
    max_upload_bytes: int = 200 * 2**20

    @classmethod
    def from_env(cls) -> Limits:
        """Read limits from ``PROTVIZ_MAX_SEQUENCES``, ``PROTVIZ_MAX_LENGTH`` and
        ``PROTVIZ_MAX_UPLOAD_MB``, falling back to the defaults."""
        defaults = cls()

        def read(name: str, default: int, scale: int = 1) -> int:
            value = os.environ.get(name, "").strip()
            if not value:
                return default
            try:
                return int(float(value) * scale)
            except ValueError:
                raise ProteinDataError(
                    f"The environment variable {name}={value!r} is not a number."
                ) from None

        return cls(
            max_sequences=read("PROTVIZ_MAX_SEQUENCES", defaults.max_sequences),
            max_length=read("PROTVIZ_MAX_LENGTH", defaults.max_length),
            max_upload_bytes=read("PROTVIZ_MAX_UPLOAD_MB", defaults.max_upload_bytes, 2**20),
        )


@dataclass
class ParsedFasta:
    """Cleaned FASTA records before a label rule is applied.

    Attributes:
        source: File name, for messages and the data set name.
        ids: Record IDs (first header word), unique.
        descriptions: Whole headers without ``>``.
        sequences: Cleaned sequences.
        header_lines: 1-based line number of each record's header.
        report: What cleaning changed so far.
    """

    source: str
    ids: list[str]
    descriptions: list[str]
    sequences: list[str]
    header_lines: list[int]
    report: CleaningReport = field(default_factory=CleaningReport)

    def suggest_rule(self, sample: int = 5000) -> LabelRule | None:
        """Suggest a header label rule from up to ``sample`` records spread over the file."""
        step = max(1, len(self.ids) // sample)
        return suggest_label_rule(self.ids[::step], self.descriptions[::step])

    def where(self, index: int) -> str:
        """Describe record ``index`` (0-based) as 'record N (ID 'x', line L)'."""
        return _where(index, self.ids[index], self.header_lines[index])


def _where(index: int, seq_id: str, line: int) -> str:
    shown = seq_id if len(seq_id) <= 60 else seq_id[:57] + "..."
    return f"record {index + 1} (ID {shown!r}, line {line})"


def _problems(summary: str, found: Sequence[str], advice: str) -> ProteinDataError:
    """One error listing up to five problems between a summary and advice."""
    lines = [summary, *(f"- {p}" for p in found[:_MAX_PROBLEMS])]
    if len(found) > _MAX_PROBLEMS:
        lines.append(f"- ... and {len(found) - _MAX_PROBLEMS} more")
    return ProteinDataError("\n".join([*lines, advice]))


# --------------------------------------------------------------------------- bytes -> text


def _read_source(source: bytes | str | Path, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), filename or "upload"
    path = Path(source)
    try:
        return path.read_bytes(), filename or path.name
    except FileNotFoundError:
        raise ProteinDataError(f"No such file: '{path}'. Check the path.") from None
    except IsADirectoryError:
        raise ProteinDataError(f"'{path}' is a folder; give the FASTA file inside it.") from None
    except PermissionError:
        raise ProteinDataError(f"'{path}' cannot be read: permission denied.") from None


def _gunzip(data: bytes, name: str, limit: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(limit + 1)
    except EOFError:
        raise ProteinDataError(
            f"'{name}' is a truncated gzip file: it ends before the compressed data does. "
            "The download or copy was probably cut short; fetch the file again."
        ) from None
    except (OSError, zlib.error) as error:
        raise ProteinDataError(
            f"'{name}' looks like gzip but cannot be decompressed ({error}). The file is "
            "corrupt; fetch it again, or upload the uncompressed FASTA."
        ) from None
    if len(out) > limit:
        raise ProteinDataError(
            f"'{name}' decompresses to more than {limit / 2**20:.0f} MB, the upload limit. "
            "Split the file or raise PROTVIZ_MAX_UPLOAD_MB."
        )
    return out


_MAGIC = {
    b"PK\x03\x04": "a zip archive (or an Excel/Word file); unzip it and upload the FASTA inside",
    b"BZh": "a bzip2 archive; decompress it (bunzip2) or recompress it with gzip",
    b"\xfd7zXZ": "an xz archive; decompress it (unxz) or recompress it with gzip",
    b"%PDF": "a PDF document; export the sequences as FASTA text",
    b"\x89HDF": "an HDF5 file; export the sequences as FASTA text",
}


def _decode(data: bytes, name: str, report: CleaningReport) -> str:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise ProteinDataError(f"'{name}' is {what}.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        report.encoding = "utf-16"
        report.notes.append("The file was UTF-16 text (as saved by some Windows editors).")
        return data.decode("utf-16")
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise ProteinDataError(
            f"'{name}' is a binary file, not FASTA text (a NUL byte at byte {offset}). "
            "Upload a plain-text FASTA file (optionally gzip-compressed)."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_number = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        if data[line_start : line_start + 1] == b">":
            report.encoding = "latin-1"
            report.notes.append(
                f"Header text is not UTF-8 (first at line {line_number}); the file was read as "
                "Latin-1. Check that accented characters in headers look right."
            )
            return data.decode("latin-1")
        raise ProteinDataError(
            f"Line {line_number} of '{name}' contains bytes that are not text "
            f"(byte {error.start}: {data[error.start : error.start + 1]!r}). Sequence lines may "
            "only hold amino-acid letters; check that this is a FASTA file."
        ) from None


def _not_fasta_reason(line: str, next_lines: list[str]) -> str:
    stripped = line.lstrip()
    if stripped.startswith("@") and len(next_lines) >= 2 and next_lines[1].startswith("+"):
        return (
            "it looks like FASTQ (sequencing reads with quality scores), not FASTA. protviz "
            "needs protein sequences in FASTA format"
        )
    if stripped.startswith("<"):
        return (
            "it looks like HTML or XML (a saved web page?), not FASTA. Download the FASTA "
            "file itself"
        )
    if stripped.startswith("{") or stripped.startswith("["):
        return "it looks like JSON, not FASTA"
    if "," in line or "\t" in line:
        return (
            "it looks like a CSV/TSV table, not FASTA. Upload sequences as FASTA; a table "
            "belongs in the 'label table' upload"
        )
    shown = line if len(line) <= 60 else line[:57] + "..."
    return f"its first line is {shown!r}, but a FASTA file starts with a header line like '>ID'"


# --------------------------------------------------------------------------- parsing


def parse_fasta(
    source: bytes | str | Path,
    *,
    filename: str | None = None,
    limits: Limits | None = None,
    duplicates: Duplicates = "error",
) -> ParsedFasta:
    """Parse and clean a protein FASTA file (plain or gzip-compressed).

    Cleaning: lowercase is upper-cased, a trailing ``*`` is stripped, alignment
    gaps and whitespace/digits in sequence lines are removed, B/Z/J/U/O become
    X. Everything is counted in the report.

    Args:
        source: The file's bytes (an upload) or a path.
        filename: Name used in messages (defaults to the path's name).
        limits: Size limits; defaults to :meth:`Limits.from_env`.
        duplicates: ``error`` to refuse repeated IDs, ``keep_first`` to keep the
            first record of each ID and report the rest.

    Returns:
        The cleaned records and the cleaning report.

    Raises:
        ProteinDataError: For anything that is not a usable protein FASTA.
    """
    limits = limits or Limits.from_env()
    data, name = _read_source(source, filename)
    report = CleaningReport(source=name)
    lines = _text_lines(data, name, limits, report)
    first = _first_header_index(lines, name)
    header_lines = _header_line_numbers(lines, name, limits)
    report.junk_characters_removed = sum(
        line.count(" ") + line.count("\t") for line in lines if not line.startswith(">")
    )
    records = list(SimpleFastaParser(io.StringIO("\n".join(lines[first:]))))
    report.records_read = len(records)
    screen = _RecordScreen(ParsedFasta(name, [], [], [], [], report), lines, limits, duplicates)
    for index, (title, raw_sequence) in enumerate(records):
        screen.check(index, title, raw_sequence, header_lines[index])
    screen.raise_problems()
    return screen.parsed


def _text_lines(data: bytes, name: str, limits: Limits, report: CleaningReport) -> list[str]:
    """Check the file's size, decompress and decode it, and split it into lines."""
    if len(data) > limits.max_upload_bytes:
        raise ProteinDataError(
            f"'{name}' is {len(data) / 2**20:.1f} MB; the limit is "
            f"{limits.max_upload_bytes / 2**20:.0f} MB. Compress it with gzip, split it, or "
            "raise PROTVIZ_MAX_UPLOAD_MB."
        )
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, name, limits.max_upload_bytes)
        report.compressed = True
    if not data.strip():
        raise ProteinDataError(f"'{name}' is empty. Upload a FASTA file with '>ID' header lines.")
    text = _decode(data, name, report).replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def _first_header_index(lines: list[str], name: str) -> int:
    """Index of the first non-blank line, which must be a FASTA header."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ProteinDataError(f"'{name}' holds no text, only blank or control characters.")
    if not lines[first].startswith(">"):
        reason = _not_fasta_reason(lines[first], lines[first + 1 : first + 3])
        raise ProteinDataError(f"'{name}' is not a FASTA file: {reason}.")
    return first


def _header_line_numbers(lines: list[str], name: str, limits: Limits) -> list[int]:
    """1-based line numbers of the header lines, within the sequence limit."""
    header_lines = [i + 1 for i, line in enumerate(lines) if line.startswith(">")]
    if len(header_lines) > limits.max_sequences:
        raise ProteinDataError(
            f"'{name}' holds {len(header_lines):,} sequences; the limit is "
            f"{limits.max_sequences:,}. Subsample the file or raise PROTVIZ_MAX_SEQUENCES."
        )
    return header_lines


def _header_problem(index: int, record_id: str, title: str, line: int) -> str:
    """What is wrong with a record's header ('' when nothing)."""
    if not record_id:
        return f"{_where(index, '', line)} has an empty header; give it an ID."
    control = _CONTROL.search(title)
    if control:
        return (
            f"{_where(index, record_id, line)} has a control character "
            f"{control.group()!r} in its header (column {control.start() + 2}); remove it "
            "(a damaged file or terminal colour codes?)."
        )
    return ""


@dataclass
class _RecordScreen:
    """Checks records one at a time, keeping the usable ones and listing every problem.

    Attributes:
        parsed: The usable records so far (and the cleaning report).
        lines: The file's lines, to locate odd characters.
        limits: Size limits.
        duplicates: What to do with repeated IDs.
        problems: One message per unusable record.
        letters: Letters of the first records, to recognise nucleotide files.
        seen: Each ID's first record index.
        repeated: Each repeated ID's record numbers (1-based).
    """

    parsed: ParsedFasta
    lines: list[str]
    limits: Limits
    duplicates: Duplicates
    problems: list[str] = field(default_factory=list)
    letters: Counter[str] = field(default_factory=Counter)
    seen: dict[str, int] = field(default_factory=dict)
    repeated: dict[str, list[int]] = field(default_factory=dict)

    def check(self, index: int, title: str, raw_sequence: str, line: int) -> None:
        """Check record ``index`` (0-based, header at ``line``) and keep it if usable."""
        record_id = title.split(None, 1)[0] if title.strip() else ""
        problem = _header_problem(index, record_id, title, line)
        if problem:
            self.problems.append(problem)
            return
        if self._drop_repeat(index, record_id):
            return
        sequence, problem = self._sequence(index, record_id, raw_sequence, line)
        if problem:
            self.problems.append(problem)
            return
        self.parsed.ids.append(record_id)
        self.parsed.descriptions.append(title)
        self.parsed.sequences.append(sequence)
        self.parsed.header_lines.append(line)

    def _drop_repeat(self, index: int, record_id: str) -> bool:
        """Note a repeated ID; whether the record is dropped (``keep_first``)."""
        if record_id in self.seen:
            self.repeated.setdefault(record_id, [self.seen[record_id] + 1]).append(index + 1)
            if self.duplicates == "keep_first":
                self.parsed.report.duplicates_dropped.append(record_id)
                return True
        self.seen.setdefault(record_id, index)
        return False

    def _sequence(self, index: int, record_id: str, raw: str, line: int) -> tuple[str, str]:
        """The cleaned sequence and '', or '' and the record's problem."""
        sample = self.letters if index < _NUCLEOTIDE_SAMPLE else None
        sequence, problem = _clean_sequence(raw, self.parsed.report, sample)
        where = _where(index, record_id, line)
        if problem:
            located = _locate(self.lines, line, problem) if problem.startswith("contains") else ""
            return "", f"{where} {problem}{located}"
        if len(sequence) > self.limits.max_length:
            return "", (
                f"{where} is {len(sequence):,} residues long; the "
                f"limit is {self.limits.max_length:,}. Remove it or raise PROTVIZ_MAX_LENGTH."
            )
        return sequence, ""

    def raise_problems(self) -> None:
        """Refuse nucleotide files, unusable records and (unless dropped) repeated IDs."""
        name = self.parsed.source
        _refuse_nucleotides(self.letters, name)
        if self.problems:
            raise _problems(
                f"{len(self.problems)} record(s) of '{name}' cannot be used:",
                self.problems,
                "Fix these records and upload the file again. Sequences may contain the 20 "
                "amino-acid letters, X, B, Z, J, U, O, gaps ('-', '.') and a final '*'.",
            )
        if self.repeated and self.duplicates == "error":
            found = [f"{i!r} (records {', '.join(map(str, r))})" for i, r in self.repeated.items()]
            raise _problems(
                f"{len(self.repeated)} ID(s) occur more than once in '{name}':",
                found,
                "IDs must be unique: rename the copies, or choose to keep the first record of "
                "each ID (--keep-first-duplicate on the command line).",
            )


def _clean_sequence(
    raw: str, report: CleaningReport, letters: Counter[str] | None = None
) -> tuple[str, str]:
    """Clean one sequence; return it and an empty string, or '' and a problem.

    ``letters``, when given, is updated with the letters before B/Z/J/U/O are
    mapped to X (so RNA's U still counts as a nucleotide).
    """
    if _CLEAN.fullmatch(raw):  # the common case: nothing to clean or count
        if letters is not None:
            letters.update(raw)
        return raw, ""
    sequence = _JUNK.sub("", raw)
    report.junk_characters_removed += len(raw) - len(sequence)
    if not sequence:
        return "", "has no sequence (a header with no residues). Remove it or add its sequence."
    upper = sequence.upper()
    if upper != sequence:
        report.lowercase_records += 1
    if upper.endswith("*"):
        upper = upper.rstrip("*")
        report.stop_symbols_stripped += 1
    no_gaps = upper.translate(_GAPS)
    if letters is not None:
        letters.update(no_gaps)
    if len(no_gaps) != len(upper):
        report.gap_records += 1
        report.gap_characters_removed += len(upper) - len(no_gaps)
    for letter in MAPPED_TO_UNKNOWN:
        count = no_gaps.count(letter)
        if count:
            report.mapped_to_unknown[letter] = report.mapped_to_unknown.get(letter, 0) + count
    cleaned = no_gaps.translate(_TO_UNKNOWN)
    invalid = sorted(set(cleaned) - _ALLOWED)
    if invalid:
        shown = ", ".join(repr(ch) for ch in invalid[:5])
        return "", f"contains character(s) that are not amino acids: {shown}"
    if not cleaned:
        return "", "has only gap characters and no residues. Remove it."
    return cleaned, ""


def _locate(lines: list[str], header_line: int, problem: str) -> str:
    """Find the first line after a header that holds one of the problem's characters."""
    bad = set(re.findall(r"'(.)'", problem))
    for number in range(header_line, len(lines)):
        line = lines[number]
        if line.startswith(">"):
            break
        for column, ch in enumerate(line.upper(), start=1):
            if ch in bad:
                return f" (first at line {number + 1}, column {column})."
    return "."


def _refuse_nucleotides(letters: Counter[str], name: str) -> None:
    residues = letters
    total = sum(residues.values())
    nucleotide = sum(residues[letter] for letter in NUCLEOTIDE_LETTERS)
    if total >= 20 and nucleotide / total >= 0.9:
        raise ProteinDataError(
            f"'{name}': this looks like a nucleotide FASTA (DNA/RNA): "
            f"{nucleotide / total:.0%} of its letters are A, C, G, T, U or N. protviz needs "
            "protein sequences; translate the coding sequences first (e.g. with Biopython's "
            "Seq.translate) or upload the protein FASTA."
        )


# --------------------------------------------------------------------------- labels


def dataset_from_parsed(
    parsed: ParsedFasta,
    rule: LabelRule,
    *,
    name: str | None = None,
    label_table: pd.DataFrame | None = None,
) -> tuple[Dataset, CleaningReport]:
    """Apply a label rule to parsed records and build the data set.

    Records without a label are left out and listed in the report. Tags in
    the headers (``key=value``) and the label table's other columns become
    metadata columns.

    Args:
        parsed: Records from :func:`parse_fasta`.
        rule: Where labels (and optionally the split) come from.
        name: Data set name; defaults to the file name.
        label_table: Required for ``table`` rules: from
            :func:`protviz.io.labels.read_label_table`.

    Returns:
        The data set and the full cleaning report.

    Raises:
        ProteinDataError: If no record has a label, or the rule or table is unusable.
    """
    report = copy.deepcopy(parsed.report)
    lookup = _table_lookup(rule, label_table)
    labelled = _LabelledRecords.read(parsed, rule, lookup, report)
    if not labelled.indices:
        example = parsed.descriptions[0] if parsed.descriptions else ""
        raise ProteinDataError(
            f"No record of '{parsed.source}' has a label under the rule '{rule.describe()}'. "
            f"The first header is {('>' + example)[:80]!r}. Choose another label rule"
            + (" or check that the table's IDs match the FASTA IDs." if lookup is not None else ".")
        )
    ids = [parsed.ids[i] for i in labelled.indices]
    split = _build_split(labelled.raw_splits, report) if rule.has_split else None
    metadata = _metadata_frame(labelled.metadata_rows, ids)
    if lookup is not None and len(labelled.indices) < len(parsed.ids):
        report.notes.append(
            f"{len(parsed.ids) - len(labelled.indices)} FASTA record(s) had no row (or an empty "
            "label) in the label table."
        )
    dataset = Dataset.create(
        name=name or parsed.source,
        ids=ids,
        sequences=[parsed.sequences[i] for i in labelled.indices],
        labels=labelled.labels,
        metadata=metadata,
        split=split,
    )
    _report_classes(dataset, report)
    return dataset, report


@dataclass
class _LabelledRecords:
    """The records a label rule finds a label for, in file order.

    Attributes:
        indices: Each record's index in the parsed file.
        labels: Each record's label.
        raw_splits: Each record's split value as written ('' when none).
        metadata_rows: Each record's metadata (tags, table columns, description).
    """

    indices: list[int] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    raw_splits: list[str] = field(default_factory=list)
    metadata_rows: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def read(
        cls,
        parsed: ParsedFasta,
        rule: LabelRule,
        lookup: dict[str, dict[str, str]] | None,
        report: CleaningReport,
    ) -> _LabelledRecords:
        """Apply the rule to every record; list the unlabelled ones in the report."""
        labelled = cls()
        for index, (seq_id, description) in enumerate(
            zip(parsed.ids, parsed.descriptions, strict=True)
        ):
            label, split, extra = _record_label(seq_id, description, rule, lookup)
            if not label:
                report.unlabeled.append(seq_id)
                continue
            labelled.indices.append(index)
            labelled.labels.append(label)
            labelled.raw_splits.append(split)
            labelled.metadata_rows.append(extra)
        return labelled


def _report_classes(dataset: Dataset, report: CleaningReport) -> None:
    """Record the kept size and small classes, and note a data set of one class."""
    report.sequences_kept = len(dataset)
    report.small_classes = {
        label: int(count) for label, count in dataset.class_counts.items() if count < MIN_CLASS_SIZE
    }
    if len(dataset.classes) < 2:
        report.notes.append(
            f"Every sequence has the same label ({dataset.classes[0]!r}); training needs at least "
            "two classes. Check the label rule."
        )


def _table_lookup(
    rule: LabelRule, label_table: pd.DataFrame | None
) -> dict[str, dict[str, str]] | None:
    """Index the label table for a ``table`` rule; None for header rules."""
    if rule.kind != "table":
        return None
    if label_table is None:
        raise ProteinDataError("This label rule reads a label table; upload the CSV/TSV file.")
    return label_table_lookup(label_table, rule)


def _record_label(
    seq_id: str,
    description: str,
    rule: LabelRule,
    lookup: dict[str, dict[str, str]] | None,
) -> tuple[str, str, dict[str, str]]:
    """Label, raw split value and metadata of one record ('' label when none)."""
    tags = header_tags(description)
    if lookup is not None:
        row = table_row_for(seq_id, lookup) or {}
        label = str(row.get(rule.label_column, "")).strip()
        split = str(row.get(rule.split_column, "")).strip() if rule.split_column else ""
        used = {rule.label_column, rule.split_column}
        extra = {k: v for k, v in row.items() if k not in used}
    else:
        label = header_label(seq_id, description, rule)
        split = header_split(seq_id, description, rule)
        extra = {}
    metadata = {k: v for k, v in tags.items() if k not in {rule.key, rule.split_key}}
    metadata.update(extra)
    metadata["description"] = header_text(description)
    return label, split, metadata


def preview_labels(
    parsed: ParsedFasta,
    rule: LabelRule,
    *,
    label_table: pd.DataFrame | None = None,
    rows: int = 10,
) -> pd.DataFrame:
    """Show what a label rule reads from the first records, for a live preview.

    Args:
        parsed: Records from :func:`parse_fasta`.
        rule: The rule to try.
        label_table: The table for ``table`` rules.
        rows: Number of records to show.

    Returns:
        A frame with columns ``header``, ``label`` and (when the rule reads a
        split) ``split``; an empty label means the record would be left out.

    Raises:
        ProteinDataError: If the rule or table is unusable.
    """
    lookup = _table_lookup(rule, label_table)
    records = []
    for seq_id, description in zip(parsed.ids[:rows], parsed.descriptions[:rows], strict=True):
        label, split, _ = _record_label(seq_id, description, rule, lookup)
        record = {"header": ">" + description, "label": label}
        if rule.has_split:
            record["split"] = split
        records.append(record)
    return pd.DataFrame(records)


def _build_split(raw_splits: list[str], report: CleaningReport) -> list[str]:
    split = [normalise_split(value) for value in raw_splits]
    counts = Counter(split)
    report.split_counts = dict(sorted(counts.items()))
    missing = counts.pop("", 0)
    if missing:
        report.notes.append(
            f"{missing} record(s) have no split value; they are not used for training or testing."
        )
    others = {k: v for k, v in counts.items() if k not in ("train", "valid", "test")}
    if others:
        described = ", ".join(f"{k!r} ({v})" for k, v in others.items())
        report.notes.append(
            f"Split values other than train/valid/test are kept as they are and left out of "
            f"training and testing: {described}."
        )
    return split


def _metadata_frame(rows: list[dict[str, str]], ids: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, index=pd.Index(ids, name="id")).fillna("")
    if not frame["description"].astype(bool).any():
        frame = frame.drop(columns="description")
    for column in frame.columns:
        converted = pd.to_numeric(frame[column], errors="coerce")
        if converted.notna().all() and len(frame):
            frame[column] = converted
    return frame


def read_labeled_fasta(
    source: bytes | str | Path,
    rule: LabelRule | None = None,
    *,
    filename: str | None = None,
    name: str | None = None,
    label_table: pd.DataFrame | None = None,
    limits: Limits | None = None,
    duplicates: Duplicates = "error",
) -> tuple[Dataset, CleaningReport]:
    """Read a labeled protein FASTA file into a data set in one call.

    Args:
        source: The file's bytes or a path (plain or gzip-compressed).
        rule: The label rule; when None, one is suggested from the headers.
        filename: Name used in messages (defaults to the path's name).
        name: Data set name (defaults to the file name).
        label_table: The table for ``table`` rules.
        limits: Size limits; defaults to :meth:`Limits.from_env`.
        duplicates: ``error`` or ``keep_first`` for repeated IDs.

    Returns:
        The data set and the cleaning report.

    Raises:
        ProteinDataError: For any input that cannot become a usable data set.
    """
    parsed = parse_fasta(source, filename=filename, limits=limits, duplicates=duplicates)
    if rule is None:
        rule = parsed.suggest_rule()
        if rule is None:
            raise ProteinDataError(
                f"protviz could not find a label in the headers of '{parsed.source}' (first "
                f"header: {('>' + parsed.descriptions[0])[:80]!r}). Choose a label rule: an ID "
                "field, a key=value tag, a regular expression, or a label table."
            )
    return dataset_from_parsed(parsed, rule, name=name, label_table=label_table)
