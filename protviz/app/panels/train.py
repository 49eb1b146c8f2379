"""The Train page's settings form (the job views are in :mod:`protviz.app.panels.jobs`)."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from protviz.app.errors import as_text
from protviz.app.state import TrainKeys
from protviz.core.config import DEFAULT_IDENTITY, TrainingConfig
from protviz.core.dataset import Dataset
from protviz.model import runs
from protviz.model.clusters import METHOD_TITLES, available_method
from protviz.model.config_form import (
    BATCH_SIZES,
    CLASS_WEIGHTING,
    DEFAULTS,
    LEARNING_RATES,
    RANGES,
    default_run_name,
    default_value,
    form_config,
    parse_widths,
)
from protviz.model.splits import IMBALANCE_RATIO, SplitError, class_weighting, split_dataset
from protviz.model.timing import (
    estimate_training_time,
    run_speed,
    shipped_speeds,
    training_residues,
)
from protviz.report.sentences import stopping_plan, training_time_sentence

ARCHITECTURE_HELP = {
    "mean": (
        "Averages the learned amino-acid embeddings over the sequence, then one dense "
        "layer. Ignores residue order: a shuffled sequence gets the same prediction. "
        "The baseline, and the fastest."
    ),
    "lstm": (
        "An LSTM reads the sequence from the N- to the C-terminus. Sees order and "
        "position, but remembers the start less well than the end of long proteins."
    ),
    "bilstm": (
        "Two LSTMs, one reading each way. Sees order from both termini (signal peptides "
        "at the N-terminus, retention signals at the C-terminus)."
    ),
    "conv_attention": (
        "Convolutions detect short motifs of several widths, a bidirectional LSTM puts "
        "them in context, and attention weighs each position (Sønderby et al. 2015). "
        "The attention weights show where the model looks. The slowest."
    ),
}
"""Architecture -> what it does, shown under its name."""


def hyperparameter_input(
    column: DeltaGenerator, label: str, name: str, key: str, **options: object
) -> float:
    """A number input for the hyper-parameter ``name``, with its range and default (also
    used by the Compare page's "train all four architectures")."""
    low, high = RANGES[name]
    return column.number_input(label, low, high, default_value(name), key=key, **options)


def settings_ui(dataset: Dataset) -> tuple[TrainingConfig, str]:
    """Architecture and hyper-parameter widgets; returns the configuration and run name.

    Under them, when training will stop and whether the classes will be weighted.
    """
    arch = st.radio(
        "Architecture",
        list(ARCHITECTURE_HELP),
        captions=list(ARCHITECTURE_HELP.values()),
        key=TrainKeys.ARCHITECTURE,
    )
    values = _model_settings_ui(arch) | _stopping_settings_ui(arch) | _split_settings_ui(dataset)
    config = form_config(arch=arch, **values)
    split_preview(dataset, config)
    st.caption(as_text(stopping_plan(config)))
    st.caption(as_text(_class_weighting_note(dataset, config)))
    default_name = default_run_name(arch, dataset.name)
    name = st.text_input("Run name", placeholder=default_name, key=TrainKeys.NAME)
    return config, name.strip() or default_name


def _model_settings_ui(arch: str) -> dict[str, object]:
    """The model's hyper-parameters, by configuration field."""
    left, middle, right = st.columns(3)
    values: dict[str, object] = {
        "embedding_dim": hyperparameter_input(
            left, "Embedding dimension", "embedding_dim", TrainKeys.EMBEDDING_DIM,
            help="Length of the learned vector of each amino acid.",
        ),
        "units": hyperparameter_input(
            middle, "Units", "units", TrainKeys.UNITS,
            help="LSTM units per direction; dense units.",
        ),
        "dropout": right.slider(
            "Dropout", *RANGES["dropout"], DEFAULTS.dropout, 0.05, key=TrainKeys.DROPOUT
        ),
        "max_length": hyperparameter_input(
            left, "Max length (0 = no limit)", "max_length", TrainKeys.MAX_LENGTH, step=100,
            help="Longer proteins keep their N- and C-terminal halves.",
        ),
        "seed": hyperparameter_input(middle, "Seed", "seed", TrainKeys.SEED),
    }  # fmt: skip
    if arch == "conv_attention":
        widths_text = right.text_input(
            "Convolution widths", default_value("conv_widths"), key=TrainKeys.CONV_WIDTHS
        )
        values["conv_widths"] = parse_widths(widths_text)
        values["conv_filters"] = hyperparameter_input(
            left, "Filters per width", "conv_filters", TrainKeys.CONV_FILTERS
        )
    return values


def _stopping_settings_ui(arch: str) -> dict[str, object]:
    """The optimiser and when training stops: epoch cap, time cap, patience, learning rate."""
    left, middle, right = st.columns(3)
    return {
        "epochs": hyperparameter_input(left, "Epochs (most)", "epochs", TrainKeys.EPOCHS),
        "time_cap_minutes": hyperparameter_input(
            middle, "Time cap (minutes, 0 = none)", "time_cap_minutes", TrainKeys.TIME_CAP,
            help="Training stops after the last epoch that fits in this time.",
        ),
        "patience": hyperparameter_input(
            right, "Early-stopping patience (epochs)", "patience", TrainKeys.PATIENCE
        ),
        "batch_size": left.selectbox(
            "Batch size", BATCH_SIZES, index=BATCH_SIZES.index(DEFAULTS.batch_size),
            key=TrainKeys.BATCH_SIZE,
        ),
        "learning_rate": middle.select_slider(
            "Learning rate", LEARNING_RATES, value=default_value("learning_rate", arch),
            key=TrainKeys.learning_rate(arch), help="Adam's initial learning rate; the "
            "default suits this architecture.",
        ),
        "lr_schedule": "plateau" if right.checkbox(
            "Halve the learning rate on plateaus", value=True, key=TrainKeys.LR_SCHEDULE,
            help="When validation loss has not improved for half the patience.",
        ) else "constant",
    }  # fmt: skip


SPLIT_HELP = {
    "random": "Random: the data set's own split when it has one, else a stratified shuffle. "
    "Near-identical sequences can land on both sides, which overstates accuracy.",
    "metadata": "By a metadata column (year, lineage, study): whole groups go to one side, "
    "so the test asks about groups never seen in training.",
    "cluster": "By clusters of similar sequences: sequences at or above the identity "
    "threshold to one another stay on one side (as DeepLoc partitions its data).",
}
"""Split kind -> what it does, shown under its name."""


def _split_settings_ui(dataset: Dataset) -> dict[str, object]:
    """Class weights and the train/valid/test split, by configuration field."""
    class_weights = st.segmented_control(
        "Weight classes by inverse frequency",
        list(CLASS_WEIGHTING),
        default="automatic",
        key=TrainKeys.CLASS_WEIGHTS,
        help="Automatic: when the largest training class has more than "
        f"{IMBALANCE_RATIO} times the sequences of the smallest, so rare classes get predicted "
        "(never for conv_attention, whose training stalls when weighted; turn it on by hand "
        "if a class is never predicted).",
    )
    kind = st.radio(
        "Split", list(SPLIT_HELP), captions=list(SPLIT_HELP.values()), horizontal=False,
        key=TrainKeys.SPLIT_KIND,
    )  # fmt: skip
    values: dict[str, object] = {"split": kind, **_split_kind_ui(dataset, kind)}
    use_split = False
    if dataset.split is not None and kind == "random":
        use_split = st.checkbox(
            "Use the data set's own train/valid/test split", value=True, key=TrainKeys.USE_SPLIT
        )
    valid_fraction, test_fraction = DEFAULTS.valid_fraction, DEFAULTS.test_fraction
    if not use_split:
        left, right = st.columns(2)
        valid_fraction = left.slider(
            "Validation fraction", *RANGES["valid_fraction"], valid_fraction, 0.05,
            key=TrainKeys.VALID_FRACTION,
        )  # fmt: skip
        test_fraction = right.slider(
            "Test fraction", *RANGES["test_fraction"], test_fraction, 0.05,
            key=TrainKeys.TEST_FRACTION,
        )  # fmt: skip
    return values | {
        "class_weights": class_weights or "automatic",
        "use_dataset_split": use_split,
        "valid_fraction": valid_fraction,
        "test_fraction": test_fraction,
    }


def _split_kind_ui(dataset: Dataset, kind: str) -> dict[str, object]:
    """The column of a metadata split, or the threshold of a cluster split (and its method)."""
    if kind == "metadata":
        columns = [str(column) for column in dataset.metadata.columns]
        if not columns:
            raise SplitError(
                f"'{dataset.name}' has no metadata columns to split by. Add them to the FASTA "
                "headers (e.g. >id|label|year=2009) on the Data page, or choose another split."
            )
        return {"split_column": st.selectbox("Keep groups of", columns, key=TrainKeys.SPLIT_COLUMN)}
    if kind == "cluster":
        identity = st.slider(
            "Identity threshold", 0.3, 1.0, DEFAULT_IDENTITY, 0.05, key=TrainKeys.IDENTITY,
            help="Sequences at least this identical (over the shorter one's length) stay on "
            "one side, and so does everything linked to them.",
        )  # fmt: skip
        st.caption(as_text(f"Clusters are found with {METHOD_TITLES[available_method()]}."))
        return {"identity": identity}
    return {}


def split_preview(dataset: Dataset, config: TrainingConfig) -> None:
    """The split this configuration makes: sizes, groups and notes (or why it cannot)."""
    split = split_dataset(dataset, config)
    sizes = split.sizes()
    text = f"Split: {sizes['train']:,} train, {sizes['valid']:,} validation, {sizes['test']:,} test"
    if split.groups:
        unit = "clusters" if split.kind == "cluster" else "groups"
        counts = " / ".join(f"{split.groups[part]:,}" for part in ("train", "valid", "test"))
        text += f" ({counts} {unit})"
    st.caption(as_text(text + ". " + " ".join(split.notes)))


def _class_weighting_note(dataset: Dataset, config: TrainingConfig) -> str:
    """Whether training will weight the classes, and why (on this split's training part)."""
    split = split_dataset(dataset, config)
    weighted, reason = class_weighting(
        [dataset.labels[i] for i in split.train], config.class_weights, config.arch
    )
    if weighted:
        return (
            f"Classes will be weighted by inverse frequency ({reason}), so that rare classes "
            "get predicted; the baselines are weighted the same way."
        )
    return f"Classes will not be weighted ({reason})."


def time_estimate_ui(dataset: Dataset, config: TrainingConfig, parameters: int) -> None:
    """How long the chosen settings will take on this machine, scaled from the saved runs'
    measured speeds (else protviz's own measurements), and what that is based on."""
    speeds = [
        speed for run in runs.list_runs() if (speed := run_speed(run.name, run.record))
    ] + shipped_speeds()
    residues = training_residues(dataset, config)
    estimate = estimate_training_time(config, parameters, residues, speeds)
    st.caption(as_text(training_time_sentence(estimate, config)))
