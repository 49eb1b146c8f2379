"""The ``python -m protviz`` command line.

Each subcommand is one ``add_*_command`` function that registers its parser
and a handler ``(args) -> dict``. The handler's dict is printed as a summary,
or as one JSON object on the last line with ``--json``. A
:class:`~protviz.core.dataset.ProteinDataError` (or other ``ValueError`` from bad
input) prints its message on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from protviz.core.dataset import Dataset, ProteinDataError, require_classes
from protviz.core.records import HEADLINE_METRICS
from protviz.core.store import store_root

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
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
    from protviz.io.fasta import read_labeled_fasta
    from protviz.io.labels import LabelRule, default_table_columns, read_label_table

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


# --------------------------------------------------------------------------- train


def add_train_command(commands: argparse._SubParsersAction) -> None:
    """Register ``train [FASTA]``: train a classifier and save it as a run."""
    from protviz.core.config import ARCHITECTURE_NAMES

    parser = commands.add_parser(
        "train",
        help="train a classifier on a labeled FASTA file (or a built-in data set)",
        description=(
            "Train a protein-sequence classifier, score it on the test split and save it "
            "in the run store (models/, or --home / $PROTVIZ_HOME). Progress goes to stderr. "
            "The data set's own train/valid/test split is used when it has one "
            "(--split-field/--split-key), else a stratified split with --seed."
        ),
    )
    parser.add_argument(
        "fasta", type=Path, nargs="?", help="labeled FASTA file (omit with --builtin)"
    )
    parser.add_argument(
        "--builtin", metavar="KEY", help="train on a built-in data set instead (motif, scl2205)"
    )
    parser.add_argument(
        "--arch", choices=ARCHITECTURE_NAMES, default="conv_attention", help="architecture"
    )
    add_label_options(parser)
    hyper = parser.add_argument_group("hyper-parameters (default: TrainingConfig defaults)")
    hyper.add_argument("--epochs", type=int, metavar="N")
    hyper.add_argument("--batch-size", type=int, metavar="N")
    hyper.add_argument("--embedding-dim", type=int, metavar="N")
    hyper.add_argument("--units", type=int, metavar="N")
    hyper.add_argument("--dropout", type=float, metavar="X")
    hyper.add_argument("--conv-filters", type=int, metavar="N")
    hyper.add_argument(
        "--conv-widths", metavar="W,W,...", help="comma-separated widths, e.g. 1,3,5,9,15,21"
    )
    hyper.add_argument(
        "--max-length", type=int, metavar="N", help="truncate longer proteins (0 = never)"
    )
    hyper.add_argument("--learning-rate", type=float, metavar="X")
    hyper.add_argument("--patience", type=int, metavar="N")
    hyper.add_argument("--seed", type=int, metavar="N")
    hyper.add_argument(
        "--class-weights", action="store_true", help="weight classes by inverse frequency"
    )
    hyper.add_argument(
        "--ignore-split",
        action="store_true",
        help="ignore the data set's own split and use a stratified split",
    )
    parser.add_argument("--home", type=Path, metavar="DIR", help="run store root")
    parser.add_argument("--name", help="user-facing run name")
    parser.set_defaults(handler=run_train)


def config_from_args(args: argparse.Namespace):
    """Build a :class:`~protviz.core.config.TrainingConfig` from ``train`` options."""
    from protviz.core.config import TrainingConfig

    options: dict[str, Any] = {"arch": args.arch}
    for name in (
        "epochs",
        "batch_size",
        "embedding_dim",
        "units",
        "dropout",
        "conv_filters",
        "learning_rate",
        "patience",
        "seed",
    ):
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
    options["class_weights"] = args.class_weights
    options["use_dataset_split"] = not args.ignore_split
    return TrainingConfig(**options)


class ProgressBar:
    """Draw training progress on stderr (redrawn in place on a terminal)."""

    def __init__(self, stream=None, interval: float = 0.25) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.interval = interval if self.interactive else 5.0
        self.last = 0.0
        self.last_epoch = 0

    def __call__(self, progress) -> None:
        import time

        now = time.monotonic()
        new_epoch = progress.epoch != self.last_epoch
        finished = progress.batch == progress.batches
        if not (new_epoch or finished) and now - self.last < self.interval:
            return
        self.last, self.last_epoch = now, progress.epoch
        width = 24
        filled = round(width * progress.batch / max(1, progress.batches))
        bar = "#" * filled + "." * (width - filled)
        if progress.phase == "evaluate":
            head = "test"
        else:
            head = f"epoch {progress.epoch}/{progress.epochs}"
        parts = [f"{head} [{bar}] {progress.batch}/{progress.batches}"]
        if progress.loss is not None:
            parts.append(f"loss {progress.loss:.4f}")
        parts += [f"{k} {v:.4f}" for k, v in progress.metrics.items()]
        if progress.eta_seconds is not None:
            parts.append(f"ETA {_duration(progress.eta_seconds)}")
        line = "  ".join(parts)
        if self.interactive:
            self.stream.write("\r" + line.ljust(100) + ("\n" if finished else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def run_train(args: argparse.Namespace) -> dict[str, Any]:
    """Train and save a run; return its id, folder, metrics and timings."""
    _quiet_tensorflow()
    if args.builtin:
        from protviz.io.builtin import load_builtin

        dataset = load_builtin(args.builtin)
    elif args.fasta is not None:
        dataset, _ = load_dataset_from_args(args, args.fasta)
    else:
        raise ProteinDataError(
            "Name a FASTA file to train on, or a built-in data set with "
            "--builtin motif / --builtin scl2205."
        )
    config = config_from_args(args)
    from protviz.model.training import train

    result = train(dataset, config, progress=ProgressBar(), name=args.name, home=args.home)
    record = result.record
    return {
        "run_id": record.run_id,
        "run_dir": str(result.run.path),
        "name": record.name,
        "arch": config.arch,
        "dataset": record.dataset.name,
        "split_sizes": record.split_sizes,
        "epochs_run": record.epochs_run,
        "metrics": record.metrics.headline(),
        "train_seconds": record.timings.train_seconds,
        "sequences_per_second": record.timings.sequences_per_second,
        "device": record.device,
    }


def format_train(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``train``."""
    metrics = result["metrics"]
    sizes = result["split_sizes"]
    return "\n".join(
        [
            f"saved run {result['run_id']} ({result['name']}) in {result['run_dir']}",
            f"{result['arch']} on {result['dataset']}: train {sizes['train']:,}, valid "
            f"{sizes['valid']:,}, test {sizes['test']:,}; {result['epochs_run']} epoch(s) in "
            f"{result['train_seconds']:.1f} s ({result['sequences_per_second']:.1f} seq/s, "
            f"{result['device']})",
            "test: "
            + ", ".join(f"{k} {v:.3f}" for k, v in metrics.items() if isinstance(v, int | float)),
        ]
    )


# --------------------------------------------------------------------------- evaluate


def add_evaluate_command(commands: argparse._SubParsersAction) -> None:
    """Register ``evaluate RUN FASTA``: score a saved run on another labeled file."""
    parser = commands.add_parser(
        "evaluate",
        help="score a saved run on another labeled FASTA file",
        description=(
            "Score a saved run on a labeled FASTA file. Sequences whose label is not one of "
            "the run's classes are left out of the scores and listed."
        ),
    )
    parser.add_argument("run", help="run id (see `python -m protviz runs`)")
    parser.add_argument("fasta", type=Path, help="labeled FASTA file")
    add_label_options(parser)
    parser.add_argument("--home", type=Path, metavar="DIR", help="run store root")
    parser.set_defaults(handler=run_evaluate)


def run_evaluate(args: argparse.Namespace) -> dict[str, Any]:
    """Score the run on the file; return its metrics and any unknown labels."""
    _quiet_tensorflow()
    from protviz.model import runs, saved

    run = runs.get_run(args.run, args.home)
    dataset, _ = load_dataset_from_args(args, args.fasta)
    from protviz.model.training import evaluate_dataset

    metrics = evaluate_dataset(saved.load_model(run.run_id, args.home), run.record, dataset)
    if metrics["unknown_labels"]:
        described = ", ".join(f"{k!r} ({v})" for k, v in metrics["unknown_labels"].items())
        print(
            f"warning: {metrics['left_out']} sequence(s) have labels the run was not trained on "
            f"and were left out of the scores: {described}. The run knows: "
            f"{', '.join(run.class_names)}.",
            file=sys.stderr,
        )
    return {"run_id": run.run_id, "name": run.name, "dataset": dataset.name, "metrics": metrics}


def format_evaluate(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``evaluate``."""
    metrics = result["metrics"]
    lines = [
        f"run {result['run_id']} ({result['name']}) on {result['dataset']}: "
        f"{metrics['scored']:,} sequence(s) scored, {metrics['left_out']:,} left out",
        ", ".join(f"{key} {metrics[key]:.3f}" for key in HEADLINE_METRICS),
    ]
    width = max(len(name) for name in metrics["per_class"])
    lines.append(f"  {'class':<{width}}  precision  recall     f1  support")
    lines += [
        f"  {name:<{width}}  {row['precision']:9.3f}  {row['recall']:6.3f}  {row['f1']:5.3f}"
        f"  {row['support']:7,}"
        for name, row in metrics["per_class"].items()
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- runs


def add_runs_command(commands: argparse._SubParsersAction) -> None:
    """Register ``runs``: list the saved runs."""
    parser = commands.add_parser(
        "runs",
        help="list the saved runs",
        description="List the runs in the run store, newest first.",
    )
    parser.add_argument("--home", type=Path, metavar="DIR", help="run store root")
    parser.set_defaults(handler=run_runs)


def run_runs(args: argparse.Namespace) -> dict[str, Any]:
    """List the runs with their names, architectures, data sets and accuracy."""
    from protviz.model import runs

    return {
        "home": str(store_root(args.home)),
        "runs": [
            {
                "run_id": run.run_id,
                "name": run.name,
                "arch": run.arch,
                "dataset": run.record.dataset.name,
                "accuracy": run.metrics.accuracy,
                "created": run.created,
            }
            for run in runs.list_runs(args.home)
        ],
    }


def format_runs(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``runs``."""
    if not result["runs"]:
        return f"no runs in {result['home']}"
    lines = [f"{len(result['runs'])} run(s) in {result['home']}:"]
    for run in result["runs"]:
        accuracy = "-" if run["accuracy"] is None else f"{run['accuracy']:.3f}"
        lines.append(
            f"  {run['run_id']}  {run['arch']:<14}  acc {accuracy}  {run['created']}  {run['name']}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- embed


def add_embed_command(commands: argparse._SubParsersAction) -> None:
    """Register ``embed RUN FASTA``: per-sequence vectors of a saved run, to a file."""
    from protviz.analysis.embeddings import EMBEDDING_KINDS, KIND_HELP

    parser = commands.add_parser(
        "embed",
        help="write per-sequence embeddings of a saved run to a file",
        description="Compute per-sequence vectors with a saved run: "
        + "; ".join(f"{k}: {v}" for k, v in KIND_HELP.items())
        + ". Labels are optional (unlabeled FASTA is fine).",
    )
    parser.add_argument("run", help="run id (see `python -m protviz runs`)")
    parser.add_argument("fasta", type=Path, help="FASTA file (labels optional)")
    parser.add_argument("--kind", choices=EMBEDDING_KINDS, default="averaged")
    parser.add_argument(
        "--out", type=Path, required=True, help="output file: .csv, .tsv, .parquet or .h5"
    )
    add_label_options(parser)
    parser.add_argument("--home", type=Path, metavar="DIR", help="run store root")
    parser.set_defaults(handler=run_embed)


def _dataset_for_embedding(args: argparse.Namespace) -> Dataset:
    """The FASTA as a data set; without a label rule or detectable label, labels are empty."""
    explicit = any(
        getattr(args, option) not in (None, False)
        for option in ("label_field", "label_key", "label_regex", "labels")
    )
    if not explicit:
        from protviz.io.fasta import parse_fasta

        parsed = parse_fasta(
            args.fasta, duplicates="keep_first" if args.keep_first_duplicate else "error"
        )
        if parsed.suggest_rule() is None:
            return Dataset.create(
                args.fasta.name, parsed.ids, parsed.sequences, [""] * len(parsed.ids)
            )
    dataset, _ = load_dataset_from_args(args, args.fasta)
    return dataset


def run_embed(args: argparse.Namespace) -> dict[str, Any]:
    """Embed every sequence and write the table; return what was written."""
    _quiet_tensorflow()
    from protviz.analysis.embeddings import run_embeddings
    from protviz.io.vectors import file_format, write_vectors
    from protviz.model import runs

    file_format(args.out)
    run = runs.get_run(args.run, args.home)
    dataset = _dataset_for_embedding(args)
    vectors = run_embeddings(run, dataset, args.kind)
    if args.kind == "probabilities":
        columns = [f"p:{name}" for name in run.class_names]
    else:
        columns = [f"{args.kind}_{i}" for i in range(vectors.shape[1])]
    write_vectors(args.out, dataset.ids, dataset.labels, vectors, columns)
    return {
        "run_id": run.run_id,
        "kind": args.kind,
        "sequences": len(dataset),
        "features": int(vectors.shape[1]),
        "out": str(args.out),
    }


# --------------------------------------------------------------------------- project


def add_project_command(commands: argparse._SubParsersAction) -> None:
    """Register ``project FILE``: 2-D/3-D coordinates of a vectors file."""
    from protviz.analysis.projection import METHODS, METRICS

    parser = commands.add_parser(
        "project",
        help="project a vectors file (from `embed`) to 2-D or 3-D",
        description="Project per-sequence vectors with PCA, t-SNE (openTSNE) or UMAP and "
        "write id, label and coordinates; with labels, also report silhouette, 5-NN "
        "accuracy and trustworthiness.",
    )
    parser.add_argument("file", type=Path, help="vectors: .csv, .tsv, .parquet or .h5")
    parser.add_argument("--method", choices=METHODS, default="pca")
    parser.add_argument("--dims", type=int, choices=(2, 3), default=2)
    parser.add_argument("--perplexity", type=float, default=30.0, help="t-SNE")
    parser.add_argument("--n-neighbors", type=int, default=15, help="UMAP")
    parser.add_argument("--min-dist", type=float, default=0.1, help="UMAP")
    parser.add_argument("--metric", choices=METRICS, default="euclidean")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", type=Path, required=True, help="output file: .csv, .tsv, .parquet or .h5"
    )
    parser.set_defaults(handler=run_project)


def run_project(args: argparse.Namespace) -> dict[str, Any]:
    """Project the vectors, write the coordinates, and measure the embedding."""
    import numpy as np

    from protviz.analysis.projection import ProjectionParams, embedding_quality, project
    from protviz.io.vectors import file_format, read_vectors, write_vectors

    file_format(args.out)
    rows, vectors, _ = read_vectors(args.file)
    params = ProjectionParams(
        method=args.method,
        dims=args.dims,
        perplexity=args.perplexity,
        n_neighbors=args.n_neighbors,
        min_dist=args.min_dist,
        metric=args.metric,
        seed=args.seed,
    )
    projection = project(vectors, params)
    axes = ["x", "y", "z"][: args.dims]
    write_vectors(args.out, rows["id"], rows["label"], projection.coordinates, axes)
    labels = rows["label"].to_numpy()
    quality = (
        embedding_quality(vectors, labels, projection.coordinates, metric=args.metric)
        if (labels != "").all()
        else None
    )
    for message in projection.messages:
        print(f"note: {message}", file=sys.stderr)
    return {
        "file": str(args.file),
        "out": str(args.out),
        "points": len(rows),
        "params": projection.params.relevant(),
        "messages": list(projection.messages),
        "explained_variance": list(projection.explained_variance),
        "quality": quality,
        "labels": int(np.unique(labels).size),
    }


def format_project(result: dict[str, Any]) -> str:
    """Human-readable text for the result of ``project``."""
    lines = [f"projected {result['points']:,} points ({result['params']}) to {result['out']}"]
    if result["quality"]:
        lines.append(
            "quality: "
            + ", ".join(
                f"{k} {'n/a' if v is None else f'{v:.3f}'}" for k, v in result["quality"].items()
            )
        )
    return "\n".join(lines)


def _quiet_tensorflow() -> None:
    """Hide TensorFlow's start-up log lines (unless the user set a level)."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _input_errors() -> tuple[type[Exception], ...]:
    """Errors caused by bad input: message on stderr, exit status 2."""
    from protviz.analysis.embeddings import EmbeddingError
    from protviz.analysis.projection import ProjectionError
    from protviz.core.config import TrainingConfigError
    from protviz.model.encoding import EncodingError
    from protviz.model.runs import RunStoreError

    return (
        ProteinDataError,
        EncodingError,
        RunStoreError,
        TrainingConfigError,
        EmbeddingError,
        ProjectionError,
    )


# --------------------------------------------------------------------------- main

COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_check_command,
    add_train_command,
    add_evaluate_command,
    add_runs_command,
    add_embed_command,
    add_project_command,
]
FORMATTERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "check": format_check,
    "train": format_train,
    "evaluate": format_evaluate,
    "runs": format_runs,
    "project": format_project,
}


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
    except _input_errors() as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted: nothing was saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    if args.json:
        print(json.dumps(result, default=str))
    else:
        formatter = FORMATTERS.get(args.command)
        print(formatter(result) if formatter else json.dumps(result, indent=2, default=str))
    return 0
