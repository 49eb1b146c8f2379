"""Widgets that several pages share: the data set and run of a view, share links,
read-only notices.

Light: the Home and Data pages import this module, so nothing here reaches TensorFlow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import streamlit as st

from protviz.app import links, state
from protviz.app.caches import (
    FEATURED_RUN,
    cached_builtin,
    cached_dataset,
    store_folder,
    tidy_store_once,
)
from protviz.app.errors import as_text
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.io.builtin import BUILTINS, builtin_key
from protviz.model import runs
from protviz.model.runs import RunInfo

DEFAULT_BUILTIN = "motif"
"""The built-in data set a session starts with when its run's data set cannot be opened."""


def is_read_only() -> bool:
    """Whether this deployment is read-only (``PROTVIZ_READ_ONLY`` or the ``read_only``
    secret): viewers can explore but not train, upload, rename or delete."""
    try:
        secrets = dict(st.secrets)
    except Exception:  # no secrets.toml, or an unreadable one: the environment decides
        secrets = {}
    return links.read_only(secrets)


def read_only_notice(action: str) -> None:
    """Explain that ``action`` is switched off in this read-only deployment."""
    st.info(
        f"This protviz server is read-only: {action} is switched off. You can explore the "
        "saved runs and data sets.",
        icon=":material/lock:",
    )


def share_link_ui(values: Mapping[str, object]) -> None:
    """A "Copy share link" button that shows the full URL of this view (with a copy icon).

    Args:
        values: The view's parameters (see :data:`protviz.app.links.PARAMETERS`); the current
            data set is added.
    """
    url = links.share_url(st.context.url or "", {"dataset": state.dataset_ref(), **values})
    with st.popover("Copy share link", icon=":material/link:"):
        st.caption("Anyone who can reach this server sees the same view with this link:")
        st.code(url, language=None, wrap_lines=True)


def broken_link(message: str, page: str, label: str) -> None:
    """Say that a link names something missing, offer the way back, and stop the page."""
    st.error(as_text(message), icon=":material/link_off:")
    left, right = st.columns(2)
    left.page_link(page, label=label, icon=":material/arrow_back:")
    right.page_link("pages/home.py", label="Home", icon=":material/home:")
    st.stop()


def current_dataset(stop_on_broken_link: bool = True) -> Dataset:
    """The data set of this view: the link's ``dataset``, else the session's, else the default.

    A ``dataset`` parameter this session has not applied yet (a shared link) is loaded
    and made current. One naming no saved data set shows a message with a way back and
    stops the page (unless ``stop_on_broken_link`` is False: then the message is shown
    and the session's data set is used). The default is the data set of the session's
    run (:func:`default_dataset`). The URL always names the data set shown.
    """
    linked = state.new_link_value("dataset")
    if linked is not None and linked != state.dataset_ref():
        try:
            state.set_current_dataset(cached_dataset(linked, store_folder()), None, linked)
        except ProteinDataError as error:
            message = f"This link's data set cannot be opened. {error}"
            if stop_on_broken_link:
                broken_link(message, "pages/data.py", "Choose a data set on the Data page")
            st.warning(as_text(message), icon=":material/link_off:")
    dataset = state.chosen_dataset()
    if dataset is None:
        dataset, ref = default_dataset()
        state.set_current_dataset(dataset, None, ref)
    state.link_to("dataset", state.dataset_ref())
    return dataset


def _open_dataset(ref: str) -> Dataset:
    """A built-in or saved data set by reference (cached)."""
    return cached_builtin(ref) if ref in BUILTINS else cached_dataset(ref, store_folder())


def session_run() -> RunInfo | None:
    """The run this session shows: the link's ``run``, else the current run, else the
    default one (:func:`default_run`); None when no run is saved."""
    all_runs = runs.list_runs()
    by_id = {run.run_id: run for run in all_runs}
    for run_id in (state.link_value("run"), state.current_run_id()):
        if run_id in by_id:
            return by_id[run_id]
    return default_run(all_runs, None) if all_runs else None


def dataset_ref_of(run: RunInfo) -> str | None:
    """The reference of the data set ``run`` was trained on: a built-in key (by name) or
    its content hash (a saved upload); None when the run does not say."""
    trained_on = run.record.dataset
    return builtin_key(trained_on.name) or trained_on.content_hash or None


def default_dataset() -> tuple[Dataset, str]:
    """The data set a session starts with, and its reference: that of the session's run
    (:func:`session_run`) when it can be opened here, else the built-in motif toy."""
    run = session_run()
    ref = dataset_ref_of(run) if run is not None else None
    if ref is not None:
        try:
            return _open_dataset(ref), ref
        except ProteinDataError:  # not saved here, or p-scldata is not installed
            pass
    return cached_builtin(DEFAULT_BUILTIN), DEFAULT_BUILTIN


def missing_run_message(run_id: str) -> str:
    """What to say about a link naming a run that is not saved here."""
    return (
        f"This link names the run '{run_id[:40]}', which is not saved on this server: it may "
        "have been deleted, or the link was made on another server."
    )


def run_label(run: RunInfo) -> str:
    """How a run is named in a run chooser: its name and id."""
    return f"{run.name}  [{run.run_id}]"


def saved_runs_or_stop() -> list[RunInfo]:
    """The saved runs, newest first; with none, a message and the page stops."""
    tidy_store_once(store_folder())
    all_runs = runs.list_runs()
    if not all_runs:
        st.info("No saved runs yet: train one on the Train page or upload one on the Models page.")
        st.stop()
    return all_runs


def split_by_dataset(
    all_runs: list[RunInfo], content_hash: str | None
) -> tuple[list[RunInfo], list[RunInfo]]:
    """The runs trained on the data set with ``content_hash``, and the others.

    Args:
        all_runs: The saved runs, newest first.
        content_hash: The data set's content hash (None: every run counts as trained on it).

    Returns:
        Both lists, each newest first.
    """
    here = [r for r in all_runs if content_hash in (None, r.record.dataset.content_hash)]
    return here, [r for r in all_runs if r not in here]


NO_RUN = ""
"""The run chooser's value for "no run" (where a page offers it)."""


def default_run(all_runs: list[RunInfo], content_hash: str | None) -> RunInfo:
    """The run a view starts with: the featured shipped run (:data:`FEATURED_RUN`) when it
    was trained on the data set, else the newest run trained on it, else the newest run.

    Args:
        all_runs: The saved runs, newest first (not empty).
        content_hash: The data set shown, or None when none is chosen yet.

    Returns:
        The run.
    """
    here, _ = split_by_dataset(all_runs, content_hash)
    featured = [run for run in here if run.run_id == FEATURED_RUN]
    return (featured or here or all_runs)[0]


def run_choice_label(run: RunInfo, trained_here: bool) -> str:
    """A run in the Run list: its name, id and architecture, and, when it was trained on
    another data set than the one shown, which."""
    label = f"{run_label(run)} ({run.arch})"
    if trained_here:
        return label
    return f"{label} · other data set: {run.record.dataset.name or 'unknown'}"


def run_picker(
    all_runs: list[RunInfo], dataset: Dataset | None, key: str, *, note_other_dataset: bool = True
) -> RunInfo:
    """A selectbox of the saved runs that reads and sets the current run.

    The default is the link's ``run`` (when this session has not applied it yet), else
    the current run, else :func:`default_run`. The runs trained on ``dataset`` come first;
    the others are marked with the data set they were trained on. Choosing another run
    makes it current on every page and writes it into the URL. A link naming a run that
    is not saved shows a message with a way back and stops the page.

    Args:
        all_runs: The saved runs, newest first (not empty).
        dataset: The current data set, or None (then the runs are ordered by the data set
            of the default run).
        key: The selectbox's widget key (one per page).
        note_other_dataset: Say in a caption when the run was trained on another data set
            than ``dataset`` (for pages that show the run on it).

    Returns:
        The chosen run.
    """
    by_id = {run.run_id: run for run in all_runs}
    _apply_run_link(by_id)
    current = _current_run(all_runs, dataset)
    state.set_widget_value(key, current)
    _run_selectbox(all_runs, dataset, key, [])
    if note_other_dataset:
        _trained_elsewhere_note(by_id[current], dataset)
    return by_id[current]


def optional_run_picker(
    all_runs: list[RunInfo], dataset: Dataset, key: str, *, no_run_label: str, start_without: bool
) -> RunInfo | None:
    """A run chooser like :func:`run_picker` that also offers no run at all.

    "No run" stays chosen until another run is chosen on this page (other pages keep
    the current run); a link naming a run chooses it.

    Args:
        all_runs: The saved runs, newest first (may be empty: then nothing is shown).
        dataset: The data set on screen.
        key: The selectbox's widget key.
        no_run_label: How the "no run" choice is named.
        start_without: Choose no run now (a new link asks for a view that needs none).

    Returns:
        The chosen run, or None.
    """
    by_id = {run.run_id: run for run in all_runs}
    linked = _apply_run_link(by_id)
    if not all_runs:
        return None
    chosen = state.widget_value(key)
    if linked or not (start_without or chosen == NO_RUN):
        chosen = _current_run(all_runs, dataset)
    elif start_without:
        chosen = NO_RUN
    state.set_widget_value(key, chosen)
    _run_selectbox(all_runs, dataset, key, [NO_RUN], no_run_label)
    if chosen == NO_RUN:
        state.link_to("run", None)
        return None
    _trained_elsewhere_note(by_id[chosen], dataset)
    return by_id[chosen]


def _apply_run_link(by_id: dict[str, RunInfo]) -> bool:
    """Make a new link's run current (or stop the page when it is not saved here).

    Returns:
        Whether a link named a run.
    """
    linked = state.new_link_value("run")
    if linked is None:
        return False
    if linked not in by_id:
        broken_link(
            missing_run_message(linked),
            "pages/models.py",
            "Choose a saved run on the Models page",
        )
    state.set_current_run(linked)
    return True


def _current_run(all_runs: list[RunInfo], dataset: Dataset | None) -> str:
    """The current run, or (when it is not saved) the default run, made current."""
    current = state.current_run_id()
    if current not in {run.run_id for run in all_runs}:
        content_hash = dataset.content_hash if dataset is not None else None
        current = default_run(all_runs, content_hash).run_id
        state.set_current_run(current)
    return current


def _run_selectbox(
    all_runs: list[RunInfo],
    dataset: Dataset | None,
    key: str,
    before: list[str],
    no_run_label: str = "",
) -> None:
    """The run selectbox (``before``: choices listed ahead of the runs, i.e. "no run"),
    the runs trained on ``dataset`` first; choosing a run makes it current and writes it
    into the URL."""
    by_id = {run.run_id: run for run in all_runs}
    home = dataset.content_hash if dataset is not None else None
    home = home or default_run(all_runs, None).record.dataset.content_hash
    here, others = split_by_dataset(all_runs, home)

    def choose() -> None:
        chosen = state.widget_value(key)
        if chosen in by_id:
            state.set_current_run(chosen)
        state.link_to("run", chosen)

    st.selectbox(
        "Run",
        [*before, *(run.run_id for run in here + others)],
        format_func=lambda run_id: (
            run_choice_label(by_id[run_id], by_id[run_id] in here)
            if run_id in by_id
            else no_run_label
        ),
        key=key,
        on_change=choose,
        help="The runs trained on the current data set come first; the others say which "
        "data set they were trained on.",
    )
    chosen = state.widget_value(key)
    if chosen in by_id:
        state.link_to("run", chosen)


def _trained_elsewhere_note(run: RunInfo, dataset: Dataset | None) -> None:
    """A caption when ``run`` was trained on another data set than the one shown."""
    trained_on = run.record.dataset
    if dataset is not None and trained_on.content_hash != dataset.content_hash:
        st.caption(
            as_text(
                f"This run was trained on '{trained_on.name}'; it is shown on the "
                f"current data set '{dataset.name}' ({len(dataset):,} sequences). Choose the "
                "data set on the Data page."
            )
        )


def three_decimals(columns: Iterable[str]) -> dict[str, object]:
    """A table's column settings that show ``columns`` with three decimals."""
    return {column: st.column_config.NumberColumn(format="%.3f") for column in columns}
