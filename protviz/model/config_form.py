"""The training form: the ranges and defaults of each hyper-parameter, and the
:class:`~protviz.model.training.TrainingConfig` a form's values make.

Pure logic behind the Train page's settings and the Compare page's "train all four
architectures" (no Streamlit). Defaults are those of each architecture
(``TrainingConfig.for_architecture``), so a form and the command line start from the
same run.
"""

from __future__ import annotations

from protviz.core.config import ARCHITECTURE_NAMES, TrainingConfig, TrainingConfigError

DEFAULTS = TrainingConfig()
"""The default configuration (``conv_attention``'s): the types of every form value."""

CLASS_WEIGHTING = {"automatic": None, "on": True, "off": False}
"""The class-weighting choices a form offers -> ``TrainingConfig.class_weights``."""

RANGES: dict[str, tuple[float, float]] = {
    "embedding_dim": (2, 128),
    "units": (4, 512),
    "dropout": (0.0, 0.8),
    "epochs": (1, 500),
    "max_length": (0, 100_000),
    "seed": (0, 2**31 - 1),
    "patience": (1, 100),
    "time_cap_minutes": (0, 24 * 60),
    "conv_filters": (1, 256),
    "valid_fraction": (0.05, 0.4),
    "test_fraction": (0.05, 0.4),
}
"""Hyper-parameter -> the ``(low, high)`` a form offers (``max_length`` and
``time_cap_minutes`` 0: no limit)."""

BATCH_SIZES = (8, 16, 32, 64, 128)
"""The batch sizes a form offers."""

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)
"""The learning rates a form offers."""


def default_value(name: str, arch: str | None = None) -> object:
    """A hyper-parameter's default as a form shows it (``max_length`` None is 0; the time
    cap in minutes as ``time_cap_minutes``, None is 0).

    Args:
        name: A :class:`TrainingConfig` field, or ``time_cap_minutes``.
        arch: The architecture whose defaults to use (default: :data:`DEFAULTS`).
    """
    defaults = DEFAULTS if arch is None else TrainingConfig.for_architecture(arch)
    if name == "time_cap_minutes":
        seconds = defaults.time_budget_seconds
        return 0 if seconds is None else round(seconds / 60)
    value = getattr(defaults, name)
    if name == "max_length":
        return value or 0
    if name == "conv_widths":
        return format_widths(value)
    return value


def format_widths(widths: tuple[int, ...]) -> str:
    """Convolution widths as a form shows them: ``1, 3, 5``."""
    return ", ".join(str(width) for width in widths)


def parse_widths(text: str) -> tuple[int, ...]:
    """Convolution widths typed in a form: whole numbers separated by commas or spaces.

    Raises:
        TrainingConfigError: If a width is not a whole number.
    """
    try:
        return tuple(int(width) for width in text.replace(",", " ").split())
    except ValueError:
        raise TrainingConfigError(
            f"Convolution widths must be whole numbers separated by commas; got {text!r}."
        ) from None


def form_config(arch: str, **values: object) -> TrainingConfig:
    """The configuration of a form's values; hyper-parameters left out keep the
    architecture's defaults.

    Values are converted to the configuration's types as number widgets return them
    (``3.0`` epochs is 3); ``max_length`` 0 means no limit; ``time_cap_minutes`` is the
    time cap in minutes (0: none); ``class_weights`` may be a choice of
    :data:`CLASS_WEIGHTING`.

    Args:
        arch: The architecture.
        **values: Hyper-parameters by :class:`TrainingConfig` field name.

    Returns:
        The configuration.

    Raises:
        TrainingConfigError: If a value is outside its valid range.
    """
    converted: dict[str, object] = {}
    for name, value in values.items():
        if name == "time_cap_minutes":
            converted["time_budget_seconds"] = float(value) * 60 or None  # type: ignore[arg-type]
            continue
        default = getattr(DEFAULTS, name)
        if name == "max_length":
            converted[name] = int(value) or None  # type: ignore[call-overload]
        elif name == "class_weights":
            converted[name] = CLASS_WEIGHTING.get(value, value)  # type: ignore[call-overload]
        elif isinstance(default, bool):
            converted[name] = bool(value)
        elif isinstance(default, int):
            converted[name] = int(value)  # type: ignore[call-overload]
        elif isinstance(default, float):
            converted[name] = float(value)  # type: ignore[arg-type]
        else:
            converted[name] = value
    return TrainingConfig.for_architecture(arch, **converted)


def default_run_name(arch: str, dataset_name: str) -> str:
    """The name of a run when none is given."""
    return f"{arch} on {dataset_name}"


def every_architecture(**values: object) -> dict[str, TrainingConfig]:
    """One configuration per architecture, with the same form values (for a comparison).

    Returns:
        Architecture -> its configuration, in :data:`ARCHITECTURE_NAMES` order.
    """
    return {arch: form_config(arch=arch, **values) for arch in ARCHITECTURE_NAMES}
