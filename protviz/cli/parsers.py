"""The options of every sub-command, defined without running anything.

Each ``add_<command>`` function registers one sub-command on the parser; the
module :mod:`protviz.cli.<command>` runs it. This module and what it imports are
light (no TensorFlow), so ``python -m protviz --help`` and option errors are
fast, and only the command that runs loads what it needs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from protviz.analysis.kinds import DATASET_KINDS, KIND_HELP, RUN_KINDS
from protviz.analysis.projection import METHODS, METRICS
from protviz.cli.common import add_label_options
from protviz.core.config import ARCHITECTURE_NAMES, DEFAULT_IDENTITY, LR_SCHEDULES, SPLIT_KINDS

Commands = argparse._SubParsersAction
"""The sub-parsers of the ``python -m protviz`` parser."""


def add_check(commands: Commands) -> None:
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


def add_train(commands: Commands) -> None:
    """Register ``train [FASTA]``: train a classifier and save it as a run."""
    parser = commands.add_parser(
        "train",
        help="train a classifier on a labeled FASTA file (or a built-in data set)",
        description=(
            "Train a protein-sequence classifier, score it on the test split and save it "
            "in the run store (models/, or --home / $PROTVIZ_HOME). Progress goes to stderr. "
            "The data set's own train/valid/test split is used when it has one "
            "(--split-field/--split-key), else a stratified split with --seed. Training "
            "stops when validation loss has not improved for --patience epochs (the best "
            "weights are kept), or at the epoch cap (--epochs), or at the time cap "
            "(--time-cap-minutes). Two baselines (amino-acid composition and a bag of "
            "1-3-mers, logistic regression) are fitted on the same training split and "
            "scored on the same test sequences. --continue RUN trains a saved run for more "
            "epochs and saves a new run."
        ),
    )
    _add_training_options(parser)


def _add_training_options(parser: argparse.ArgumentParser) -> None:
    """What to train on and how: shared by ``train`` and ``job submit``."""
    parser.add_argument(
        "fasta", type=Path, nargs="?", help="labeled FASTA file (omit with --builtin)"
    )
    parser.add_argument(
        "--builtin", metavar="KEY", help="train on a built-in data set instead (motif, scl2205)"
    )
    parser.add_argument(
        "--arch", choices=ARCHITECTURE_NAMES, help="architecture (default conv_attention)"
    )
    parser.add_argument(
        "--continue",
        dest="continue_from",
        metavar="RUN",
        help="continue training this saved run (its model and optimizer state) for --epochs "
        "more epochs, on the data set it was trained on; saves a new run",
    )
    add_label_options(parser)
    _add_hyper_parameters(parser)
    _add_home_option(parser)
    parser.add_argument("--name", help="user-facing run name")


def _add_hyper_parameters(parser: argparse.ArgumentParser) -> None:
    """The ``train`` options that override :class:`TrainingConfig` defaults."""
    hyper = parser.add_argument_group(
        "hyper-parameters (default: the architecture's defaults, TrainingConfig.for_architecture)"
    )
    hyper.add_argument(
        "--epochs", type=int, metavar="N", help="epoch cap (with --continue: more epochs)"
    )
    hyper.add_argument(
        "--time-cap-minutes",
        type=float,
        metavar="X",
        help="stop after the last epoch that fits in X minutes (0 = no time cap; default 30)",
    )
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
    hyper.add_argument("--learning-rate", type=float, metavar="X", help="initial learning rate")
    hyper.add_argument(
        "--lr-schedule",
        choices=LR_SCHEDULES,
        help="plateau: halve the learning rate when validation loss stalls (default)",
    )
    hyper.add_argument(
        "--patience", type=int, metavar="N", help="early stopping: epochs without improvement"
    )
    hyper.add_argument("--seed", type=int, metavar="N")
    hyper.add_argument(
        "--class-weights",
        action=argparse.BooleanOptionalAction,
        help="weight classes by inverse frequency (default: when the classes are imbalanced, "
        "except for conv_attention)",
    )
    hyper.add_argument(
        "--ignore-split",
        action="store_true",
        help="ignore the data set's own split and use a stratified split",
    )
    _add_split_options(parser)


def _add_split_options(parser: argparse.ArgumentParser) -> None:
    """How the sequences are split, and the shuffled control."""
    split = parser.add_argument_group("splits that do not leak, and the shuffled control")
    split.add_argument(
        "--split",
        choices=SPLIT_KINDS,
        help="random: the data set's own split or a stratified one (default); metadata: whole "
        "groups of --split-by on one side; cluster: whole clusters of sequences at "
        "--identity or more on one side (MMseqs2 when installed, else shared 5-mers)",
    )
    split.add_argument(
        "--split-by",
        dest="metadata_column",
        metavar="COLUMN",
        help="metadata split: the metadata column whose groups stay whole, e.g. year "
        "(--split-column names the label table's split column)",
    )
    split.add_argument(
        "--identity",
        type=float,
        metavar="X",
        help=f"cluster split: identity threshold in (0, 1] (default {DEFAULT_IDENTITY})",
    )
    split.add_argument(
        "--shuffled-control",
        metavar="RUN",
        help="train the shuffled control of a saved run: its architecture and settings, "
        "trained and tested on residue-shuffled sequences; saves a new run",
    )


def add_evaluate(commands: Commands) -> None:
    """Register ``evaluate RUN FASTA``: score a saved run on another labeled file."""
    parser = commands.add_parser(
        "evaluate",
        help="score a saved run on another labeled FASTA file",
        description=(
            "Score a saved run on a labeled FASTA file, with 95% bootstrap intervals, and "
            "the run's baselines on the same sequences. Sequences whose label is not one of "
            "the run's classes are left out of the scores and listed."
        ),
    )
    parser.add_argument("run", help="run id (see `python -m protviz runs`)")
    parser.add_argument("fasta", type=Path, help="labeled FASTA file")
    add_label_options(parser)
    _add_home_option(parser)


def add_runs(commands: Commands) -> None:
    """Register ``runs``: list the saved runs."""
    parser = commands.add_parser(
        "runs",
        help="list the saved runs",
        description="List the runs in the run store, newest first.",
    )
    _add_home_option(parser)


def add_embed(commands: Commands) -> None:
    """Register ``embed [RUN] FASTA``: per-sequence vectors, to a file or a Projector folder."""
    parser = commands.add_parser(
        "embed",
        help="write per-sequence embeddings (of a saved run, or k-mer profiles) to a file",
        description="Compute per-sequence vectors: "
        + "; ".join(f"{k}: {v}" for k, v in KIND_HELP.items())
        + ". The run kinds need a run id; kmer needs none (embed --kind kmer FASTA). "
        "Labels are optional (unlabeled FASTA is fine). Write a vectors file (--out) and/or "
        "the three files of the TensorFlow Embedding Projector (--projector DIR).",
    )
    parser.add_argument("run", nargs="?", metavar="RUN", help="run id (not with --kind kmer)")
    parser.add_argument("fasta", nargs="?", metavar="FASTA", help="FASTA file (labels optional)")
    parser.add_argument(
        "--builtin", metavar="KEY", help="embed a built-in data set instead (motif, scl2205)"
    )
    parser.add_argument("--kind", choices=RUN_KINDS + DATASET_KINDS, default="averaged")
    parser.add_argument(
        "--seed", type=int, default=0, help="kmer: seed of the fit sample and the SVD"
    )
    _add_out_option(parser, required=False)
    parser.add_argument(
        "--projector",
        type=Path,
        metavar="DIR",
        help="write vectors.tsv, metadata.tsv and projector_config.json for the "
        "TensorFlow Embedding Projector into DIR",
    )
    add_label_options(parser)
    _add_home_option(parser)


def add_project(commands: Commands) -> None:
    """Register ``project FILE``: 2-D/3-D coordinates of a vectors file."""
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
    _add_out_option(parser)


def add_project_job(commands: Commands) -> None:
    """Register ``project-job FOLDER``: run a background projection (what the app starts)."""
    parser = commands.add_parser(
        "project-job",
        help="run a queued background projection in this process (what the web app starts)",
        description="Run the t-SNE or UMAP projection queued in FOLDER "
        "($PROTVIZ_HOME/projections/<key>/: request.json, vectors.npy) at lower priority "
        "($PROTVIZ_JOB_NICE, default 10; on Linux also SCHED_IDLE unless $PROTVIZ_JOB_IDLE=0), "
        "writing its progress to status.json and its "
        "result to coordinates.npy and result.json, then starts the next queued projection. "
        "SIGTERM stops it (nothing is kept). A projection that fails exits with status 2, "
        "its reason on stderr.",
    )
    parser.add_argument("folder", type=Path, help="the projection job's folder")
    parser.set_defaults(module="project_job")


def add_job(commands: Commands) -> None:
    """Register ``job {submit,run,list,cancel}``: the training queue the app uses."""
    parser = commands.add_parser(
        "job",
        help="queue, run, list or cancel training jobs (the queue the web app uses)",
        description=(
            "Training jobs live in $PROTVIZ_HOME/jobs/<job_id>/ (record, progress, log). "
            "A protviz server starts queued jobs itself (PROTVIZ_MAX_JOBS at once); any other "
            "machine sharing the store can run one with `job run`."
        ),
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    submit = actions.add_parser(
        "submit",
        help="queue a training job (a FASTA file is saved in the store first)",
        description="Queue a training job with the options of `train`; print its id and folder.",
    )
    _add_training_options(submit)
    run = actions.add_parser(
        "run",
        help="train a queued job in this process (what a server's worker runs)",
        description=(
            "Take a queued job (its folder, or --next for the oldest) and train it here, at "
            "lower priority ($PROTVIZ_JOB_NICE, default 10; on Linux also SCHED_IDLE unless "
            "$PROTVIZ_JOB_IDLE=0), writing progress and log to the job folder. SIGTERM "
            "cancels it (nothing is saved). Exit status 2 if it fails."
        ),
    )
    run.add_argument(
        "folder", type=Path, nargs="?", help="the job folder, e.g. $PROTVIZ_HOME/jobs/ID"
    )
    run.add_argument("--next", action="store_true", help="take the oldest queued job of the store")
    _add_home_option(run)
    run.set_defaults(module="job_run")
    _add_home_option(actions.add_parser("list", help="list the jobs, in queue order"))
    cancel = actions.add_parser("cancel", help="cancel a queued or running job")
    cancel.add_argument("job_id", help="the job's id (see `job list`)")
    _add_home_option(cancel)
    for action in actions.choices.values():
        action.add_argument("--json", action="store_true", help="print one JSON object last")


def _add_home_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", type=Path, metavar="DIR", help="run store root")


def _add_out_option(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument(
        "--out", type=Path, required=required, help="output file: .csv, .tsv, .parquet or .h5"
    )


PARSERS: dict[str, Callable[[Commands], None]] = {
    "check": add_check,
    "train": add_train,
    "evaluate": add_evaluate,
    "runs": add_runs,
    "embed": add_embed,
    "project": add_project,
    "project-job": add_project_job,
    "job": add_job,
}
"""Every sub-command, in the order ``--help`` lists them, with the function defining its options."""
