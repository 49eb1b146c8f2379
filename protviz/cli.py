"""The ``python -m protviz`` command line.

Each subcommand is one ``add_*_command`` function that registers its parser
and a handler ``(args) -> dict``. The handler's dict is printed as a summary,
or as one JSON object on the last line with ``--json``. A
:class:`~protviz.dataset.ProteinDataError` (or other ``ValueError`` from bad
input) prints its message on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from protviz.dataset import Dataset, ProteinDataError, require_classes

EXIT_BAD_INPUT = 2
Handler = Callable[[argparse.Namespace], dict[str, Any]]


# --------------------------------------------------------------------------- shared options


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
    from protviz.fasta import read_labeled_fasta
    from protviz.labels import LabelRule, default_table_columns, read_label_table

    split = {"split_field": args.split_field, "split_key": args.split_key}
    table = None
    if args.label_field is not None:
        rule = LabelRule(kind="field", field=args.label_field, separator=args.separator, **split)
    elif args.label_key:
        rule = LabelRule(kind="key", key=args.label_key, **split)
    elif args.label_regex:
        rule = LabelRule(kind="regex", pattern=args.label_regex, **split)
    elif args.labels:
        try:
            data = args.labels.read_bytes()
        except OSError as error:
            raise ProteinDataError(
                f"Cannot read the label table '{args.labels}': {error}"
            ) from None
        table = read_label_table(data, args.labels.name)
        id_column, label_column, split_column = default_table_columns(table)
        rule = LabelRule(
            kind="table",
            id_column=args.id_column or id_column,
            label_column=args.label_column or label_column,
            split_column=args.split_column or split_column,
        )
    elif args.split_field is not None or args.split_key:
        raise ProteinDataError("--split-field/--split-key need an explicit label option too.")
    else:
        rule = None
    dataset, report = read_labeled_fasta(
        fasta,
        rule,
        label_table=table,
        duplicates="keep_first" if args.keep_first_duplicate else "error",
    )
    return dataset, report.to_dict()


def dataset_summary(dataset: Dataset) -> dict[str, Any]:
    """Summarise a data set as JSON-serialisable numbers."""
    lengths = dataset.lengths
    summary: dict[str, Any] = {
        "name": dataset.name,
        "sequences": len(dataset),
        "classes": {str(k): int(v) for k, v in dataset.class_counts.items()},
        "length": {
            "min": int(lengths.min()),
            "median": float(sorted(lengths)[len(lengths) // 2]),
            "mean": round(float(lengths.mean()), 1),
            "max": int(lengths.max()),
        },
        "content_hash": dataset.content_hash,
        "metadata_columns": [str(c) for c in dataset.metadata.columns],
    }
    if dataset.split is not None:
        from collections import Counter

        summary["split"] = dict(sorted(Counter(dataset.split).items()))
    return summary


# --------------------------------------------------------------------------- check


def add_check_command(commands: argparse._SubParsersAction) -> None:
    """Register ``check FASTA``: validate a labeled FASTA file and summarise it."""
    parser = commands.add_parser(
        "check",
        help="validate a labeled FASTA file and print a summary",
        description=(
            "Validate a labeled protein FASTA file (plain or .gz) and print the number of "
            "sequences, the classes with counts, length statistics and what was cleaned. "
            "Exit status 0 when the file is usable for training, 2 otherwise."
        ),
    )
    parser.add_argument("fasta", type=Path, help="FASTA file (.fasta/.fa/.faa, optionally .gz)")
    add_label_options(parser)
    parser.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> dict[str, Any]:
    """Validate the file and return its summary and cleaning report."""
    dataset, report = load_dataset_from_args(args, args.fasta)
    require_classes(dataset)
    return {**dataset_summary(dataset), "report": report, "usable": True}


def format_check(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``check``."""
    length = result["length"]
    lines = [
        f"{result['name']}: {result['sequences']:,} sequences, {len(result['classes'])} classes",
        f"length: min {length['min']}, median {length['median']:.0f}, "
        f"mean {length['mean']:.0f}, max {length['max']}",
        "classes:",
    ]
    width = max(len(c) for c in result["classes"])
    lines += [f"  {c:<{width}}  {n:>7,}" for c, n in result["classes"].items()]
    if "split" in result:
        lines.append(
            "split: " + ", ".join(f"{k or '(none)'} {v:,}" for k, v in result["split"].items())
        )
    messages = result["report"]["messages"]
    lines.append("cleaning:" if messages else "cleaning: nothing to report")
    lines += [f"  - {m}" for m in messages]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main

COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [add_check_command]
FORMATTERS: dict[str, Callable[[dict[str, Any]], str]] = {"check": format_check}


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m protviz",
        description="protviz: see what a neural network learned from protein sequences.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(commands)
    for sub in commands.choices.values():
        sub.add_argument(
            "--json",
            action="store_true",
            help="print the result as one JSON object on the last line",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        result = handler(args)
    except ProteinDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(result, default=str))
    else:
        formatter = FORMATTERS.get(args.command)
        print(formatter(result) if formatter else json.dumps(result, indent=2, default=str))
    return 0
