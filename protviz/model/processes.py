"""Is a training worker still alive, and why did it end? (No TensorFlow.)

A worker is named by its host, its pid and its start time in clock ticks since
boot (``/proc/<pid>/stat`` on Linux), so a pid the system has since given to
another process is not taken for the worker. A zombie (a dead child not yet
reaped) counts as dead. Where ``/proc`` is missing the pid alone is checked.
"""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

from protviz.core.job_record import WorkerInfo

PROC = Path("/proc")
"""Linux's process table."""

DEAD_STATES = frozenset({"Z", "X", "x"})
"""``/proc/<pid>/stat`` states of a process that has ended (zombie, dead)."""


def this_host() -> str:
    """This machine's name, as recorded in a worker."""
    return socket.gethostname()


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name, or None if no such pid."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name is in parentheses and may itself hold spaces or parentheses.
    return text[text.rindex(")") + 2 :].split()


def process_start(pid: int) -> int | None:
    """The start time of process ``pid`` in clock ticks since boot, or None if unknown."""
    if not PROC.is_dir():
        return None
    fields = _stat_fields(pid)
    return None if fields is None else int(fields[19])  # field 22 of stat: starttime


def current_worker() -> WorkerInfo:
    """This process, as the worker of a job."""
    return WorkerInfo(host=this_host(), pid=os.getpid(), process_start=process_start(os.getpid()))


def worker_alive(worker: WorkerInfo) -> bool | None:
    """Whether ``worker`` is still running.

    Returns:
        True or False for a worker on this machine; None for a worker on another
        machine (judge it by its heartbeat).
    """
    if worker.host != this_host():
        return None
    if not PROC.is_dir():
        return _pid_exists(worker.pid)
    fields = _stat_fields(worker.pid)
    if fields is None or fields[0] in DEAD_STATES:
        return False
    return worker.process_start is None or int(fields[19]) == worker.process_start


def _pid_exists(pid: int) -> bool:
    """Whether a process ``pid`` exists (any owner)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exit_reason(returncode: int | None) -> str:
    """Why a worker ended without recording an outcome, in words for a person.

    Args:
        returncode: Its exit status as ``subprocess`` reports it (negative: the signal
            that killed it), or None when unknown (it was not this server's child).
    """
    if returncode is None:
        return (
            "The training process is gone without recording an outcome: it was stopped "
            "with its server or machine, or killed."
        )
    if returncode == -signal.SIGKILL:
        return (
            "The training process was killed (SIGKILL). The machine may have run out of "
            "memory (the kernel's out-of-memory killer sends SIGKILL): try a smaller batch "
            "size or max length, or a smaller data set."
        )
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else ""
        return f"The training process was stopped by signal {-returncode} {name}".rstrip() + "."
    return f"The training process ended with exit status {returncode} without an outcome."
