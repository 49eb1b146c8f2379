"""The labeled protein data set every other part of protviz works on."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from protviz.core.errors import ProtvizError

SPLITS = ("train", "valid", "test")
"""The split names protviz trains and evaluates on."""


class ProteinDataError(ProtvizError):
    """Input that cannot become a usable data set.

    The message says what is wrong, where (record number, ID, line) and how to
    fix it, in words meant for the person who supplied the file.
    """


def content_hash(
    ids: Sequence[str],
    sequences: Sequence[str],
    labels: Sequence[str],
    split: Sequence[str] | None,
) -> str:
    """Return a stable SHA-256 hex digest of a data set's content.

    Args:
        ids: Sequence IDs, in order.
        sequences: Cleaned sequences, in order.
        labels: Class labels, in order.
        split: Split names, in order, or None when the data set has no split.

    Returns:
        A 64-character hexadecimal digest that changes whenever an ID, residue,
        label or split assignment changes.
    """
    digest = hashlib.sha256()
    splits = split if split is not None else [""] * len(ids)
    for parts in zip(ids, labels, splits, sequences, strict=True):
        digest.update("\t".join(parts).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True, eq=False)
class Dataset:
    """Labeled protein sequences, cleaned and ready for encoding.

    Attributes:
        name: A short human-readable name (file name or built-in name).
        ids: One ID per sequence (the first word of each FASTA header), unique.
        sequences: Cleaned sequences over ``protviz.core.alphabet.PROTEIN_ALPHABET``.
        labels: One class label per sequence.
        metadata: One row per sequence, indexed by ID; extra columns from header
            tags or the label table (may have no columns).
        split: One of ``train``/``valid``/``test`` (or another value the source
            used) per sequence, or None when the source defines no split.
        content_hash: SHA-256 of IDs, labels, split and sequences.
    """

    name: str
    ids: tuple[str, ...]
    sequences: tuple[str, ...]
    labels: tuple[str, ...]
    metadata: pd.DataFrame
    split: tuple[str, ...] | None
    content_hash: str

    @classmethod
    def create(
        cls,
        name: str,
        ids: Sequence[str],
        sequences: Sequence[str],
        labels: Sequence[str],
        metadata: pd.DataFrame | None = None,
        split: Sequence[str] | None = None,
    ) -> Dataset:
        """Build a data set and compute its content hash.

        Args:
            name: Human-readable name.
            ids: Unique sequence IDs.
            sequences: Cleaned sequences, same length as ``ids``.
            labels: Class labels, same length as ``ids``.
            metadata: Optional frame indexed by ID with extra columns.
            split: Optional split name per sequence.

        Returns:
            The data set.

        Raises:
            ValueError: If the lengths disagree or the IDs are not unique.
        """
        n = len(ids)
        if len(sequences) != n or len(labels) != n or (split is not None and len(split) != n):
            raise ValueError(
                f"ids, sequences, labels and split must have the same length; got "
                f"{n}, {len(sequences)}, {len(labels)}, {None if split is None else len(split)}"
            )
        if len(set(ids)) != n:
            raise ValueError("sequence IDs must be unique")
        index = pd.Index(list(ids), name="id")
        metadata = pd.DataFrame(index=index) if metadata is None else metadata.reindex(index)
        split_tuple = tuple(split) if split is not None else None
        return cls(
            name=name,
            ids=tuple(ids),
            sequences=tuple(sequences),
            labels=tuple(labels),
            metadata=metadata,
            split=split_tuple,
            content_hash=content_hash(ids, sequences, labels, split_tuple),
        )

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of the content hash, for display and file names."""
        return self.content_hash[:12]

    @property
    def classes(self) -> list[str]:
        """The distinct labels, sorted."""
        return sorted(set(self.labels))

    @property
    def class_counts(self) -> pd.Series:
        """Number of sequences per class, largest first (ties by name)."""
        counts = Counter(self.labels)
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return pd.Series(dict(ordered), name="sequences", dtype=int)

    @property
    def lengths(self) -> np.ndarray:
        """Sequence lengths, shape ``(n_sequences,)``."""
        return np.fromiter((len(s) for s in self.sequences), dtype=np.int64, count=len(self))

    def to_frame(self) -> pd.DataFrame:
        """One row per sequence: id, label, split (if any), length and metadata columns."""
        frame = pd.DataFrame(
            {"id": list(self.ids), "label": list(self.labels), "length": self.lengths}
        )
        if self.split is not None:
            frame.insert(2, "split", list(self.split))
        extra = self.metadata.reset_index(drop=True)
        extra = extra[[c for c in extra.columns if c not in frame.columns]]
        return pd.concat([frame, extra], axis=1)

    def to_fasta(self, line_width: int = 60) -> str:
        """Write the cleaned, relabelled data set as FASTA text.

        Headers are ``>ID label=LABEL`` (plus ``split=SPLIT`` when the data set
        has a split), so reading the file back with the ``label`` key rule gives
        the same data set.

        Args:
            line_width: Residues per sequence line.

        Returns:
            The FASTA text, ending with a newline.
        """
        out: list[str] = []
        splits = self.split if self.split is not None else [None] * len(self)
        for seq_id, label, split, sequence in zip(
            self.ids, self.labels, splits, self.sequences, strict=True
        ):
            header = f">{seq_id} label={_tag_value(label)}"
            if split is not None:
                header += f" split={_tag_value(split)}"
            out.append(header)
            out.extend(
                sequence[start : start + line_width]
                for start in range(0, len(sequence), line_width)
            )
        return "\n".join(out) + "\n"


def _tag_value(value: str) -> str:
    """Quote a key=value tag value when it contains whitespace."""
    return f'"{value}"' if any(ch.isspace() for ch in value) else value


@dataclass
class CleaningReport:
    """What ingestion changed, dropped or noticed, in counts and IDs.

    Attributes:
        source: File name or built-in name.
        records_read: FASTA records in the input.
        sequences_kept: Records in the resulting data set.
        compressed: Whether the input was gzip-compressed.
        encoding: Text encoding the file was read with.
        lowercase_records: Records whose lowercase letters were upper-cased.
        stop_symbols_stripped: Records whose trailing ``*`` was removed.
        gap_records: Records that contained alignment gaps.
        gap_characters_removed: ``-`` and ``.`` characters removed.
        junk_characters_removed: Whitespace and digits removed from sequence lines.
        mapped_to_unknown: Count per letter (B, Z, J, U, O) mapped to X.
        duplicates_dropped: IDs whose later records were dropped (keep-first mode).
        unlabeled: IDs excluded because the label rule found no label.
        small_classes: Classes too small for a stratified train/valid/test split.
        split_counts: Sequences per split value, when the data set has a split.
        notes: Other remarks, as sentences.
    """

    source: str = ""
    records_read: int = 0
    sequences_kept: int = 0
    compressed: bool = False
    encoding: str = "utf-8"
    lowercase_records: int = 0
    stop_symbols_stripped: int = 0
    gap_records: int = 0
    gap_characters_removed: int = 0
    junk_characters_removed: int = 0
    mapped_to_unknown: dict[str, int] = field(default_factory=dict)
    duplicates_dropped: list[str] = field(default_factory=list)
    unlabeled: list[str] = field(default_factory=list)
    small_classes: dict[str, int] = field(default_factory=dict)
    split_counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def messages(self) -> list[str]:
        """Describe every change and warning as a sentence, most important first."""
        out: list[str] = []
        if self.unlabeled:
            out.append(
                f"{len(self.unlabeled)} record(s) had no label under the chosen rule and were "
                f"left out: {_preview(self.unlabeled)}."
            )
        if self.duplicates_dropped:
            out.append(
                f"{len(self.duplicates_dropped)} duplicate ID(s) occurred more than once; only "
                f"the first record of each was kept: {_preview(self.duplicates_dropped)}."
            )
        if self.small_classes:
            described = ", ".join(f"{k} ({v})" for k, v in self.small_classes.items())
            out.append(
                f"{len(self.small_classes)} class(es) have fewer than {MIN_CLASS_SIZE} sequences, "
                f"too few for a stratified train/validation/test split: {described}. "
                "Add sequences, merge classes, or expect them to be missing from some splits."
            )
        if self.gap_records:
            out.append(
                f"Alignment gaps ('-' or '.') were removed: {self.gap_characters_removed} "
                f"character(s) in {self.gap_records} record(s). protviz reads unaligned sequences."
            )
        if self.mapped_to_unknown:
            described = ", ".join(f"{k}: {v}" for k, v in sorted(self.mapped_to_unknown.items()))
            out.append(f"Non-standard residues were mapped to X ({described}).")
        if self.lowercase_records:
            out.append(
                f"Lowercase residues were upper-cased in {self.lowercase_records} record(s)."
            )
        if self.stop_symbols_stripped:
            out.append(f"A trailing '*' was removed from {self.stop_symbols_stripped} record(s).")
        if self.junk_characters_removed:
            out.append(
                f"{self.junk_characters_removed} space(s), tab(s) or digit(s) inside sequence "
                "lines were removed."
            )
        out.extend(self.notes)
        return out

    def to_dict(self) -> dict:
        """The report as JSON-serialisable data, with its messages."""
        data = asdict(self)
        data["messages"] = self.messages()
        return data


MIN_CLASS_SIZE = 3
"""Members a class needs to appear in each of train, validation and test."""


def _preview(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def require_classes(dataset: Dataset, minimum: int = 2) -> None:
    """Check that a data set has enough classes to train a classifier.

    Args:
        dataset: The data set to check.
        minimum: The smallest acceptable number of classes.

    Raises:
        ProteinDataError: If the data set has fewer than ``minimum`` classes.
    """
    classes = dataset.classes
    if len(classes) < minimum:
        found = ", ".join(repr(c) for c in classes) or "none"
        raise ProteinDataError(
            f"Training needs at least {minimum} classes, but '{dataset.name}' has "
            f"{len(classes)} ({found}). Check the label rule: it may be reading a field that "
            "is the same for every sequence."
        )
