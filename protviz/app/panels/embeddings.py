"""The Explore page's embeddings: which run (if any), the embeddings on offer, the upload of
an embedding file with its match report, and the exports of what is shown.

Without a run, Explore shows the embeddings that need no model: the k-mer profile and
the embedding files saved for the data set. An uploaded file is read and matched by
:mod:`protviz.io.embedding_files`; a refused file shows the library's message and
changes nothing.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import streamlit as st

from protviz.analysis.compare import Comparison
from protviz.analysis.kinds import (
    DATASET_KINDS,
    FILE_HELP,
    KIND_HELP,
    RUN_KINDS,
    is_embedding_file,
)
from protviz.analysis.sources import CoveredVectors, EmbeddingMeasure
from protviz.app import state
from protviz.app.caches import store_folder, tidy_store_once
from protviz.app.errors import as_text
from protviz.app.source_caches import (
    cached_embedding_file,
    cached_file_vectors,
    cached_kmer,
    cached_measure,
)
from protviz.app.state import EMBEDDING_FILE_PARAMETER, EXPLORE_KIND, CompareKeys, ExploreKeys
from protviz.app.widgets import is_read_only, optional_run_picker, read_only_notice
from protviz.core.dataset import Dataset
from protviz.core.errors import ProtvizError
from protviz.io.embedding_files import (
    EmbeddingFileError,
    MatchReport,
    SavedEmbeddingFile,
    check_embedding_ref,
    list_embedding_files,
    read_embeddings_for,
    save_embedding_file,
)
from protviz.io.exports import (
    bio_embeddings_h5,
    coordinates_csv,
    estimated_projector_bytes,
    projector_files,
    projector_metadata,
)
from protviz.model import runs
from protviz.model.runs import RunInfo

NO_RUN_LABEL = "No run: the k-mer profile and uploaded embeddings only"
"""How the run chooser names "no run"."""

MOST_IDS_LISTED = 10_000
"""Most unmatched IDs listed in a match report (the count is always given)."""

PROJECTOR_WARN_BYTES = 100 * 2**20
"""Projector exports larger than this get a warning: the Projector reads them in the browser."""


# The run -----------------------------------------------------------------------------


def explore_run(dataset: Dataset) -> RunInfo | None:
    """The run chooser, with "no run" on offer; with no saved run, a note on what to do."""
    tidy_store_once(store_folder())
    all_runs = runs.list_runs()
    run = optional_run_picker(
        all_runs,
        dataset,
        ExploreKeys.RUN,
        no_run_label=NO_RUN_LABEL,
        start_without=_link_needs_no_run(),
    )
    if not all_runs:
        st.info(
            "No saved runs yet: the k-mer profile and your own embedding files need none. "
            "Train a model on the Train page (or upload one on the Models page) to see what "
            "a network learns: its averaged and learned embeddings and its predictions."
        )
    return run


def _link_needs_no_run() -> bool:
    """Whether a new link asks for an embedding that needs no run and names no run."""
    kind = state.unapplied_link_value(EXPLORE_KIND.parameter)
    linked_file = state.unapplied_link_value(EMBEDDING_FILE_PARAMETER)
    return state.link_value("run") is None and (kind in DATASET_KINDS or linked_file is not None)


# The embeddings on offer ------------------------------------------------------------


def kind_choices(run: RunInfo | None, dataset: Dataset) -> dict[str, str]:
    """The embeddings on offer, kind -> name: the run's kinds (with a run), ``kmer``, then
    the embedding files saved for this data set and those this session opened."""
    names = {kind: kind for kind in RUN_KINDS} if run is not None else {}
    names |= {kind: kind for kind in DATASET_KINDS}
    names |= {record.ref: file_name(record) for record in files_on_offer(dataset)}
    return names


def file_name(record: SavedEmbeddingFile) -> str:
    """How an embedding file is named on the page: its file name and dimensions."""
    return f"{record.filename} ({record.dimensions}-d)"


def kind_help(kinds: dict[str, str]) -> str:
    """The help of the embedding chooser: one sentence per kind on offer."""
    lines = [f"{kind}: {KIND_HELP[kind]}" for kind in kinds if kind in KIND_HELP]
    if not any(kind in RUN_KINDS for kind in kinds):
        lines.append("averaged, learned: choose a run")
    return "; ".join([*lines, f"a file: {FILE_HELP}"])


def files_on_offer(dataset: Dataset) -> list[SavedEmbeddingFile]:
    """Files saved for this data set (not listed when read-only) and this session's files."""
    root = store_folder()
    saved = [] if is_read_only() else list_embedding_files(root, dataset_hash=dataset.content_hash)
    listed = {record.ref for record in saved}
    opened = []
    for ref in state.EXPLORE_FILES.get() or []:
        if ref in listed:
            continue
        try:
            cached_file_vectors(ref, root, dataset)
        except EmbeddingFileError:  # removed, or another data set's
            continue
        opened.append(cached_embedding_file(ref, root).record)
    return saved + opened


def open_linked_file(dataset: Dataset) -> None:
    """Check a new link's embedding file (``emb``); one that cannot be opened is named in
    a warning, and the default embedding is shown."""
    ref = state.unapplied_link_value(EMBEDDING_FILE_PARAMETER)
    if ref is not None and not _open_file(ref, dataset):
        state.new_link_value(EMBEDDING_FILE_PARAMETER)  # applied: not tried again


def _open_file(ref: str, dataset: Dataset) -> bool:
    """Offer a linked embedding file from now on; a warning says why one cannot be opened.

    Returns:
        Whether it can be shown on ``dataset``.
    """
    try:
        cached_file_vectors(check_embedding_ref(ref), store_folder(), dataset)
    except EmbeddingFileError as error:
        st.warning(
            as_text(f"This link's embedding file cannot be opened. {error}"),
            icon=":material/link_off:",
        )
        return False
    _remember(ref)
    return True


def _remember(ref: str) -> None:
    """Offer the embedding file ``ref`` for the rest of this session."""
    opened = state.EXPLORE_FILES.get() or []
    if ref not in opened:
        state.EXPLORE_FILES.set([*opened, ref])


def bind_kind(kinds: dict[str, str]) -> None:
    """Seed the embedding chooser: a new link's ``emb`` (a file) or ``kind``, else the
    session's choice, else the first on offer."""
    state.bind_to_link(EXPLORE_KIND, choices=[k for k in kinds if not is_embedding_file(k)])
    linked_file = state.new_link_value(EMBEDDING_FILE_PARAMETER)
    if linked_file in kinds:
        state.set_widget_value(ExploreKeys.KIND, linked_file)
    if state.widget_value(ExploreKeys.KIND) not in kinds:
        state.set_widget_value(ExploreKeys.KIND, next(iter(kinds)))


def link_kind(kind: str) -> None:
    """Write the embedding shown into the URL: ``emb=<reference>`` for a file, else ``kind``."""
    linked_file = kind if is_embedding_file(kind) else None
    state.link_to(EMBEDDING_FILE_PARAMETER, linked_file)
    state.link_to(
        EXPLORE_KIND.parameter, None if linked_file or kind == EXPLORE_KIND.default else kind
    )


def kind_link_values(kind: str) -> dict[str, str]:
    """The share link's parameters of the embedding shown."""
    return {EMBEDDING_FILE_PARAMETER: kind} if is_embedding_file(kind) else {"kind": kind}


def coverage_note(covered: CoveredVectors, name: str, dataset: Dataset) -> None:
    """A caption when an embedding has vectors for only part of the data set."""
    if len(covered.rows) < len(dataset):
        st.caption(
            as_text(
                f"{name} has vectors for {len(covered.rows):,} of the {len(dataset):,} "
                "sequences; only those are drawn and measured."
            )
        )


# Compare ----------------------------------------------------------------------------


def compare_embeddings_ui(dataset: Dataset) -> dict[str, str]:
    """Choose embeddings that need no model to measure beside the runs' (``emb`` in links).

    Returns:
        The chosen ones, kind (``kmer`` or a file's reference) -> name.
    """
    linked = state.new_link_value(EMBEDDING_FILE_PARAMETER)
    named = linked.split(",") if linked else []
    opened = [kind for kind in named if is_embedding_file(kind) and _open_file(kind, dataset)]
    names = {kind: kind for kind in DATASET_KINDS}
    names |= {record.ref: file_name(record) for record in files_on_offer(dataset)}
    if linked is not None:
        chosen = [kind for kind in named if kind in DATASET_KINDS or kind in opened]
        state.set_widget_value(CompareKeys.EMBEDDINGS, chosen)
    chosen = st.multiselect(
        "Also measure embeddings that need no model (same sequences, same projection)",
        list(names),
        format_func=names.get,
        key=CompareKeys.EMBEDDINGS,
        help=f"kmer: {KIND_HELP['kmer']}; a file: {FILE_HELP}. Upload files on the Explore page.",
    )
    state.link_to(EMBEDDING_FILE_PARAMETER, ",".join(chosen))
    return {kind: names[kind] for kind in chosen}


def compare_measures(
    comparison: Comparison, chosen: dict[str, str], dataset: Dataset, max_sequences: int
) -> list[EmbeddingMeasure]:
    """The chosen embeddings measured on the comparison's sequences (cached)."""
    return [
        cached_measure(
            kind,
            name,
            dataset.content_hash,
            comparison.params,
            max_sequences,
            hashlib.sha256(np.asarray(comparison.rows).tobytes()).hexdigest(),
            no_run_vectors(kind, dataset),
            comparison.rows,
            comparison.labels,
        )
        for kind, name in chosen.items()
    ]


def no_run_vectors(kind: str, dataset: Dataset) -> CoveredVectors:
    """The vectors (cached) of an embedding that needs no run: ``kmer`` or a saved file."""
    if kind in DATASET_KINDS:
        return cached_kmer(dataset.content_hash, store_folder(), dataset)
    return cached_file_vectors(kind, store_folder(), dataset)


# Upload -------------------------------------------------------------------------------


def upload_ui(dataset: Dataset) -> None:
    """Upload a per-protein embedding file: matched to the data set by ID, saved on this
    server, and shown (not when read-only). The match report stays until the file is
    removed from the uploader."""
    with st.expander("Your own embeddings (ESM, ProtT5, ...): upload a file"):
        if is_read_only():
            read_only_notice("uploading embedding files")
            return
        upload = st.file_uploader(
            "Per-protein embedding file: HDF5 (bio_embeddings, ProtSpace or protviz), .npz, "
            "CSV, TSV or Parquet with an ID column",
            key=ExploreKeys.EMBEDDING_UPLOAD,
            help="One vector per protein, keyed by the sequence ID (the first word of the "
            "FASTA header) or, in bio_embeddings files, by the MD5 of the sequence. The file "
            "is matched to the current data set and saved on this server.",
        )
        if upload is not None:
            match_report_ui(_read_upload(upload, dataset), dataset)


def _read_upload(upload, dataset: Dataset) -> MatchReport | str:
    """Read, match and save an upload once (per upload and data set); the match report,
    or the message of a refused file."""
    upload_id = f"{upload.file_id}:{dataset.content_hash}"
    seen = state.EXPLORE_UPLOAD.get()
    if seen is not None and seen[0] == upload_id:
        return seen[1]
    try:
        matched = read_embeddings_for(upload.getvalue(), dataset, filename=upload.name)
        save_embedding_file(matched, store_folder())
    except ProtvizError as error:
        outcome: MatchReport | str = str(error)
    else:
        outcome = matched.report()
        _remember(outcome.ref)
        state.set_widget_value(ExploreKeys.KIND, outcome.ref)
    state.EXPLORE_UPLOAD.set((upload_id, outcome))
    return outcome


def match_report_ui(outcome: MatchReport | str, dataset: Dataset) -> None:
    """How many IDs matched, and the IDs left over on both sides (or why it was refused)."""
    if isinstance(outcome, str):
        st.error(as_text(outcome), icon=":material/error:")
        return
    st.success(
        as_text(
            f"'{outcome.filename}' ({outcome.source_format}, {outcome.dimensions} dimensions): "
            f"{outcome.matched:,} of its {outcome.file_ids:,} IDs matched a sequence, "
            f"{outcome.matched:,} of the {outcome.dataset_size:,} sequences of "
            f"'{dataset.name}' have a vector. Saved on this server as {outcome.ref[:12]}; it "
            "is shown below, and the share link reopens it."
        ),
        icon=":material/check_circle:",
    )
    for note in outcome.notes:
        st.caption(as_text(note))
    _ids_left_over(
        "ID(s) of the file match no sequence of the data set", outcome.unmatched_file_ids
    )
    _ids_left_over(
        "sequence(s) of the data set have no vector in the file (they are not drawn)",
        outcome.missing_dataset_ids,
    )


def _ids_left_over(what: str, ids: tuple[str, ...]) -> None:
    """A warning counting ``ids`` and a table listing them (the first ones, when many)."""
    if not ids:
        return
    st.warning(as_text(f"{len(ids):,} {what}."), icon=":material/warning:")
    shown = list(ids[:MOST_IDS_LISTED])
    st.dataframe(pd.DataFrame({"ID": shown}), hide_index=True, height=160)
    if len(ids) > len(shown):
        st.caption(f"The first {len(shown):,} are listed.")


# Exports ------------------------------------------------------------------------------


def exports_ui(
    dataset: Dataset,
    points: pd.DataFrame,
    covered: CoveredVectors,
    coordinates: np.ndarray,
    name: str,
) -> None:
    """Download the embedding shown: Projector files, the projection's coordinates, HDF5.

    Each file is made when its button is clicked.

    Args:
        dataset: The data set.
        points: The points drawn (index: their data set rows; with a run, its predictions).
        covered: The embedding's vectors.
        coordinates: Its projection, one row per point.
        name: The embedding's name.
    """
    count, dimensions = covered.vectors.shape
    size = estimated_projector_bytes(count, dimensions)
    st.caption(as_text(f"The {name} embedding: {count:,} sequences, {dimensions} dimensions."))
    stem = _file_stem(name)
    left, middle, right = st.columns(3)
    left.download_button(
        f"Projector files (.zip, about {_megabytes(size)})",
        data=lambda: _projector_zip(dataset, points, covered, name),
        file_name=f"{stem}-projector.zip",
        mime="application/zip",
        help="vectors.tsv, metadata.tsv and projector_config.json for the TensorFlow "
        "Embedding Projector (projector.tensorflow.org: Load).",
        **_download(ExploreKeys.DOWNLOAD_PROJECTOR),
    )
    middle.download_button(
        "Coordinates of this projection (.csv)",
        data=lambda: _coordinates(points, coordinates),
        file_name=f"{stem}-coordinates.csv",
        mime="text/csv",
        **_download(ExploreKeys.DOWNLOAD_COORDINATES),
    )
    right.download_button(
        "Vectors (HDF5, bio_embeddings layout)",
        data=lambda: bio_embeddings_h5(points["id"].tolist(), covered.vectors),
        file_name=f"{stem}.h5",
        mime="application/x-hdf5",
        help="One dataset per protein with its ID in 'original_id', as ProtSpace reads it; "
        "it can be uploaded here again.",
        **_download(ExploreKeys.DOWNLOAD_VECTORS),
    )
    if size > PROJECTOR_WARN_BYTES:
        st.warning(
            f"The Projector files are about {_megabytes(size)}: the TensorFlow Projector reads "
            "them in the browser, which may be slow or fail at this size. ProtSpace reads the "
            "HDF5 file instead.",
            icon=":material/warning:",
        )


def _download(key: str) -> dict[str, object]:
    """What every export button shares: its key, no rerun on click, the download icon."""
    return {"key": key, "on_click": "ignore", "icon": ":material/download:"}


def _coordinates(points: pd.DataFrame, coordinates: np.ndarray) -> bytes:
    """The projection's coordinates as CSV (with the run's predictions, if any)."""
    predicted = points["predicted"].tolist() if "predicted" in points else None
    return coordinates_csv(
        points["id"].tolist(), points["label"].tolist(), coordinates, predictions=predicted
    )


def _projector_zip(
    dataset: Dataset, points: pd.DataFrame, covered: CoveredVectors, name: str
) -> bytes:
    """The Projector files of the points drawn, zipped (with predictions when there is a run)."""
    with_run = "predicted" in points
    metadata = projector_metadata(
        dataset,
        rows=covered.rows,
        predictions=points["predicted"].tolist() if with_run else None,
        confidence=points["confidence"].to_numpy() if with_run else None,
    )
    tensor = f"{dataset.name} {name}"
    return projector_files(covered.vectors, metadata, tensor_name=tensor).zip_bytes()


def _file_stem(name: str) -> str:
    """A file name stem for exports of the embedding ``name``."""
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip("-.")
    return f"protviz-{safe[:60] or 'embedding'}"


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.1f} MB" if size >= 2**20 else f"{max(1, size // 1024):,} KB"
