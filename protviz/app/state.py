"""The one session-state module: every key a browser session keeps, and the share links.

Streamlit keeps two kinds of values per browser session in ``st.session_state``:

- **App state** that no widget owns (the current data set and run, this session's
  training jobs, a message to show after a rerun...). Each is a :class:`Slot` with
  its key and the type of its value; the values every page shares have typed
  accessors (:func:`current_run_id`, :func:`set_current_dataset`...).
- **Widget values**, under the widget's ``key=``. Every interactive widget's key is
  named in its page's table below (``DataKeys``, ``TrainKeys``...), so no two pages
  share a key by accident; keys of display-only elements (charts, plain tables) stay
  beside the element. Pages read or set a widget's value through
  :func:`widget_value` and :func:`set_widget_value`.

Share links (see :mod:`protviz.app.links`) keep a view in the URL's query parameters.
A widget bound to a parameter is a :class:`LinkedWidget`: the parameter name (part
of every link ever shared: never rename it) and the widget key (free to change).
:func:`bind_to_link` seeds a widget from a new link, :func:`link_widgets` writes the
widgets back into the URL.

Pages touch ``st.session_state`` and ``st.query_params`` only through this module.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import streamlit as st

from protviz.app import links
from protviz.app.errors import as_text
from protviz.core.dataset import CleaningReport, Dataset
from protviz.io.embedding_files import MatchReport

T = TypeVar("T")


class Slot(Generic[T]):
    """One session-state value that no widget owns: its key and its type.

    Args:
        key: The session-state key.
    """

    def __init__(self, key: str) -> None:
        self.key = key

    def get(self) -> T | None:
        """The value, or None when it is not set."""
        return st.session_state.get(self.key)

    def set(self, value: T) -> None:
        """Set the value."""
        st.session_state[self.key] = value

    def pop(self) -> T | None:
        """Remove the value and return it (None when it was not set)."""
        return st.session_state.pop(self.key, None)

    def is_set(self) -> bool:
        """Whether the value is set."""
        return self.key in st.session_state


# App state shared by every page (use the accessors below).
_DATASET: Slot[Dataset] = Slot("dataset")
_DATASET_REPORT: Slot[CleaningReport | None] = Slot("dataset_report")
_DATASET_REF: Slot[str] = Slot("dataset_ref")
_CURRENT_RUN: Slot[str] = Slot("run_id")
_CHOSEN_SEQUENCE: Slot[str | None] = Slot("chosen_sequence")
_SESSION_OWNER: Slot[str] = Slot("session_owner")
_APPLIED_LINKS: Slot[dict[str, str | None]] = Slot("linked_parameters")

# App state of one page.
DATA_CHOSEN: Slot[str] = Slot("data_chosen_here")
"""Data: the reference of the data set last made current on the Data page (its summary then
leads the page, the chooser folds away)."""
TRAIN_JOB: Slot[str] = Slot("train_job_id")
"""Train: the training job on show (this session's latest, or the link's ``job``)."""
TRAIN_RESULT_SHOWN: Slot[str] = Slot("train_result_shown_for")
"""Train: the job whose finished run was already made current."""
MODELS_FLASH: Slot[str] = Slot("models_flash")
"""Models: a message to show after the rerun that follows a change."""
MODELS_UPLOADED_FILE: Slot[str] = Slot("models_uploaded_file")
"""Models: the id of the last upload already imported (so it is not imported twice)."""
MODELS_TABLE_SELECTION: Slot[str | None] = Slot("models_last_table_selection")
"""Models: the run selected in the table at the last run of the page."""
COMPARE_JOBS: Slot[list[str]] = Slot("compare_job_ids")
"""Compare: the jobs started by "train all four architectures"."""
EXPLORE_FILES: Slot[list[str]] = Slot("explore_embedding_files")
"""Explore and Compare: the embedding files this session uploaded or opened by link (their
references), offered even when the store's list is hidden (read-only) or the file was matched
to another data set with the same IDs."""
EXPLORE_UPLOAD: Slot[tuple[str, MatchReport | str]] = Slot("explore_embedding_upload")
"""Explore: ``(upload id, outcome)`` of the last embedding file read: its match report or
the error, shown again on every rerun without reading the file again."""

CONTROL_JOBS: Slot[list[str]] = Slot("compare_control_job_ids")
"""Compare: the jobs started by "train the shuffled control"."""


@dataclass(frozen=True)
class LinkedWidget:
    """A widget whose value is also a share-link query parameter.

    Attributes:
        parameter: The query parameter (one of :data:`protviz.app.links.PARAMETERS`).
        key: The widget's key.
        default: The widget's value when no link names it (left out of links).
    """

    parameter: str
    key: str
    default: object


class DataKeys:
    """Widget keys of the Data page."""

    SOURCE = "data_source"
    SAVED_REF = "saved_ref"
    USE_SAVED = "use_saved"
    BUILTIN = "builtin_key"
    USE_BUILTIN = "use_builtin"
    FASTA_UPLOAD = "fasta_upload"
    TABLE_UPLOAD = "table_upload"
    KEEP_FIRST = "keep_first"
    USE_UPLOAD = "use_upload"
    DOWNLOAD_FASTA = "download_fasta"

    @staticmethod
    def rule(widget: str, upload: str) -> str:
        """Key of a label-rule widget (``rule_kind``, ``field``, ``key``, ``split``...) of
        one upload, so that every new upload starts from its own detected rule."""
        return f"{widget}_{upload}"


class TrainKeys:
    """Widget keys of the Train page."""

    DATASET = "train_dataset"
    ARCHITECTURE = "train_arch"
    EMBEDDING_DIM = "train_embedding_dim"
    UNITS = "train_units"
    DROPOUT = "train_dropout"
    EPOCHS = "train_epochs"
    BATCH_SIZE = "train_batch"
    MAX_LENGTH = "train_max_length"
    SEED = "train_seed"
    PATIENCE = "train_patience"
    TIME_CAP = "train_time_cap"
    LR_SCHEDULE = "train_lr_schedule"
    CONV_WIDTHS = "train_conv_widths"
    CONV_FILTERS = "train_conv_filters"
    CLASS_WEIGHTS = "train_class_weighting"
    USE_SPLIT = "train_use_split"
    SPLIT_KIND = "train_split_kind"
    SPLIT_COLUMN = "train_split_column"
    IDENTITY = "train_identity"
    VALID_FRACTION = "train_val"
    TEST_FRACTION = "train_test"
    NAME = "train_name"
    START = "start_training"
    CANCEL = "cancel_training"

    @staticmethod
    def learning_rate(arch: str) -> str:
        """Key of the learning rate of one architecture (each starts from its own default)."""
        return f"train_lr_{arch}"


class ContinueKeys:
    """Widget keys of "Continue training" (on the Train page's result and the Models page),
    one set per run."""

    @staticmethod
    def more_epochs(run_id: str) -> str:
        """Key of the number of more epochs for one run."""
        return f"continue_epochs_{run_id}"

    @staticmethod
    def time_cap(run_id: str) -> str:
        """Key of the time cap (minutes) of the continuation of one run."""
        return f"continue_time_cap_{run_id}"

    @staticmethod
    def start(run_id: str) -> str:
        """Key of the "Continue training" button of one run."""
        return f"continue_start_{run_id}"


class ModelsKeys:
    """Widget keys of the Models page."""

    FILTER = "models_filter"
    ARCHITECTURE_FILTER = "models_arch_filter"
    TABLE = "runs_table"
    CURRENT = "current_run_select"
    DOWNLOAD = "download_run"
    RENAME = "rename_run"
    DELETE = "delete_run"
    UPLOAD = "run_upload"
    COMPARE = "compare_runs"
    CONFUSION_NORMALISED = "confusion_normalised"

    @staticmethod
    def new_name(run_id: str) -> str:
        """Key of the name field of one run (it starts from that run's name)."""
        return f"rename_{run_id}"

    @staticmethod
    def confirm_delete(run_id: str) -> str:
        """Key of the delete confirmation of one run (unchecked for every run)."""
        return f"confirm_delete_{run_id}"


class ExploreKeys:
    """Widget keys of the Explore page (the view's keys are in :data:`EXPLORE_VIEW`)."""

    RUN = "explore_run"
    KIND = "explore_kind"
    METHOD = "explore_method"
    DIMS = "explore_dims"
    COLOR = "explore_color"
    PERPLEXITY = "explore_perplexity"
    N_NEIGHBORS = "explore_n_neighbors"
    MIN_DIST = "explore_min_dist"
    METRIC = "explore_metric"
    SEED = "explore_seed"
    SIDE = "explore_side"
    CONTOURS = "explore_contours"
    CLASSES = "explore_classes"
    QUERY = "explore_q"
    REGEX = "explore_regex"
    NEIGHBOURS = "explore_k"
    DISTANCE = "explore_distance"
    NEIGHBOUR_OF = "explore_seq"
    QUALITY_ON = "explore_quality_on"
    TAB = "explore_tab"
    ATTENTION_SEQUENCE = "attention_seq"
    DOWNLOAD_IDS = "download_selection_ids"
    DOWNLOAD_FASTA = "download_selection_fasta"
    EMBEDDING_UPLOAD = "explore_embedding_upload_file"
    DOWNLOAD_PROJECTOR = "explore_download_projector"
    DOWNLOAD_COORDINATES = "explore_download_coordinates"
    DOWNLOAD_VECTORS = "explore_download_vectors"

    @staticmethod
    def scatter(kind: str) -> str:
        """Key of the scatter plot of one embedding kind (its selection is read)."""
        return f"scatter_{kind}"

    @staticmethod
    def cancel_projection(kind: str) -> str:
        """Key of the button that cancels one kind's background projection."""
        return f"explore_cancel_projection_{kind}"

    @staticmethod
    def retry_projection(kind: str) -> str:
        """Key of the button that asks again for a projection the full queue refused."""
        return f"explore_retry_projection_{kind}"

    @staticmethod
    def restart_projection(kind: str) -> str:
        """Key of the button that runs a failed or cancelled background projection again."""
        return f"explore_restart_projection_{kind}"

    @staticmethod
    def measure_all(method: str) -> str:
        """Key of "measure every embedding", one per projection method (defaults differ)."""
        return f"explore_measure_all_{method}"


EXPLORE_KIND = LinkedWidget("kind", ExploreKeys.KIND, "averaged")
"""The Explore embedding: a run kind or ``kmer`` is the link's ``kind``; a saved embedding
file (the widget holds its reference) is the link's :data:`EMBEDDING_FILE_PARAMETER`."""

EMBEDDING_FILE_PARAMETER = "emb"
"""The share-link parameter naming saved embedding files (Explore: one; Compare: a list)."""

HIDDEN_CLASSES_PARAMETER = "hide"
"""The share-link parameter naming the classes Explore leaves out ("Classes shown" holds
the others, so a link names only what is hidden and a new class is shown)."""

_CLASSES_OFFERED: Slot[tuple[str, ...]] = Slot("explore_classes_offered")
"""Explore: the classes "Classes shown" was last offered (another data set starts afresh)."""

EXPLORE_VIEW: tuple[LinkedWidget, ...] = (
    LinkedWidget("method", ExploreKeys.METHOD, "pca"),
    LinkedWidget("dims", ExploreKeys.DIMS, 2),
    LinkedWidget("color", ExploreKeys.COLOR, "label"),
    LinkedWidget("perplexity", ExploreKeys.PERPLEXITY, 30),
    LinkedWidget("n_neighbors", ExploreKeys.N_NEIGHBORS, 15),
    LinkedWidget("min_dist", ExploreKeys.MIN_DIST, 0.1),
    LinkedWidget("metric", ExploreKeys.METRIC, "euclidean"),
    LinkedWidget("seed", ExploreKeys.SEED, 0),
    LinkedWidget("side", ExploreKeys.SIDE, False),
    LinkedWidget("contours", ExploreKeys.CONTOURS, False),
    LinkedWidget("q", ExploreKeys.QUERY, ""),
    LinkedWidget("regex", ExploreKeys.REGEX, False),
    LinkedWidget("k", ExploreKeys.NEIGHBOURS, 10),
    LinkedWidget("distance", ExploreKeys.DISTANCE, "cosine"),
    LinkedWidget("seq", ExploreKeys.NEIGHBOUR_OF, None),
)
"""The Explore view's other widgets, bound to share-link parameters (``seq``: the sequence
whose nearest neighbours are shown)."""


class MatrixKeys:
    """Widget keys of the Embedding matrix page."""

    RUN = "matrix_run"
    OTHER_RUN = "matrix_other_run"


class AttentionKeys:
    """Widget keys of the Attention page."""

    RUN = "attention_run"
    SEQUENCE = "attention_sequence"
    MAX_PER_CLASS = "attention_max_per_class"
    PROFILE_SCALE = "attention_profile_scale"
    LOGO_FILTER = "attention_logo_filter"
    LOGO_TOP_K = "attention_logo_k"
    LOGO_KIND = "attention_logo_kind"
    DOWNLOAD = "attention_download"

    @staticmethod
    def compute(tab: str) -> str:
        """Key of the "compute over the data set" toggle of one tab."""
        return f"attention_compute_{tab}"


class CompareKeys:
    """Widget keys of the Compare page."""

    RUNS = "compare_selection"
    EPOCHS = "compare_epochs"
    EMBEDDING_DIM = "compare_embedding_dim"
    UNITS = "compare_units"
    MAX_LENGTH = "compare_max_length"
    SEED = "compare_seed"
    TIME_CAP = "compare_time_cap"
    TRAIN_ALL = "compare_train_all"
    METHOD = "compare_method"
    METRIC = "compare_metric"
    MAX_SEQUENCES = "compare_max_sequences"
    EMBEDDINGS = "compare_embeddings"
    MEASURE_ON = "compare_measure_on"
    DOWNLOAD = "download_report"

    @staticmethod
    def train_control(run_id: str) -> str:
        """Key of "Train the shuffled control" of one run."""
        return f"compare_control_{run_id}"


COMPARE_VIEW: tuple[LinkedWidget, ...] = (
    LinkedWidget("method", CompareKeys.METHOD, "pca"),
    LinkedWidget("metric", CompareKeys.METRIC, "euclidean"),
)
"""The Compare view's widgets bound to share-link parameters (the same parameters as
Explore's, with the page's own widget keys)."""


def widget_value(key: str) -> Any:
    """The value of the widget ``key`` (None before it is first created or set)."""
    return st.session_state.get(key)


def set_widget_value(key: str, value: object) -> None:
    """Set the widget ``key`` (before it is created in this run)."""
    st.session_state[key] = value


def keep_widgets(keys: Sequence[str]) -> None:
    """Keep the values of widgets not drawn in this run (e.g. in a closed lazy tab), which
    Streamlit would otherwise forget, so that they come back as the user left them."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def forget_widget(key: str) -> None:
    """Drop the widget ``key``'s value, so it starts from its default."""
    st.session_state.pop(key, None)


def current_run_id() -> str | None:
    """The id of the current run (chosen on any page), or None."""
    return _CURRENT_RUN.get()


def set_current_run(run_id: str) -> None:
    """Make ``run_id`` the current run of every page."""
    _CURRENT_RUN.set(run_id)


def forget_current_run() -> None:
    """No run is current any more (it was deleted)."""
    _CURRENT_RUN.pop()


def chosen_sequence() -> str | None:
    """The ID of the sequence last chosen on Explore or Attention (the two pages share it,
    so it stays chosen when the other page is opened from the sidebar), or None."""
    return _CHOSEN_SEQUENCE.get()


def set_chosen_sequence(seq_id: str | None) -> None:
    """Remember ``seq_id`` (None: no sequence) as the sequence chosen on Explore or Attention."""
    _CHOSEN_SEQUENCE.set(seq_id)


def chosen_dataset() -> Dataset | None:
    """The current data set, or None before any page chose one."""
    return _DATASET.get()


def dataset_report() -> CleaningReport | None:
    """The cleaning report of the current data set (None for built-in and saved ones)."""
    return _DATASET_REPORT.get()


def dataset_ref() -> str | None:
    """The current data set's reference (built-in key or content hash), or None."""
    return _DATASET_REF.get()


def set_current_dataset(dataset: Dataset, report: CleaningReport | None, ref: str) -> None:
    """Make ``dataset`` (saved under ``ref``) the one every page works on."""
    _DATASET.set(dataset)
    _DATASET_REPORT.set(report)
    _DATASET_REF.set(ref)
    link_to("dataset", ref)


def session_owner() -> str:
    """A random id for this browser session: its training jobs record it, and only this
    session is offered their Cancel button (a reload starts a new session, which sees the
    jobs but cannot cancel them)."""
    owner = _SESSION_OWNER.get()
    if owner is None:
        owner = secrets.token_hex(8)
        _SESSION_OWNER.set(owner)
    return owner


def show_job(job_id: str) -> None:
    """Make ``job_id`` the Train page's job on show, and the URL's ``job`` parameter."""
    TRAIN_JOB.set(job_id)
    link_to("job", job_id)


def link_value(name: str) -> str | None:
    """The URL's ``name`` query parameter as it stands (applied or not), or None."""
    return st.query_params.get(name)


def unapplied_link_value(name: str) -> str | None:
    """The ``name`` query parameter if this session has not applied it yet, else None
    (without marking it applied: see :func:`new_link_value`)."""
    value = st.query_params.get(name)
    if not value or _applied_links().get(name) == value:
        return None
    return value


def new_link_value(name: str) -> str | None:
    """The ``name`` query parameter if this session has not applied it yet, else None.

    The value counts as applied from then on.
    """
    value = unapplied_link_value(name)
    if value is not None:
        _applied_links()[name] = value
    return value


def link_to(name: str, value: str | None) -> None:
    """Write ``name=value`` into the URL (and remember it as applied); None or "" removes it."""
    _applied_links()[name] = value
    if value:
        st.query_params[name] = value
    else:
        st.query_params.pop(name, None)


def _applied_links() -> dict[str, str | None]:
    """The link values already applied in this session, by parameter."""
    applied = _APPLIED_LINKS.get()
    if applied is None:
        applied = {}
        _APPLIED_LINKS.set(applied)
    return applied


def bind_to_link(
    widget: LinkedWidget,
    *,
    choices: Sequence[object] | None = None,
    bounds: tuple[float, float] | None = None,
) -> None:
    """Before creating ``widget``: give it its default, or a new link's value.

    Create the widget without a default value of its own, and call
    :func:`link_widgets` after it. An invalid link value keeps the default, with a
    warning.

    Args:
        widget: The widget and its parameter.
        choices: The values the widget offers, if restricted.
        bounds: Inclusive ``(low, high)`` of a number widget.
    """
    st.session_state.setdefault(widget.key, widget.default)
    text = new_link_value(widget.parameter)
    if text is None:
        return
    try:
        st.session_state[widget.key] = links.parse_parameter(
            widget.parameter, text, widget.default, choices=choices, bounds=bounds
        )
    except links.LinkParameterError as error:
        st.warning(as_text(f"{error} The default is used."), icon=":material/link_off:")


def link_widgets(widgets: Sequence[LinkedWidget]) -> None:
    """Write the widgets' values into the URL; values equal to their default are left out."""
    for widget in widgets:
        value = widget_value(widget.key)
        link_to(
            widget.parameter, None if value == widget.default else links.format_parameter(value)
        )


def bind_shown_classes(classes: Sequence[str]) -> None:
    """Before creating Explore's "Classes shown" (:attr:`ExploreKeys.CLASSES`): every class
    of a data set seen for the first time (or when the page opens afresh), or those a new
    link does not hide (with a warning naming what the link hides that is not here).

    Args:
        classes: The classes on offer.
    """
    classes = tuple(classes)
    if _CLASSES_OFFERED.get() != classes or widget_value(ExploreKeys.CLASSES) is None:
        _CLASSES_OFFERED.set(classes)
        set_widget_value(ExploreKeys.CLASSES, list(classes))
    text = new_link_value(HIDDEN_CLASSES_PARAMETER)
    if text is None:
        return
    hidden, unknown = links.split_names(text, classes)
    if unknown:
        st.warning(
            as_text(f"The link hides class(es) this data set does not have: {', '.join(unknown)}."),
            icon=":material/link_off:",
        )
    set_widget_value(ExploreKeys.CLASSES, [name for name in classes if name not in hidden])


def link_hidden_classes(hidden: Sequence[str]) -> None:
    """Write the classes Explore leaves out into the URL (none: the parameter is removed)."""
    link_to(HIDDEN_CLASSES_PARAMETER, ",".join(hidden))
