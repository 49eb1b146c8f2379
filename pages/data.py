"""Data page: choose a built-in data set or upload a labeled FASTA, then inspect it."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from protviz.analysis.summary import length_table
from protviz.app.common import (
    DATASET,
    DATASET_REPORT,
    as_text,
    cached_builtin,
    cached_dataset,
    current_dataset,
    is_read_only,
    read_only_notice,
    set_current_dataset,
    share_link_ui,
    show_error,
    use_app_navigation,
)
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.core.store import store_root
from protviz.io.builtin import BUILTINS
from protviz.io.datastore import list_datasets, save_dataset
from protviz.io.fasta import (
    FASTA_SUFFIXES,
    Limits,
    ParsedFasta,
    dataset_from_parsed,
    parse_fasta,
    preview_labels,
)
from protviz.io.labels import (
    LabelRule,
    default_table_columns,
    header_tags,
    read_label_table,
)
from protviz.report import figures as plots

use_app_navigation()

BUILTIN_SOURCE = "Built-in data set"
SAVED_SOURCE = "Saved on this server"
UPLOAD_SOURCE = "Upload FASTA"
RULE_KINDS = {
    "field": "ID field",
    "key": "key=value tag",
    "regex": "Regular expression",
    "table": "Label table",
}


@st.cache_data(show_spinner="Reading the FASTA file...", max_entries=4)
def cached_parse(_data: bytes, digest: str, filename: str, keep_first: bool) -> ParsedFasta:
    """Parse an upload once per content (``digest``) and duplicate mode."""
    return parse_fasta(_data, filename=filename, duplicates="keep_first" if keep_first else "error")


@st.cache_data(show_spinner=False, max_entries=4)
def cached_table(_data: bytes, digest: str, filename: str) -> pd.DataFrame:
    """Read a label table once per content (``digest``)."""
    return read_label_table(_data, filename)


def source_ui(read_only: bool) -> str:
    """Where the data set comes from (no uploads, and no list of saved ones, when read-only:
    there, saved data sets are reached through links only)."""
    sources = [BUILTIN_SOURCE] if read_only else [BUILTIN_SOURCE, SAVED_SOURCE, UPLOAD_SOURCE]
    if read_only:
        read_only_notice("uploading data")
    return st.radio("Source", sources, horizontal=True, key="data_source")


def saved_ui() -> None:
    """Choose a data set uploaded earlier (saved on this server) and make it current."""
    saved = list_datasets()
    if not saved:
        st.info("No uploaded data sets are saved on this server yet.")
        return
    by_ref = {entry.ref: entry for entry in saved}
    ref = st.selectbox(
        "Saved data set (newest first)",
        list(by_ref),
        format_func=lambda r: (
            f"{by_ref[r].name}: {by_ref[r].sequences:,} sequences, {by_ref[r].classes} classes "
            f"[{r[:12]}]"
        ),
        key="saved_ref",
    )
    if st.button("Use this data set", key="use_saved", type="primary"):
        try:
            set_current_dataset(cached_dataset(ref, str(store_root())), None, ref)
        except ProteinDataError as error:
            show_error(error)


def builtin_ui() -> None:
    """Choose a built-in data set and make it current."""
    key = st.selectbox(
        "Built-in data set",
        list(BUILTINS),
        format_func=lambda k: BUILTINS[k].title,
        key="builtin_key",
    )
    st.caption(BUILTINS[key].description)
    if st.button("Use this data set", key="use_builtin", type="primary"):
        try:
            set_current_dataset(cached_builtin(key), None, key)
        except ProteinDataError as error:
            show_error(error)


def upload_ui() -> None:
    """Upload a FASTA (and optional label table), pick the label rule, and apply it."""
    limits = Limits.from_env()
    fasta = st.file_uploader(
        "Labeled protein FASTA (.fasta, .fa, .faa, optionally .gz)",
        type=[s.lstrip(".") for s in FASTA_SUFFIXES] + ["gz"],
        key="fasta_upload",
        help=f"Up to {limits.max_upload_bytes / 2**20:.0f} MB, {limits.max_sequences:,} "
        f"sequences, {limits.max_length:,} residues per sequence.",
    )
    table_file = st.file_uploader(
        "Optional label table (CSV/TSV: sequence ID, label, other columns become metadata)",
        type=["csv", "tsv", "tab", "txt"],
        key="table_upload",
    )
    keep_first = st.checkbox(
        "If an ID occurs more than once, keep its first record (instead of refusing the file)",
        key="keep_first",
    )
    if fasta is None:
        st.info("Upload a FASTA file whose headers (or a label table) carry a class label.")
        return
    data = fasta.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    try:
        parsed = cached_parse(data, digest, fasta.name, keep_first)
        table = None
        if table_file is not None:
            table_data = table_file.getvalue()
            table_digest = hashlib.sha256(table_data).hexdigest()
            table = cached_table(table_data, table_digest, table_file.name)
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
    if st.button("Use this data set", key="use_upload", type="primary"):
        try:
            dataset, report = dataset_from_parsed(parsed, rule, name=fasta.name, label_table=table)
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
        set_current_dataset(dataset, report, ref)


def _split_options(parsed: ParsedFasta, tags: list[str]) -> list[tuple[str, int | str | None]]:
    n_fields = max((len(i.split("|")) for i in parsed.ids[:200]), default=1)
    options: list[tuple[str, int | str | None]] = [("none", None)]
    options += [("field", i) for i in range(n_fields)]
    options += [("key", tag) for tag in tags]
    return options


def _split_label(option: tuple[str, int | str | None]) -> str:
    kind, value = option
    if kind == "none":
        return "no predefined split"
    return f"ID field {value}" if kind == "field" else f"tag {value}="


def rule_ui(parsed: ParsedFasta, table: pd.DataFrame | None, digest: str) -> LabelRule:
    """Widgets for the label rule, defaulting to the detected one; returns the rule."""
    detected = parsed.suggest_rule()
    suggestion = detected or LabelRule()
    st.caption(
        as_text(f"Detected from the headers: {detected.describe()}.")
        if detected
        else "No label was detected in the headers: choose a rule below or upload a label table."
    )
    kinds = ["field", "key", "regex"] + (["table"] if table is not None else [])
    default_kind = "table" if table is not None else suggestion.kind
    kind = st.radio(
        "Label from",
        kinds,
        index=kinds.index(default_kind),
        format_func=RULE_KINDS.get,
        horizontal=True,
        key=f"rule_kind_{digest}_{table is not None}",
    )
    tags = sorted({t for d in parsed.descriptions[:500] for t in header_tags(d)})
    if kind == "table" and table is not None:
        id_column, label_column, split_column = default_table_columns(table)
        columns = list(table.columns)
        left, middle, right = st.columns(3)
        split_choices = [None, *columns]
        return LabelRule(
            kind="table",
            id_column=left.selectbox(
                "ID column", columns, index=columns.index(id_column), key=f"id_col_{digest}"
            ),
            label_column=middle.selectbox(
                "Label column",
                columns,
                index=columns.index(label_column),
                key=f"label_col_{digest}",
            ),
            split_column=right.selectbox(
                "Split column (optional)",
                split_choices,
                index=split_choices.index(split_column),
                format_func=lambda c: "none" if c is None else c,
                key=f"split_col_{digest}",
            ),
        )
    left, right = st.columns(2)
    rule_args: dict = {"kind": kind}
    if kind == "field":
        rule_args["field"] = int(
            left.number_input(
                "Field (0-based; -1 = last)",
                min_value=-20,
                max_value=50,
                value=suggestion.field if suggestion.kind == "field" else 1,
                key=f"field_{digest}",
            )
        )
        rule_args["separator"] = right.text_input(
            "Separator", value="|", max_chars=3, key=f"separator_{digest}"
        )
    elif kind == "key":
        default_key = suggestion.key if suggestion.kind == "key" else (tags[0] if tags else "")
        rule_args["key"] = left.text_input(
            "Tag name (as in >P1 host=human)",
            value=default_key,
            key=f"key_{digest}",
            help=f"Tags found in the headers: {', '.join(tags) or 'none'}.",
        )
    else:
        rule_args["pattern"] = left.text_input(
            "Regular expression with one group",
            value=r"\|([^|\s]+)$",
            key=f"regex_{digest}",
            help=r"Searched in the header without '>'; e.g. OS=(\w+ \w+) for UniProt species.",
        )
    options = _split_options(parsed, tags)
    default_split = ("none", None)
    if suggestion.split_field is not None:
        default_split = ("field", suggestion.split_field)
    elif suggestion.split_key:
        default_split = ("key", suggestion.split_key)
    split_kind, split_value = right.selectbox(
        "Split (train/valid/test, optional)",
        options,
        index=options.index(default_split) if default_split in options else 0,
        format_func=_split_label,
        key=f"split_{digest}",
    )
    if split_kind == "field":
        rule_args["split_field"] = split_value
    elif split_kind == "key":
        rule_args["split_key"] = split_value
    return LabelRule(**rule_args)


def summary_ui(dataset: Dataset) -> None:
    """Summarise the current data set: numbers, report, figures, table, download."""
    st.divider()
    st.subheader(as_text(f"Current data set: {dataset.name}"))
    columns = st.columns([1, 1, 1, 2])
    columns[0].metric("Sequences", f"{len(dataset):,}")
    columns[1].metric("Classes", len(dataset.classes))
    columns[2].metric("Median length", f"{int(pd.Series(dataset.lengths).median()):,}")
    if dataset.split is None:
        columns[3].metric("Split", "none", help="A stratified split is drawn at training time.")
    else:
        counts = pd.Series(dataset.split).value_counts()
        shown = " / ".join(f"{counts.get(s, 0):,}" for s in ("train", "valid", "test"))
        columns[3].metric("Split train / valid / test", shown)
    report = st.session_state.get(DATASET_REPORT)
    if report is not None:
        messages = report.messages()
        with st.expander(
            f"Validation report: {report.records_read:,} records read, "
            f"{report.sequences_kept:,} kept, {len(messages)} remark(s)",
            expanded=bool(messages),
        ):
            for message in messages or ["Nothing was changed or left out."]:
                st.markdown("- " + as_text(message))
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
    st.download_button(
        "Download the cleaned, relabelled FASTA",
        data=dataset.to_fasta,
        file_name=f"protviz-{dataset.short_hash}.fasta",
        mime="text/plain",
        key="download_fasta",
        icon=":material/download:",
    )


st.title("Data")
st.caption(
    "Choose the labeled proteins to train on and explore: a built-in data set, or your own "
    "FASTA file with the class (host species, location, family) in the headers or a table."
)
current_dataset(stop_on_broken_link=False)  # a shared link's data set first
source = source_ui(is_read_only())
if source == BUILTIN_SOURCE:
    builtin_ui()
elif source == SAVED_SOURCE:
    saved_ui()
else:
    upload_ui()
try:
    summary_ui(st.session_state[DATASET])
    share_link_ui({})
except ProteinDataError as error:
    show_error(error)
