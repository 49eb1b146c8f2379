"""Label rules: how a class label (and optional split) is read from a FASTA header.

Four kinds of rule cover the headers biologists meet:

- ``field``: a ``|``-separated field of the ID, e.g. field 1 of ``>P31946|cytoplasmic``
  or the last field (-1) of ``>A/duck/Alberta/35/76|CY020291|H1N1|Human``;
- ``key``: a ``key=value`` tag in the description, e.g. ``>P1 host=human``;
- ``regex``: a regular expression with one group, searched in the whole header;
- ``table``: a CSV/TSV file mapping sequence ID to a label column and metadata.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

from protviz.core.dataset import ProteinDataError

LabelKind = Literal["field", "key", "regex", "table"]
LABEL_KINDS: tuple[LabelKind, ...] = ("field", "key", "regex", "table")

_TAG = re.compile(r"""(?:^|\s)([A-Za-z_][\w.\-]*)=("[^"]*"|'[^']*'|\S+)""")


@dataclass(frozen=True)
class LabelRule:
    """Where the class label (and optionally the split) of each record comes from.

    Attributes:
        kind: ``field``, ``key``, ``regex`` or ``table``.
        field: For ``field``: 0-based index into the ID split on ``separator``;
            negative values count from the end (-1 is the last field).
        separator: For ``field``: the separator of ID fields.
        key: For ``key``: the tag name, as in ``key=value``.
        pattern: For ``regex``: a regular expression with exactly one group,
            searched in the header without its ``>``.
        split_field: Optional ID field (same separator) that holds the split.
        split_key: Optional tag name that holds the split.
        id_column: For ``table``: the column with sequence IDs.
        label_column: For ``table``: the column with class labels.
        split_column: For ``table``: optional column with the split.
    """

    kind: LabelKind = "field"
    field: int = 1
    separator: str = "|"
    key: str = ""
    pattern: str = ""
    split_field: int | None = None
    split_key: str | None = None
    id_column: str = ""
    label_column: str = ""
    split_column: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in LABEL_KINDS:
            raise ProteinDataError(
                f"Unknown label rule kind {self.kind!r}; choose one of {', '.join(LABEL_KINDS)}."
            )
        if self.kind == "field" and not self.separator:
            raise ProteinDataError("The field separator is empty; use e.g. '|'.")
        if self.kind == "key" and not _is_tag_name(self.key):
            raise ProteinDataError(
                f"The tag name {self.key!r} is not valid; use letters, digits and '_' as in "
                "'host' for headers like '>P1 host=human'."
            )
        if self.kind == "regex":
            compile_label_pattern(self.pattern)
        if self.split_key is not None and not _is_tag_name(self.split_key):
            raise ProteinDataError(f"The split tag name {self.split_key!r} is not valid.")

    @property
    def has_split(self) -> bool:
        """Whether the rule also reads a predefined split."""
        if self.kind == "table":
            return bool(self.split_column)
        return self.split_field is not None or bool(self.split_key)

    def describe(self) -> str:
        """A short sentence describing the rule, for reports and the page."""
        if self.kind == "field":
            where = "the last" if self.field == -1 else f"field {self.field} (0-based) of the"
            text = f"label = {where} {self.separator!r}-separated ID field"
        elif self.kind == "key":
            text = f"label = the value of the '{self.key}=' tag"
        elif self.kind == "regex":
            text = f"label = the group of the regular expression {self.pattern!r}"
        else:
            text = f"label = column {self.label_column!r} of the label table"
        if self.split_field is not None and self.kind != "table":
            text += f"; split = ID field {self.split_field}"
        elif self.split_key and self.kind != "table":
            text += f"; split = the '{self.split_key}=' tag"
        elif self.kind == "table" and self.split_column:
            text += f"; split = column {self.split_column!r}"
        return text

    def to_dict(self) -> dict:
        """The rule as plain JSON-serialisable data."""
        return asdict(self)


def _is_tag_name(name: str | None) -> bool:
    return bool(name) and re.fullmatch(r"[A-Za-z_][\w.\-]*", name) is not None


def compile_label_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a label regular expression and check it has exactly one group.

    Args:
        pattern: The regular expression.

    Returns:
        The compiled pattern.

    Raises:
        ProteinDataError: If the pattern does not compile or has not exactly one group.
    """
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ProteinDataError(
            f"The regular expression {pattern!r} is not valid: {error}. "
            r"Example: 'OS=(\w+ \w+)' takes the species from a UniProt header."
        ) from None
    if compiled.groups != 1:
        raise ProteinDataError(
            f"The regular expression {pattern!r} has {compiled.groups} groups; it needs exactly "
            "one group in parentheses around the label, e.g. 'host=(\\w+)'. Use (?:...) for "
            "other groupings."
        )
    return compiled


def header_tags(description: str) -> dict[str, str]:
    """Return the ``key=value`` tags of a FASTA header, quotes removed.

    Args:
        description: The header line without ``>``.

    Returns:
        Tag names mapped to values, in order of appearance (the first wins).
    """
    tags: dict[str, str] = {}
    for name, value in _TAG.findall(description):
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        tags.setdefault(name, value)
    return tags


def header_text(description: str) -> str:
    """Return the free text of a header: without the ID and without ``key=value`` tags."""
    words = description.split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    return " ".join(_TAG.sub(" ", rest).split())


def _id_field(seq_id: str, separator: str, index: int) -> str:
    parts = seq_id.split(separator)
    if -len(parts) <= index < len(parts):
        return parts[index].strip()
    return ""


def header_label(seq_id: str, description: str, rule: LabelRule) -> str:
    """Apply a header-based rule to one record.

    Args:
        seq_id: The record ID (first word of the header).
        description: The whole header without ``>``.
        rule: A rule of kind ``field``, ``key`` or ``regex``.

    Returns:
        The label, or an empty string when the rule finds none.
    """
    if rule.kind == "field":
        return _id_field(seq_id, rule.separator, rule.field)
    if rule.kind == "key":
        return header_tags(description).get(rule.key, "").strip()
    if rule.kind == "regex":
        match = compile_label_pattern(rule.pattern).search(description)
        return (match.group(1) or "").strip() if match else ""
    raise ValueError("table rules need the label table; use label_table_lookup")


def header_split(seq_id: str, description: str, rule: LabelRule) -> str:
    """Return the raw split value of one record under a header rule ('' when none)."""
    if rule.split_field is not None:
        return _id_field(seq_id, rule.separator, rule.split_field)
    if rule.split_key:
        return header_tags(description).get(rule.split_key, "").strip()
    return ""


def normalise_split(value: str) -> str:
    """Map a split name to ``train``, ``valid`` or ``test`` where it clearly is one.

    ``train_mzsubset`` becomes ``train``; ``eval``, ``val`` and ``dev`` become
    ``valid``; ``held-out`` becomes ``test``. Other values are returned
    lower-cased (such records are kept out of training and testing).

    Args:
        value: The split value as written in the source.

    Returns:
        The normalised split name; '' for an empty value.
    """
    lowered = value.strip().lower()
    if lowered.startswith("train"):
        return "train"
    if lowered.startswith(("valid", "val", "eval", "dev")):
        return "valid"
    if lowered.startswith(("test", "held")):
        return "test"
    return lowered


_LABEL_NAMES = {"label", "class", "host", "location", "localization", "family", "species"}
_SPLIT_WORDS = re.compile(r"^(train|valid|val|eval|dev|test|held)", re.IGNORECASE)


def _looks_like_split(values: Counter[str]) -> bool:
    matching = sum(n for v, n in values.items() if _SPLIT_WORDS.match(v))
    return matching >= 0.5 * sum(values.values()) and len(values) <= 10


def _class_like(values: Counter[str], n_records: int) -> bool:
    """Whether a column of values could be class labels."""
    missing = values.get("", 0)
    present = {v: n for v, n in values.items() if v}
    if not present or missing > 0.2 * n_records:
        return False
    distinct = len(present)
    if distinct > 200 or (n_records >= 20 and distinct > n_records // 2):
        return False
    # In a small file every label may be distinct; accessions (with digits) are not labels.
    if distinct == n_records > 1 and any(ch.isdigit() for v in present for ch in v):
        return False
    numeric = sum(1 for v in present if re.fullmatch(r"[-+]?\d+(\.\d+)?", v))
    return numeric < distinct


def suggest_label_rule(ids: Sequence[str], descriptions: Sequence[str]) -> LabelRule | None:
    """Suggest a header-based label rule from a sample of records.

    Looks at ``|``-separated ID fields and ``key=value`` tags and picks the one
    that looks most like class labels (few distinct, non-numeric values), and
    a split field or tag when one holds values like train/valid/test.

    Args:
        ids: Record IDs (first header words).
        descriptions: Whole headers without ``>``, same order.

    Returns:
        The suggested rule, or None when no field or tag looks like a label.
    """
    if len(ids) == 0:
        return None
    field_candidates, split_field = _field_candidates(ids)
    tag_candidates, split_key = _tag_candidates(descriptions, len(ids))
    # A stable sort: on equal ranks, ID fields come before tags.
    candidates = sorted([*field_candidates, *tag_candidates], key=lambda item: item[0])
    if not candidates:
        return None
    best = candidates[0][1]
    if best.kind == "field" and split_field is not None:
        return LabelRule(kind="field", field=best.field, split_field=split_field)
    if split_key is not None:
        return LabelRule(kind=best.kind, field=best.field, key=best.key, split_key=split_key)
    if split_field is not None:
        return LabelRule(kind=best.kind, key=best.key, split_field=split_field)
    return best


_Candidate = tuple[tuple[int, int, int], LabelRule]
"""A possible label rule and its rank (group, order, size): the lowest rank wins."""


def _field_candidates(ids: Sequence[str]) -> tuple[list[_Candidate], int | None]:
    """Rank the ``|``-separated ID fields that look like labels; find a split field.

    Returns:
        The candidate rules, and the index of the first field holding split
        names (None when none does).
    """
    candidates: list[_Candidate] = []
    split_field: int | None = None
    field_counts = Counter(len(i.split("|")) for i in ids)
    n_fields = field_counts.most_common(1)[0][0]
    if n_fields == 1:
        return candidates, split_field
    for index in range(n_fields):
        values = Counter(_id_field(i, "|", index) for i in ids)
        if _looks_like_split(values) and split_field is None:
            split_field = index
        elif _class_like(values, len(ids)):
            # Prefer the last field of long IDs, then fewer distinct values.
            field = -1 if index == n_fields - 1 and n_fields > 2 else index
            # Labels are usually appended: the last of several fields comes first.
            last = index == n_fields - 1
            rank = (1 if len(values) > 1 else 3, 0 if last else 1, len(values) - index)
            candidates.append((rank, LabelRule(kind="field", field=field)))
    return candidates, split_field


def _tag_candidates(
    descriptions: Sequence[str], n_records: int
) -> tuple[list[_Candidate], str | None]:
    """Rank the ``key=value`` tags that look like labels; find a split tag.

    Returns:
        The candidate rules, and the first tag holding split names (None when
        none does).
    """
    candidates: list[_Candidate] = []
    split_key: str | None = None
    tag_values: dict[str, Counter[str]] = {}
    for description in descriptions:
        for name, value in header_tags(description).items():
            tag_values.setdefault(name, Counter())[value] += 1
    for name, values in tag_values.items():
        values[""] += n_records - sum(values.values())
        if _looks_like_split(Counter({k: v for k, v in values.items() if k})) and not split_key:
            split_key = name
        elif _class_like(values, n_records):
            # A tag named like a label wins; other tags (often annotations) rank after ID fields.
            preferred = name.lower() in _LABEL_NAMES
            rank = (0 if preferred else 2, 0, len(values))
            rank = rank if len(values) > 1 else (3, *rank[1:])
            candidates.append((rank, LabelRule(kind="key", key=name)))
    return candidates, split_key


# --------------------------------------------------------------------------- label tables


def read_label_table(data: bytes, filename: str = "labels.csv") -> pd.DataFrame:
    """Read a CSV or TSV file that maps sequence IDs to labels and metadata.

    The separator is a tab for ``.tsv``/``.tab`` files or when the first line
    contains a tab, else a comma. Every cell is read as text.

    Args:
        data: The file's bytes.
        filename: The file's name, for the separator and messages.

    Returns:
        The table, all columns as strings, with a header row.

    Raises:
        ProteinDataError: If the file is empty, not text, or not a table.
    """
    if not data.strip():
        raise ProteinDataError(f"The label table '{filename}' is empty.")
    if b"\x00" in data:
        raise ProteinDataError(
            f"The label table '{filename}' is a binary file (an Excel workbook?). "
            "Save it as CSV or tab-separated text and upload that."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    tab = filename.lower().endswith((".tsv", ".tab")) or "\t" in first_line
    try:
        table = pd.read_csv(
            io.StringIO(text), sep="\t" if tab else ",", dtype=str, keep_default_na=False
        )
    except (pd.errors.ParserError, ValueError) as error:
        raise ProteinDataError(
            f"The label table '{filename}' could not be read as "
            f"{'TSV' if tab else 'CSV'}: {error}. Each line needs the same number of columns."
        ) from None
    if not isinstance(table.index, pd.RangeIndex):
        # pandas turns the extra leading cells of a too-long first row into an index.
        raise ProteinDataError(
            f"The first row of the label table '{filename}' has {table.index.nlevels} more "
            "cell(s) than its header line. Each line needs the same number of columns; remove "
            "the extra cells or name every column in the header."
        )
    if table.shape[1] < 2:
        raise ProteinDataError(
            f"The label table '{filename}' has {table.shape[1]} column(s); it needs at least "
            "two: the sequence ID and the label (for example 'id,label')."
        )
    table.columns = [str(c).strip() for c in table.columns]
    return table


def default_table_columns(table: pd.DataFrame) -> tuple[str, str, str | None]:
    """Guess the ID, label and split columns of a label table.

    Args:
        table: A table from :func:`read_label_table`.

    Returns:
        ``(id_column, label_column, split_column)``; the split column is None
        when no column is named like ``split`` or ``set``.
    """
    lowered = {c.lower(): c for c in table.columns}
    id_column = next(
        (lowered[n] for n in ("id", "seq_id", "accession", "entry", "name") if n in lowered),
        table.columns[0],
    )
    others = [c for c in table.columns if c != id_column]
    split_column = next((lowered[n] for n in ("split", "set", "partition") if n in lowered), None)
    label_column = next(
        (lowered[n] for n in ("label", "class", "location", "host", "family") if n in lowered),
        next(c for c in others if c != split_column) if len(others) > 1 else others[0],
    )
    return id_column, label_column, split_column


def label_table_lookup(table: pd.DataFrame, rule: LabelRule) -> dict[str, dict[str, str]]:
    """Index a label table by sequence ID.

    Args:
        table: The label table.
        rule: A ``table`` rule naming the ID, label and split columns.

    Returns:
        Each ID mapped to its row (column name to value).

    Raises:
        ProteinDataError: If a named column is missing or an ID occurs twice.
    """
    for role, column in (
        ("ID", rule.id_column),
        ("label", rule.label_column),
        ("split", rule.split_column),
    ):
        if column and column not in table.columns:
            raise ProteinDataError(
                f"The label table has no {role} column {column!r}; its columns are "
                f"{', '.join(map(repr, table.columns))}."
            )
    ids = table[rule.id_column].str.strip()
    duplicated = ids[ids.duplicated()].unique().tolist()
    if duplicated:
        raise ProteinDataError(
            f"The label table lists {len(duplicated)} ID(s) more than once, e.g. "
            f"{', '.join(map(repr, duplicated[:5]))}. Keep one row per sequence ID."
        )
    rows = table.assign(**{rule.id_column: ids}).set_index(rule.id_column)
    return {str(k): v for k, v in rows.to_dict(orient="index").items()}


def table_row_for(seq_id: str, lookup: dict[str, dict[str, str]]) -> dict[str, str] | None:
    """Find a record's row in a label table.

    The whole ID is tried first, then each ``|``-separated part of it, so that
    a table keyed by accession matches headers like ``>sp|P12345|NAME_HUMAN``.

    Args:
        seq_id: The record ID.
        lookup: The table indexed by :func:`label_table_lookup`.

    Returns:
        The row, or None when the ID is not in the table.
    """
    row = lookup.get(seq_id)
    if row is not None:
        return row
    for part in seq_id.split("|"):
        row = lookup.get(part.strip())
        if row is not None:
            return row
    return None
