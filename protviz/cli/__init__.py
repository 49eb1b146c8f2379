"""The ``python -m protviz`` command line.

Each sub-command ``<name>`` has its options in :mod:`protviz.cli.parsers`
(``add_<name>``) and its work in the module ``protviz.cli.<name>`` (or the module a
parser names with ``set_defaults(module=...)``: ``job run`` is ``protviz.cli.job_run``,
so the other ``job`` actions stay light), which provides ``run(args) -> dict`` and
``format(result) -> str``. The result dict is
printed with ``format``, or as one JSON object on the last line with ``--json``.
A :class:`~protviz.core.errors.ProtvizError` prints its message on stderr and
exits with status 2.

Building the parser imports no TensorFlow: a command's module (which may) is
imported only when that command runs, in :func:`_command_module`, the one lazy
import of the command line.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from protviz.analysis.kinds import RUN_KINDS
from protviz.cli.common import EXIT_BAD_INPUT, EXIT_INTERRUPTED, quiet_tensorflow, result_text
from protviz.cli.parsers import PARSERS
from protviz.core.errors import ProtvizError
from protviz.model.worker import idle_policy, lower_priority, niceness

__all__ = ["build_parser", "main"]

TENSORFLOW_COMMANDS = frozenset({"train", "evaluate", "embed_run", "job_run"})
"""Command modules that load TensorFlow (its start-up log lines are hidden for them)."""


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m protviz",
        description="protviz: see what a neural network learned from protein sequences.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in PARSERS.values():
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
    module = module_name(args)
    if module in TENSORFLOW_COMMANDS:
        quiet_tensorflow()
    try:
        if module in ("job_run", "project_job"):  # workers yield the CPU from the start
            lower_priority(niceness(), idle=idle_policy())
        command = _command_module(module)
        result = command.run(args)
    except ProtvizError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted: nothing was saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(result_text(result, command.format, args.json))
    return 0


def module_name(args: argparse.Namespace) -> str:
    """The module that runs the parsed command: ``embed`` of a run's kind is
    ``embed_run`` (it loads TensorFlow); ``embed --kind kmer`` stays light; a
    sub-command may name its module (``job run`` is ``job_run``)."""
    if args.command == "embed" and args.kind in RUN_KINDS:
        return "embed_run"
    return getattr(args, "module", None) or args.command


def _command_module(name: str) -> ModuleType:
    """Import the module that runs sub-command ``name`` (``protviz.cli.<name>``).

    This is the command line's one lazy import: the modules of ``train``,
    ``evaluate``, ``embed`` and ``job run`` load TensorFlow, so they are imported
    only when their command runs.
    """
    return importlib.import_module(f"{__name__}.{name}")
