"""The Train page's settings form (the job views are in :mod:`protviz.app.panels.jobs`)."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from protviz.app.state import TrainKeys
from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset
from protviz.model.config_form import (
    BATCH_SIZES,
    DEFAULTS,
    LEARNING_RATES,
    RANGES,
    default_run_name,
    default_value,
    form_config,
    parse_widths,
)

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
    """Architecture and hyper-parameter widgets; returns the configuration and run name."""
    arch = st.radio(
        "Architecture",
        list(ARCHITECTURE_HELP),
        captions=list(ARCHITECTURE_HELP.values()),
        key=TrainKeys.ARCHITECTURE,
    )
    values = _model_settings_ui(arch) | _split_settings_ui(dataset)
    config = form_config(arch=arch, **values)
    default_name = default_run_name(arch, dataset.name)
    name = st.text_input("Run name", placeholder=default_name, key=TrainKeys.NAME)
    return config, name.strip() or default_name


def _model_settings_ui(arch: str) -> dict[str, object]:
    """The model's and the optimiser's hyper-parameters, by configuration field."""
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
        "epochs": hyperparameter_input(left, "Epochs (most)", "epochs", TrainKeys.EPOCHS),
        "batch_size": middle.selectbox(
            "Batch size", BATCH_SIZES, index=BATCH_SIZES.index(DEFAULTS.batch_size),
            key=TrainKeys.BATCH_SIZE,
        ),
        "learning_rate": right.select_slider(
            "Learning rate", LEARNING_RATES, value=DEFAULTS.learning_rate,
            key=TrainKeys.LEARNING_RATE,
        ),
        "max_length": hyperparameter_input(
            left, "Max length (0 = no limit)", "max_length", TrainKeys.MAX_LENGTH, step=100,
            help="Longer proteins keep their N- and C-terminal halves.",
        ),
        "seed": hyperparameter_input(middle, "Seed", "seed", TrainKeys.SEED),
        "patience": hyperparameter_input(
            right, "Early-stopping patience (epochs)", "patience", TrainKeys.PATIENCE
        ),
    }  # fmt: skip
    if arch == "conv_attention":
        widths_text = left.text_input(
            "Convolution widths", default_value("conv_widths"), key=TrainKeys.CONV_WIDTHS
        )
        values["conv_widths"] = parse_widths(widths_text)
        values["conv_filters"] = hyperparameter_input(
            middle, "Filters per width", "conv_filters", TrainKeys.CONV_FILTERS
        )
    return values


def _split_settings_ui(dataset: Dataset) -> dict[str, object]:
    """Class weights and the train/valid/test split, by configuration field."""
    class_weights = st.checkbox(
        "Weight classes by inverse frequency (for imbalanced data)", key=TrainKeys.CLASS_WEIGHTS
    )
    use_split = False
    if dataset.split is not None:
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
    return {
        "class_weights": class_weights,
        "use_dataset_split": use_split,
        "valid_fraction": valid_fraction,
        "test_fraction": test_fraction,
    }
