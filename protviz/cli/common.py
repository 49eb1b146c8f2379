"""What the sub-commands share: label options, reading the data set they name, the
training settings (``train`` and ``job submit``), exit statuses, and printing a result.

Every name here is light (no TensorFlow), so the parsers can use it.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from protviz.core.config import TrainingConfig
from protviz.core.dataset import Dataset, ProteinDataError
from protviz.core.records import HEADLINE_METRICS
from protviz.io.builtin import load_builtin
from protviz.io.fasta import Duplicates, read_labeled_fasta
from protviz.io.labels import LabelRule, default_table_columns, read_label_table

EXIT_BAD_INPUT = 2
"""Exit status for input protviz cannot use (any :class:`~protviz.core.errors.ProtvizError`)."""
EXIT_INTERRUPTED = 130
"""Exit status after Ctrl-C."""
Formatter = Callable[[dict[str, Any]], str]
"""A sub-command's ``format``: its result as text for a person."""

CONFIG_OPTIONS = (
    "epochs",
    "batch_size",
    "embedding_dim",
    "units",
    "dropout",
    "conv_filters",
    "learning_rate",
    "patience",
    "seed",
    "lr_schedule",
    "split",
    "identity",
)
"""``train`` options passed to :class:`TrainingConfig` as they are, when given."""


def dataset_from_args(args: argparse.Namespace) -> Dataset:
    """The built-in data set (``--builtin``) or the FASTA file to train on."""
    if args.builtin:
        return load_builtin(args.builtin)
    if args.fasta is not None:
        dataset, _ = load_dataset_from_args(args, args.fasta)
        return dataset
    raise ProteinDataError(
        "Name a FASTA file to train on, or a built-in data set with "
        "--builtin motif / --builtin scl2205."
    )


def config_from_args(args: argparse.Namespace) -> TrainingConfig:
    """Build a :class:`~protviz.core.config.TrainingConfig` from ``train`` options
    (those not given get the architecture's defaults)."""
    options: dict[str, Any] = {}
    for name in CONFIG_OPTIONS:
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    if args.max_length is not None:
        options["max_length"] = args.max_length or None
    if args.conv_widths:
        try:
            options["conv_widths"] = tuple(int(w) for w in args.conv_widths.split(","))
        except ValueError:
            raise ProteinDataError(
                f"--conv-widths must be comma-separated whole numbers such as 1,3,5,9; got "
                f"{args.conv_widths!r}."
            ) from None
    if args.class_weights is not None:
        options["class_weights"] = args.class_weights
    if args.metadata_column is not None:
        options["split_column"] = args.metadata_column
    if args.time_cap_minutes is not None:
        options["time_budget_seconds"] = args.time_cap_minutes * 60 or None
    options["use_dataset_split"] = not args.ignore_split
    return TrainingConfig.for_architecture(args.arch or "conv_attention", **options)


def add_label_options(parser: argparse.ArgumentParser) -> None:
    """Add the options that say where labels come from (shared by check, train, evaluate)."""
    group = parser.add_argument_group("labels (default: detected from the headers)")
    rule = group.add_mutually_exclusive_group()
    rule.add_argument(
        "--label-field",
        type=int,
        metavar="N",
        help="label = field N (0-based; -1 = last) of the '|'-separated ID",
    )
    rule.add_argument("--label-key", metavar="KEY", help="label = value of the KEY=value tag")
    rule.add_argument(
        "--label-regex", metavar="RE", help="label = the one group of RE searched in the header"
    )
    rule.add_argument(
        "--labels",
        type=Path,
        metavar="CSV",
        help="label = a column of this CSV/TSV file mapping sequence ID to label and metadata",
    )
    group.add_argument("--separator", default="|", help="ID field separator (default '|')")
    group.add_argument("--split-field", type=int, metavar="N", help="split = ID field N")
    group.add_argument("--split-key", metavar="KEY", help="split = value of the KEY=value tag")
    group.add_argument("--id-column", help="label table: column of sequence IDs")
    group.add_argument("--label-column", help="label table: column of labels")
    group.add_argument("--split-column", help="label table: column of the split")
    group.add_argument(
        "--keep-first-duplicate",
        action="store_true",
        help="keep the first record of a repeated ID instead of refusing the file",
    )


def label_rule_from_args(
    args: argparse.Namespace,
) -> tuple[LabelRule | None, pd.DataFrame | None]:
    """The label rule the options of :func:`add_label_options` ask for.

    Args:
        args: Parsed arguments with the label options.

    Returns:
        The rule (None: detect one from the headers) and, for ``--labels``,
        the label table.

    Raises:
        ProteinDataError: If the label table cannot be read, or a split option
            comes without a label option.
    """
    split = {"split_field": args.split_field, "split_key": args.split_key}
    if args.label_field is not None:
        rule = LabelRule(kind="field", field=args.label_field, separator=args.separator, **split)
        return rule, None
    if args.label_key:
        return LabelRule(kind="key", key=args.label_key, **split), None
    if args.label_regex:
        return LabelRule(kind="regex", pattern=args.label_regex, **split), None
    if args.labels:
        return _table_rule(args)
    if args.split_field is not None or args.split_key:
        raise ProteinDataError("--split-field/--split-key need an explicit label option too.")
    return None, None


def _table_rule(args: argparse.Namespace) -> tuple[LabelRule, pd.DataFrame]:
    """Read the ``--labels`` table and the rule naming its columns."""
    try:
        data = args.labels.read_bytes()
    except OSError as error:
        raise ProteinDataError(f"Cannot read the label table '{args.labels}': {error}") from None
    table = read_label_table(data, args.labels.name)
    id_column, label_column, split_column = default_table_columns(table)
    rule = LabelRule(
        kind="table",
        id_column=args.id_column or id_column,
        label_column=args.label_column or label_column,
        split_column=args.split_column or split_column,
    )
    return rule, table


def load_dataset_from_args(args: argparse.Namespace, fasta: Path) -> tuple[Dataset, dict]:
    """Read the FASTA file named on the command line with the label options given.

    Args:
        args: Parsed arguments with the options of :func:`add_label_options`.
        fasta: The FASTA file.

    Returns:
        The data set and its cleaning report as a dict.

    Raises:
        ProteinDataError: For unusable input.
    """
    rule, table = label_rule_from_args(args)
    dataset, report = read_labeled_fasta(
        fasta,
        rule,
        label_table=table,
        duplicates=duplicates_from_args(args),
    )
    return dataset, report.to_dict()


def duplicates_from_args(args: argparse.Namespace) -> Duplicates:
    """What to do with repeated IDs: ``keep_first`` with ``--keep-first-duplicate``."""
    return "keep_first" if args.keep_first_duplicate else "error"


def quiet_tensorflow() -> None:
    """Hide TensorFlow's start-up log lines (unless the user set a level).

    Call before TensorFlow is imported.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def result_text(result: dict[str, Any], formatter: Formatter, as_json: bool) -> str:
    """The text printed for a result: one JSON line with ``--json``, else ``formatter(result)``."""
    return json.dumps(result, default=str) if as_json else formatter(result)


def indented_json(result: dict[str, Any]) -> str:
    """A result as indented JSON, for commands without a summary of their own."""
    return json.dumps(result, indent=2, default=str)


def scores_text(result: dict[str, Any]) -> str:
    """``accuracy 0.953 (0.935-0.969), ...`` for the headline metrics of a score dict."""
    parts = []
    for name in HEADLINE_METRICS:
        value = result.get(name)
        if not isinstance(value, int | float):
            continue
        bounds = result.get("intervals", {}).get(name)
        interval = f" ({bounds[0]:.3f}-{bounds[1]:.3f})" if bounds else ""
        parts.append(f"{name} {value:.3f}{interval}")
    return ", ".join(parts)
