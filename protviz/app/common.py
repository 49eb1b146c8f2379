"""Session-state keys and small helpers shared by the pages."""

from __future__ import annotations

import re
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from protviz.app import links
from protviz.core.dataset import CleaningReport, Dataset, ProteinDataError
from protviz.io.builtin import BUILTINS, load_builtin
from protviz.model.runs import RunInfo


def _run_by_legacy_mode() -> bool:
    """Whether Streamlit's legacy multipage runner (``_mpa_v1``) is running this page."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_mpa_v1":
            return True
        frame = frame.f_back
    return False


def use_app_navigation() -> None:
    """Make sure app.py's ``st.navigation`` runs this page, not Streamlit's legacy mode.

    Call it first in every page. Streamlit (1.67) runs an app whose main script sits
    beside a folder named ``pages/`` in its legacy multipage mode, executing
    ``pages/*.py`` directly, until the first ``st.navigation`` call of the process
    clears a class flag. Visitors who open a page such as ``/explore`` before that
    (several at once, on a fresh server) would get the legacy sidebar, listing this
    helper module as a page. A page run by the legacy runner (or while the flag is
    still set) clears the flag and reruns, which hands the run to app.py (it routes
    to the same URL path).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if "streamlit.testing.v1.app_test" in sys.modules:
        # Under AppTest every run starts in legacy mode (it resets the flag before each
        # run) and a rerun would drop the run's button clicks; a served app never
        # imports AppTest, and there only a visit's first run can be a legacy one.
        return
    if PagesManager.uses_pages_directory or _run_by_legacy_mode():
        PagesManager.uses_pages_directory = False
        st.rerun()


@st.cache_resource(show_spinner=False)
def tidy_store_once(root: str) -> int:
    """Remove temporary folders that a crash (e.g. a killed server) left in the store,
    once per server process and store. Only folders untouched for an hour go, so a
    save in progress in another process is left alone."""
    from protviz.core.store import remove_stale_temporaries
    from protviz.io.datastore import datasets_root

    return sum(
        remove_stale_temporaries(folder, older_than_seconds=3600)
        for folder in (root, datasets_root(root))
    )


DATASET = "dataset"
"""Session-state key of the current :class:`Dataset`."""
DATASET_REPORT = "dataset_report"
"""Session-state key of the current data set's :class:`CleaningReport` (None for built-ins)."""
OWNER = "session_owner"
"""Session-state key of this browser session's random id (owner of its training jobs)."""
RUN_ID = "run_id"
"""Session-state key of the current run's id (chosen on the Train or Models page)."""
DATASET_REF = "dataset_ref"
"""Session-state key of the current data set's reference (built-in key or content hash)."""
LINKED = "linked_parameters"
"""Session-state key: the ``run``/``dataset`` link values already applied in this session."""
DEFAULT_BUILTIN = "motif"

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def as_text(message: str) -> str:
    """Escape Markdown so user-supplied IDs and labels render as plain text.

    Line breaks are kept as Markdown line breaks.
    """
    return "  \n".join(_MARKDOWN_SPECIAL.sub(r"\\\1", line) for line in message.split("\n"))


def show_error(error: Exception) -> None:
    """Show a protviz error message (never a traceback)."""
    st.error(as_text(str(error)), icon=":material/error:")


@st.cache_resource(show_spinner="Loading the built-in data set...")
def cached_builtin(key: str) -> Dataset:
    """Load a built-in data set once per server process (it is never modified)."""
    return load_builtin(key)


@st.cache_resource(max_entries=8, show_spinner="Loading the model...")
def cached_model(run_id: str, run_path: str):
    """A run's Keras model, loaded once (safe_mode) per server process and shared by pages.

    ``run_path`` is part of the cache key, so a run store moved by PROTVIZ_HOME never
    returns another store's model.
    """
    from protviz.model import saved

    return saved.load_model(run_id, str(Path(run_path).parent))


def saved_runs_or_stop() -> list[RunInfo]:
    """The saved runs, newest first; with none, a message and the page stops."""
    from protviz.model import runs

    tidy_store_once(_store_root())
    all_runs = runs.list_runs()
    if not all_runs:
        st.info("No saved runs yet: train one on the Train page or upload one on the Models page.")
        st.stop()
    return all_runs


def run_picker(all_runs: list[RunInfo], dataset: Dataset | None, key: str) -> RunInfo:
    """A selectbox of the saved runs that reads and sets the current run.

    The default is the link's ``run`` (when this session has not applied it yet), else
    the current run, else the newest run trained on ``dataset``, else the newest run.
    Choosing another run makes it current on every page and writes it into the URL. A
    link naming a run that is not saved shows a message with a way back and stops the page.
    When ``dataset`` is given and the run was trained on another data set, a caption says so.

    Args:
        all_runs: The saved runs, newest first (not empty).
        dataset: The data set on screen, or None.
        key: The selectbox's widget key (one per page).

    Returns:
        The chosen run.
    """
    by_id = {run.run_id: run for run in all_runs}
    linked = new_link_value("run")
    if linked is not None:
        if linked not in by_id:
            broken_link(
                missing_run_message(linked),
                "pages/models.py",
                "Choose a saved run on the Models page",
            )
        st.session_state[RUN_ID] = linked
    current = st.session_state.get(RUN_ID)
    if current not in by_id:
        matching = [
            run
            for run in all_runs
            if dataset is not None and run.record.dataset.content_hash == dataset.content_hash
        ]
        current = (matching or all_runs)[0].run_id
        st.session_state[RUN_ID] = current
    st.session_state[key] = current

    def choose() -> None:
        st.session_state[RUN_ID] = st.session_state[key]
        link_to("run", st.session_state[key])

    st.selectbox(
        "Run",
        list(by_id),
        format_func=lambda run_id: f"{by_id[run_id].name}  [{run_id}] ({by_id[run_id].arch})",
        key=key,
        on_change=choose,
    )
    link_to("run", current)
    trained_on = by_id[current].record.dataset
    if dataset is not None and trained_on.content_hash != dataset.content_hash:
        st.caption(
            as_text(
                f"This run was trained on '{trained_on.name}'; it is shown on the "
                f"current data set '{dataset.name}' ({len(dataset):,} sequences). Choose the "
                "data set on the Data page."
            )
        )
    return by_id[current]


@st.cache_resource(max_entries=4, show_spinner="Loading the data set...")
def cached_dataset(ref: str, root: str) -> Dataset:
    """A built-in or saved data set by reference, loaded once per server process.

    ``root`` (the store root) is part of the key, so another PROTVIZ_HOME never shares it.
    """
    from protviz.io.datastore import load_dataset

    return load_dataset(ref, root)


def _store_root() -> str:
    from protviz.core.store import store_root

    return str(store_root())


def new_link_value(name: str) -> str | None:
    """The ``name`` query parameter if this session has not applied it yet, else None."""
    value = st.query_params.get(name)
    applied = st.session_state.setdefault(LINKED, {})
    if not value or applied.get(name) == value:
        return None
    applied[name] = value
    return value


def link_to(name: str, value: str | None) -> None:
    """Write ``name=value`` into the URL (and remember it as applied); None or "" removes it."""
    st.session_state.setdefault(LINKED, {})[name] = value
    if value:
        st.query_params[name] = value
    else:
        st.query_params.pop(name, None)


def bind_to_link(
    key: str,
    default: object,
    *,
    choices: Sequence[object] | None = None,
    bounds: tuple[float, float] | None = None,
) -> None:
    """Before creating the widget ``key``: give it ``default``, or a new link's value.

    The widget's key is also its query parameter (see :data:`protviz.app.links.PARAMETERS`).
    Create the widget without a default value of its own, and pass its value to
    :func:`link_widgets` afterwards. An invalid link value keeps the default, with a
    warning.
    """
    st.session_state.setdefault(key, default)
    text = new_link_value(key)
    if text is None:
        return
    try:
        st.session_state[key] = links.parse_parameter(
            key, text, default, choices=choices, bounds=bounds
        )
    except ValueError as error:
        st.warning(as_text(f"{error} The default is used."), icon=":material/link_off:")


def link_widgets(values: dict[str, tuple[object, object]]) -> None:
    """Write widget values into the URL: ``{key: (value, default)}``; defaults are left out."""
    for key, (value, default) in values.items():
        link_to(key, None if value == default else links.format_parameter(value))


def missing_run_message(run_id: str) -> str:
    """What to say about a link naming a run that is not saved here."""
    return (
        f"This link names the run '{run_id[:40]}', which is not saved on this server: it may "
        "have been deleted, or the link was made on another server."
    )


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
    and the session's data set is used). The URL always names the data set shown.
    """
    linked = new_link_value("dataset")
    if linked is not None and linked != st.session_state.get(DATASET_REF):
        try:
            set_current_dataset(cached_dataset(linked, _store_root()), None, linked)
        except ProteinDataError as error:
            message = f"This link's data set cannot be opened. {error}"
            if stop_on_broken_link:
                broken_link(message, "pages/data.py", "Choose a data set on the Data page")
            st.warning(as_text(message), icon=":material/link_off:")
    if DATASET not in st.session_state:
        set_current_dataset(cached_builtin(DEFAULT_BUILTIN), None, DEFAULT_BUILTIN)
    link_to("dataset", st.session_state[DATASET_REF])
    return st.session_state[DATASET]


def set_current_dataset(dataset: Dataset, report: CleaningReport | None, ref: str) -> None:
    """Make ``dataset`` (saved under ``ref``) the one every page works on."""
    st.session_state[DATASET] = dataset
    st.session_state[DATASET_REPORT] = report
    st.session_state[DATASET_REF] = ref
    link_to("dataset", ref)


def is_read_only() -> bool:
    """Whether this deployment is read-only (``PROTVIZ_READ_ONLY`` or the ``read_only``
    secret): viewers can explore but not train, upload, rename or delete."""
    try:
        secrets = dict(st.secrets)
    except Exception:
        secrets = {}
    return links.read_only(secrets)


def read_only_notice(action: str) -> None:
    """Explain that ``action`` is switched off in this read-only deployment."""
    st.info(
        f"This protviz server is read-only: {action} is switched off. You can explore the "
        "saved runs and data sets.",
        icon=":material/lock:",
    )


def share_link_ui(values: dict[str, object]) -> None:
    """A "Copy share link" button that shows the full URL of this view (with a copy icon).

    Args:
        values: The view's parameters (see :data:`protviz.app.links.PARAMETERS`); the current
            data set is added.
    """
    values = {"dataset": st.session_state.get(DATASET_REF), **values}
    url = links.share_url(st.context.url or "", values)
    with st.popover("Copy share link", icon=":material/link:"):
        st.caption("Anyone who can reach this server sees the same view with this link:")
        st.code(url, language=None, wrap_lines=True)


def session_owner() -> str:
    """A random id for this browser session, so its jobs are its own."""
    if OWNER not in st.session_state:
        st.session_state[OWNER] = secrets.token_hex(8)
    return st.session_state[OWNER]


def builtin_title(key: str) -> str:
    """Human-readable title of a built-in data set."""
    return BUILTINS[key].title
