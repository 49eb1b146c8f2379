"""The Data page's upload form (FASTA, label table, label rule) and data set summary.

Light: the Data page imports this module, so nothing here reaches TensorFlow.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from protviz.analysis.summary import length_table, rare_class_message
from protviz.app import state
from protviz.app.caches import cached_parse, cached_table
from protviz.app.errors import as_text, show_error
from protviz.app.state import DataKeys
from protviz.core.dataset import CleaningReport, Dataset, ProteinDataError
from protviz.io.datastore import save_dataset
from protviz.io.fasta import (
    FASTA_SUFFIXES,
    Limits,
    ParsedFasta,
    dataset_from_parsed,
    preview_labels,
)
from protviz.io.labels import LabelRule, default_table_columns
from protviz.io.rule_builder import (
    DEFAULT_PATTERN,
    RULE_KINDS,
    RuleChoices,
    header_rule,
    rule_choices,
    split_choice_label,
)
from protviz.report import figures as plots

SPLITS_SHOWN = ("train", "valid", "test")


def lead_to(dataset: Dataset, report: CleaningReport | None, ref: str) -> None:
    """Make ``dataset`` current and rerun the page, which then leads with it (its summary
    first, the chooser folded away)."""
    state.set_current_dataset(dataset, report, ref)
    state.DATA_CHOSEN.set(ref)
    st.rerun()


def chosen_note_ui(dataset: Dataset) -> None:
    """Say which data set was just made current, and where to go with it."""
    st.success(
        as_text(
            f"Now working on '{dataset.name}': {len(dataset):,} sequences, "
            f"{len(dataset.classes)} classes. Its summary is below; train on it on the Train "
            "page, or explore a run on it."
        ),
        icon=":material/check_circle:",
    )


def upload_ui() -> None:
    """Upload a FASTA (and optional label table), pick the label rule, and apply it."""
    fasta, table_file, keep_first = _files_ui()
    if fasta is None:
        st.info("Upload a FASTA file whose headers (or a label table) carry a class label.")
        return
    data = fasta.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    try:
        parsed = cached_parse(data, digest, fasta.name, keep_first)
        table = None if table_file is None else _read_table(table_file)
    except ProteinDataError as error:
        show_error(error)
        return
    st.success(
        as_text(f"Read {len(parsed.ids):,} sequences from '{parsed.source}'."),
        icon=":material/check:",
    )
    try:
        rule = rule_ui(parsed, table, digest)
        st.markdown("**Preview** of the first records under this rule (empty label: left out)")
        st.dataframe(
            preview_labels(parsed, rule, label_table=table), hide_index=True, key="preview"
        )
    except ProteinDataError as error:
        show_error(error)
        return
    if st.button("Use this data set", key=DataKeys.USE_UPLOAD, type="primary"):
        _use_upload(parsed, rule, table, fasta.name)


def _files_ui() -> tuple[UploadedFile | None, UploadedFile | None, bool]:
    """The FASTA and label-table uploaders and the duplicate-ID choice."""
    limits = Limits.from_env()
    fasta = st.file_uploader(
        "Labeled protein FASTA (.fasta, .fa, .faa, optionally .gz)",
        type=[s.lstrip(".") for s in FASTA_SUFFIXES] + ["gz"],
        key=DataKeys.FASTA_UPLOAD,
        help=f"Up to {limits.max_upload_bytes / 2**20:.0f} MB, {limits.max_sequences:,} "
        f"sequences, {limits.max_length:,} residues per sequence.",
    )
    table_file = st.file_uploader(
        "Optional label table (CSV/TSV: sequence ID, label, other columns become metadata)",
        type=["csv", "tsv", "tab", "txt"],
        key=DataKeys.TABLE_UPLOAD,
    )
    keep_first = st.checkbox(
        "If an ID occurs more than once, keep its first record (instead of refusing the file)",
        key=DataKeys.KEEP_FIRST,
    )
    return fasta, table_file, keep_first


def _read_table(table_file: UploadedFile) -> pd.DataFrame:
    """The uploaded label table, read once per content."""
    data = table_file.getvalue()
    return cached_table(data, hashlib.sha256(data).hexdigest(), table_file.name)


def _use_upload(
    parsed: ParsedFasta, rule: LabelRule, table: pd.DataFrame | None, name: str
) -> None:
    """Save the upload on the server (for share links) and make it the current data set."""
    try:
        dataset, report = dataset_from_parsed(parsed, rule, name=name, label_table=table)
        ref = save_dataset(dataset)
    except ProteinDataError as error:
        show_error(error)
        return
    except OSError as error:
        st.error(
            as_text(f"The data set could not be saved on the server ({error}).")
            + " Check that PROTVIZ\\_HOME is writable and has free space.",
            icon=":material/error:",
        )
        return
    lead_to(dataset, report, ref)


def rule_ui(parsed: ParsedFasta, table: pd.DataFrame | None, digest: str) -> LabelRule:
    """Widgets for the label rule, defaulting to the detected one; returns the rule."""
    choices = rule_choices(parsed, has_table=table is not None)
    st.caption(
        as_text(f"Detected from the headers: {choices.detected.describe()}.")
        if choices.detected
        else "No label was detected in the headers: choose a rule below or upload a label table."
    )
    kind = st.radio(
        "Label from",
        choices.kinds,
        index=choices.kinds.index(choices.default_kind),
        format_func=RULE_KINDS.get,
        horizontal=True,
        key=DataKeys.rule("rule_kind", f"{digest}_{table is not None}"),
    )
    if kind == "table" and table is not None:
        return _table_rule_ui(table, digest)
    return _header_rule_ui(kind, choices, digest)


def _table_rule_ui(table: pd.DataFrame, digest: str) -> LabelRule:
    """The label table's ID, label and split columns."""
    id_column, label_column, split_column = default_table_columns(table)
    columns = list(table.columns)
    split_choices = [None, *columns]
    left, middle, right = st.columns(3)
    return LabelRule(
        kind="table",
        id_column=left.selectbox(
            "ID column",
            columns,
            index=columns.index(id_column),
            key=DataKeys.rule("id_col", digest),
        ),
        label_column=middle.selectbox(
            "Label column",
            columns,
            index=columns.index(label_column),
            key=DataKeys.rule("label_col", digest),
        ),
        split_column=right.selectbox(
            "Split column (optional)",
            split_choices,
            index=split_choices.index(split_column),
            format_func=lambda c: "none" if c is None else c,
            key=DataKeys.rule("split_col", digest),
        ),
    )


def _header_rule_ui(kind: str, choices: RuleChoices, digest: str) -> LabelRule:
    """The header rule's value (field, tag or pattern) and split source."""
    left, right = st.columns(2)
    values: dict[str, object] = {}
    if kind == "field":
        values["field"] = int(
            left.number_input(
                "Field (0-based; -1 = last)",
                min_value=-20,
                max_value=50,
                value=choices.default_field,
                key=DataKeys.rule("field", digest),
            )
        )
        values["separator"] = right.text_input(
            "Separator", value="|", max_chars=3, key=DataKeys.rule("separator", digest)
        )
    elif kind == "key":
        values["key"] = left.text_input(
            "Tag name (as in >P1 host=human)",
            value=choices.default_tag,
            key=DataKeys.rule("key", digest),
            help=f"Tags found in the headers: {', '.join(choices.tags) or 'none'}.",
        )
    else:
        values["pattern"] = left.text_input(
            "Regular expression with one group",
            value=DEFAULT_PATTERN,
            key=DataKeys.rule("regex", digest),
            help=r"Searched in the header without '>'; e.g. OS=(\w+ \w+) for UniProt species.",
        )
    split = right.selectbox(
        "Split (train/valid/test, optional)",
        choices.splits,
        index=choices.default_split,
        format_func=split_choice_label,
        key=DataKeys.rule("split", digest),
    )
    return header_rule(kind, split, **values)  # type: ignore[arg-type]


def summary_ui(dataset: Dataset) -> None:
    """Summarise the current data set: numbers, report, figures, table, download."""
    st.divider()
    st.subheader(as_text(f"Current data set: {dataset.name}"))
    _numbers_ui(dataset)
    rare = rare_class_message(dataset)
    if rare is not None:
        st.warning(as_text(rare), icon=":material/warning:")
    report = state.dataset_report()
    if report is not None:
        messages = report.messages()
        with st.expander(
            f"Validation report: {report.records_read:,} records read, "
            f"{report.sequences_kept:,} kept, {len(messages)} remark(s)",
            expanded=bool(messages),
        ):
            for message in messages or ["Nothing was changed or left out."]:
                st.markdown("- " + as_text(message))
    _tabs_ui(dataset)
    st.download_button(
        "Download the cleaned, relabelled FASTA",
        data=dataset.to_fasta,
        file_name=f"protviz-{dataset.short_hash}.fasta",
        mime="text/plain",
        key=DataKeys.DOWNLOAD_FASTA,
        icon=":material/download:",
    )


def _numbers_ui(dataset: Dataset) -> None:
    """Sequences, classes, median length and split sizes."""
    columns = st.columns([1, 1, 1, 2])
    columns[0].metric("Sequences", f"{len(dataset):,}")
    columns[1].metric("Classes", len(dataset.classes))
    columns[2].metric("Median length", f"{int(pd.Series(dataset.lengths).median()):,}")
    if dataset.split is None:
        columns[3].metric("Split", "none", help="A stratified split is drawn at training time.")
    else:
        counts = pd.Series(dataset.split).value_counts()
        shown = " / ".join(f"{counts.get(split, 0):,}" for split in SPLITS_SHOWN)
        columns[3].metric("Split train / valid / test", shown)


def _tabs_ui(dataset: Dataset) -> None:
    """Classes, lengths, composition and the sequences, one tab each."""
    classes_tab, lengths_tab, composition_tab, table_tab = st.tabs(
        ["Classes", "Lengths", "Composition", "Sequences"]
    )
    with classes_tab:
        st.plotly_chart(plots.class_counts_figure(dataset), key="class_counts")
    with lengths_tab:
        st.plotly_chart(plots.length_distribution_figure(dataset), key="lengths")
        st.dataframe(length_table(dataset), key="length_table")
    with composition_tab:
        st.plotly_chart(plots.composition_heatmap_figure(dataset), key="composition")
    with table_tab:
        frame = dataset.to_frame()
        frame.insert(len(frame.columns), "sequence", [s[:60] for s in dataset.sequences])
        st.dataframe(frame, hide_index=True, key="sequence_table")
